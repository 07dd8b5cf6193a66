"""Opening a chronicle's store: an SQLite file or a PostgreSQL database.

This is the one place that knows where stores live and how eventsourcing's
persistence modules are configured for them. Everything a store is checked
for (is it a chrono store, written by a newer chrono, encrypted with another
key, damaged) is checked read-only before anything is written into it: chrono
never writes into what it cannot read.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import attrs

from chrono.errors import StoreError
from chrono.events.application import Chronicle

FORMAT = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
DEFAULT_NAME = "chronicle.sqlite"
LOCK_TIMEOUT_SECONDS = 10
LOCK_TIMEOUT_VARIABLE = "CHRONO_LOCK_TIMEOUT"
KEY_VARIABLE = "CHRONO_KEY"
CIPHER_TOPIC = "eventsourcing.cipher:AESCipher"
# Encrypted into chrono_meta so that a wrong key is told apart from a damaged
# store before any event is read. It is a constant: it reveals nothing.
KEY_CHECK = b"chrono store key check"
# Schema names become SQL identifiers (some unquoted, in eventsourcing too):
# only plain lowercase names, never text that could be SQL.
SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# The tables a chrono store may hold besides chrono_meta (SQLite names).
EVENT_TABLE = "stored_events"


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
    told so in one line. ``CHRONO_KEY`` encrypts a new store and must be
    given again to open it.
    """
    location = locate(store)
    key = store_key()
    if location.backend == "postgres":
        env = postgres_env(location.url)
        existed = _check_postgres(env, location, key)
        # A new store is made under its creation lock; it may exist by the
        # time we hold it, made by another process meanwhile.
        with nullcontext(True) if existed else _creating(env, location) as exists:
            if exists:
                # eventsourcing's "CREATE ... IF NOT EXISTS" on an existing store
                # waits, with no timeout, for any writer holding the table lock:
                # a reader would hang for the length of a colleague's import.
                env["CREATE_TABLE"] = "no"
            return _open({**env, **cipher_env(key)}, location, key)
    path = location.path
    fresh = _prepare_sqlite(path, key)
    app = _open({**sqlite_env(path), **cipher_env(key)}, location, key)
    if fresh and location.is_default:
        from chrono.importing import import_bundled

        report = import_bundled(app)
        if notice is not None:
            notice(f"created {path} with the bundled chronicle ({len(report.recorded)} records)")
    return app


# -- configuration ---------------------------------------------------------


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


def _cipher(key: str) -> Any:
    try:
        from eventsourcing.cipher import AESCipher
    except ImportError:
        raise StoreError("encryption needs pycryptodome: pip install 'chrono-chronicle[encryption]'") from None
    from eventsourcing.utils import Environment

    return AESCipher(Environment(env={"CIPHER_KEY": key}))


def cipher_env(key: str | None) -> dict[str, str]:
    """eventsourcing's settings for encrypting stored events with ``key``."""
    if key is None:
        return {}
    _cipher(key)  # fail now, clearly, if pycryptodome is missing
    return {"CIPHER_TOPIC": CIPHER_TOPIC, "CIPHER_KEY": key}


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
        raise StoreError(f"{_redacted(url)}: name the database, e.g. postgresql://user@127.0.0.1:5432/chrono")
    schema = parse_qs(parts.query).get("schema", [""])[0]
    if schema and not SCHEMA_NAME.match(schema):
        raise StoreError(f"{schema!r} is not a schema name chrono accepts (lowercase letters, digits and _, at most 63)")
    try:
        port = parts.port or 5432
    except ValueError:
        raise StoreError(f"{_redacted(url)}: the port is not a number") from None
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
        # eventsourcing ends a transaction left idle for 5 s; an import of a
        # large file is one transaction (all or nothing) and a large read one
        # too, so that limit lost both. The environment can still set one.
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": os.environ.get("POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT", "0"),
        # eventsourcing's recorder, without its pipeline deadlock on large
        # imports and its tenfold retry of a lock timeout (chrono.postgres).
        "APPLICATION_RECORDER_TOPIC": "chrono.postgres:ChronoPostgresRecorder",
    }


# -- the store's own metadata ------------------------------------------------


