"""A read model's tables taken from the reference a rebuild made, by the database itself (``chrono rebuild``).

The reference a rebuild makes from the log (``reference.reference``) is an
SQLite file beside an SQLite store, and a schema of its own beside a
PostgreSQL store (``scratch.place``); its tables are copied with
``INSERT ... SELECT`` across an attached database or from schema to schema,
so that no row passes through Python. Reading the rows out and writing them
back took a fifth of a rebuild. Other pairs are copied row by row
(``upkeep.adopt``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from chrono.projections import veil
from chrono.projections.rawlog import sqlite_file
from chrono.projections.schema import DERIVED, Dialect, drops, tables, zeroing

MAIN = Dialect("?", "BLOB", "main.")  # the store's own tables, never the attached ones of the same name
LOCK_TIMEOUT = 30.0  # seconds SQLite waits for another process's write to end


def replace(cursor: Any, dialect: Dialect, fill: Callable[[Any], None], tracked: Sequence[tuple[str, int]], layout: str) -> None:
    """In ``cursor``'s transaction: every derived table made anew and filled by ``fill(cursor)``, and the
    tracking rows of read model ``layout`` replaced by ``tracked``. The one way a rebuild takes tables made
    elsewhere, whoever copies their rows (this module's two, or ``upkeep.adopt`` row by row)."""
    for statement in [*drops(dialect), *tables(dialect)[1:]]:
        cursor.execute(statement)
    fill(cursor)
    cursor.execute(dialect.sql("DELETE FROM {t:tracking} WHERE name = ? OR name LIKE ?"), (layout, f"{layout}/%"))
    cursor.executemany(dialect.sql("INSERT INTO {t:tracking} (name, position) VALUES (?, ?)"), list(tracked))


def copied(app: Any, made: Path, tracked: Sequence[tuple[str, int]], layout: str) -> bool:
    """``replace`` ``app``'s tables by those of the SQLite file ``made``, copied by SQLite, in a transaction
    of its own. False, and nothing done, when the store is not a plain SQLite file."""
    mine = sqlite_file(app)
    if mine is None:
        return False

    def fill(db: Any) -> None:
        # Both made by the same statements (``replace`` makes the store's anew): the same columns in the same
        # order, so that SQLite copies each table's records as they are, without decoding them (its transfer
        # of ``INSERT INTO t SELECT * FROM u``): 0.73 -> 0.47 s for the entry tables of 100k entries.
        for table in DERIVED:
            db.execute(f"INSERT INTO main.chrono_{table} SELECT * FROM made.chrono_{table}")

    with closing(sqlite3.connect(mine, isolation_level=None, timeout=LOCK_TIMEOUT)) as db:
        for statement in zeroing(MAIN, veil.of(app).sealed):
            db.execute(statement)
        db.execute("ATTACH DATABASE ? AS made", (f"{made.resolve().as_uri()}?mode=ro",))
        db.execute("BEGIN IMMEDIATE")
        try:
            replace(db, MAIN, fill, tracked, layout)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    return True


def copied_beside(model: Any, schema: str, tracked: Sequence[tuple[str, int]], layout: str) -> None:
    """``replace`` ``model``'s tables by those of the reference's ``schema`` in the same PostgreSQL
    database, copied by the server, in ``model``'s transaction."""

    def fill(cursor: Any) -> None:
        for table in DERIVED:  # both made by the same statements: the same columns in the same order
            cursor.execute(f"INSERT INTO {model.dialect.table(table)} SELECT * FROM {schema}.chrono_{table}")

    with model.datastore.transaction(commit=True) as cursor:
        model.lock(cursor)
        replace(cursor, model.dialect, fill, tracked, layout)
