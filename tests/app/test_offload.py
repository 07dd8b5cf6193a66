"""A long log's reference is derived in a second process (``projections.offload``) while this one
writes it: what it makes, and what the audit and the rebuild then say, is what one process makes.

These stores are short; ``offload.FROM`` is lowered so that they are derived apart, and a spy
on ``offload.apart`` says that they were.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chrono.interchange.importing import import_files
from chrono.projections import cores, offload
from chrono.projections.audit import audit
from chrono.projections.rawlog import sqlite_file
from chrono.projections.readmodel import ReadModel, fresh
from chrono.projections.reference import Unreadable, reference
from chrono.projections.schema import DERIVED
from chrono.projections.share import Share
from chrono.store import open_store
from chrono.when import When
from tests.factories import PARTNERS, entry, jsonl
from tests.faults import test_tampering
from tests.faults.helpers import cli
from tests.faults.test_tampering import TAMPERS, _fill
from tests.spies import spied

store = test_tampering.store  # a store holding the bundled chronicle and a way to change it (a fixture, used by name)


@contextmanager
def _apart(monkeypatch: pytest.MonkeyPatch, wanted: bool) -> Iterator[list[int]]:
    """Derive every log apart (``wanted``) or none; yield the number of second processes started."""
    with monkeypatch.context() as patch:
        patch.setattr(offload, "FROM", 0 if wanted else 10**12)
        patch.setattr(offload, "worth", lambda events: events >= offload.FROM)  # also on a machine of one core
        yield spied(patch, offload, "apart")


def _tables(scratch: Any) -> dict[str, Any]:
    """Every derived table's rows (sorted) and the tracking rows of a reference in an SQLite file."""
    path = sqlite_file(scratch)
    assert path is not None
    with closing(sqlite3.connect(path)) as db:
        tables = {table: sorted(map(repr, db.execute(f"SELECT * FROM chrono_{table}"))) for table in DERIVED}
        tables["tracking"] = sorted(db.execute("SELECT name, position FROM chrono_tracking"))
    return tables


def _reference_tables(path: str, monkeypatch: pytest.MonkeyPatch, wanted: bool) -> dict[str, Any]:
    app = open_store(path)
    try:
        with _apart(monkeypatch, wanted) as started, reference(app) as scratch:
            tables = _tables(scratch)
        assert started == ([1] if wanted else [])
        return tables
    finally:
        app.close()


def test_a_reference_made_apart_holds_what_one_process_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "store.sqlite")
    _fill(path)  # the bundled chronicle, a correction, and facets (running totals, an explained metric) made between writes
    here, apart = _reference_tables(path, monkeypatch, False), _reference_tables(path, monkeypatch, True)
    assert all(here[table] for table in ("revisions", "contributions", "tallies", "totals", "members"))
    assert [name for name, _ in here["tracking"] if "/totals/" in name or "/members/" in name]
    assert apart == here


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_an_audit_made_apart_says_what_one_made_here_says(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    url = str(tmp_path / "store.sqlite") if backend == "sqlite" else str(request.getfixturevalue("postgres_url"))
    _fill(url)
    reports = []
    for wanted in (False, True):
        with _apart(monkeypatch, wanted) as started:
            code, out, err = cli("--store", url, "audit", "--format", "json")
        assert code == 0, err
        assert started == ([1] if wanted else [])
        reports.append(json.loads(out))
    assert reports[0]["findings"]  # the chronicle's conflicts and the like, seen in the second process too
    assert reports[1] == reports[0]


@pytest.mark.parametrize("tamper", ["events", "revisions", "contributions", "tallies", "totals", "members"])
def test_a_change_is_found_by_an_audit_made_apart(store: tuple[str, Callable[[str], None]], tamper: str, monkeypatch: pytest.MonkeyPatch) -> None:
    url, run = store
    run(TAMPERS[tamper])
    with _apart(monkeypatch, True) as started:
        code, out, _ = cli("--store", url, "audit", "--format", "json")
        assert code == 1, out
        checks = {problem["check"] for problem in json.loads(out)["problems"]}
        assert checks & {"chain", "table"}, out
        assert cli("--store", url, "rebuild")[0] == 1  # refused, or repaired on the record
        assert cli("--store", url, "audit")[0] == 1
    assert started


def test_a_damaged_event_is_reported_as_one_process_reports_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "store.sqlite")
    _fill(path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE stored_events SET state = X'00FF00FF' WHERE rowid = 34")
    messages = []
    for wanted in (False, True):
        with _apart(monkeypatch, wanted):
            report = audit(open_store(path))
        messages.append([problem.message for problem in report.problems if problem.check == "projection"])
    assert messages[0] and messages[1] == messages[0]


def test_a_second_process_that_fails_says_why(tmp_path: Path) -> None:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "nothing-here.sqlite")}
    with offload.apart(env, [10], None, None) as derived, pytest.raises(offload.DerivingFailed, match="OperationalError"):
        list(derived.stage())


