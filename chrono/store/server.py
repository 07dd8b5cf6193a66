"""A PostgreSQL store's checks, on a connection of chrono's own before eventsourcing's pool.

Connecting once ourselves makes a refused or missing server a clear, fast
error; the schema named in the URL is made here, and the store's metadata
checked, before eventsourcing creates or opens its tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from chrono.errors import StoreError
from chrono.store.config import Location, driver_options, redacted
from chrono.store.failures import first_line
from chrono.store.meta import check_meta
from chrono.store.sqlite_file import NOT_CREATED


def check_postgres(env: dict[str, str], location: Location, key: str | None, *, create: bool = True) -> bool:
    """Connect once ourselves, so that a refused or missing server is a clear,
    fast error; create the schema named in the URL (if ``create``); check the metadata.

    Returns True when the store exists already (its metadata was written).
    """
    import psycopg
    from psycopg import sql

    schema = env["POSTGRES_SCHEMA"] or "public"
    with _connected(env, location) as connection:
        if env["POSTGRES_SCHEMA"] and create:
            # "IF NOT EXISTS" races: another process may make it at the same moment.
            with suppress(psycopg.errors.UniqueViolation, psycopg.errors.DuplicateSchema):
                connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        meta = _postgres_meta(connection, schema)
    check_meta(meta, redacted(location.url), key)
    if not meta and not create:
        raise StoreError(f"no chrono store at {redacted(location.url)}: {NOT_CREATED}")
    return bool(meta)


@contextmanager
def _connected(env: dict[str, str], location: Location) -> Iterator[Any]:
    """A connection of our own (autocommit); a server error is a one-line StoreError."""
    import psycopg

    settings: dict[str, Any] = {
        "dbname": env["POSTGRES_DBNAME"], "host": env["POSTGRES_HOST"], "port": env["POSTGRES_PORT"],
        "user": env["POSTGRES_USER"], "password": env["POSTGRES_PASSWORD"] or None,
        "connect_timeout": env["POSTGRES_CONNECT_TIMEOUT"], **driver_options(env),
    }  # fmt: skip
    try:
        with psycopg.connect(autocommit=True, **settings) as connection:
            yield connection
    except psycopg.Error as error:
        raise StoreError(f"cannot open store {redacted(location.url)}: {first_line(error)}") from None


CREATION_LOCK = 0x63687200  # "chr\0": with the schema's hash, one advisory lock per store


@contextmanager
def creating(env: dict[str, str], location: Location) -> Iterator[bool]:
    """Hold the store's creation lock; yield whether the store exists by then.

    eventsourcing's table creation is not safe to run twice at once (its
    ``CREATE TYPE`` races), so processes that open a new store together
    take turns, and the later ones find it made.
    """
    schema = env["POSTGRES_SCHEMA"] or "public"
    with _connected(env, location) as connection:
        connection.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (CREATION_LOCK, schema))
        yield bool(_postgres_meta(connection, schema))


def _postgres_meta(connection: Any, schema: str) -> dict[str, str]:
    from psycopg import sql

    found = connection.execute("SELECT to_regclass(%s)", (f"{schema}.chrono_meta",)).fetchone()
    if found is None or found[0] is None:
        return {}
    rows = connection.execute(sql.SQL("SELECT key, value FROM {}.chrono_meta").format(sql.Identifier(schema))).fetchall()
    return {str(k): str(v) for k, v in rows}
