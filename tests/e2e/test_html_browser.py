"""The HTML export in a real headless browser: offline, complete, and as-of exactly as the command line.

Skipped, saying why, only where no Chromium or no Playwright can be had
(.ci/run installs both). The screenshots are test artefacts: written to the
folder CHRONO_TEST_ARTEFACTS names (.ci/run sets it to .ci/artefacts), else
to the test's temporary directory.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from chrono.interchange.bundled import import_bundled
from chrono.interchange.importing import import_files
from chrono.store import open_store
from chrono.when import When
from tests.e2e.browser import Visit, chromium, unavailable
from tests.e2e.test_cli import chrono
from tests.factories import PARTNERS, entry, jsonl

REASON = unavailable()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")
EPOCH = date(1970, 1, 1)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as context:
        yield context


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("bundled") / "store.sqlite")
    app = open_store(path)
    import_bundled(app)
    app.close()
    return path


@pytest.fixture
def artefacts(tmp_path: Path) -> Path:
    """Where a test's screenshots are kept."""
    named = os.environ.get("CHRONO_TEST_ARTEFACTS")
    folder = Path(named) if named else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def export_page(store: str, tmp_path: Path, *options: str) -> Path:
    result = chrono("--store", store, "export", "--format", "html", *options)
    assert result.returncode == 0, result.stderr
    page = tmp_path / "chronicle.html"
    page.write_text(result.stdout, encoding="utf-8")
    return page


def cli_json(store: str, *argv: str) -> Any:
    result = chrono("--store", store, *argv, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def entries_of(store: str) -> dict[str, dict[str, Any]]:
    result = chrono("--store", store, "export", "--format", "jsonl")
    return {r["id"]: r for r in map(json.loads, result.stdout.splitlines()) if r["type"] == "entry"}


def shown(visit: Visit) -> dict[str, str]:
    """Entry id -> the certainty the page marks it with."""
    marks: list[list[str]] = visit.page.eval_on_selector_all("#timeline g.entry", "nodes => nodes.map(n => [n.dataset.id, n.dataset.certainty])")
    return dict((pair[0], pair[1]) for pair in marks)


def move_slider(visit: Visit, day: date) -> None:
    """Move the as-of slider to ``day``, as dragging it does (its value is a day number)."""
    visit.page.eval_on_selector(
        "#as-of", "(slider, value) => { slider.value = value; slider.dispatchEvent(new Event('input', {bubbles: true})); }",
        str((day - EPOCH).days),
    )  # fmt: skip


def titles(visit: Visit) -> dict[str, str]:
    pairs: list[list[str]] = visit.page.eval_on_selector_all(
        "#timeline g.entry", "nodes => nodes.map(n => [n.dataset.id, n.querySelector('text').textContent])"
    )
    return dict((pair[0], pair[1]) for pair in pairs)


def test_the_page_loads_offline_without_error_and_shows_every_entry(browser: Any, store: str, tmp_path: Path, artefacts: Path) -> None:
    visit = Visit(browser, export_page(store, tmp_path))
    assert visit.errors == []
    assert visit.other_requests == []
    assert set(shown(visit)) == set(entries_of(store))
    assert not visit.page.is_visible("#known-at-box")  # nothing was corrected
    picture = artefacts / "chrono-html.png"
    visit.page.screenshot(path=str(picture), full_page=True)
    assert picture.stat().st_size > 10_000
    print(f"screenshot: {picture}")


@pytest.mark.parametrize("day", [date(2018, 12, 31), date(2022, 7, 4), date(2024, 3, 31)])
def test_the_as_of_slider_marks_entries_as_the_timeline_does(browser: Any, store: str, tmp_path: Path, artefacts: Path, day: date) -> None:
    visit = Visit(browser, export_page(store, tmp_path))
    move_slider(visit, day)
    expected = {e["id"]: e["certainty"] for e in cli_json(store, "timeline", "--as-of", day.isoformat())["entries"]}
    marks = shown(visit)
    assert {i: c for i, c in marks.items() if c != "future"} == expected
    assert set(marks) == set(entries_of(store))
    assert visit.page.input_value("#as-of-date") == day.isoformat()
    visit.page.screenshot(path=str(artefacts / f"chrono-html-as-of-{day}.png"))
    assert visit.errors == []


def test_the_language_switch_changes_titles_and_words(browser: Any, store: str, tmp_path: Path) -> None:
    visit = Visit(browser, export_page(store, tmp_path))
    records = entries_of(store)
    assert titles(visit) == {i: r["title"]["en"] for i, r in records.items()}
    visit.page.click("#lang-vi")
    assert titles(visit) == {i: r["title"]["vi"] or r["title"]["en"] for i, r in records.items()}
    assert visit.page.get_attribute("html", "lang") == "vi"
    assert "Tính đến" in visit.page.inner_text("#controls")
    visit.page.click("#lang-en")
    assert titles(visit) == {i: r["title"]["en"] for i, r in records.items()}


def test_an_entry_opens_its_sources_and_quotes(browser: Any, store: str, tmp_path: Path) -> None:
    visit = Visit(browser, export_page(store, tmp_path))
    record = entries_of(store)["2018-thien-bao-commune-twinning"]
    visit.page.click('#timeline g.entry[data-id="2018-thien-bao-commune-twinning"] text')
    panel = visit.page.inner_text("#details")
    assert record["title"]["en"] in panel
    assert all(source["quote"] in panel for source in record["sources"])
    assert record["when"]["edtf"] in panel


def test_the_partner_filter_keeps_what_the_timeline_keeps(browser: Any, store: str, tmp_path: Path) -> None:
    visit = Visit(browser, export_page(store, tmp_path))
    visit.page.select_option("#partner", "yunnan")
    expected = {e["id"] for e in cli_json(store, "timeline", "--partner", "yunnan")["entries"]}
    assert set(shown(visit)) == expected
    lanes = visit.page.eval_on_selector_all(".lane-label", "nodes => nodes.map(n => n.textContent)")
    assert "Wenshan" in lanes  # one level below the partner chosen


def test_zooming_narrows_the_years_shown(browser: Any, store: str, tmp_path: Path) -> None:
    visit = Visit(browser, export_page(store, tmp_path))
    before = visit.page.eval_on_selector_all(".axis text", "nodes => nodes.map(n => n.textContent)")
    for _ in range(3):
        visit.page.click("#zoom-in")
    after = visit.page.eval_on_selector_all(".axis text", "nodes => nodes.map(n => n.textContent)")
    assert after != before and visit.errors == []


@pytest.fixture
def corrected(tmp_path: Path) -> str:
    """A store with an entry corrected, and another retracted, a second after they were recorded."""
    path = str(tmp_path / "corrected.sqlite")
    app = open_store(path)
    nasty = '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    records = [*PARTNERS, entry("2021-van-son-programme"), entry("2019-visit", kind="VisitMade", when="2019-05"),
               entry("2020-nasty", kind="VisitMade", when="2020", title={"en": nasty, "vi": nasty})]  # fmt: skip
    import_files(app, [(jsonl(records), "records.jsonl")])
    time.sleep(1.01 - datetime.now(UTC).microsecond / 1e6)  # the page offers recording times to the second
    app.correct("2021-van-son-programme", {"when": When.parse("2021-03"), "title": _names("Programme signed in March")}, "minutes", None)
    app.retract("2019-visit", "recorded twice")
    app.close()
    return path


