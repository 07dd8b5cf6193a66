"""Which rows of which read-model tables the audit compares, and the database's own comparison of two plain
stores: two SQLite files, or two schemas of one PostgreSQL database."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from typing import Any

import attrs

from chrono.projections.rawlog import dialect_of, sqlite_file, streamed
from chrono.projections.schema import COLUMNS
from chrono.projections.scratch import beside

# Each compared table: the columns that identify a row (a prefix of its
# columns), and every column, in the order they are read.
_SUPERSEDED = ("superseded_at",)


TABLES: dict[str, tuple[int, tuple[str, ...]]] = {
    "revisions": (2, (*COLUMNS["revisions"], *_SUPERSEDED)),
    "revision_partners": (4, (*COLUMNS["revision_partners"], *_SUPERSEDED)),
    "partners": (2, (*COLUMNS["partners"], *_SUPERSEDED)),
    "contributions": (3, (*COLUMNS["contributions"], *_SUPERSEDED)),
    "tallies": (6, COLUMNS["tallies"]),
    "totals": (5, COLUMNS["totals"]),
    "totals_keys": (4, COLUMNS["totals_keys"]),
    "conflicts": (8, COLUMNS["conflicts"]),
    "members": (18, COLUMNS["members"]),
}


# Rows that say nothing: a count that went back to zero stays as a row where it was counted down.
WHERE = {"tallies": "n <> 0"}


FACET_TABLES = ("totals", "totals_keys")
CounterKey = tuple[str, str, str, str]  # a facet, and one of its counters (group, metric, unit), as stored
# Moved counters named in a condition (four parameters each, and the comparison's query repeats its condition
# four times: 16,000 of SQLite's 32,766); beyond, every counter of their facets is compared by answer.
LISTED = 1_000


@attrs.frozen
class Moved:
    """The running totals with pending steps: compared by the totals they answer, not row by row. Those
    ``counters``, or, where there are too many to name, every counter of their ``facets`` (None)."""

    facets: frozenset[str]
    counters: frozenset[CounterKey] | None

    def of(self, facet: str) -> set[tuple[str, str, str]] | None:
        """The counters (group, metric, unit) of ``facet`` compared by answer; None: all of them."""
        if self.counters is None:
            return None
        return {counter[1:] for counter in self.counters if counter[0] == facet}

    def condition(self) -> tuple[str, list[Any]]:
        """The rows of ``totals`` and ``totals_keys`` compared row by row: all but those compared by answer."""
        if not self.facets:
            return "", []
        if self.counters is None:
            return f"facet NOT IN ({', '.join('?' for _ in self.facets)})", sorted(self.facets)
        listed = sorted(self.counters)
        return f"(facet, grp, metric, unit) NOT IN (VALUES {', '.join('(?, ?, ?, ?)' for _ in listed)})", [v for c in listed for v in c]


def compared(app: Any, pending: Moved | None = None) -> dict[str, tuple[str, list[Any]]]:
    """The rows of each table that are compared row by row (a WHERE clause and its parameters): all
    but a count back at zero, and the running totals with pending steps (compared by answer;
    ``moved(app)`` unless given)."""
    pending = moved(app) if pending is None else pending
    out: dict[str, tuple[str, list[Any]]] = {}
    for table in TABLES:
        out[table] = pending.condition() if table in FACET_TABLES else (WHERE.get(table, ""), [])
    return out


def moved(app: Any) -> Moved:
    """The counters with pending steps. Only they are compared by answer: a counter the writes since its
    facet was made did not touch is the rows a facet made now holds (half a million rows at 1M entries)."""
    query = "SELECT DISTINCT facet, grp, metric, unit FROM {t:totals_pending}"
    counters = frozenset((str(f), str(g), str(m), str(u)) for f, g, m, u in streamed(app, dialect_of(app), query))
    return Moved(frozenset(counter[0] for counter in counters), counters if len(counters) <= LISTED else None)


def same_tables(app: Any, scratch: Any, conditions: dict[str, tuple[str, list[Any]]]) -> set[str]:
    """The tables whose compared rows are the same in both stores, row for row, as the database itself
    finds (two plain SQLite files, or two schemas of one PostgreSQL database: ``scratch.beside``); the
    rest, and every table of other stores, are compared row by row in Python, which names the first
    difference. Reading a million rows into Python to find none took most of an audit."""
    if getattr(app.mapper, "cipher", None) is not None:
        return set()  # an encrypted snapshot differs from an equal one in every byte: compared by what it encrypts
    schemas = beside(app, scratch)
    if schemas is not None:
        return _same_on_server(app, schemas, conditions)
    mine, theirs = sqlite_file(app), sqlite_file(scratch)
    if mine is None or theirs is None:
        return set()
    same: set[str] = set()
    with closing(sqlite3.connect(f"{mine.as_uri()}?mode=ro", uri=True)) as db:
        try:
            db.execute("ATTACH DATABASE ? AS made", (f"{theirs.as_uri()}?mode=ro",))
        except sqlite3.Error:
            return same

        def answer(query: str, params: list[Any]) -> tuple[Any, ...] | None:
            try:
                return tuple(db.execute(query, params).fetchone())
            except sqlite3.Error:  # a damaged table: the row by row comparison says how
                return None

        for table, (where, params) in conditions.items():
            if _same(answer, table, (where, params), ("main", "made"), postgres=False):
                same.add(table)
    return same


def _same_on_server(app: Any, schemas: tuple[str, str], conditions: dict[str, tuple[str, list[Any]]]) -> set[str]:
    same: set[str] = set()

    def answer(query: str, params: list[Any]) -> tuple[Any, ...] | None:
        from eventsourcing.persistence import DataError, InternalError, ProgrammingError

        try:
            with app.recorder.datastore.transaction(commit=False) as cursor:
                cursor.execute(query.replace("?", "%s"), params)
                return tuple(cursor.fetchone().values())
        except (DataError, InternalError, ProgrammingError):  # the row by row comparison says what is wrong
            return None

    for table, (where, params) in conditions.items():
        if _same(answer, table, (where, params), schemas, postgres=True):
            same.add(table)
    return same


def _same(
    answer: Callable[[str, list[Any]], tuple[Any, ...] | None], table: str, condition: tuple[str, list[Any]], names: tuple[str, str], *, postgres: bool
) -> bool:  # fmt: skip
    """Whether ``table`` holds the same rows, each as many times, in the store (``names[0]``, a schema
    or an attached database) and the reference (``names[1]``)."""
    width, columns = TABLES[table]
    where, params = condition
    cond = f" WHERE {where}" if where else ""
    mine, theirs = (f"{name}.chrono_{table}" for name in names)
    if width == len(columns):  # no key: each distinct row and how many times it is there, both ways
        listed = ", ".join(columns)
        grouped = [f"SELECT {listed}, count(*) FROM {name}{cond} GROUP BY {listed}" for name in (mine, theirs)]
        query = f"SELECT NOT (EXISTS ({grouped[0]} EXCEPT {grouped[1]}) OR EXISTS ({grouped[1]} EXCEPT {grouped[0]})) AS same"
        return answer(query, params * 4) == (1,)
    # A key the made table holds once per row: as many rows, each stored row made (looked up by its
    # key), and no key stored twice, is the same rows, without sorting whole rows. PostgreSQL looks
    # a row up by its key only with "=" (the keys are never NULL); "IS NOT DISTINCT FROM" the rest.
    same_as = "IS NOT DISTINCT FROM" if postgres else "IS"
    equal = " AND ".join(f"b.{column} {'=' if postgres and n < width else same_as} a.{column}" for n, column in enumerate(columns))
    query = (  # each answer named: PostgreSQL names all four "count", which a row of names would keep once
        f"SELECT (SELECT count(*) FROM {mine}{cond}) AS stored, (SELECT count(*) FROM {theirs}{cond}) AS made,"
        f" (SELECT count(*) FROM {mine} AS a WHERE {where or 'TRUE'} AND EXISTS (SELECT 1 FROM {theirs} AS b WHERE {equal})) AS found,"
        f" (SELECT count(*) FROM (SELECT DISTINCT {', '.join(columns[:width])} FROM {mine}{cond}) AS keys) AS keyed"
    )
    found = answer(query, params * 4)
    return found is not None and len(set(found)) == 1
