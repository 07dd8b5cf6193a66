"""A 10,000-entry synthetic chronicle (bench.generate), with its corrections, in every export format.

Each format is written by the command as a user runs it and read back by the
tool's own reader or schema; the page is also opened in the browser where
one can be had.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bench import generate
from bench.writes import apply_changes
from chrono.events.entry import Entry
from chrono.interchange.importing import import_files
from chrono.store import open_store
from tests.app.test_exports import page_blocks
from tests.e2e.test_cli import chrono
from tests.readers import check_plover, check_timelinejs, parse_quickstatements

pytestmark = pytest.mark.slow
SIZE = 10_000


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[Entry]]]:
    """The store's path and its entries as recorded now (retracted ones included)."""
    folder = tmp_path_factory.mktemp("synthetic")
    chronicle, changes = generate.ensure(folder, SIZE, 1)
    path = str(folder / "store.sqlite")
    app = open_store(path)
    import_files(app, [(chronicle.read_bytes(), chronicle.name)])
    time.sleep(1.01 - datetime.now(UTC).microsecond / 1e6)  # corrections a second later: the page offers them
    apply_changes(path, changes)
    entries = list(app.snapshot().entries.values())
    app.close()
    yield path, entries


def exported(path: str, tmp_path: Path, format_name: str) -> tuple[str, str]:
    result = chrono("--store", path, "export", "--format", format_name)
    assert result.returncode == 0, result.stderr
    (tmp_path / f"synthetic.{format_name}").write_text(result.stdout, encoding="utf-8")
    return result.stdout, result.stderr


def live(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if not e.retracted]


def test_timelinejs(synthetic: tuple[str, list[Entry]], tmp_path: Path) -> None:
    path, entries = synthetic
    document = json.loads(exported(path, tmp_path, "timelinejs")[0])
    assert check_timelinejs(document) == []
    placed = [e for e in live(entries) if e.facts.when.earliest_key or e.facts.when.latest_key]
    assert len(document["events"]) == len(placed) > SIZE * 0.9


def test_ics(synthetic: tuple[str, list[Entry]], tmp_path: Path) -> None:
    from icalendar import Calendar

    path, entries = synthetic
    calendar = Calendar.from_ical(exported(path, tmp_path, "ics")[0])

    def held(when: Any) -> bool:
        """Both bounds in iCalendar's years, or one side only (a one-sided date stands on its known bound)."""
        if (when.earliest_key is None) != (when.latest_key is None):
            return bool(when.earliest or when.latest)
        return bool(when.earliest and when.latest and when.latest != date.max)

    dated = [e for e in live(entries) if held(e.facts.when)]
    one_sided = [e for e in dated if (e.facts.when.earliest is None) != (e.facts.when.latest is None)]
    assert len(calendar.walk("VEVENT")) == len(dated) > SIZE * 0.8 and one_sided


def test_plover(synthetic: tuple[str, list[Entry]], tmp_path: Path) -> None:
    path, entries = synthetic
    records = [json.loads(line) for line in exported(path, tmp_path, "plover")[0].splitlines()]
    assert [p for r in records if (p := check_plover(r))] == []
    happenings = [e for e in live(entries) if e.kind != "FigureReported" and (e.facts.when.earliest or e.facts.when.latest)]
    assert len(records) == len(happenings)


def test_quickstatements(synthetic: tuple[str, list[Entry]], tmp_path: Path) -> None:
    path, entries = synthetic
    commands = parse_quickstatements(exported(path, tmp_path, "quickstatements")[0])
    assert sum(1 for c in commands if c["what"] == "create") == len(live(entries))
    dates = [c for c in commands if c["what"] == "statement" and c["property"] in ("P585", "P580", "P582")]
    assert all(c["sources"] for c in dates)


def test_html(synthetic: tuple[str, list[Entry]], tmp_path: Path) -> None:
    path, entries = synthetic
    page = exported(path, tmp_path, "html")[0]
    data, meta = page_blocks(page)
    assert {e["id"] for e in data} == {e.slug for e in entries}  # retracted ones too: they show at earlier known-at times
    assert len(meta["knownAt"]) >= 2
    corrected = [e for e in data if len(e["revs"]) > 1 and e["revs"][-1]["t"] > e["revs"][0]["t"]]
    assert len(corrected) >= SIZE * 0.04
    _in_the_browser(tmp_path / "synthetic.html", {e.slug for e in live(entries)})


def _in_the_browser(page: Path, expected: set[str]) -> Any:
    from tests.e2e.browser import Visit, chromium, unavailable

    if unavailable():
        pytest.skip(f"the page was checked, not opened: {unavailable()}")
    with chromium() as context:
        visit = Visit(context, page)
        ids = visit.page.eval_on_selector_all("#timeline g.entry", "nodes => nodes.map(n => n.dataset.id)")
        assert set(ids) == expected and len(ids) == len(expected)
        assert visit.errors == [] and visit.other_requests == []
