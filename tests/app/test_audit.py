"""Audit, replay and diff on real stores, with the log tampered with by hand."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from chrono.interchange.bundled import import_bundled
from chrono.interchange.eventlog import event_json
from chrono.interchange.importing import import_files
from chrono.interchange.shapes import dumps
from chrono.projections.audit import audit
from chrono.projections.chain import Digest
from chrono.projections.readmodel import fresh
from chrono.projections.replay import diff, replay
from chrono.render.audit import step_effect
from chrono.store import open_store
from chrono.when import When


@pytest.fixture
def sqlite_store(tmp_path: Path) -> str:
    path = str(tmp_path / "s.sqlite")
    import_bundled(open_store(path))
    return path


@pytest.fixture
def bundled_store(store_url: str) -> str:
    """The bundled chronicle in a new store, on each backend."""
    import_bundled(open_store(store_url))
    return store_url


def _flip(path: str, position: int) -> None:
    with sqlite3.connect(path) as connection:
        (state,) = connection.execute("SELECT state FROM stored_events WHERE rowid = ?", (position,)).fetchone()
        changed = bytearray(state)
        changed[len(changed) // 2] ^= 0x01
        connection.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (bytes(changed), position))


def test_an_untouched_store_passes(bundled_store: str) -> None:
    report = audit(open_store(bundled_store))
    assert report.ok and report.problems == ()
    assert report.head.position == report.events > 100


@pytest.mark.parametrize("position", [1, 57, 148])
def test_one_changed_byte_is_found_at_its_position(sqlite_store: str, position: int) -> None:
    audit(open_store(sqlite_store))
    _flip(sqlite_store, position)
    report = audit(open_store(sqlite_store))
    assert not report.ok
    assert report.problems[0].check == "chain"
    assert report.problems[0].position == position


def test_a_deleted_event_is_found(sqlite_store: str) -> None:
    audit(open_store(sqlite_store))
    with sqlite3.connect(sqlite_store) as connection:
        connection.execute("DELETE FROM stored_events WHERE rowid = 60")
    report = audit(open_store(sqlite_store))
    assert not report.ok
    assert report.problems[0].position == 60


def test_two_reordered_events_are_found(sqlite_store: str) -> None:
    audit(open_store(sqlite_store))
    with sqlite3.connect(sqlite_store) as connection:
        connection.execute("UPDATE stored_events SET rowid = -1 WHERE rowid = 30")
        connection.execute("UPDATE stored_events SET rowid = 30 WHERE rowid = 31")
        connection.execute("UPDATE stored_events SET rowid = 31 WHERE rowid = -1")
    report = audit(open_store(sqlite_store))
    assert not report.ok
    assert report.problems[0].position == 30


def test_expect_holds_until_the_log_before_it_changes(sqlite_store: str) -> None:
    app = open_store(sqlite_store)
    noted = audit(app).head
    app.correct("2018-thien-bao-commune-twinning", {"when": When.parse("2018-05")}, "minutes", None)
    assert audit(app, expect=noted).ok
    _flip(sqlite_store, 10)
    report = audit(open_store(sqlite_store), expect=noted)
    assert {p.check for p in report.problems} >= {"chain", "expect"}


def test_a_wrong_expected_digest_fails() -> None:
    with pytest.raises(ValueError, match="not a digest"):
        Digest.parse("12:abc")


@pytest.mark.postgres
def test_a_changed_postgres_row_is_found(postgres_url: str) -> None:
    app = open_store(postgres_url)
    import_bundled(app)
    assert audit(app).ok
    schema = postgres_url.rsplit("schema=", 1)[1]
    base = postgres_url.split("?", maxsplit=1)[0]
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"UPDATE {schema}.chrono_events SET state = overlay(state placing '\\x20'::bytea from 30 for 1) WHERE notification_id = 42")
    report = audit(open_store(postgres_url))
    assert not report.ok
    assert report.problems[0].position == 42


def _export(url: str) -> bytes:
    app = open_store(url)
    return "".join(dumps(event_json(n)) + "\n" for n in app.stored_notifications()).encode()


@pytest.mark.postgres
def test_events_round_trip_across_backends_with_the_same_head(tmp_path: Path, postgres_url: str) -> None:
    source = str(tmp_path / "a.sqlite")
    app = open_store(source)
    import_bundled(app)
    app.correct("2018-thien-bao-commune-twinning", {"when": When.parse("2018-05")}, "minutes", None)
    app.retract("2021-border-districts-twinning-plan", "test")
    head = audit(app).head
    import_files(open_store(postgres_url), [(_export(source), "log.jsonl")])
    assert audit(open_store(postgres_url)).head == head
    back = str(tmp_path / "b.sqlite")
    import_files(open_store(back), [(_export(postgres_url), "log.jsonl")])
    copy = open_store(back)
    assert audit(copy).head == head
    original = {e.slug: (e.facts, e.retracted, e.version) for e in fresh(app).entries()}
    assert {e.slug: (e.facts, e.retracted, e.version) for e in fresh(copy).entries()} == original


def test_replay_and_diff_after_a_correction_and_a_retraction(bundled_store: str) -> None:
    app = open_store(bundled_store)
    start = datetime.now(UTC)
    app.correct("2018-thien-bao-commune-twinning", {"when": When.parse("2018-05")}, "minutes give May", None)
    app.retract("2021-border-districts-twinning-plan", "a plan, not a twinning")
    steps = list(replay(app.domain_events()))
    assert [s.position for s in steps] == list(range(1, app.head_position() + 1))
    corrected, retracted = steps[-2], steps[-1]
    assert step_effect(corrected, "en") == "corrected when: 2018 → May 2018 — minutes give May"
    assert corrected.counters == {}
    assert retracted.timeline == steps[-3].timeline - 1
    changes = diff(app.domain_events(), start, datetime.now(UTC))
    assert [(c.id, c.change) for c in changes] == [
        ("2018-thien-bao-commune-twinning", "corrected"),
        ("2021-border-districts-twinning-plan", "retracted"),
    ]
    assert changes[0].to_json()["fields"] == {"when": {"from": "2018", "to": "2018-05"}}
    assert changes[0].to_json()["reason"] == "minutes give May"
    assert list(replay(app.domain_events(), until=5))[-1].position == 5


def test_the_chronicle_checks_surface_conflicts_and_overdue_plans(bundled_store: str) -> None:
    import pendulum

    report = audit(open_store(bundled_store), today=pendulum.Date(2030, 1, 1))
    assert report.ok
    # Its figures hold totals over years with single years inside them (trade since 2015 and in 2020,
    # Covid-19 aid up to 2022 and in 2021) and one stock observed at two dates: none competes.
    assert [f.message for f in report.findings if f.check == "conflict"] == []
    overdue = {f.id for f in report.findings if f.check == "overdue"}
    assert "2024-kunming-secretaries-conference-jwg-10th-session" in overdue
    early = audit(open_store(bundled_store), today=pendulum.Date(2020, 1, 1))
    assert "2024-kunming-secretaries-conference-jwg-10th-session" not in {f.id for f in early.findings if f.check == "overdue"}


def _figure(slug: str, value: str, document: str, *, period: str | None = None, observed: str | None = None) -> dict:
    quantity = {"metric": "district_twinnings", "value": value, "unit": "twinning", "period": period, "observed": observed}
    return {
        "id": slug, "kind": "FigureReported", "when": period or observed, "title": {"en": slug}, "partners": ["china"],
        "quantities": [quantity], "sources": [{"document": document, "quote": value}],
    }  # fmt: skip


def test_only_claims_about_the_same_period_or_date_are_conflicts(sqlite_url: str) -> None:
    import json

    records = [
        {"type": "partner", "id": "china", "name": {"en": "China"}, "level": "country"},
        _figure("six-on-the-day", "6", "a.txt", observed="2022-07-04"),
        _figure("five-on-the-day", "5", "b.txt", observed="2022-07-04"),
        _figure("three-earlier", "3", "c.txt", observed="2020"),
        _figure("nine-over-years", "9", "d.txt", period="2015/2022"),
        _figure("two-in-one-year", "2", "e.txt", period="2020"),
        _figure("four-over-years", "4", "f.txt", period="2015/2022"),
    ]  # fmt: skip
    app = open_store(sqlite_url)
    import_files(app, [("\n".join(json.dumps(r) for r in records).encode(), "claims.jsonl")])
    conflicts = [f.message for f in audit(app).findings if f.check == "conflict"]
    assert len(conflicts) == 2, conflicts
    assert any("six-on-the-day" in m and "five-on-the-day" in m for m in conflicts)
    assert any("nine-over-years" in m and "four-over-years" in m for m in conflicts)


def _recording_during(monkeypatch: pytest.MonkeyPatch, store: str, module: object, name: str, times: int) -> list[int]:
    """``module.name`` records a visit through another connection before it runs, the first ``times``
    times it runs: a write during the audit."""
    from tests.faults.helpers import cli

    real = getattr(module, name)
    calls: list[int] = []

    def wrapped(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) <= times:
            title = f"A visit {name} {len(calls)}"
            argv = ["record", "VisitMade", "--title", title, "--when", "2024-05", "--partner", "yunnan", "--source", "minutes", "--quote", "a visit"]
            assert cli("--store", store, *argv)[0] == 0
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapped)
    return calls


def test_a_write_during_the_audit_is_no_difference_the_audit_runs_again(bundled_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Written while the log is derived (the tables' fingerprints then differ from the log's) and again before
    the tables are compared with the reference made: the store holds a visit the reference lacks."""
    from chrono.projections import audit as audit_module
    from chrono.projections import audit_tables

    app = open_store(bundled_store)
    calls = _recording_during(monkeypatch, bundled_store, audit_module, "check_chain", times=1)
    _recording_during(monkeypatch, bundled_store, audit_tables, "differences", times=1)
    stages: list[str] = []
    report = audit(app, progress=stages.append)
    assert report.ok, report.problems
    assert len(calls) == 2  # the first run saw the store written, the second did not
    assert stages.count("chain") == 1 and "chain, again: the store was written meanwhile" in stages  # said on the terminal
    assert report.events == report.head.position == app.head_position()  # the log with both visits


def test_a_store_written_through_every_attempt_is_said_to_be_written_not_to_differ(bundled_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from chrono.projections import audit as audit_module
    from chrono.projections import audit_tables
    from chrono.projections.audit import ATTEMPTS

    calls = _recording_during(monkeypatch, bundled_store, audit_module, "check_chain", times=ATTEMPTS)
    _recording_during(monkeypatch, bundled_store, audit_tables, "differences", times=ATTEMPTS)
    report = audit(open_store(bundled_store))
    assert len(calls) == ATTEMPTS
    assert [problem.check for problem in report.problems] == ["store"]
    assert "written while it was audited" in report.problems[0].message
