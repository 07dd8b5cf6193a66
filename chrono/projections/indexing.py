"""Indexes made from many rows at once: SQLite's sort spread over the cores.

A first import and a rebuild make their indexes after the rows. SQLite
sorts what an index is made of; given worker threads (``PRAGMA threads``,
none by default) and a sorter memory as small as its default page cache, it
sorts pieces in the other threads and merges them: the fourteen secondary
indexes of the bench's 100k took 1.8 to 2.0 s instead of 2.7 to 2.9 s on two
cores. A large cache made it slower (3.1 s): the sort is then one piece, in
this thread. PostgreSQL decides this itself (``max_parallel_maintenance_workers``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from chrono.projections.cores import cores_to_spare
from chrono.projections.schema import Dialect

_THREADS = 2  # a core of its own each, on the machines of DESIGN.md section 9
_SORTER_CACHE_KIB = 2000  # SQLite's default page cache, which sizes its sorter's pieces


@contextmanager
def sorted_apart(cursor: Any, dialect: Dialect) -> Iterator[None]:
    """Statements run in this block sort in worker threads where there are cores to spare (SQLite only);
    the connection's threads and page cache are as they were after it."""
    if dialect.postgres or not cores_to_spare():
        yield
        return
    before = _pragma(cursor, "threads"), _pragma(cursor, "cache_size")
    cursor.execute(f"PRAGMA threads = {_THREADS}")
    cursor.execute(f"PRAGMA cache_size = -{_SORTER_CACHE_KIB}")
    try:
        yield
    finally:
        with suppress(sqlite3.Error):  # the connection's own failure is what the write reports
            cursor.execute(f"PRAGMA threads = {int(before[0])}")
            cursor.execute(f"PRAGMA cache_size = {int(before[1])}")


def _pragma(cursor: Any, name: str) -> int:
    cursor.execute(f"PRAGMA {name}")
    row = cursor.fetchone()
    return int(row[0])
