"""Facets made at an earlier position, made again from the store's own tables as they stood there.

A facet (a partner's or a grouping's running totals, a metric's explained
segments) made before the read model's last write, or moved since, is what
the tables made *then* (``facetcheck``). Once the tables are found to be the
log's (``tablecheck``'s fingerprints), the tables as they stood at an
earlier position are a part of them: the rows of every entry revision at or
before that position that no revision at or before it superseded (a
partner's revisions placed by their events' positions in the log). Where
few entries were written since, those rows are read in place (``stood``);
else the database copies them into a scratch store (``scratch.place``). Each
facet is made at its own position by the code that made it
(``reference.facet_stages``), and the facet tables are compared row by row
(``audit_tables.differences``): no event is decoded, no row derived again.
A facet made (or moved) where the tables stand now is made from the store's
own tables, and only its rows are written to the scratch store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from typing import Any

from chrono.projections import audit_tables, facetcheck, reference, stood
from chrono.projections import scratch as scratch_store
from chrono.projections.rawlog import dialect_of, log_table, sqlite_file, streamed, tracked
from chrono.projections.readmodel import ReadModel
from chrono.projections.schema import COLUMNS, NAME, secondary

# The tables a facet is made from, keyed by entry revision (partners are placed apart; no facet reads revisions).
_REVISED = ("revision_partners", "contributions")


def differing(app: Any) -> tuple[str, ...] | None:
    """The facet tables (and ``seals``) whose rows differ from those the store's tables made at each
    facet's position (``()``: none), or None where the database cannot copy them into a scratch store
    (the reference says what differs). The store's tables must already be found to be the log's."""
    from chrono.events.application import Chronicle

    with scratch_store.place(app) as env:
        made = Chronicle(env=env)
        try:
            stages = reference.facet_stages(app)
            model = reference.scratch_model(made, stages)
            partners = _partners(app)
            standing = tracked(app, NAME)
            for position in sorted(stages):
                if position == standing:  # made where the tables stand (moved since): from the store's own
                    reference.make_facets(model, stages[position], ReadModel(app))
                    continue
                if (stood_there := stood.near(app, position, partners)) is not None:  # a few writes ago: read in place
                    reference.make_facets(model, stages[position], stood_there)
                    continue
                with _unindexed(made), _across(app, made) as across:  # committed before the facets are made there
                    if across is None:
                        return None
                    _stand(across, partners, position)
                reference.make_facets(model, stages[position])
            found = audit_tables.differences(app, made, only=facetcheck.TABLES)
            return tuple(dict.fromkeys(difference.table for difference in found))
        finally:
            made.close()


class _Across:
    """Statements run in the scratch store that read the store's tables (``?`` placeholders)."""

    def __init__(self, cursor: Any, names: tuple[str, str], mark: str) -> None:
        self.cursor = cursor
        self.store, self.scratch = names  # what prefixes a table's name in each
        self.mark = mark

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(statement.replace("?", self.mark), params)

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.cursor.executemany(statement.replace("?", self.mark), rows)

    def mine(self, table: str) -> str:
        return f"{self.store}chrono_{table}"

    def made(self, table: str) -> str:
        return f"{self.scratch}chrono_{table}"


@contextmanager
def _unindexed(made: Any) -> Iterator[None]:
    """The scratch store's secondary indexes dropped while its tables are filled, and made once after
    (by its own connection: the store attached to another one has indexes of the same names)."""
    dialect = dialect_of(made)
    with made.recorder.datastore.transaction(commit=True) as cursor:
        for drop, _ in secondary(dialect):
            cursor.execute(drop)
    yield
    with made.recorder.datastore.transaction(commit=True) as cursor:
        for _, create in secondary(dialect):
            cursor.execute(create)


@contextmanager
def _across(app: Any, made: Any) -> Iterator[_Across | None]:
    """One transaction in ``made``'s store that sees ``app``'s: two schemas of one PostgreSQL database, or
    the store's SQLite file attached to the scratch file; None for other pairs."""
    schemas = scratch_store.beside(app, made)
    if schemas is not None:
        with made.recorder.datastore.transaction(commit=True) as cursor:
            yield _Across(cursor, (f"{schemas[0]}.", f"{schemas[1]}."), "%s")
        return
    mine, theirs = sqlite_file(app), sqlite_file(made)
    if mine is None or theirs is None:
        yield None
        return
    with closing(sqlite3.connect(theirs, isolation_level=None)) as db:
        db.execute("PRAGMA synchronous = OFF")  # a scratch file, dropped after
        db.execute("ATTACH DATABASE ? AS store", (f"{mine.resolve().as_uri()}?mode=ro",))
        db.execute("BEGIN IMMEDIATE")
        yield _Across(db, ("store.", "main."), "?")
        db.execute("COMMIT")


def _partners(app: Any) -> list[tuple[int, tuple[Any, ...]]]:
    """Every stored partner revision, with the position of the event that made it."""
    dialect = dialect_of(app)
    table, column = log_table(app, dialect)
    same = "CAST(p.aggregate AS uuid)" if dialect.postgres else "p.aggregate"
    columns = ", ".join(f"p.{name}" for name in COLUMNS["partners"])
    query = f"SELECT e.{column}, {columns} FROM {{t:partners}} p JOIN {table} e ON e.originator_id = {same} AND e.originator_version = p.revision"
    return [(int(row[0]), tuple(row[1:])) for row in streamed(app, dialect, query)]


def _stand(across: _Across, partners: list[tuple[int, tuple[Any, ...]]], position: int) -> None:
    """Make the scratch store's tables those of the store as they stood at ``position``: each entry's and
    partner's revision live there, none superseded."""
    for table in (*_REVISED, "partners"):
        across.execute(f"DELETE FROM {across.made(table)}")
    for table in _REVISED:
        columns = COLUMNS[table]
        across.execute(
            f"INSERT INTO {across.made(table)} ({', '.join(columns)}) SELECT {', '.join(f'x.{name}' for name in columns)}"
            f" FROM {across.mine(table)} x JOIN {across.mine('revisions')} r ON r.aggregate = x.aggregate AND r.revision = x.revision"
            f" WHERE r.position <= ? AND NOT EXISTS (SELECT 1 FROM {across.mine('revisions')} n"
            " WHERE n.aggregate = x.aggregate AND n.revision = x.revision + 1 AND n.position <= ?)",
            (position, position),
        )
    live: dict[Any, tuple[Any, ...]] = {}
    for made_at, row in sorted(partners, key=lambda item: item[1][1]):  # in revision order: the last one standing stays
        if made_at <= position:
            live[row[0]] = row
    marks = ", ".join("?" for _ in COLUMNS["partners"])
    across.executemany(f"INSERT INTO {across.made('partners')} ({', '.join(COLUMNS['partners'])}) VALUES ({marks})", list(live.values()))
    across.execute(
        f"INSERT INTO {across.made('tracking')} (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position",
        (NAME, position),
    )
