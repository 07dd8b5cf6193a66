"""Damaged stores: each is one clear line (exit 2), and chrono writes nothing
into what it cannot read.

Truncated and corrupted SQLite files, files that are not chrono stores, a
store written by a newer chrono, a PostgreSQL server that refuses the
connection, and one that drops it in the middle of an import.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import time
import uuid
from pathlib import Path

import pytest

from chrono.interchange.importing import commands
from chrono.interchange.reading import read_records
from chrono.projections.readmodel import fresh
from chrono.store import open_store
from tests.factories import PARTNERS, entry, jsonl
from tests.faults.helpers import assert_clean_failure, chrono, chrono_popen, postgres_schema, records, write_jsonl


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def good_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A caught-up store of a few hundred entries, all in the main file (no -wal)."""
    path = tmp_path_factory.mktemp("good") / "good.sqlite"
    app = open_store(str(path))
    app.submit(commands(read_records(jsonl([*PARTNERS, *records(300)]), "seed.jsonl")))
    fresh(app)
    app.close()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def copy(source: Path, target: Path, data: bytes | None = None) -> Path:
    target.write_bytes(source.read_bytes() if data is None else data)
    return target


def refused(path: Path, *args: str) -> str:
    """Run a command on ``path``: it must fail clearly and leave the file as it was."""
    before = digest(path)
    [line] = assert_clean_failure(chrono("--store", str(path), *(args or ("timeline",))))
    assert digest(path) == before, "chrono wrote into a store it refused"
    return line


@pytest.mark.parametrize("keep", [20, 99, 4096, 0.5])
def test_a_truncated_store_is_refused_untouched(good_store: Path, tmp_path: Path, keep: float) -> None:
    data = good_store.read_bytes()
    size = int(len(data) * keep) if isinstance(keep, float) else keep
    line = refused(copy(good_store, tmp_path / "cut.sqlite", data[:size]))
    assert "damaged" in line or "not a chrono store" in line, line


