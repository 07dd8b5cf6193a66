"""What every writer of the read model's tables needs of a cursor and of a busy SQLite store."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from eventsourcing.persistence import OperationalError

BUSY_RETRIES = 20
T = TypeVar("T")


def retry_busy(action: Callable[[], T]) -> T:
    """Run ``action``, again while SQLite says the database is locked.

    SQLite waits for a lock on its own (``SQLITE_LOCK_TIMEOUT``), except when
    a transaction that has read must become a writer after another process
    wrote: that fails at once and only a fresh transaction can go on.
    """
    for attempt in range(BUSY_RETRIES):
        try:
            return action()
        except OperationalError as error:
            if "locked" not in str(error) or attempt == BUSY_RETRIES - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def rowcount(cursor: Any) -> int:
    """The rows the last statement changed."""
    # eventsourcing's SQLite cursor wrapper hides the rowcount of the real one.
    return int(getattr(cursor, "sqlite_cursor", cursor).rowcount)
