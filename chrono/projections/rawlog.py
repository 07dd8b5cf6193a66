"""The event log and the chain read as stored, without eventsourcing's conversions.

The audit and ``rebuild`` read the log through here: a row whose values are
not of their column's type (a BLOB turned TEXT, a NULL, an id that is no
UUID) comes back as it is, for the chain to find, instead of raising inside
the persistence module. Rows are read a page at a time (bounded memory).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs

from chrono.projections.schema import Dialect

PAGE = 2000


@attrs.frozen
class Raw:
    """One stored event's row, as stored."""

    id: int
    originator_id: Any
    originator_version: Any
    topic: Any
    state: Any


def dialect_of(app: Any) -> Dialect:
    """The read model's SQL dialect on ``app``'s store."""
    datastore = app.recorder.datastore
    if hasattr(datastore, "schema"):
        return Dialect("%s", "BYTEA", f"{datastore.schema}.", ' COLLATE "C"')
    return Dialect("?", "BLOB", "")


def log_table(app: Any, dialect: Dialect) -> tuple[str, str]:
    """The log's table, and its column of positions (eventsourcing's notification ids)."""
    return f"{dialect.prefix}{app.recorder.events_table_name}", "notification_id" if dialect.postgres else "rowid"


def raw_log(app: Any, start: int = 1) -> Iterator[Raw]:
    """Every stored event from ``start`` on, in log order."""
    dialect = dialect_of(app)
    table, column = log_table(app, dialect)
    query = (
        f"SELECT {column} AS id, originator_id, originator_version, topic, state FROM {table}"
        f" WHERE {column} >= {dialect.placeholder} ORDER BY {column} LIMIT {PAGE}"
    )
    while True:
        with app.recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(query, (start,))
            rows = cursor.fetchall()
        for row in rows:
            yield Raw(int(row["id"]), row["originator_id"], row["originator_version"], row["topic"], row["state"])
        if len(rows) < PAGE:
            return
        start = int(rows[-1]["id"]) + 1


def later_versions(app: Any, until: int | None = None) -> dict[str, int]:
    """The aggregates with more than one event (up to position ``until``), by hex id, and their last version."""
    table, column = log_table(app, dialect_of(app))
    bound = "" if until is None else f" WHERE {column} <= {int(until)}"
    query = f"SELECT originator_id, MAX(originator_version) AS last FROM {table}{bound} GROUP BY originator_id HAVING MAX(originator_version) > 1"
    with app.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(query)
        return {UUID(str(row["originator_id"])).hex: int(row["last"]) for row in cursor.fetchall()}


def stored_links(app: Any) -> Iterator[tuple[int, str]]:
    """The stored chain, in log order, a page at a time (a damaged link comes back as text that is no hash)."""
    dialect = dialect_of(app)
    query = dialect.sql(f"SELECT position, hash FROM {{t:chain}} WHERE position > ? ORDER BY position LIMIT {PAGE}")
    after = -(2**63)
    while True:
        with app.recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(query, (after,))
            rows = cursor.fetchall()
        for row in rows:
            position = row["position"]
            if type(position) is not int:  # SQLite keeps text put in an integer column; it sorts after every number
                yield -1, str(row["hash"])  # matches no event's position: the chain is found to part there
                return
            yield position, str(row["hash"])
        if len(rows) < PAGE:
            return
        after = int(rows[-1]["position"])


def tracked(app: Any, name: str) -> int | None:
    """The position of the tracking row ``name``, or None when there is none (or no tracking table)."""
    dialect = dialect_of(app)
    try:
        with app.recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(dialect.sql("SELECT position FROM {t:tracking} WHERE name = ?"), (name,))
            row = cursor.fetchone()
    except Exception:  # no tracking table (a store changed by hand): there is no position
        return None
    return row["position"] if row is not None and type(row["position"]) is int else None


def streamed(app: Any, dialect: Dialect, query: str, params: Sequence[Any] = ()) -> Generator[tuple[Any, ...]]:
    """The rows of a query, streamed in one read (SQLite's cursor, PostgreSQL's server-side one)."""
    for piece in pieces(app, dialect, query, params):
        yield from piece


def any_row(app: Any, query: str, params: Sequence[Any] = ()) -> bool:
    """Whether a query finds a row (its read ended at once)."""
    with closing(streamed(app, dialect_of(app), query, params)) as rows:
        return next(rows, None) is not None


def pieces(app: Any, dialect: Dialect, query: str, params: Sequence[Any] = (), size: int = 5000) -> Generator[list[tuple[Any, ...]]]:
    """``streamed``'s rows, as plain tuples in lists of up to ``size``."""
    with app.recorder.datastore.transaction(commit=False) as cursor:
        if dialect.postgres:
            from psycopg.rows import tuple_row

            with cursor.connection.cursor(name=f"chrono_audit_{id(query)}", row_factory=tuple_row) as named:
                named.execute(dialect.sql(query), tuple(params))
                while chunk := named.fetchmany(size):
                    yield chunk
            return
        own = getattr(cursor, "sqlite_cursor", cursor).connection.cursor()
        own.row_factory = None  # plain tuples, not the store's named rows
        try:
            own.execute(dialect.sql(query), tuple(params))
            while chunk := own.fetchmany(size):
                yield chunk
        finally:
            own.close()


def sqlite_file(app: Any) -> Path | None:
    """The file of ``app``'s SQLite store (None for PostgreSQL or a store in memory)."""
    if dialect_of(app).postgres:
        return None
    name = str(app.env.get("SQLITE_DBNAME", ""))
    if not name or name.startswith("file:") or ":memory:" in name:
        return None
    path = Path(name)
    return path if path.is_absolute() and path.is_file() else None