def _new_meta(key: str | None) -> dict[str, str]:
    if key is None:
        return {"format": str(FORMAT), "cipher": "none"}
    check = base64.b64encode(_cipher(key).encrypt(KEY_CHECK)).decode()
    return {"format": str(FORMAT), "cipher": "aes", "key_check": check}


def check_meta(meta: Mapping[str, str], where: str, key: str | None) -> None:
    """Refuse a store this chrono cannot read, or cannot read with ``key``.

    An empty ``meta`` is a store being created. Stores made before
    encryption existed have no ``cipher`` row: they are not encrypted.
    """
    if not meta:
        return
    version = meta.get("format", "0")
    if not version.isdigit() or int(version) > FORMAT:
        raise StoreError(f"{where} was written by a newer chrono (store format {version}); upgrade chrono")
    cipher = meta.get("cipher", "none")
    if cipher == "none":
        if key is not None:
            raise StoreError(f"{where} is not encrypted; unset {KEY_VARIABLE} to open it")
        return
    if cipher != "aes":
        raise StoreError(f"{where} is encrypted with {cipher!r}, which this chrono does not know; upgrade chrono")
    if key is None:
        raise StoreError(f"{where} is encrypted; set {KEY_VARIABLE} to its key")
    try:
        opened = _cipher(key).decrypt(base64.b64decode(meta.get("key_check", "")))
    except ValueError:
        opened = b""
    if opened != KEY_CHECK:
        raise StoreError(f"{KEY_VARIABLE} is not the key of {where} (wrong key)")


def _write_meta(app: Chronicle, location: Location, key: str | None) -> None:
    """Write a new store's metadata; check an existing one's again (another
    process may have created the store since we looked)."""
    placeholder = "?" if location.backend == "sqlite" else "%s"
    datastore: Any = app.recorder.datastore  # type: ignore[attr-defined]
    table = "chrono_meta"
    if location.backend == "postgres":
        table = f"{datastore.schema}.chrono_meta"  # validated by SCHEMA_NAME
    with datastore.transaction(commit=True) as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        cursor.execute(f"SELECT key, value FROM {table}")
        meta = {row["key"]: row["value"] for row in cursor.fetchall()}
        if meta:
            check_meta(meta, _redacted(location.url), key)
            return
        statement = f"INSERT INTO {table} (key, value) VALUES ({placeholder}, {placeholder})"
        for item in _new_meta(key).items():
            cursor.execute(statement, item)


# -- SQLite ------------------------------------------------------------------


def _prepare_sqlite(path: Path, key: str | None) -> bool:
    """Check that ``path`` is a chrono store or absent; create it owner-only.

    Returns True when the file was created now.
    """
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a store")
    if path.exists() and path.stat().st_size > 0:
        _check_sqlite_file(path, key)
        return False
    existed = path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as error:
        raise StoreError(f"cannot create a store at {path}: {error.strerror}") from None
    return not existed


def _check_sqlite_file(path: Path, key: str | None) -> None:
    """Read-only checks of an existing file before eventsourcing opens it."""
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None
    if not header.startswith(SQLITE_MAGIC):
        raise StoreError(f"{path} is not a chrono store (not an SQLite database)")
    # With a write-ahead log beside it, the main file may be short of its
    # header by pages that only the log holds yet: SQLite recovers them.
    if not _has_wal(path) and _truncated(header, path.stat().st_size):
        raise StoreError(f"{path} is damaged: the file is shorter than its header says (truncated?)")
    tables, meta, has_events = _read_sqlite(path)
    if tables and "chrono_meta" not in tables and (EVENT_TABLE not in tables or has_events):
        raise StoreError(f"{path} is an SQLite database but not a chrono store")
    check_meta(meta, str(path), key)


