"""Opening a chronicle's store: an SQLite file or a PostgreSQL database.

This is the one place that knows where stores live and how eventsourcing's
persistence modules are configured for them.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import attrs

from chrono.errors import StoreError
from chrono.events.application import Chronicle

FORMAT = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
DEFAULT_NAME = "chronicle.sqlite"
LOCK_TIMEOUT_SECONDS = 10


@attrs.frozen
class Location:
    """Where a store is.

    Attributes:
        url: what the user gave (a path or a ``postgresql://`` URL).
        backend: ``sqlite`` or ``postgres``.
        is_default: True for the store in the user's data directory.
    """

    url: str
    backend: str
    is_default: bool = False

    @property
    def path(self) -> Path:
        return Path(self.url).expanduser()


def default_path() -> Path:
    """The default store, in the user's data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("chrono", appauthor=False)) / DEFAULT_NAME


def locate(store: str | None = None) -> Location:
    """The store named by ``store``, else ``CHRONO_STORE``, else the default."""
    named = store or os.environ.get("CHRONO_STORE") or ""
    if not named:
        return Location(str(default_path()), "sqlite", is_default=True)
    if named.startswith(("postgresql://", "postgres://")):
        return Location(named, "postgres")
    if "://" in named:
        raise StoreError(f"{named!r}: only file paths and postgresql:// URLs are stores")
    return Location(named, "sqlite")


def open_store(store: str | None = None, *, notice: Callable[[str], None] | None = None) -> Chronicle:
    """Open (creating if need be) the chronicle store named by ``store``.

    The default store is filled with the bundled chronicle when it is first
    created, so that a fresh install has something to show; ``notice`` is
    told so in one line.
    """
    location = locate(store)
    if location.backend == "postgres":
        env = postgres_env(location.url)
        _ensure_schema(env, location)
        return _open(env, location)
    path = location.path
    fresh = _prepare_sqlite(path)
    app = _open(sqlite_env(path), location)
    if fresh and location.is_default:
        from chrono.importing import import_bundled

        report = import_bundled(app)
        if notice is not None:
            notice(f"created {path} with the bundled chronicle ({len(report.recorded)} records)")
    return app


def sqlite_env(path: Path) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(path),
        "SQLITE_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDS),
    }


def postgres_env(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise StoreError(f"{url!r}: name the database, e.g. postgresql://user@127.0.0.1:5432/chrono")
    query = parse_qs(parts.query)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or os.environ.get("USER", "postgres")),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_SCHEMA": query.get("schema", [""])[0],
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "POSTGRES_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDS),
    }


def _ensure_schema(env: dict[str, str], location: Location) -> None:
    schema = env["POSTGRES_SCHEMA"]
    if not schema:
        return
    import psycopg
    from psycopg import sql

    try:
        with psycopg.connect(
            dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"], password=env["POSTGRES_PASSWORD"] or None, connect_timeout=5,
            autocommit=True,
        ) as connection:  # fmt: skip
            connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    except psycopg.Error as error:
        raise StoreError(f"cannot open store {_redacted(location.url)}: {_first_line(error)}") from None


def _prepare_sqlite(path: Path) -> bool:
    """Check that ``path`` is a chrono store or absent; create it owner-only.

    Returns True when the file was created now.
    """
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a store")
    if path.exists() and path.stat().st_size > 0:
        _check_sqlite_file(path)
        return False
    existed = path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as error:
        raise StoreError(f"cannot create a store at {path}: {error.strerror}") from None
    return not existed


def _check_sqlite_file(path: Path) -> None:
    try:
        with path.open("rb") as file:
            magic = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None
    if magic != SQLITE_MAGIC:
        raise StoreError(f"{path} is not a chrono store (not an SQLite database)")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            version = None
            if "chrono_meta" in tables:
                row = connection.execute("SELECT value FROM chrono_meta WHERE key='format'").fetchone()
                version = int(row[0]) if row else None
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path} is damaged or not a chrono store ({error})") from None
    if tables and "stored_events" not in tables:
        raise StoreError(f"{path} is an SQLite database but not a chrono store")
    if version is not None and version > FORMAT:
        raise StoreError(f"{path} was written by a newer chrono (store format {version}); upgrade chrono")


@contextmanager
def _owner_only() -> Iterator[None]:
    # SQLite creates its -wal and -shm files itself: the umask covers them.
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _open(env: dict[str, str], location: Location) -> Chronicle:
    try:
        with _owner_only():
            app = Chronicle(env=env)
            _write_meta(app, location)
    except StoreError:
        raise
    except Exception as error:  # the persistence modules raise many kinds
        raise StoreError(f"cannot open store {_redacted(location.url)}: {_first_line(error)}") from error
    return app


def _write_meta(app: Chronicle, location: Location) -> None:
    placeholder = "?" if location.backend == "sqlite" else "%s"
    datastore: Any = app.recorder.datastore  # type: ignore[attr-defined]
    table = "chrono_meta"
    if location.backend == "postgres":
        table = f"{datastore.schema}.chrono_meta"
    with datastore.transaction(commit=True) as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        cursor.execute(f"SELECT value FROM {table} WHERE key = {placeholder}", ("format",))
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f"INSERT INTO {table} (key, value) VALUES ({placeholder}, {placeholder})", ("format", str(FORMAT)))
        elif int(row["value"]) > FORMAT:
            raise StoreError(f"{_redacted(location.url)} was written by a newer chrono (store format {row['value']})")


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
