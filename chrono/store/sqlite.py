"""chrono's SQLite recorder: eventsourcing's, able to write inside a transaction it is given.

``chrono.store.config`` names it in ``APPLICATION_RECORDER_TOPIC`` for SQLite
stores. ``chrono.events.writing`` holds one transaction open over a write of
any size: it takes the write lock first, so that what it reads of the log
(which ids are stored, an entry to correct) is still so when it writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder

PAGE = 500  # ids per query (SQLite allows 999 parameters before 3.32)
# A write's page cache, in KiB. The read model's keys are random (uuid5 ids):
# with SQLite's 2 MB default, a large import spends most of its time reading
# back index pages it has just pushed out. 64 MiB: a 1M import in 225 s and
# 368 MB (128 MiB: 213 s but 505 MB, over the 400 MB the import may take).
WRITE_CACHE_KIB = 65_536
FOLD_BYTES = 64 << 20  # a write-ahead log this large is copied into the file by the write that made it


class ChronoSQLiteRecorder(SQLiteApplicationRecorder):
    """Writes and reads in a transaction that holds the store's write lock."""

    @contextmanager
    def writing(self) -> Iterator[Any]:
        """A cursor in a transaction that holds the write lock from its start."""
        with self.datastore.transaction(commit=True) as cursor:
            # A write that changes nothing still takes SQLite's write lock:
            # another writer now waits for this transaction (lock timeout).
            cursor.execute(f"DELETE FROM {self.events_table_name} WHERE 0")
            cursor.execute("PRAGMA cache_size")
            before = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KIB}")
            try:
                yield cursor
            finally:
                with suppress(sqlite3.Error):  # the connection's own failure is what the write reports
                    cursor.execute(f"PRAGMA cache_size = {int(before)}")
        self._fold_log()

    def _fold_log(self) -> None:
        """After a large write: copy the write-ahead log into the file and empty it, here.

        Left to SQLite, the next query's process does it when it closes (7 s
        after an import of a million entries), and reads through it till then.
        """
        try:
            size = Path(f"{self.datastore.pool.db_name}-wal").stat().st_size
        except OSError:  # no log (a memory store), or one already gone
            return
        if size < FOLD_BYTES:
            return
        with self.datastore.get_connection(commit=True) as connection, suppress(sqlite3.Error):
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")  # a reader in its way: the next write tries again

    def insert_in(self, cursor: Any, stored_events: Sequence[StoredEvent]) -> Sequence[int]:
        """Insert ``stored_events`` in the open transaction; their notification ids."""
        return list(self._insert_events(cursor, stored_events) or ())

    def stored_ids_in(self, cursor: Any, ids: Sequence[UUID]) -> set[UUID]:
        """Which of ``ids`` have events in the log, as the open transaction sees it."""
        found: set[UUID] = set()
        for start in range(0, len(ids), PAGE):
            page = ids[start : start + PAGE]
            marks = ", ".join("?" for _ in page)
            cursor.execute(f"SELECT DISTINCT originator_id FROM {self.events_table_name} WHERE originator_id IN ({marks})", [uid.hex for uid in page])
            found.update(UUID(row["originator_id"]) for row in cursor.fetchall())
        return found

    def events_in(self, cursor: Any, originator_id: UUID) -> list[StoredEvent]:
        """The stored events of ``originator_id`` in version order, as the open transaction sees them."""
        cursor.execute(self.select_events_statement + " ORDER BY originator_version", (originator_id.hex,))
        return [
            StoredEvent(originator_id=originator_id, originator_version=row["originator_version"], topic=row["topic"], state=row["state"])
            for row in cursor.fetchall()
        ]
