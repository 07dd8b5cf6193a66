"""Which rows of which read-model tables the audit compares, and SQLite's own comparison of two plain stores."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any

from chrono.projections.rawlog import dialect_of, sqlite_file, streamed
from chrono.projections.schema import COLUMNS

# Each compared table: the columns that identify a row (a prefix of its
# columns), and every column, in the order they are read.
_SUPERSEDED = ("superseded_at",)


TABLES: dict[str, tuple[int, tuple[str, ...]]] = {
    "revisions": (2, (*COLUMNS["revisions"], *_SUPERSEDED)),
    "revision_partners": (4, (*COLUMNS["revision_partners"], *_SUPERSEDED)),
    "partners": (2, (*COLUMNS["partners"], *_SUPERSEDED)),
    "contributions": (3, (*COLUMNS["contributions"], *_SUPERSEDED)),
    "tallies": (6, ("scope", "side", "kind", "status", "retracted", "year", "n")),
    "totals": (5, COLUMNS["totals"]),
    "totals_keys": (4, COLUMNS["totals_keys"]),
    "conflicts": (8, COLUMNS["conflicts"]),
    "members": (18, COLUMNS["members"]),
}


# Rows that say nothing: a count that went back to zero stays as a row where it was counted down.
_WHERE = {"tallies": "n <> 0"}


FACET_TABLES = ("totals", "totals_keys")


def compared(app: Any) -> dict[str, tuple[str, list[Any]]]:
    """The rows of each table that are compared row by row (a WHERE clause and its parameters): all
    but a count back at zero, and the running totals of a facet with pending steps (compared by answer)."""
    pending = moved(app)
    out: dict[str, tuple[str, list[Any]]] = {}
    for table in TABLES:
        if table in FACET_TABLES and pending:
            out[table] = (f"facet NOT IN ({', '.join('?' for _ in pending)})", sorted(pending))
        else:
            out[table] = (_WHERE.get(table, ""), [])
    return out


def moved(app: Any) -> set[str]:
    return {str(row[0]) for row in streamed(app, dialect_of(app), "SELECT DISTINCT facet FROM {t:totals_pending}")}


def same_tables(app: Any, scratch: Any, conditions: dict[str, tuple[str, list[Any]]]) -> set[str]:
    """The tables whose compared rows are the same in both stores, row for row, as SQLite itself finds
    (two plain SQLite files); the rest, and every table of other stores, are compared row by row in Python,
    which names the first difference. Reading a million rows into Python to find none took most of an audit."""
    mine, theirs = sqlite_file(app), sqlite_file(scratch)
    if mine is None or theirs is None or getattr(app.mapper, "cipher", None) is not None:
        return set()  # an encrypted snapshot differs from an equal one in every byte: compared by what it encrypts
    same: set[str] = set()
    with closing(sqlite3.connect(f"{mine.as_uri()}?mode=ro", uri=True)) as db:
        try:
            db.execute("ATTACH DATABASE ? AS made", (f"{theirs.as_uri()}?mode=ro",))
        except sqlite3.Error:
            return same
        for table, (where, params) in conditions.items():
            if _same(db, table, where, params):
                same.add(table)
    return same


def _same(db: sqlite3.Connection, table: str, where: str, params: list[Any]) -> bool:
    """Whether ``table`` holds the same rows, each as many times, in the main and the ``made`` database."""
    width, columns = TABLES[table]
    cond = f" WHERE {where}" if where else ""
    if width == len(columns):  # no key: each distinct row and how many times it is there, both ways
        listed = ", ".join(columns)
        grouped = [f"SELECT {listed}, count(*) FROM {name}.chrono_{table}{cond} GROUP BY {listed}" for name in ("main", "made")]
        query = f"SELECT NOT (EXISTS ({grouped[0]} EXCEPT {grouped[1]}) OR EXISTS ({grouped[1]} EXCEPT {grouped[0]}))"
        return _answer(db, query, params * 4) == (1,)
    # A key the made table holds once per row: as many rows, each stored row made (looked up by its
    # key), and no key stored twice, is the same rows, without sorting whole rows.
    equal = " AND ".join(f"b.{column} IS a.{column}" for column in columns)
    query = (
        f"SELECT (SELECT count(*) FROM main.chrono_{table}{cond}), (SELECT count(*) FROM made.chrono_{table}{cond}),"
        f" (SELECT count(*) FROM main.chrono_{table} AS a WHERE {where or 1} AND EXISTS (SELECT 1 FROM made.chrono_{table} AS b WHERE {equal})),"
        f" (SELECT count(*) FROM (SELECT DISTINCT {', '.join(columns[:width])} FROM main.chrono_{table}{cond}))"
    )
    found = _answer(db, query, params * 4)
    return found is not None and len(set(found)) == 1


def _answer(db: sqlite3.Connection, query: str, params: list[Any]) -> tuple[Any, ...] | None:
    try:
        return tuple(db.execute(query, params).fetchone())
    except sqlite3.Error:  # a damaged table: the row by row comparison says how
        return None
