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
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import attrs

from chrono.errors import StoreError

DEFAULT_NAME = "chronicle.sqlite"
LOCK_TIMEOUT_SECONDS = 10
LOCK_TIMEOUT_VARIABLE = "CHRONO_LOCK_TIMEOUT"
KEY_VARIABLE = "CHRONO_KEY"
# Schema names become SQL identifiers (some unquoted, in eventsourcing too):
# only plain lowercase names, never text that could be SQL.
SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# URL options that would override what the URL itself says, or have libpq
# read the connection from elsewhere: the URL's own parts name these.
URL_PARTS = frozenset({"host", "hostaddr", "port", "dbname", "user", "password", "service", "passfile", "options", "replication"})
# Where postgres_env puts the URL's other options for the driver (chrono.store.postgres).
OPTIONS_VARIABLE = "CHRONO_POSTGRES_OPTIONS"


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


def is_store_file(path: Path, location: Location) -> bool:
    """Whether writing ``path`` would write over the store at ``location``
    (its file, or SQLite's -wal, -shm and -journal beside it)."""
    if location.backend != "sqlite":
        return False
    store = location.path.resolve()
    target = path.expanduser().resolve()
    if target in {store, *(store.with_name(store.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}:
        return True
    try:
        return target.exists() and store.exists() and os.path.samefile(target, store)  # a hard link
    except OSError:
        return False


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
        # eventsourcing's recorder, able to write in a transaction it is given (chrono.store.sqlite).
        "APPLICATION_RECORDER_TOPIC": "chrono.store.sqlite:ChronoSQLiteRecorder",
    }


def postgres_env(url: str) -> dict[str, str]:
    """eventsourcing's settings for the PostgreSQL store at ``url``.

    ``schema`` is chrono's own option; every other URL option (``sslmode``,
    ``sslrootcert``, ``application_name``, ...) goes to the driver, for the
    recorder's connections and chrono's own alike, or is refused: never dropped.
    """
    try:
        return _postgres_env(url)
    except ValueError:  # urllib's reading of a malformed host, port or query
        raise StoreError(f"{redacted(url)}: not a store URL chrono can read (postgresql://user@host:port/database)") from None


def _postgres_env(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise StoreError(f"{redacted(url)}: name the database, e.g. postgresql://user@127.0.0.1:5432/chrono")
    options = url_options(url)
    schema = options.pop("schema", "")
    if schema and not SCHEMA_NAME.match(schema):
        raise StoreError(f"{schema!r} is not a schema name chrono accepts (lowercase letters, digits and _, at most 63)")
    timeout = options.get("connect_timeout", "5")
    if not timeout.isdigit() or int(timeout) < 1:
        raise StoreError(f"{redacted(url)}: connect_timeout is a whole number of seconds, at least 1")
    return {
        # eventsourcing's factory, giving the URL's options to the driver too (chrono.store.postgres).
        "PERSISTENCE_MODULE": "chrono.store.postgres:ChronoPostgresFactory",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or os.environ.get("USER", "postgres")),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_CONNECT_TIMEOUT": timeout,
        "POSTGRES_LOCK_TIMEOUT": str(lock_timeout()),
        # eventsourcing ends a transaction left idle for 5 s; an import of a
        # large file is one transaction (all or nothing) and a large read one
        # too, so that limit lost both. The environment can still set one.
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": os.environ.get("POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT", "0"),
        OPTIONS_VARIABLE: urlencode(options),
        # eventsourcing's recorder, without its pipeline deadlock on large
        # imports and its tenfold retry of a lock timeout (chrono.store.postgres).
        "APPLICATION_RECORDER_TOPIC": "chrono.store.postgres:ChronoPostgresRecorder",
    }


def url_options(url: str) -> dict[str, str]:
    """The options of a store URL, each once; those that would override the URL's own parts refused."""
    options: dict[str, str] = {}
    for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if name in options:
            raise StoreError(f"{redacted(url)}: the option {name!r} is given twice")
        if name in URL_PARTS:
            raise StoreError(f"{redacted(url)}: the option {name!r} is not taken: say it in the URL itself (postgresql://user:password@host:port/database)")
        options[name] = value
    return options


def driver_options(env: dict[str, str]) -> dict[str, str]:
    """The URL's options for the driver, as ``postgres_env`` put them."""
    return dict(parse_qsl(env.get(OPTIONS_VARIABLE, ""), keep_blank_values=True))


def redacted(url: str) -> str:
    """``url`` without its secrets: the password, and any option that holds one."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # not a URL urllib can read: say only what kind it is
        return url.partition("://")[0] + "://***"
    netloc = parts.netloc
    if password is not None:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}:***@{host}"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if any("password" in name.lower() for name, _ in pairs):
        query = urlencode([(name, "***" if "password" in name.lower() else value) for name, value in pairs])
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
