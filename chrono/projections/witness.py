"""Digest witnesses: the chain's head, written outside the store after every write.

``CHRONO_WITNESS`` (or ``--witness``) names a file, or a PostgreSQL URL of
another database than the store's. Every write appends its head digest with
the time (a file: one ``TIME<TAB>POSITION:HASH[<TAB>NOTE]`` line; PostgreSQL:
a row of ``chrono_witness``), and the audit checks the log against every
digest there, as SQL Server Ledger checks its digest storage. Someone who can
rewrite the store, chain included, cannot rewrite the witness too unless they
also hold it: that is what it is for.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import attrs

from chrono.errors import StoreError
from chrono.projections.chain import Digest
from chrono.store.config import SCHEMA_NAME, Location, redacted, url_options

VARIABLE = "CHRONO_WITNESS"
TABLE = "chrono_witness"


@attrs.frozen
class Witnessed:
    """A digest as the witness holds it: when it was written and any note (a re-anchoring)."""

    at: str
    digest: Digest
    note: str = ""


def named(option: str | None) -> str | None:
    """The witness given by ``--witness``, else ``CHRONO_WITNESS``, else none."""
    value = option if option is not None else os.environ.get(VARIABLE)
    if value is not None and not value.strip():
        raise StoreError(f"the witness is empty: give --witness or {VARIABLE} a file or a postgresql:// URL, or unset it")
    return value


def _is_url(where: str) -> bool:
    return where.startswith(("postgresql://", "postgres://"))


def check_apart(where: str, store: Location) -> None:
    """Refuse a witness inside the store it witnesses (the same file, or the same database)."""
    if _is_url(where) and store.backend == "postgres":
        if _database(where) == _database(store.url):
            raise StoreError(f"the witness {redacted(where)} is the store's own database: a witness must be kept apart from the store")
    elif not _is_url(where) and store.backend == "sqlite":
        from chrono.store.config import is_store_file

        if is_store_file(Path(where), store):
            raise StoreError(f"the witness {where} is the store itself: a witness must be kept apart from the store")


def _database(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    return ((parts.hostname or "localhost").lower(), parts.port or 5432, unquote(parts.path.lstrip("/")))


def append(where: str, digest: Digest, note: str = "") -> None:
    """Write ``digest`` (with the time, and ``note``) to the witness at ``where``."""
    moment = datetime.now(UTC).isoformat(timespec="microseconds")
    if _is_url(where):
        with _connect(where) as connection:
            table = _table(where, connection)
            connection.execute(f"INSERT INTO {table} (at, digest, note) VALUES (%s, %s, %s)", (moment, str(digest), note))
        return
    line = "\t".join([moment, str(digest), *([note.replace("\t", " ").replace("\n", " ")] if note else [])]) + "\n"
    with open(where, "a", encoding="utf-8") as file:
        file.write(line)
        file.flush()
        os.fsync(file.fileno())


def read(where: str) -> list[Witnessed]:
    """Every digest the witness holds, in the order written (a line that is no digest is bad input)."""
    if _is_url(where):
        with _connect(where) as connection:
            table = _table(where, connection, create=False)
            rows = connection.execute(f"SELECT at, digest, note FROM {table} ORDER BY id").fetchall()
        return [_parsed(str(at), str(digest), str(note or ""), f"{redacted(where)} row {n}") for n, (at, digest, note) in enumerate(rows, 1)]
    try:
        with open(where, encoding="utf-8") as file:
            return list(_lines(file, where))
    except FileNotFoundError:
        raise StoreError(f"the witness {where} does not exist (no write has been witnessed there)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise StoreError(f"the witness {where} cannot be read ({error})") from None


def _lines(file: Any, where: str) -> Iterator[Witnessed]:
    for number, line in enumerate(file, 1):
        if not line.strip():
            continue
        at, _, rest = line.rstrip("\n").partition("\t")
        digest, _, note = rest.partition("\t")
        yield _parsed(at, digest, note, f"{where}:{number}")


def _parsed(at: str, digest: str, note: str, where: str) -> Witnessed:
    try:
        return Witnessed(at, Digest.parse(digest), note)
    except ValueError as error:
        raise StoreError(f"{where}: {error}") from None


def _connect(where: str) -> Any:
    import psycopg

    options: dict[str, Any] = dict(url_options(where))
    options.pop("schema", None)
    options.setdefault("connect_timeout", "5")
    base = where.split("?", 1)[0]
    try:
        return psycopg.connect(base, autocommit=True, **options)
    except psycopg.Error as error:
        raise StoreError(f"cannot reach the witness {redacted(where)}: {str(error).strip().splitlines()[0]}") from None


def _table(where: str, connection: Any, *, create: bool = True) -> str:
    """The witness's table; made by a write, never by a read (reading a witness changes nothing)."""
    schema = url_options(where).get("schema", "")
    if schema and not SCHEMA_NAME.match(schema):
        raise StoreError(f"{schema!r} is not a schema name chrono accepts (lowercase letters, digits and _, at most 63)")
    table = f"{schema}.{TABLE}" if schema else TABLE
    if not create:
        if connection.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0] is None:
            raise StoreError(f"the witness {redacted(where)} holds no digests (no write has been witnessed there)")
        return table
    if schema:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    connection.execute(f"CREATE TABLE IF NOT EXISTS {table} (id BIGSERIAL PRIMARY KEY, at TEXT NOT NULL, digest TEXT NOT NULL, note TEXT)")
    return table