def _names(en: str) -> Any:
    from chrono.events.values import Names

    return Names(en, "Chương trình ký tháng 3")


def test_the_known_at_selector_shows_the_chronicle_as_recorded_then(browser: Any, corrected: str, tmp_path: Path) -> None:
    visit = Visit(browser, export_page(corrected, tmp_path))
    assert visit.page.is_visible("#known-at-box")
    assert titles(visit)["2021-van-son-programme"] == "Programme signed in March"
    assert "2019-visit" not in shown(visit)
    options = visit.page.eval_on_selector_all("#known-at option", "nodes => nodes.map(n => n.value)")
    visit.page.select_option("#known-at", options[1])  # before the first correction
    assert titles(visit)["2021-van-son-programme"] == "Cooperation programme with Wenshan"
    assert "2019-visit" in shown(visit)
    visit.page.select_option("#known-at", "")
    assert "2019-visit" not in shown(visit)
    assert visit.errors == []


def test_a_title_made_of_markup_is_shown_as_text_and_runs_nothing(browser: Any, corrected: str, tmp_path: Path) -> None:
    visit = Visit(browser, export_page(corrected, tmp_path))
    nasty = titles(visit)["2020-nasty"]
    assert nasty.startswith("</script><script>window.__pwned=1</script><img")
    assert visit.page.evaluate("window.__pwned === undefined")
    assert visit.page.locator("#timeline img").count() == 0
    visit.page.click('#timeline g.entry[data-id="2020-nasty"] text')
    assert "<img src=x" in visit.page.inner_text("#details")
    assert visit.errors == [] and visit.other_requests == []


def test_a_page_exported_as_of_a_date_in_vietnamese_opens_there(browser: Any, store: str, tmp_path: Path) -> None:
    visit = Visit(browser, export_page(store, tmp_path, "--as-of", "2018-12-31", "--lang", "vi"))
    assert visit.page.input_value("#as-of-date") == "2018-12-31"
    expected = {e["id"]: e["certainty"] for e in cli_json(store, "timeline", "--as-of", "2018-12-31")["entries"]}
    assert {i: c for i, c in shown(visit).items() if c != "future"} == expected
    records = entries_of(store)
    assert titles(visit) == {i: r["title"]["vi"] or r["title"]["en"] for i, r in records.items()}
    assert visit.page.get_attribute("html", "lang") == "vi"
    assert visit.errors == []


