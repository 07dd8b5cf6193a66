"""The application on real stores: record, import, correct, retract, re-open."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from chrono.errors import Rejected, StoreError, UnknownEntry
from chrono.events.application import Chronicle
from chrono.interchange.importing import import_files
from chrono.store import open_store
from tests.factories import PARTNERS, entry, jsonl


def fill(app: Chronicle, *records: dict, name: str = "input.jsonl"):
    return import_files(app, [(jsonl([*PARTNERS, *records]), name)])


def test_an_imported_entry_is_read_back_with_its_kind_facts_and_sources(store_url: str) -> None:
    app = open_store(store_url)
    report = fill(app, entry())
    assert "2021-van-son-programme" in report.recorded
    got = app.entry("2021-van-son-programme")
    assert got.kind == "AgreementSigned"
    assert got.facts.when.edtf == "2021"
    assert got.facts.partners == ("van-son",)
    assert got.sources[0].quote == "Ký kết Chương trình hợp tác."
    assert got.sources[0].published is not None and got.sources[0].published.edtf == "2022-07-04"
    assert got.version == 1
    assert got.created_on.tzinfo is not None


def test_reimporting_the_same_file_records_nothing(store_url: str) -> None:
    app = open_store(store_url)
    fill(app, entry())
    head = app.head_position()
    again = fill(app, entry())
    assert again.recorded == ()
    assert "2021-van-son-programme" in again.unchanged
    assert app.head_position() == head


def test_reopening_a_store_keeps_everything(tmp_path: Path) -> None:
    path = str(tmp_path / "s.sqlite")
    fill(open_store(path), entry())
    reopened = open_store(path)
    assert reopened.entry("2021-van-son-programme").facts.title.en == "Cooperation programme with Wenshan"
    assert set(reopened.snapshot().partners) == {p["id"] for p in PARTNERS}


def test_one_bad_record_rejects_the_whole_import(store_url: str) -> None:
    app = open_store(store_url)
    bad = entry("2019-bad", when="2019-02-29")
    with pytest.raises(Rejected) as caught:
        fill(app, entry(), bad)
    problem = caught.value.problems[0]
    assert (problem.line, problem.field) == (len(PARTNERS) + 2, "when")
    assert "2019-02-29" in problem.message
    assert app.head_position() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "Befriended"}, "kind"),
        ({"partners": ["atlantis"]}, "partners"),
        ({"sources": []}, "sources"),
        ({"sources": [{"document": "a.txt", "quote": ""}]}, "sources.0.quote"),
        ({"quantities": [{"metric": "aid_value", "value": "-5", "unit": "VND"}]}, "quantities.0.value"),
        ({"quantities": [{"metric": "aid_value", "value": "lots", "unit": "VND"}]}, "quantities.0.value"),
        ({"when": "2020/2019"}, "when"),
        ({"when": "2019-13"}, "when"),
        ({"codes": {"cameo": "999"}}, "codes.cameo"),
    ],
)
def test_bad_records_are_named_by_field_and_nothing_is_written(store_url: str, change: dict, field: str) -> None:
    app = open_store(store_url)
    with pytest.raises(Rejected) as caught:
        fill(app, entry(**change))
    assert field in [p.field for p in caught.value.problems]
    assert app.head_position() == 0


def test_a_partner_defined_later_in_the_file_is_known(store_url: str) -> None:
    app = open_store(store_url)
    extra = {"type": "partner", "id": "malipo", "name": {"en": "Malipo", "vi": "Malypho"}, "level": "county", "parent": "van-son"}
    fill(app, entry(partners=["malipo"]), extra)
    assert app.entry("2021-van-son-programme").facts.partners == ("malipo",)


def test_a_duplicate_id_with_other_content_is_rejected(store_url: str) -> None:
    app = open_store(store_url)
    fill(app, entry())
    with pytest.raises(Rejected, match="different content"):
        fill(app, entry(when="2022"))


def test_corrections_keep_the_first_event_and_show_as_known_at(store_url: str) -> None:
    app = open_store(store_url)
    fill(app, entry())
    before = datetime.now(UTC)
    from chrono.when import When

    app.correct("2021-van-son-programme", {"when": When.parse("2021-03")}, "minutes give March", None)
    now = app.entry("2021-van-son-programme")
    assert now.facts.when.edtf == "2021-03"
    assert now.original.when.edtf == "2021"
    assert now.version == 2
    then = app.entry("2021-van-son-programme", known_at=before)
    assert then.facts.when.edtf == "2021"
    kinds = [type(e).__name__ for e in app.revisions("2021-van-son-programme")]
    assert kinds == ["AgreementSigned", "Corrected"]


def test_a_correction_that_changes_nothing_records_nothing(store_url: str) -> None:
    app = open_store(store_url)
    fill(app, entry())
    from chrono.when import When

    report = app.correct("2021-van-son-programme", {"when": When.parse("2021")}, "same", None)
    assert report.recorded == ()
    assert app.entry("2021-van-son-programme").version == 1


def test_retraction_is_recorded_once(store_url: str) -> None:
    app = open_store(store_url)
    fill(app, entry())
    assert app.retract("2021-van-son-programme", "duplicate").recorded == ("2021-van-son-programme",)
    assert app.retract("2021-van-son-programme", "duplicate").recorded == ()
    got = app.entry("2021-van-son-programme")
    assert got.retracted and got.retraction_reason == "duplicate"


def test_cite_and_outcome_records_append_events(store_url: str) -> None:
    app = open_store(store_url)
    planned = entry("2024-planned-talks", kind="TalksHeld", when="2024-04", status="planned")
    cite = {"type": "cite", "id": "2024-planned-talks", "source": {"document": "other.txt", "quote": "Hội đàm."}}
    outcome = {"type": "outcome", "id": "2024-planned-talks", "outcome": "held", "when": "2024-04-12"}
    fill(app, planned, cite, outcome)
    got = app.entry("2024-planned-talks")
    assert got.status == "held"
    assert got.facts.when.edtf == "2024-04-12"
    assert [s.document for s in got.sources] == ["article.txt", "other.txt"]
    assert fill(app, planned, cite, outcome).recorded == ()


def test_an_outcome_for_an_entry_that_was_not_planned_is_rejected(store_url: str) -> None:
    app = open_store(store_url)
    with pytest.raises(Rejected, match="not planned"):
        fill(app, entry(), {"type": "outcome", "id": "2021-van-son-programme", "outcome": "held"})


def test_unknown_entries_are_reported(store_url: str) -> None:
    app = open_store(store_url)
    with pytest.raises(UnknownEntry):
        app.entry("nothing-here")


def test_ids_are_derived_from_kind_date_and_title_when_missing(store_url: str) -> None:
    app = open_store(store_url)
    record = entry()
    del record["id"]
    report = fill(app, record)
    assert "2021-agreementsigned-cooperation-programme-with-wenshan" in report.recorded


def test_a_file_that_is_not_a_store_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my notes\n")
    with pytest.raises(StoreError, match="not a chrono store"):
        open_store(str(path))
    assert path.read_text() == "my notes\n"


def test_a_new_store_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    open_store(str(path))
    assert path.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("good", [True, False])
def test_an_import_gives_the_garbage_collector_back_as_it_found_it(store_url: str, good: bool) -> None:
    import gc

    record = entry() if good else {**entry(), "when": "not a date"}
    app = open_store(store_url)
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            seen: list[bool] = []
            try:
                import_files(app, [(jsonl([*PARTNERS, record]), "input.jsonl")], lambda *_: seen.append(gc.isenabled()))  # noqa: B023 (called during the import)
            except Rejected:
                assert not good
            assert seen and not any(seen), "the collector ran during the import"
            assert gc.isenabled() is enabled
    finally:
        gc.enable()
        app.close()


@pytest.mark.postgres
def test_a_long_postgres_transaction_is_not_cut_off_unless_the_environment_asks(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # eventsourcing ends a transaction idle for 5 s by default: an import of a large file (one transaction) was lost to it.
    app = open_store(postgres_url)
    assert app.recorder.datastore.idle_in_transaction_session_timeout == 0  # type: ignore[attr-defined]
    monkeypatch.setenv("POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT", "30")
    again = open_store(postgres_url)
    assert again.recorder.datastore.idle_in_transaction_session_timeout == 30  # type: ignore[attr-defined]


# -- a first import into an empty SQLite store ----------------------------------------


def _indexes(path: Path) -> set[str]:
    import sqlite3

    with sqlite3.connect(path) as connection:
        return {str(row[0]) for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'chrono_%'")}


def _expected_indexes() -> set[str]:
    from chrono.projections.schema import Dialect, indexes

    return {statement.split(" IF NOT EXISTS ")[1].split()[0] for statement in indexes(Dialect("?", "BLOB", ""))}


def _import(path: Path, *records: dict) -> int:
    """``chrono import`` of ``records`` (after the test partners) into the store at ``path``, in this process."""
    from chrono.cli import main

    source = path.parent / "input.jsonl"
    source.write_bytes(jsonl([*PARTNERS, *records]))
    return main(["--store", str(path), "import", str(source)])


def test_a_first_import_makes_every_index_it_deferred(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    assert _import(path, *(entry(f"e-{n}", when=str(1990 + n % 30)) for n in range(50))) == 0
    assert _expected_indexes() <= _indexes(path)


def test_a_first_import_refused_after_a_saved_chunk_leaves_the_indexes_as_they_were(tmp_path: Path) -> None:
    from chrono.events.writing import CHUNK

    path = tmp_path / "s.sqlite"
    good = [entry(f"e-{n}", when="2001") for n in range(CHUNK + 1)]
    assert _import(path, *good, {**entry("bad"), "when": "not a date"}) == 2  # its first chunk was saved, then the file refused
    assert _expected_indexes() <= _indexes(path)
    app = open_store(str(path))
    assert app.head_position() == 0
    app.close()


def test_a_large_write_folds_its_log_into_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chrono.store import sqlite

    monkeypatch.setattr(sqlite, "FOLD_BYTES", 1)
    path = tmp_path / "s.sqlite"
    app = open_store(str(path))
    fill(app, entry())
    assert Path(f"{path}-wal").stat().st_size == 0  # folded by the write, not left to the next query
    assert app.entry("2021-van-son-programme").version == 1
    app.close()
