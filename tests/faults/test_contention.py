"""Contention: a store another writer holds locked.

A command that must write waits ``CHRONO_LOCK_TIMEOUT`` seconds for the lock,
then fails with exit code 2 and "the store is locked by another writer",
having written nothing; once the lock is released the same command succeeds
and the audit passes. Readers are not blocked: an SQLite store is in WAL mode.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from chrono.interchange.importing import commands
from chrono.interchange.reading import read_records
from chrono.projections.audit import audit
from chrono.projections.readmodel import fresh
from chrono.store import open_store
from tests.factories import PARTNERS, entry, jsonl
from tests.faults.helpers import assert_clean_failure, chrono, postgres_schema, write_jsonl

TIMEOUT = {"CHRONO_LOCK_TIMEOUT": "1"}


def seeded(store: str) -> str:
    app = open_store(store)
    try:
        app.submit(commands(read_records(jsonl([*PARTNERS, entry()]), "seed.jsonl")))
        fresh(app)
    finally:
        app.close()
    return store


def head_and_audit(store: str) -> tuple[object, bool]:
    app = open_store(store)
    try:
        return fresh(app).head(), audit(app).ok
    finally:
        app.close()


@contextmanager
def sqlite_writer(path: str) -> Iterator[None]:
    """Another process's write transaction, held open."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        connection.rollback()
        connection.close()


@contextmanager
def postgres_writer(url: str) -> Iterator[None]:
    import psycopg
    from psycopg import sql

    from chrono.store import postgres_env

    schema = postgres_env(url)["POSTGRES_SCHEMA"]
    base = url.split("?", maxsplit=1)[0]
    with psycopg.connect(base) as connection, connection.transaction():
        connection.execute(sql.SQL("LOCK TABLE {}.chrono_events IN EXCLUSIVE MODE").format(sql.Identifier(schema)))
        yield


def test_a_write_waits_its_timeout_then_says_the_store_is_locked(tmp_path: Path) -> None:
    store = seeded(str(tmp_path / "s.sqlite"))
    before = head_and_audit(store)
    new = write_jsonl(tmp_path / "new.jsonl", [entry("2022-new")])
    with sqlite_writer(store):
        started = time.monotonic()
        result = chrono("--store", store, "import", str(new), env=TIMEOUT)
        waited = time.monotonic() - started
        [line] = assert_clean_failure(result)
        assert "the store is locked by another writer (waited 1 s)" in line and "nothing was written" in line
        assert 1 <= waited < 10
        reading = chrono("--store", store, "timeline", "--format", "json", env=TIMEOUT)
        assert reading.returncode == 0, reading.stderr  # readers go on
    assert head_and_audit(store) == before
    assert chrono("--store", store, "import", str(new), env=TIMEOUT).returncode == 0
    assert head_and_audit(store)[1]


def test_every_writing_command_fails_cleanly_while_locked(tmp_path: Path) -> None:
    store = seeded(str(tmp_path / "s.sqlite"))
    before = head_and_audit(store)
    slug = entry()["id"]
    writes = [
        ["record", "VisitMade", "--when", "2024", "--title", "T", "--partner", "van-son", "--source", "s", "--quote", "q"],
        ["correct", slug, "--set", "when=2021-05", "--reason", "r"],
        ["retract", slug, "--reason", "r"],
        ["rebuild", "--force"],
    ]
    with sqlite_writer(store):
        for args in writes:
            [line] = assert_clean_failure(chrono("--store", store, *args, env=TIMEOUT))
            assert "locked by another writer" in line, args
    assert head_and_audit(store) == before


def test_the_lock_timeout_must_be_a_number_of_seconds(tmp_path: Path) -> None:
    for bad in ("soon", "0", "-3", "1.5"):
        [line] = assert_clean_failure(chrono("--store", str(tmp_path / "s.sqlite"), "timeline", env={"CHRONO_LOCK_TIMEOUT": bad}))
        assert "CHRONO_LOCK_TIMEOUT must be a whole number of seconds" in line


@pytest.mark.postgres
def test_a_postgres_write_waits_its_timeout_then_says_the_store_is_locked(tmp_path: Path) -> None:
    with postgres_schema() as url:
        seeded(url)
        before = head_and_audit(url)
        new = write_jsonl(tmp_path / "new.jsonl", [entry("2022-new")])
        with postgres_writer(url):
            started = time.monotonic()
            [line] = assert_clean_failure(chrono("--store", url, "import", str(new), env=TIMEOUT))
            waited = time.monotonic() - started
            assert "the store is locked by another writer" in line
            assert 1 <= waited < 10  # one timeout, not eventsourcing's ten retries
            reading = chrono("--store", url, "timeline", "--format", "json", env=TIMEOUT, timeout=30)
            assert reading.returncode == 0, reading.stderr  # readers go on
        assert head_and_audit(url) == before
        assert chrono("--store", url, "import", str(new), env=TIMEOUT).returncode == 0
