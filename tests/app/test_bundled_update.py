"""A store filled by an older chrono gets the bundled chronicle's later readings, and keeps its history."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from chrono.errors import NotBundled
from chrono.events.application import Chronicle
from chrono.events.commands import Correction, Draft, Retraction
from chrono.interchange.bundled import bundled_files, import_bundled
from chrono.interchange.bundled_update import bundled_commands, update
from chrono.interchange.importing import import_files
from chrono.store import open_store
from chrono.when import When

# The chronicle as the first chrono shipped it: these files are never edited.
FIRST_EDITION = ("chrono/data/partners.jsonl", "chrono/data/chronicle/a.jsonl", "chrono/data/chronicle/b.jsonl")


def old_store(url: str) -> Chronicle:
    """A store as an older chrono left it: the first edition's files, imported."""
    app = open_store(url)
    import_files(app, [(data, name) for data, name in bundled_files() if name in FIRST_EDITION])
    return app


def last_recorded(app: Chronicle) -> datetime:
    return max(event.timestamp for _, event in app.domain_events())


def current(app: Chronicle, known_at: datetime | None = None) -> dict[str, Any]:
    """Everything a reader sees of each entry and partner, as recorded now (or at ``known_at``)."""
    state = app.snapshot(known_at)
    entries = {slug: (e.kind, e.facts, frozenset(e.sources), e.retracted, e.outcome) for slug, e in state.entries.items()}
    return {"entries": entries, "partners": state.partners}


def test_an_upgraded_store_keeps_its_history_and_matches_a_new_one(store_url: str, tmp_path: Any) -> None:
    app = old_store(store_url)
    before = current(app)
    moment = last_recorded(app)
    assert {name for _, name in bundled_files()} > set(FIRST_EDITION)  # the later readings are new files

    result = update(app)
    assert result.report is not None and result.steps and not result.left_alone
    assert last_recorded(app) > moment
    # Known at the moment before the update, the store says what the first edition said.
    assert current(app, known_at=moment) == before
    upgraded = current(app)
    assert upgraded != before
    # A store made from scratch ends with the same entries and partners.
    fresh = open_store(str(tmp_path / "fresh.sqlite"))
    import_bundled(fresh)
    assert current(fresh) == upgraded

    head = app.head_position()
    again = update(app)
    assert again.steps == () and again.report is None and app.head_position() == head


def test_the_update_records_each_later_record_as_its_own_event(sqlite_url: str) -> None:
    app = old_store(sqlite_url)
    later = [c for c in bundled_commands() if c.origin.file not in FIRST_EDITION]
    corrected = {c.slug for c in later if isinstance(c, Correction)}
    retracted = {c.slug for c in later if isinstance(c, Retraction)}
    added = {c.slug for c in later if isinstance(c, Draft)}
    assert corrected and retracted and added
    head = app.head_position()
    planned = update(app, dry_run=True)
    assert planned.report is None and app.head_position() == head  # a dry run writes nothing
    assert update(app).steps == planned.steps  # and shows what the update then records
    topics = {slug: [type(e).__name__ for e in app.revisions(slug)] for slug in corrected | retracted | added}
    for slug in corrected:
        assert topics[slug][0] != "Corrected" and "Corrected" in topics[slug], slug
    for slug in retracted:
        assert topics[slug][-1] == "Retracted", slug
    for slug in added:
        assert topics[slug][0] not in ("Corrected", "Retracted", "SourceCited"), slug
    assert {s.action for s in planned.steps} == {"partner", "entry", "cite", "correct", "retract"}


def test_a_correction_someone_made_since_is_left_alone(sqlite_url: str) -> None:
    app = old_store(sqlite_url)
    target = next(c for c in bundled_commands() if isinstance(c, Correction) and "when" in c.changes)
    app.correct(target.slug, {"when": When.parse("1990")}, "our own reading", None)
    result = update(app)
    assert [s.id for s in result.left_alone] == [target.slug]
    assert target.slug not in {s.id for s in result.steps if s.action == "correct"}
    assert app.entry(target.slug).facts.when.edtf == "1990"
    # The others are applied, and a second update still leaves it alone and records nothing.
    again = update(app)
    assert again.steps == () and [s.id for s in again.left_alone] == [target.slug]


def test_an_empty_store_is_filled_and_a_foreign_one_refused(sqlite_url: str, tmp_path: Any) -> None:
    empty = open_store(str(tmp_path / "empty.sqlite"))
    result = update(empty)
    fresh = open_store(sqlite_url)
    import_bundled(fresh)
    assert current(empty) == current(fresh)
    assert len(result.steps) == sum(1 for _ in bundled_commands())

    foreign = open_store(str(tmp_path / "foreign.sqlite"))
    record = {"id": "mine", "kind": "VisitMade", "when": "2020", "title": {"en": "A visit"}, "sources": [{"document": "d", "quote": "q"}]}
    import_files(foreign, [(json.dumps(record).encode(), "mine.jsonl")])
    with pytest.raises(NotBundled):
        update(foreign, dry_run=True)
