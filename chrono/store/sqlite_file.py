"""Checks of an SQLite store's file, read-only, before eventsourcing opens it."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote

from chrono.errors import StoreError
from chrono.store.meta import check_meta

SQLITE_MAGIC = b"SQLite format 3\x00"
# The tables a chrono store may hold besides chrono_meta (SQLite names).
EVENT_TABLE = "stored_events"


NOT_CREATED = "a query never creates a store: check --store, or import or record into it first"


def prepare_sqlite(path: Path, key: str | None, *, create: bool = True) -> bool:
    """Check that ``path`` is a chrono store, or absent (or empty) and ``create`` asked; create it owner-only.

    A path that is not a regular file (a FIFO, a device) is refused before
    anything opens it: opening a FIFO waits for a writer for ever. Returns
    True when the store is new: the file was created now, or was an empty
    file, now made readable by its owner only (it may have been made
    world-readable by someone else's umask).
    """
    mode = _mode(path)
    if mode is not None and stat.S_ISDIR(mode):
        raise StoreError(f"{path} is a directory, not a store")
    if mode is not None and not stat.S_ISREG(mode):
        raise StoreError(f"{path} is not a regular file (a pipe or a device?), not a store")
    if mode is not None and path.stat().st_size > 0:
        check_sqlite_file(path, key)
        return False
    if not create:
        raise StoreError(f"{path} is empty, not a chrono store yet: {NOT_CREATED}" if mode is not None else f"no store at {path}: {NOT_CREATED}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        try:
            os.fchmod(fd, 0o600)
        finally:
            os.close(fd)
    except OSError as error:
        raise StoreError(f"cannot create a store at {path} readable by its owner only: {error.strerror}") from None
    return True


def _mode(path: Path) -> int | None:
    try:
        return path.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f"cannot reach {path}: {error.strerror}") from None


def writable(path: Path) -> bool:
    """Whether chrono may write the store at ``path``: the file, and its folder for SQLite's -wal and -shm files."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def sqlite_uri(path: Path) -> str:
    """The URI that opens an existing store for reading only, when it cannot be written.

    SQLite opens a write-ahead-log store read-only only if it can make its
    shared-memory file; in a folder it cannot write, ``immutable`` reads the
    file as it is, which holds everything when no log is pending beside it.
    """
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    return uri if _has_wal(path) else f"{uri}&immutable=1"


def check_sqlite_file(path: Path, key: str | None) -> None:
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
    uri = f"file:{quote(str(path.resolve()))}?mode=ro" if writable(path) else sqlite_uri(path)
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
        if _full(path):  # SQLite cannot even open a file's shared memory on a full disk: not damage
            raise StoreError(f"cannot open {path}: the disk holding it is full; free some space and run the command again") from None
        raise StoreError(f"{path} is damaged or not a chrono store ({error})") from None
    return tables, meta, has_events


def _full(path: Path) -> bool:
    """Whether the disk holding ``path`` has no room left."""
    import shutil

    try:
        return shutil.disk_usage(path.resolve().parent).free < 65536
    except OSError:
        return False
