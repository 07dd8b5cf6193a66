"""Where the reference read model is made (``reference``), and what the database copies itself.

Beside a PostgreSQL store the reference is made in a schema of its own, in
the same database, dropped after: the server copies the log into it, compares
the tables (``compared``) and copies them back (``adopted``) without a row
passing through Python. An SQLite store's reference is a scratch SQLite file,
which SQLite attaches to copy and compare the same way. A server that refuses
a new schema (a role without the right) gets a scratch file too, whose rows
are copied through Python.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import Any

from chrono.projections.rawlog import dialect_of, log_table, sqlite_file

MARK = "_ref_"  # in the name of a reference's schema: the store's schema, this, and a random part
_SERVER = ("POSTGRES_DBNAME", "POSTGRES_HOST", "POSTGRES_PORT")


@contextmanager
def place(app: Any) -> Iterator[dict[str, str]]:
    """The settings of a scratch store for a reference read model of ``app``'s log, removed after."""
    kept = {key: str(value) for key, value in app.env.items() if key.startswith(("CIPHER_", "COMPRESSOR_"))}
    schema = _new_schema(app) if dialect_of(app).postgres else None
    if schema is not None:
        server = {key: str(value) for key, value in app.env.items() if key.startswith("POSTGRES_")}
        modules = {key: str(app.env[key]) for key in ("PERSISTENCE_MODULE", "APPLICATION_RECORDER_TOPIC", "CHRONO_POSTGRES_OPTIONS") if key in app.env}
        try:
            yield kept | server | modules | {"POSTGRES_SCHEMA": schema}
        finally:
            _drop(app, schema)
        return
    import tempfile  # loaded by an audit or a rebuild only: a query's cold start makes no random names

    with tempfile.TemporaryDirectory(prefix="chrono-audit-") as directory:
        yield kept | {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(Path(directory) / "reference.sqlite")}


def _new_schema(app: Any) -> str | None:
    import secrets

    schema = f"{app.recorder.datastore.schema[:50]}{MARK}{secrets.token_hex(4)}"
    try:
        with app.recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"CREATE SCHEMA {schema}")
    except Exception:  # no right to make one (or a read-only server): a scratch file instead
        return None
    return schema


def _drop(app: Any, schema: str) -> None:
    with suppress(Exception), app.recorder.datastore.transaction(commit=True) as cursor:  # a lost server: nothing more to do
        cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def beside(app: Any, scratch: Any) -> tuple[str, str] | None:
    """The schemas of ``app``'s store and of its ``scratch``, when both are in one PostgreSQL database."""
    if not (dialect_of(app).postgres and dialect_of(scratch).postgres):
        return None
    if any(str(app.env.get(key)) != str(scratch.env.get(key)) for key in _SERVER):
        return None
    return str(app.recorder.datastore.schema), str(scratch.recorder.datastore.schema)


def copy_log(app: Any, scratch: Any, after: int, until: int | None) -> int | None:
    """Copy ``app``'s stored events after position ``after`` (up to ``until``) into ``scratch``'s log by the
    database itself, byte for byte; the last position copied, or None where the two are not both SQLite
    files or both schemas of one PostgreSQL database."""
    schemas = beside(app, scratch)
    if schemas is not None:
        return _copy_postgres(app, scratch, after, until)
    mine, theirs = sqlite_file(app), sqlite_file(scratch)
    if mine is None or theirs is None:
        return None
    table, column = log_table(app, dialect_of(app))
    bounds, params = _bounds(column, "?", after, until)
    with closing(sqlite3.connect(theirs, isolation_level=None)) as db:
        db.execute("ATTACH DATABASE ? AS store", (f"{mine.resolve().as_uri()}?mode=ro",))
        db.execute("BEGIN IMMEDIATE")
        db.execute(
            f"INSERT INTO main.{table} (rowid, originator_id, originator_version, topic, state)"
            f" SELECT {column}, originator_id, originator_version, topic, state FROM store.{table} WHERE {bounds} ORDER BY {column}",
            params,
        )
        (last,) = db.execute(f"SELECT coalesce(max({column}), ?) FROM main.{table}", [after]).fetchone()
        db.execute("COMMIT")
    return int(last)


def _copy_postgres(app: Any, scratch: Any, after: int, until: int | None) -> int:
    mine, column = log_table(app, dialect_of(app))
    theirs, _ = log_table(scratch, dialect_of(scratch))
    bounds, params = _bounds(column, "%s", after, until)
    with scratch.recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute(
            f"INSERT INTO {theirs} ({column}, originator_id, originator_version, topic, state)"
            f" SELECT {column}, originator_id, originator_version, topic, state FROM {mine} WHERE {bounds} ORDER BY {column}",
            params,
        )
        cursor.execute(f"SELECT coalesce(max({column}), %s) AS last FROM {theirs}", [after])
        return int(cursor.fetchone()["last"])


def _bounds(column: str, mark: str, after: int, until: int | None) -> tuple[str, list[int]]:
    if until is None:
        return f"{column} > {mark}", [after]
    return f"{column} > {mark} AND {column} <= {mark}", [after, until]
