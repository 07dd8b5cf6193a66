"""chrono's PostgreSQL infrastructure: eventsourcing's, with the URL's options and two faults fixed.

``chrono.store.config`` names these classes in ``PERSISTENCE_MODULE`` and
``APPLICATION_RECORDER_TOPIC`` for PostgreSQL stores. They are imported only
then (they pull in psycopg).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from eventsourcing.utils import Environment, EnvType

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
            if not stored_events:
                return None
            self._insert_stored_events(cursor, stored_events, **kwargs)
            return self._fetch_ids_after_insert_events(cursor, stored_events, **kwargs)


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