def test_a_store_cut_short_in_a_checkpoint_opens_from_its_wal(good_store: Path, tmp_path: Path) -> None:
    # A process killed while SQLite copied its write-ahead log back leaves a
    # main file whose header already counts pages it has not written yet;
    # the -wal file still holds them, and SQLite recovers from it.
    crashed = copy(good_store, tmp_path / "crashed.sqlite")
    writer = sqlite3.connect(crashed)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("CREATE TABLE later (n INTEGER, filler TEXT)")
        writer.executemany("INSERT INTO later VALUES (?, ?)", [(n, "x" * 500) for n in range(2000)])
        writer.commit()
        wal = Path(f"{crashed}-wal").read_bytes()
        main = bytearray(crashed.read_bytes())
    finally:
        writer.close()
    main[28:32] = (len(main) // int.from_bytes(main[16:18], "big") + 400).to_bytes(4, "big")
    copy(crashed, crashed, bytes(main))
    Path(f"{crashed}-wal").write_bytes(wal)
    app = open_store(str(crashed))
    try:
        assert len(fresh(app).entries()) == 300
    finally:
        app.close()
    with sqlite3.connect(crashed) as connection:
        assert connection.execute("SELECT count(*) FROM later").fetchone() == (2000,)


@pytest.mark.parametrize("seed", range(6))
def test_a_corrupted_store_fails_clearly_or_still_reads(good_store: Path, tmp_path: Path, seed: int) -> None:
    """Random bytes flipped anywhere: chrono reads what is intact, or says
    the store is damaged; never a traceback, never a write into it."""
    data = bytearray(good_store.read_bytes())
    rng = random.Random(seed)
    start = rng.randrange(100, len(data) - 64)
    for offset in range(start, start + 64):
        data[offset] ^= rng.randrange(1, 256)
    path = copy(good_store, tmp_path / "bad.sqlite", bytes(data))
    before = digest(path)
    for command in (["timeline", "--format", "json"], ["audit", "--format", "json"]):
        result = chrono("--store", str(path), *command)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode in (0, 1, 2), result.stderr  # 1: a failed audit, naming what differs
        if result.returncode == 2:
            assert all(line.startswith("chrono: ") for line in result.stderr.splitlines()), result.stderr
            assert digest(path) == before


def test_files_that_are_not_stores_are_refused_untouched(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("meeting notes\n")
    assert "not a chrono store (not an SQLite database)" in refused(text)
    png = tmp_path / "photo.sqlite"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert "not a chrono store" in refused(png)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        connection.execute("INSERT INTO invoices VALUES (1, 9.5)")
    assert "an SQLite database but not a chrono store" in refused(other)
    foreign = tmp_path / "foreign.sqlite"  # another eventsourcing application's store
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB)")
        connection.execute("INSERT INTO stored_events VALUES ('x', 1, 'bank:Account.Opened', x'00')")
    assert "not a chrono store" in refused(foreign)
    [line] = assert_clean_failure(chrono("--store", str(tmp_path), "timeline"))
    assert "is a directory, not a store" in line


def test_a_store_written_by_a_newer_chrono_is_refused_untouched(good_store: Path, tmp_path: Path) -> None:
    path = copy(good_store, tmp_path / "newer.sqlite")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE chrono_meta SET value = '99' WHERE key = 'format'")
    for args in (("timeline",), ("import", str(write_jsonl(tmp_path / "e.jsonl", [entry("2030-x")]))), ("rebuild",)):
        assert "written by a newer chrono (store format 99); upgrade chrono" in refused(path, *args)


@pytest.mark.postgres
def test_a_postgres_store_written_by_a_newer_chrono_is_refused() -> None:
    import psycopg

    with postgres_schema() as url:
        open_store(url).close()
        schema = url.rsplit("schema=", 1)[1]
        with psycopg.connect(url.split("?", maxsplit=1)[0], autocommit=True) as connection:
            connection.execute(f"UPDATE {schema}.chrono_meta SET value = '99' WHERE key = 'format'")  # schema: ours, from uuid
        [line] = assert_clean_failure(chrono("--store", url, "timeline"))
        assert "written by a newer chrono (store format 99)" in line


def test_a_postgres_server_that_refuses_is_one_line_and_quick() -> None:
    started = time.monotonic()
    [line] = assert_clean_failure(chrono("--store", "postgresql://chrono:secret@127.0.0.1:1/chronicle", "timeline"))
    assert time.monotonic() - started < 15
    assert "cannot open store postgresql://chrono:***@127.0.0.1:1/chronicle" in line and "refused" in line.lower()
    assert "secret" not in line


def test_a_postgres_url_with_an_unsafe_schema_name_is_refused() -> None:
    for schema in ("a;DROP TABLE x", "Public", "x y", "a" * 64):
        [line] = assert_clean_failure(chrono("--store", f"postgresql://postgres@127.0.0.1:1/test?schema={schema}", "timeline"))
        assert "is not a schema name chrono accepts" in line


@pytest.mark.slow
@pytest.mark.postgres
def test_a_connection_dropped_mid_import_is_one_line_and_all_or_nothing(tmp_path: Path) -> None:
    import psycopg

    from tests.conftest import POSTGRES_URL

    big = write_jsonl(tmp_path / "big.jsonl", records(6000))
    name = f"chrono-fault-{uuid.uuid4().hex[:8]}"
    with postgres_schema() as url:
        open_store(url).submit(commands(read_records(jsonl(PARTNERS), "p.jsonl")))
        process = chrono_popen("--store", url, "import", str(big), env={"PGAPPNAME": name})
        killed = 0
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            deadline = time.monotonic() + 30
            while process.poll() is None and time.monotonic() < deadline and not killed:
                rows = admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s AND state = 'active'", (name,)
                ).fetchall()
                killed = len(rows)
                time.sleep(0.01)
        _, stderr = process.communicate(timeout=120)
        assert killed, "the import finished before its connection could be dropped"
        assert "Traceback" not in stderr, stderr
        assert all(line.startswith("chrono: ") for line in stderr.splitlines()), stderr
        if process.returncode != 0:
            assert process.returncode == 2 and "connection" in stderr, stderr
        app = open_store(url)
        try:
            count = sum(1 for _ in app.stored_notifications())
            assert count in (len(PARTNERS), len(PARTNERS) + 6000), count
        finally:
            app.close()
        again = chrono("--store", url, "import", str(big))
        assert again.returncode == 0, again.stderr
