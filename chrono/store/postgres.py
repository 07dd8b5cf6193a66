"""chrono's PostgreSQL infrastructure: eventsourcing's, with the URL's options and two faults fixed.

``chrono.store.config`` names these classes in ``PERSISTENCE_MODULE`` and
``APPLICATION_RECORDER_TOPIC`` for PostgreSQL stores. They are imported only
then (they pull in psycopg).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from eventsourcing.utils import Environment, EnvType
from psycopg.sql import SQL

from chrono.store.config import driver_options


class ChronoPostgresRecorder(PostgresApplicationRecorder):
    """Inserts a batch of events in one plain transaction.

    eventsourcing sends the batch in psycopg's pipeline mode, which can
    deadlock for good when the batch is large (an import of a few MB: the
    client waits for results, the server for the rest of the query; see
    psycopg issue 685). The same statements (table lock, notify, insert
    returning the notification ids) run here one after the other instead.

    It also drops eventsourcing's retry of failed inserts (ten attempts):
    a write that waited ``POSTGRES_LOCK_TIMEOUT`` for another writer's lock
    fails once, so that "the store is locked" comes after the timeout the
    user set, not ten times later. A rolled-back import is run again whole.
    """

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        with self.datastore.get_connection() as connection, connection.transaction(), connection.cursor() as cursor:
            self._insert_events(cursor, stored_events, **kwargs)
            return self.insert_in(cursor, stored_events) if stored_events else None

    # chrono.events.writing holds one transaction open over a write of any
    # size, having taken the log's write lock first (as chrono.store.sqlite).

    @contextmanager
    def writing(self) -> Iterator[Any]:
        """A cursor in a transaction that holds the log's write lock from its start."""
        with self.datastore.transaction(commit=True) as cursor:
            self._lock_table(cursor)
            # A log filled in one go has no planner statistics yet, and
            # PostgreSQL then scans all of it for every page of ids; past a
            # few hundred thousand events it also starts parallel workers for
            # a few index probes (16 ms a page of ids, not 1.5).
            for setting in ("enable_seqscan = off", "max_parallel_workers_per_gather = 0", "jit = off"):
                cursor.execute(f"SET LOCAL {setting}")
            yield cursor

    def insert_in(self, cursor: Any, stored_events: Sequence[StoredEvent]) -> Sequence[int]:
        """Insert ``stored_events`` in the open transaction; their notification ids."""
        self._insert_stored_events(cursor, stored_events)
        return list(self._fetch_ids_after_insert_events(cursor, stored_events) or ())

    def stored_ids_in(self, cursor: Any, ids: Sequence[UUID]) -> set[UUID]:
        """Which of ``ids`` have events in the log, as the open transaction sees it."""
        table = f"{self.datastore.schema}.{self.events_table_name}"
        cursor.execute(f"SELECT DISTINCT originator_id FROM {table} WHERE originator_id = ANY(%s)", (list(ids),))
        return {row["originator_id"] for row in cursor.fetchall()}

    def events_in(self, cursor: Any, originator_id: UUID) -> list[StoredEvent]:
        """The stored events of ``originator_id`` in version order, as the open transaction sees them."""
        cursor.execute(self.select_events_statement + SQL(" ORDER BY originator_version"), (originator_id,))
        return [
            StoredEvent(originator_id=originator_id, originator_version=row["originator_version"], topic=row["topic"], state=bytes(row["state"]))
            for row in cursor.fetchall()
        ]


class ChronoPostgresFactory(PostgresFactory):
    """eventsourcing's PostgreSQL factory, whose connections also take the store URL's options.

    eventsourcing builds its pool from host, port, user, password and
    database only: ``?sslmode=require`` would be dropped, and the connection
    fall back to plain text without a word. The options are given to the
    pool before it opens (libpq refuses those it does not know).
    """

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        options = driver_options(dict(self.env))
        kwargs = self.datastore.pool.kwargs
        if options and isinstance(kwargs, dict):  # eventsourcing gives the pool a dict
            kwargs.update(options)