def test_a_second_process_that_ends_without_a_word_is_named(tmp_path: Path) -> None:
    path = str(tmp_path / "store.sqlite")
    _fill(path)
    app = open_store(path)
    try:
        with offload.apart(dict(app.env), [app.head_position()], None, None) as derived:
            derived.process.kill()
            with pytest.raises(offload.DerivingFailed, match="ended"):
                for _ in derived.stage():
                    pass
    finally:
        app.close()


def test_a_reference_that_cannot_be_derived_apart_is_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "store.sqlite")
    _fill(path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE stored_events SET topic = 'chrono.nowhere:Nothing' WHERE rowid = 20")
    app = open_store(path)
    try:
        with _apart(monkeypatch, True), pytest.raises(Unreadable), reference(app):
            pass
    finally:
        app.close()


def _two_copies(tmp_path: Path) -> list[str]:
    """Two stores holding the same events and tables: one to be made here, one apart."""
    paths = [str(tmp_path / "here.sqlite"), str(tmp_path / "apart.sqlite")]
    _fill(paths[0])
    with closing(sqlite3.connect(paths[0])) as source, closing(sqlite3.connect(paths[1])) as target:
        source.backup(target)
    return paths


def test_a_forced_rebuild_made_apart_adopts_what_one_process_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _two_copies(tmp_path)
    dumps = []
    for path, wanted in zip(paths, (False, True), strict=True):
        with _apart(monkeypatch, wanted) as started:
            code, _, err = cli("--store", path, "rebuild", "--force")
        assert code == 0, err
        assert started == ([1] if wanted else [])
        with closing(sqlite3.connect(path)) as db:
            dumps.append({table: sorted(map(repr, db.execute(f"SELECT * FROM chrono_{table}"))) for table in DERIVED})
        assert cli("--store", path, "audit")[0] == 0
    assert dumps[1] == dumps[0]


def test_a_log_made_again_in_place_by_both_processes_is_what_one_process_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``offload.remake`` (a rebuild in place): this process derives its share of the entries and the
    second process the rest; the tables hold every row of both shares, once, as one process's do."""
    paths = _two_copies(tmp_path)
    dumps = []
    for path, wanted in zip(paths, (False, True), strict=True):
        app = open_store(path)
        try:
            with _apart(monkeypatch, wanted) as started:
                offload.remake(ReadModel(app, repair=True))
            assert started == ([1] if wanted else [])
        finally:
            app.close()
        with closing(sqlite3.connect(path)) as db:
            dumps.append({table: sorted(map(repr, db.execute(f"SELECT * FROM chrono_{table}"))) for table in DERIVED})
    shares = [Share(0, offload.HERE), Share(offload.HERE)]
    app = open_store(paths[1])
    try:
        entries = [n for n in app.recorder.select_notifications(start=1, limit=10_000) if n.topic.startswith("chrono.events.entry:Entry.")]
    finally:
        app.close()
    assert all(shares[0].holds(n) != shares[1].holds(n) for n in entries)
    assert all(any(share.holds(n) for n in entries) for share in shares)  # both processes derived some
    assert dumps[1] == dumps[0]


logs = st.lists(st.tuples(st.integers(1990, 2030), st.booleans(), st.booleans(), st.sampled_from(["china", "yunnan", "van-son"])), min_size=1, max_size=6)


@settings(max_examples=8, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(log=logs)
def test_for_random_logs_apart_and_here_make_the_same_tables(log: list[tuple[int, bool, bool, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = str(Path(directory) / "s.sqlite")
        app = open_store(path)
        try:
            records = [entry(f"e-{n}", when=str(year), partners=[partner]) for n, (year, _, _, partner) in enumerate(log)]
            import_files(app, [(jsonl([*PARTNERS, *records]), "in.jsonl")])
            for n, (year, corrected, retracted, _) in enumerate(log):
                if corrected:
                    app.correct(f"e-{n}", {"when": When.parse(f"{year}-06")}, "test", None)
                if retracted:
                    app.retract(f"e-{n}", "test")
            fresh(app)  # the store's read model, whose facets a reference makes
        finally:
            app.close()
        assert _reference_tables(path, monkeypatch, True) == _reference_tables(path, monkeypatch, False)


def test_only_a_long_log_on_more_than_one_core_is_derived_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not offload.worth(offload.FROM - 1)
    monkeypatch.setattr(cores, "_cores", lambda: 1)
    assert not offload.worth(offload.FROM)
    monkeypatch.setattr(cores, "_cores", lambda: 2)
    assert offload.worth(offload.FROM)


def test_the_cores_are_counted_where_the_system_gives_no_affinity(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    assert cores._cores() == 3
