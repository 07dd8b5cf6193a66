"""What the read model's tables get from each page of the log: the rows its events derive
(``chrono.projections.rows``), the chain's links and the entry counts they change.

A page is written in bulk: its events are decoded once, the states they
follow on from are read in one query per table (or held in memory while
rebuilding), and every table gets one ``executemany`` (``COPY`` on
PostgreSQL). A first revision keeps the creation event's stored bytes as
its state (it decodes to the same aggregate); later ones keep a snapshot
encoded by the application's own mapper (transcodings, compression and
cipher alike), so nothing is encoded twice for the common case.
``chrono.projections.readmodel`` runs this over the log; ``offload`` runs
``derive`` in a process of its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Sequence
from typing import Any

from chrono.events.application import Chronicle
from chrono.events.entry import Entry, PartnerRecord
from chrono.projections import ledger, tallies, upkeep
from chrono.projections.cursors import retry_busy, rowcount
from chrono.projections.reader import STATE, Reader, value
from chrono.projections.rows import Rows, time_key
from chrono.projections.schema import COLUMNS, NAME
from chrono.projections.tallies import Tallies

STALE_TALLIES = f"{NAME}/tallies-stale"  # present when a partner moved: the entry counts are made again from the rows
_SNAPSHOT_TOPIC = "eventsourcing.domain:Snapshot"


class Deriving(Reader):
    """The rows, links and entry counts of pages of the log, written in a transaction given."""

    def __init__(self, app: Chronicle) -> None:
        super().__init__(app)
        # While rebuilding: the aggregates that later events follow on from,
        # and the version each is last seen at (the tables have no keys yet).
        self._held: dict[str, Any] = {}
        self._last: dict[str, int] | None = None
        self._parent_map: dict[str, str | None] | None = None
        self._held_counts: Tallies | None = None  # the entry counts a write or rebuild changed so far
        self.observer: Callable[[Any], None] | None = None  # shown each entry or partner revision as it is projected
        # A reference made only to be compared (``projections.reference``) copies a store's log, whose
        # chain is the store's to check and extend: it keeps no chain.
        self.evidence = True

    @property
    def rebuilding(self) -> bool:
        return self._last is not None

    def hold(self, last: dict[str, int]) -> None:
        """Derive rows as a rebuild does: hold the aggregates with later versions (``last``) in memory,
        and gather the entry counts (``counts``)."""
        self._last, self._held, self._parent_map, self._held_counts = last, {}, {}, Tallies({})

    def counts(self) -> Tallies:
        """The entry counts gathered since the last call (or ``hold``); gathering starts again."""
        assert self._held_counts is not None
        counted, self._held_counts = self._held_counts, Tallies(self._held_counts.parents)
        return counted

    def derive(self, page: Sequence[Any]) -> Rows:
        """The rows of ``page``, for a process that only derives them (``offload``): the aggregates later
        events follow on from are held (``hold``), none is read from the tables."""
        events = [self.app.mapper.to_domain_event(notification) for notification in page]
        assert self._held_counts is not None
        current, rows = self._page_rows(None, page, events, self._held_counts)
        self._hold(current)
        return rows

    def _page_rows(self, cursor: Any, page: Sequence[Any], events: Sequence[Any], counted: Tallies) -> tuple[dict[str, Any], Rows]:
        """The aggregates ``page`` leaves (the states it followed on from read with ``cursor``, else held) and its rows."""
        current = self._current(cursor, events)
        rows = Rows(self.veil)
        for notification, event in zip(page, events, strict=True):
            self._apply(notification, event, current, rows, counted)
        return current, rows

    def _hold(self, current: dict[str, Any]) -> None:
        """Keep, while rebuilding, the aggregates that later events follow on from."""
        if self._last is None:
            return
        for aggregate_id, aggregate in current.items():
            if aggregate.version < self._last.get(aggregate_id, 0):
                self._held[aggregate_id] = aggregate
            else:
                self._held.pop(aggregate_id, None)

    def _current(self, cursor: Any, events: Sequence[Any]) -> dict[str, Any]:
        """The stored states that the page's later events follow on from (only those held, without a ``cursor``)."""
        created: set[str] = set()
        wanted: dict[str, set[str]] = {"revisions": set(), "partners": set()}
        for event in events:
            aggregate_id = event.originator_id.hex
            if event.originator_version > 1 and aggregate_id not in created:
                wanted["revisions" if isinstance(event, Entry.Event) else "partners"].add(aggregate_id)
            created.add(aggregate_id)
        current: dict[str, Any] = {}
        for table, ids in wanted.items():
            current.update((aggregate_id, self._held[aggregate_id]) for aggregate_id in ids & self._held.keys())
            ordered = [] if cursor is None else sorted(ids - self._held.keys())
            for first in range(0, len(ordered), 500):
                chunk = ordered[first : first + 500]
                marks = ", ".join("?" for _ in chunk)
                query = f"SELECT r.aggregate, r.revision, {STATE} FROM {self.stated(table)} WHERE r.superseded_at IS NULL AND r.aggregate IN ({marks})"
                cursor.execute(self.sql(query), chunk)
                for row in cursor.fetchall():
                    current[str(value(row, "aggregate"))] = self.row_aggregate(row)
        return current

    def _apply(self, notification: Any, event: Any, current: dict[str, Any], rows: Rows, counted: Tallies) -> None:
        aggregate_id = event.originator_id.hex
        version = event.originator_version
        previous = current.get(aggregate_id)
        if version > 1 and (previous is None or previous.version != version - 1):
            raise ValueError(f"event {version} of {event.originator_id} follows no stored revision {version - 1}")
        if isinstance(previous, Entry):  # counted out before the event changes it in place
            counted.entry(previous.facts, previous.kind, previous.status, previous.retracted, -1)
        aggregate = event.mutate(previous)
        current[aggregate_id] = aggregate
        if self.observer is not None:
            self.observer(aggregate)
        recorded = time_key(event.timestamp)
        if version == 1:
            topic, state = None, None  # the creation event in the log is the state
        else:
            topic, state = _SNAPSHOT_TOPIC, self._freeze(aggregate)
            superseded = rows.superseded_entries if isinstance(aggregate, Entry) else rows.superseded_partners
            superseded.append((recorded, aggregate_id, version - 1))
        if isinstance(aggregate, Entry):
            rows.entry(aggregate, notification.id, recorded, topic, state)
            counted.entry(aggregate.facts, aggregate.kind, aggregate.status, aggregate.retracted, 1)
        elif isinstance(aggregate, PartnerRecord):
            rows.partner(aggregate, recorded, topic, state)
            counted.partner(aggregate.partner.id, aggregate.partner.parent)

    # A revision's state decodes with the application's own mapper: the
    # creation event itself for a first revision, else a snapshot.
    def _freeze(self, aggregate: Any) -> bytes:
        # Stamped with the revision's own time, not the clock's: a read model made
        # again from the log holds the very bytes, which the audit compares.
        snapshot = dataclasses.replace(type(aggregate).Snapshot.take(aggregate), timestamp=aggregate.modified_on)
        return bytes(self.app.mapper.to_stored_event(snapshot).state)

    def _project(self, cursor: Any, start: int, page: Sequence[Any], events: Sequence[Any]) -> dict[str, Any]:
        """Derive every table's rows and the chain's links from ``page`` (the log after ``start``).

        The entry counts of a write or a rebuild are gathered over all its
        pages and written once, at its end (``_held_counts``): most pages
        change the same few hundred counts.
        """
        counted = self._held_counts if self._held_counts is not None else Tallies(self._parents(cursor))
        current, rows = self._page_rows(cursor, page, events, counted)
        rows.write(cursor, self)
        if self._held_counts is None:
            self._count(cursor, counted)
        if self.evidence:
            ledger.extend(cursor, self.dialect, start, page)
        return current

    def insert(self, cursor: Any, table: str, rows: Collection[tuple[Any, ...]], columns: Sequence[str] | None = None) -> None:
        """Add ``rows`` of ``columns`` (the table's own, by default) to ``table`` (COPY on PostgreSQL, executemany on SQLite)."""
        if not rows:
            return
        columns = COLUMNS[table] if columns is None else columns
        if self.dialect.postgres:
            with cursor.copy(f"COPY {self.dialect.table(table)} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" for _ in columns)
        cursor.executemany(self.sql(f"INSERT INTO {{t:{table}}} ({', '.join(columns)}) VALUES ({marks})"), rows)

    def advance(self, cursor: Any, name: str, start: int, position: int) -> bool:
        """Move the tracking row ``name`` from ``start`` to ``position``; False if
        another reader moved it first (and so nothing was changed)."""
        cursor.execute(self.sql("UPDATE {t:tracking} SET position = ? WHERE name = ? AND position = ?"), (position, name, start))
        return rowcount(cursor) == 1

    def _parents(self, cursor: Any) -> dict[str, str | None]:
        """Every partner's parent as the read model holds it now (kept between pages)."""
        if self._parent_map is None:
            cursor.execute(self.sql("SELECT id, parent FROM {t:partners} WHERE superseded_at IS NULL"))
            self._parent_map = {str(value(row, "id")): value(row, "parent") for row in cursor.fetchall()}
        return self._parent_map

    def _count(self, cursor: Any, counted: Tallies, *, fresh: bool = False) -> None:
        """Write a page's changes to the entry counts (``projections.tallies``), into an empty table if ``fresh``."""
        self._parent_map = counted.parents
        rows = counted.rows()
        if rows and fresh:
            self.insert(cursor, "tallies", rows)
        elif rows:
            cursor.executemany(self.sql(tallies.UPSERT), rows)
        if counted.stale:
            cursor.execute(self.sql("INSERT INTO {t:tracking} (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING"), (STALE_TALLIES,))

    def recount(self) -> None:
        """Make the entry counts again from the rows, if a partner moved since they were made."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self.sql("SELECT name FROM {t:tracking} WHERE name = ?"), (STALE_TALLIES,))
            if not cursor.fetchall():
                return
            parents = self._parents(cursor)
            cursor.execute(self.sql(tallies.LIVE_LINKS))
            names = ("aggregate", "kind", "status", "retracted", "earliest", "partner", "role")
            counted = tallies.recounted(parents, [[value(row, name) for name in names] for row in cursor.fetchall()])
            cursor.execute(self.sql("DELETE FROM {t:tallies}"))
            cursor.execute(self.sql("DELETE FROM {t:tracking} WHERE name = ?"), (STALE_TALLIES,))
            counted.stale = False
            self._count(cursor, counted)

    def _caught_up(self) -> None:
        """After a catch-up that wrote rows: PostgreSQL's statistics, and the entry counts made
        again from the rows if a partner moved."""
        if self.dialect.postgres:
            upkeep.restate(self)
        retry_busy(self.recount)
