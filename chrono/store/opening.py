"""Opening a store: checked read-only first, then handed to eventsourcing.

``open_store`` opens (creating if need be) and returns the application; it
never fills a store. The command line fills a newly made default store with
the bundled chronicle itself (``chrono.cli.reading``), through the import.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import attrs

from chrono.errors import StoreError
from chrono.events.application import Chronicle
from chrono.store.config import Location, locate, postgres_env, redacted, sqlite_env, store_key
from chrono.store.failures import describe_failure, first_line
from chrono.store.meta import cipher_env, write_meta
from chrono.store.server import check_postgres, creating
from chrono.store.sqlite_file import prepare_sqlite, sqlite_uri, writable


@attrs.frozen
class Opened:
    """An open store.

    Attributes:
        app: the chronicle application on it.
        location: where it is.
        created: True when this opening made the store (it is empty).
    """

    app: Chronicle
    location: Location
    created: bool


def open_store(store: str | None = None, *, create: bool = True) -> Chronicle:
    """Open the chronicle store named by ``store``, creating it if need be and ``create``.

    ``CHRONO_KEY`` encrypts a new store and must be given again to open it.
    """
    return open_location(locate(store), create=create).app


def open_location(location: Location, *, create: bool = True) -> Opened:
    """Open the store at ``location``, saying whether it was made now.

    Without ``create``, a store that does not exist is a ``StoreError``:
    queries never create one (a mistyped path is not an empty chronicle).
    """
    key = store_key()
    if location.backend == "postgres":
        env = postgres_env(location.url)
        existed = check_postgres(env, location, key, create=create)
        # A new store is made under its creation lock; it may exist by the
        # time we hold it, made by another process meanwhile.
        with nullcontext(True) if existed else creating(env, location) as exists:
            if exists:
                # eventsourcing's "CREATE ... IF NOT EXISTS" on an existing store
                # waits, with no timeout, for any writer holding the table lock:
                # a reader would hang for the length of a colleague's import.
                env["CREATE_TABLE"] = "no"
            return Opened(_open({**env, **cipher_env(key)}, location, key), location, created=not exists)
    path = location.path
    env = {**sqlite_env(path), **cipher_env(key)}  # the settings' own errors first
    fresh = prepare_sqlite(path, key, create=create)
    if not fresh and not writable(path):
        # A store on read-only media, or shared read-only: queries read it as
        # it is; a write fails with "the store is read-only" (describe_failure).
        env |= {"SQLITE_DBNAME": sqlite_uri(path), "CREATE_TABLE": "no"}
        return Opened(_open(env, location, key, write=False), location, created=False)
    return Opened(_open(env, location, key), location, created=fresh)


@contextmanager
def _owner_only() -> Iterator[None]:
    # SQLite creates its -wal and -shm files itself, with the database file's
    # permissions; the umask covers any it creates while we open the store.
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _open(env: dict[str, str], location: Location, key: str | None, *, write: bool = True) -> Chronicle:
    try:
        with _owner_only():
            app = Chronicle(env=env)
            if write:  # a read-only store's metadata was checked, read-only, by prepare_sqlite
                write_meta(app, location, key)
    except StoreError:
        raise
    except Exception as error:  # the persistence modules raise many kinds
        reason = describe_failure(error) or first_line(error)
        raise StoreError(f"cannot open store {redacted(location.url)}: {reason}") from error
    return app