def lanes(visit: Visit) -> dict[str, str]:
    """Entry id -> the label of the lane it is drawn in (the last lane begun above it)."""
    found: dict[str, str] = visit.page.evaluate(
        """() => {
            const tops = [...document.querySelectorAll('.lane-label')].map(n => [Number(n.getAttribute('y')) - 15, n.textContent]);
            const lane = y => tops.filter(([top]) => top <= y).pop()[1];
            return Object.fromEntries([...document.querySelectorAll('#timeline g.entry')].map(g =>
                [g.dataset.id, lane(Number(/translate\\(0,([-0-9.]+)\\)/.exec(g.getAttribute('transform'))[1]))]));
        }"""
    )
    return found


def test_lanes_by_kind_hold_each_entry_in_its_kinds_lane(browser: Any, store: str, tmp_path: Path) -> None:
    from chrono.render.labels import kind_label

    records = entries_of(store)
    visit = Visit(browser, export_page(store, tmp_path))
    visit.page.select_option("#lanes", "kind")
    assert lanes(visit) == {i: r["kind"] for i, r in records.items()}
    visit.page.click("#lang-vi")
    assert lanes(visit) == {i: kind_label(r["kind"], "vi") for i, r in records.items()}
    # A page exported with --group kind opens with them.
    grouped = Visit(browser, export_page(store, tmp_path, "--group", "kind"))
    assert grouped.page.input_value("#lanes") == "kind"
    assert lanes(grouped) == {i: r["kind"] for i, r in records.items()}
    assert visit.errors == [] and grouped.errors == []


def marks(visit: Visit) -> dict[str, dict[str, Any]]:
    """Entry id -> how its mark is drawn: shape, class, left edge and width, mask, and the fill's opacity."""
    found: dict[str, dict[str, Any]] = visit.page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#timeline g.entry')].map(g => {
            const m = g.querySelector('.mark');
            return [g.dataset.id, {shape: m.tagName, cls: m.getAttribute('class'), x: Number(m.getAttribute('x')),
                width: Number(m.getAttribute('width')), mask: m.getAttribute('mask'), opacity: Number(getComputedStyle(m).fillOpacity)}];
        }))"""
    )
    return found


def test_each_entry_is_drawn_from_its_earliest_to_its_latest_bound_with_uncertainty_faded(browser: Any, store: str, tmp_path: Path) -> None:
    visit = Visit(browser, export_page(store, tmp_path))
    drawn = marks(visit)
    records = entries_of(store)
    whens = {i: r["when"] for i, r in records.items()}
    days = {i: ((date.fromisoformat(w["earliest"]) - EPOCH).days, (date.fromisoformat(w["latest"]) - EPOCH).days + 1)
            for i, w in whens.items() if w["earliest"] and w["latest"]}  # fmt: skip
    plot: float = visit.page.evaluate("document.querySelector('#timeline').plotWidth")
    spans = {i: d for i, d in days.items() if d[1] - d[0] > 1 and drawn[i]["x"] >= 0 and drawn[i]["x"] + drawn[i]["width"] <= plot}
    assert len(spans) > 20
    # One scale for all: every span's left edge and width are its bounds' days on it.
    first = min(spans, key=lambda i: spans[i][0])
    scale = statistics.median(drawn[i]["width"] / (d[1] - d[0]) for i, d in spans.items() if drawn[i]["width"] > 20)
    for i, (lo, hi) in spans.items():
        assert abs(drawn[i]["x"] - (drawn[first]["x"] + (lo - spans[first][0]) * scale)) < 1, i
        assert abs(drawn[i]["width"] - max((hi - lo) * scale, 4)) < 1, i
    for i, d in days.items():
        assert drawn[i]["shape"] == ("circle" if d[1] - d[0] == 1 else "rect"), i
    # An uncertain date is faded, an interval solid; an unknown start fades out to the left, an open end to the right.
    happened = [i for i in spans if records[i]["status"] == "happened"]  # a plan is drawn dashed and fainter still
    uncertain, intervals = [i for i in happened if "/" not in whens[i]["edtf"]], [i for i in happened if "/" in whens[i]["edtf"]]
    assert uncertain and intervals
    assert {drawn[i]["opacity"] for i in uncertain} == {0.28} and {drawn[i]["opacity"] for i in intervals} == {0.75}
    assert {drawn[i]["mask"] for i, w in whens.items() if w["earliest"] is None and w["latest"]} == {"url(#fade-left)"}
    assert {drawn[i]["mask"] for i, w in whens.items() if w["earliest"] and w["latest"] is None} == {"url(#fade-right)"}
    assert visit.errors == []