def _has_wal(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def _truncated(header: bytes, size: int) -> bool:
    # The header's page count is authoritative only when its "version valid
    # for" number matches the change counter; SQLite itself uses the same rule.
    if len(header) < 100:
        return True
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if header[24:28] != header[92:96] or pages == 0:
        return False
    return size < page_size * pages


def _read_sqlite(path: Path) -> tuple[set[str], dict[str, str], bool]:
    """The file's tables, chrono's metadata, and whether it holds any event."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            meta: dict[str, str] = {}
            if "chrono_meta" in tables:
                meta = {str(k): str(v) for k, v in connection.execute("SELECT key, value FROM chrono_meta")}
            has_events = EVENT_TABLE in tables and connection.execute(f"SELECT 1 FROM {EVENT_TABLE} LIMIT 1").fetchone() is not None
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path} is damaged or not a chrono store ({error})") from None
    return tables, meta, has_events


# -- PostgreSQL --------------------------------------------------------------


def _check_postgres(env: dict[str, str], location: Location, key: str | None) -> bool:
    """Connect once ourselves, so that a refused or missing server is a clear,
    fast error; create the schema named in the URL; check the metadata.

    Returns True when the store exists already (its metadata was written).
    """
    import psycopg
    from psycopg import sql

    schema = env["POSTGRES_SCHEMA"] or "public"
    with _connected(env, location) as connection:
        if env["POSTGRES_SCHEMA"]:
            # "IF NOT EXISTS" races: another process may make it at the same moment.
            with suppress(psycopg.errors.UniqueViolation, psycopg.errors.DuplicateSchema):
                connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        meta = _postgres_meta(connection, schema)
    check_meta(meta, _redacted(location.url), key)
    return bool(meta)


@contextmanager
def _connected(env: dict[str, str], location: Location) -> Iterator[Any]:
    """A connection of our own (autocommit); a server error is a one-line StoreError."""
    import psycopg

    try:
        with psycopg.connect(
            dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"], password=env["POSTGRES_PASSWORD"] or None, connect_timeout=5,
            autocommit=True,
        ) as connection:  # fmt: skip
            yield connection
    except psycopg.Error as error:
        raise StoreError(f"cannot open store {_redacted(location.url)}: {_first_line(error)}") from None


CREATION_LOCK = 0x63687200  # "chr\0": with the schema's hash, one advisory lock per store


@contextmanager
def _creating(env: dict[str, str], location: Location) -> Iterator[bool]:
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


# -- opening -----------------------------------------------------------------


@contextmanager
def _owner_only() -> Iterator[None]:
    # SQLite creates its -wal and -shm files itself, with the database file's
    # permissions; the umask covers any it creates while we open the store.
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _open(env: dict[str, str], location: Location, key: str | None) -> Chronicle:
    try:
        with _owner_only():
            app = Chronicle(env=env)
            _write_meta(app, location, key)
    except StoreError:
        raise
    except Exception as error:  # the persistence modules raise many kinds
        reason = describe_failure(error) or _first_line(error)
        raise StoreError(f"cannot open store {_redacted(location.url)}: {reason}") from error
    return app


# -- errors ------------------------------------------------------------------

LOCKED = ("database is locked", "lock timeout", "could not obtain lock", "deadlock detected")
DISCONNECTED = (
    "terminating connection", "server closed the connection", "connection is closed", "consuming input failed",
    "connection not open", "the connection is lost", "ssl syscall error", "eof detected",
)  # fmt: skip
DAMAGED = ("malformed", "not a database", "disk image", "file is encrypted")


def describe_failure(error: BaseException) -> str | None:
    """A one-line explanation of a storage failure, or None if ``error`` is not one.

    The persistence modules raise their own and their drivers' errors; the
    person at the terminal needs to know which of a few things happened.
    """
    from eventsourcing.persistence import MapperDeserialisationError, PersistenceError
    from eventsourcing.utils import TopicError

    if isinstance(error, MapperDeserialisationError | TopicError):
        return "a stored event cannot be read (the store is damaged, or was written with another key): run chrono audit"
    if not isinstance(error, PersistenceError | sqlite3.Error) and not _is_psycopg_error(error):
        return None
    text = " ".join(str(error).split()).lower()
    if any(marker in text for marker in LOCKED):
        return (f"the store is locked by another writer (waited {lock_timeout()} s); nothing was written: "
                "try again when it has finished")  # fmt: skip
    if any(marker in text for marker in DISCONNECTED):
        return ("lost the connection to the PostgreSQL server; an interrupted write is rolled back whole: "
                "run the command again")  # fmt: skip
    if any(marker in text for marker in DAMAGED):
        return f"the store is damaged ({_first_line(error)}); nothing was written: restore it from a copy"
    return f"the store failed: {_first_line(error)}"


def _is_psycopg_error(error: BaseException) -> bool:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg comes with eventsourcing[postgres]
        return False
    return isinstance(error, psycopg.Error)


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
