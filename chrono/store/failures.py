"""What a storage failure means, in one line for the person at the terminal.

The persistence modules raise their own and their drivers' errors; the person
needs to know which of a few things happened, and that nothing was written.
"""

from __future__ import annotations

import sqlite3

from chrono.store.config import lock_timeout

LOCKED = ("database is locked", "lock timeout", "could not obtain lock", "deadlock detected")
DISCONNECTED = (
    "terminating connection", "server closed the connection", "connection is closed", "consuming input failed",
    "connection not open", "the connection is lost", "ssl syscall error", "eof detected",
)  # fmt: skip
READ_ONLY = ("readonly database", "read-only file system")
DAMAGED = ("malformed", "not a database", "disk image", "file is encrypted")
FULL = ("database or disk is full", "no space left on device", "could not extend file", "disk full", "disk quota exceeded")


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
    if any(marker in text for marker in FULL):
        return "the disk holding the store is full; nothing was written: free some space and run the command again"
    if any(marker in text for marker in LOCKED):
        return (f"the store is locked by another writer (waited {lock_timeout()} s); nothing was written: "
                "try again when it has finished")  # fmt: skip
    if any(marker in text for marker in DISCONNECTED):
        return ("lost the connection to the PostgreSQL server; an interrupted write is rolled back whole: "
                "run the command again")  # fmt: skip
    if any(marker in text for marker in READ_ONLY):
        return ("the store is read-only, and this needs to write into it (a change, or its read model catching up "
                "with the log); nothing was written: run it with write access to the store")  # fmt: skip
    if any(marker in text for marker in DAMAGED):
        return f"the store is damaged ({first_line(error)}); nothing was written: restore it from a copy"
    return f"the store failed: {first_line(error)}"


def cause(error: BaseException) -> str:
    """What stopped a step, in a few words (a full disk and a lost connection named as such)."""
    text = " ".join(str(error).split()).lower()
    if (isinstance(error, OSError) and error.errno == 28) or any(marker in text for marker in FULL):
        return "the disk is full"
    if any(marker in text for marker in DISCONNECTED):
        return "the connection to the PostgreSQL server was lost"
    if any(marker in text for marker in LOCKED):
        return "the store is locked by another writer"
    return first_line(error)


def _is_psycopg_error(error: BaseException) -> bool:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg comes with eventsourcing[postgres]
        return False
    return isinstance(error, psycopg.Error)


def first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
