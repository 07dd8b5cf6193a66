"""``chrono update-chronicle`` as a user runs it on a store an older chrono filled."""

from __future__ import annotations

import json
from pathlib import Path

from chrono.interchange.bundled import bundled_files
from chrono.interchange.importing import import_files
from chrono.store import open_store
from tests.app.test_bundled_update import FIRST_EDITION, last_recorded
from tests.e2e.test_cli import chrono


def _old(path: Path) -> str:
    app = open_store(str(path))
    import_files(app, [(data, name) for data, name in bundled_files() if name in FIRST_EDITION])
    return last_recorded(app).isoformat()


def _district_figure(store: str, *extra: str) -> dict:
    result = chrono("--store", store, "timeline", "--kind", "FigureReported", "--format", "json", *extra)
    assert result.returncode == 0, result.stderr
    (entry,) = [e for e in json.loads(result.stdout)["entries"] if e["id"] == "2018-border-district-twinnings-figure"]
    return entry


def test_a_dry_run_shows_the_steps_and_writes_nothing_then_the_update_records_them(tmp_path: Path) -> None:
    store = str(tmp_path / "old.sqlite")
    moment = _old(tmp_path / "old.sqlite")
    head = chrono("--store", store, "audit", "--format", "json")
    dry = chrono("--store", store, "update-chronicle", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "dry run" in dry.stdout and "2018-border-district-twinnings-figure" in dry.stdout and "retract" in dry.stdout
    assert chrono("--store", store, "audit", "--format", "json").stdout == head.stdout

    done = chrono("--store", store, "update-chronicle", "--format", "json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["written"] and not answer["dry_run"] and answer["steps"]
    assert {"action", "id", "what", "origin"} <= set(answer["steps"][0])
    assert "head " in done.stderr  # a write prints its head digest

    # The read side shows the corrected figure, and as known before the update the old one.
    assert _district_figure(store)["when"]["edtf"] == "2022-07-04"
    assert _district_figure(store, "--known-at", moment)["when"]["edtf"] == "2018/2022-07-04"

    again = chrono("--store", store, "update-chronicle")
    assert again.returncode == 0 and "nothing to record" in again.stdout


def test_a_store_of_other_entries_is_refused_in_one_line(tmp_path: Path) -> None:
    record = {"id": "mine", "kind": "VisitMade", "when": "2020", "title": {"en": "A visit"}, "sources": [{"document": "d", "quote": "q"}]}
    data = tmp_path / "mine.jsonl"
    data.write_text(json.dumps(record), encoding="utf-8")
    store = str(tmp_path / "mine.sqlite")
    assert chrono("--store", store, "import", str(data)).returncode == 0
    refused = chrono("--store", store, "update-chronicle")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "none of the bundled chronicle" in refused.stderr
