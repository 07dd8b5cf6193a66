"""``indexing.sorted_apart``: SQLite's sorts in worker threads for the statements of a block, and the connection as it was after it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from chrono.projections import cores
from chrono.projections.indexing import sorted_apart
from chrono.projections.schema import Dialect

SQLITE = Dialect(placeholder="?", blob="BLOB", prefix="")
POSTGRES = Dialect(placeholder="%s", blob="BYTEA", prefix="")


@pytest.fixture
def cursor(tmp_path: Path) -> Iterator[sqlite3.Cursor]:
    with closing(sqlite3.connect(tmp_path / "store.db", isolation_level=None)) as db:
        cursor = db.cursor()
        cursor.execute("PRAGMA cache_size = -65536")  # a write's, as the recorder sets it
        yield cursor


def _pragma(cursor: sqlite3.Cursor, name: str) -> int:
    return int(cursor.execute(f"PRAGMA {name}").fetchone()[0])


def test_an_index_is_sorted_in_worker_threads_with_a_small_sorter_and_the_connection_is_given_back(
    cursor: sqlite3.Cursor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cores, "_cores", lambda: 2)
    cursor.execute("CREATE TABLE t (a INTEGER, b TEXT)")
    cursor.executemany("INSERT INTO t VALUES (?, ?)", [(n % 97, str(n)) for n in range(5000)])
    with sorted_apart(cursor, SQLITE):
        assert (_pragma(cursor, "threads"), _pragma(cursor, "cache_size")) == (2, -2000)
        cursor.execute("CREATE INDEX t_a ON t (a, b)")
    assert (_pragma(cursor, "threads"), _pragma(cursor, "cache_size")) == (0, -65536)
    rows = sorted((n % 97, str(n)) for n in range(5000))
    assert cursor.execute("SELECT a, b FROM t INDEXED BY t_a ORDER BY a, b").fetchall() == rows


def test_one_core_or_postgresql_leaves_the_sort_as_it_is(cursor: sqlite3.Cursor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cores, "_cores", lambda: 1)
    with sorted_apart(cursor, SQLITE):
        assert (_pragma(cursor, "threads"), _pragma(cursor, "cache_size")) == (0, -65536)
    monkeypatch.setattr(cores, "_cores", lambda: 2)
    with sorted_apart(cursor, POSTGRES):  # never asked of the server: it decides its own workers
        assert _pragma(cursor, "threads") == 0


def test_a_failure_in_the_block_still_gives_the_connection_back(cursor: sqlite3.Cursor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cores, "_cores", lambda: 2)
    with pytest.raises(sqlite3.OperationalError), sorted_apart(cursor, SQLITE):
        cursor.execute("CREATE INDEX nowhere ON missing (a)")
    assert (_pragma(cursor, "threads"), _pragma(cursor, "cache_size")) == (0, -65536)
