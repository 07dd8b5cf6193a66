"""Where a store is and how eventsourcing's persistence modules are set up for it.

Nothing here opens a connection or a file: ``locate`` names the store,
``sqlite_env`` and ``postgres_env`` turn it into eventsourcing's settings,
``store_key`` and ``lock_timeout`` read chrono's own environment variables.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import attrs

from chrono.errors import StoreError

DEFAULT_NAME = "chronicle.sqlite"
LOCK_TIMEOUT_SECONDS = 10
LOCK_TIMEOUT_VARIABLE = "CHRONO_LOCK_TIMEOUT"
KEY_VARIABLE = "CHRONO_KEY"
# Schema names become SQL identifiers (some unquoted, in eventsourcing too):
# only plain lowercase names, never text that could be SQL.
SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


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
        raise StoreError(f"{redacted(named)!r}: only file paths and postgresql:// URLs are stores")
    return Location(named, "sqlite")


def lock_timeout() -> int:
    """How long a write waits for another writer's lock, in whole seconds."""
    text = os.environ.get(LOCK_TIMEOUT_VARIABLE, "").strip()
    if not text:
        return LOCK_TIMEOUT_SECONDS
    if not text.isdigit() or int(text) < 1:
        raise StoreError(f"{LOCK_TIMEOUT_VARIABLE} must be a whole number of seconds, at least 1 (not {text!r})")
    return int(text)


def store_key() -> str | None:
    """The encryption key from ``CHRONO_KEY`` (base64 of 16, 24 or 32 bytes), if set."""
    key = os.environ.get(KEY_VARIABLE, "").strip()
    if not key:
        return None
    try:
        size = len(base64.b64decode(key, validate=True))
    except (binascii.Error, ValueError):
        size = -1
    if size not in (16, 24, 32):
        raise StoreError(f"{KEY_VARIABLE} is not a key: it must be 16, 24 or 32 random bytes in base64 (see the README)")
    return key


def new_key() -> str:
    """A new random key for ``CHRONO_KEY``."""
    return base64.b64encode(os.urandom(32)).decode()


def sqlite_env(path: Path) -> dict[str, str]:
    # eventsourcing opens SQLite with uri=True: an absolute path never reads
    # as a "file:" URI, whatever the user named the store.
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(path.resolve()),
        "SQLITE_LOCK_TIMEOUT": str(lock_timeout()),
    }


def postgres_env(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise StoreError(f"{redacted(url)}: name the database, e.g. postgresql://user@127.0.0.1:5432/chrono")
    schema = parse_qs(parts.query).get("schema", [""])[0]
    if schema and not SCHEMA_NAME.match(schema):
        raise StoreError(f"{schema!r} is not a schema name chrono accepts (lowercase letters, digits and _, at most 63)")
    try:
        port = parts.port or 5432
    except ValueError:
        raise StoreError(f"{redacted(url)}: the port is not a number") from None
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": unquote(parts.username or os.environ.get("USER", "postgres")),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "POSTGRES_LOCK_TIMEOUT": str(lock_timeout()),
        # eventsourcing's recorder, without its pipeline deadlock on large
        # imports and its tenfold retry of a lock timeout (chrono.store.postgres).
        "APPLICATION_RECORDER_TOPIC": "chrono.store.postgres:ChronoPostgresRecorder",
    }


def redacted(url: str) -> str:
    """``url`` without its password."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
