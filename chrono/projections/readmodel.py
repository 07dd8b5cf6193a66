"""The materialised read model: caught up from the log, rebuilt on demand.

eventsourcing's SQLite module has no subscriptions, so the catch-up loop is
ours: it reads the notification log after the tracked position, and writes
each page's rows together with the new tracked position in one transaction.
A concurrent reader that got there first makes our guarded update match no
row; we then roll back and carry on from where it left off.

What each event writes is ``chrono.projections.rows``; this module runs it:
the catch-up, the inline projection of a write (``project``) and the
rebuild. A page is written in bulk: its events are decoded once, the states they
follow on from are read in one query per table, and every table gets one
``executemany``. A first revision keeps the creation event's stored bytes as
its state (it decodes to the same aggregate); later ones keep a snapshot
encoded by the application's own mapper (transcodings, compression and
cipher alike), so nothing is encoded twice for the common case.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import groupby
from typing import Any, Protocol, TypeVar

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import OperationalError

from chrono.collector import cycles_collected_after
from chrono.events.application import Chronicle
from chrono.events.entry import Entry, PartnerRecord
from chrono.projections import chain, ledger, tallies, upkeep
from chrono.projections.rawlog import later_versions, log_table, stored_links
from chrono.projections.reader import NAME, STATE, Reader, value
from chrono.projections.rows import Rows, date_key, time_key
from chrono.projections.schema import COLUMNS, drops, kept, secondary, statements, tables
from chrono.projections.tallies import Tallies, start_year
from chrono.projections.upkeep import INDEXING


class Derived(Protocol):
    """The rows of a stretch of the log derived by another process (``offload.Derived``): each page's
    ``(start, last position, events, rows)``, then the entry counts they change."""

    def __iter__(self) -> Iterator[tuple[int, int, int, Rows]]: ...

    @property
    def counts(self) -> Tallies: ...


STALE_TALLIES = f"{NAME}/tallies-stale"  # present when a partner moved: the entry counts are made again from the rows
PAGE = 1000
REBUILD_PAGE = 5000  # events a rebuild takes per transaction (each commit syncs the file)
# The read model's DDL runs under this PostgreSQL advisory lock, so that
# processes opening a new store at once do not race to create its tables.
DDL_LOCK = 0x6368726F6E6F  # "chrono"
BUSY_RETRIES = 20
T = TypeVar("T")


class _Restarted(Exception):
    """Another reader advanced the tracked position under us."""


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


class ReadModel(Reader):
    """The chronicle's read model in the same store as its log: the runner (catch-up,
    inline projection, rebuild) over ``Reader``'s queries."""

    def __init__(self, app: Chronicle, *, repair: bool = False, create: bool = True) -> None:
        """``repair``: a tracking row that is missing is made again (``chrono rebuild``), not reported.
        ``create``: make the tables if they are not there (not by a process that only derives rows, ``offload``)."""
        super().__init__(app)
        self._repair = repair
        # While rebuilding: the aggregates that later events follow on from,
        # and the version each is last seen at (the tables have no keys yet).
        self._held: dict[str, Any] = {}
        self._last: dict[str, int] | None = None
        self._parent_map: dict[str, str | None] | None = None
        self._followed = -1  # the last position a write this read model followed ended at
        self._held_counts: Tallies | None = None  # the entry counts a write or rebuild changed so far
        self._deferred = False  # whether the write under way dropped the secondary indexes, to make them at its end
        self.observer: Callable[[Any], None] | None = None  # shown each entry or partner revision as it is projected
        # A reference made only to be compared (``projections.reference``) copies a store's log, whose
        # chain is the store's to check and extend, and reads its tables by their keys: it keeps no chain
        # and makes none of the indexes that no comparison reads.
        self.evidence = True
        self.secondary_indexes = True
        if create and retry_busy(self._create):
            retry_busy(lambda: upkeep.index(self))

    @property
    def rebuilding(self) -> bool:
        return self._last is not None

    def _create(self) -> bool:
        """Create the tables, or drop and recreate those of another layout.

        Returns whether a rebuild left the secondary indexes to be made.
        The chain is kept (``ledger``): a new layout links on from its head.
        """
        with self.datastore.transaction(commit=True) as cursor:
            self.lock(cursor)
            cursor.execute(statements(self.dialect)[0])
            cursor.execute(self.sql("SELECT name FROM {t:tracking}"))
            names = {str(value(row, "name")) for row in cursor.fetchall()}
            if NAME in names:
                return INDEXING in names
        ledger.admit(self.app, self.dialect, NAME, repair=self._repair)  # the evidence is checked before anything is dropped
        with self.datastore.transaction(commit=True) as cursor:
            self.lock(cursor)
            cursor.execute(self.sql("SELECT name FROM {t:tracking} WHERE name = ?"), (NAME,))
            if cursor.fetchall():
                return False  # made by another process meanwhile
            for statement in kept(self.dialect):
                cursor.execute(statement)
            # An encrypted store's read model of an earlier layout held metrics, units and values in the
            # clear (before layout 22): SQLite zeroes its pages as they are freed, rather than keeping them
            # (the default of some builds, Debian's among them, not of all).
            if self.veil.sealed and not self.dialect.postgres:
                cursor.execute("PRAGMA secure_delete = ON")
            for statement in drops(self.dialect):
                cursor.execute(statement)
            cursor.execute(self.sql("DELETE FROM {t:tracking}"))
            for statement in statements(self.dialect)[1:]:
                cursor.execute(statement)
            cursor.execute(self.sql("INSERT INTO {t:tracking} (name, position) VALUES (?, 0)"), (NAME,))
        return False

    # -- catching up -----------------------------------------------------

    def catch_up(self, progress: Any = None) -> int:
        """Process every event after the tracked position; return how many."""
        with cycles_collected_after():
            return self._catch_up(progress)

    def _catch_up(self, progress: Any) -> int:
        done = 0
        while True:
            start = self.position()
            page = self.app.recorder.select_notifications(start=start + 1, limit=REBUILD_PAGE if self.rebuilding else PAGE)
            if not page:
                if done and not self.rebuilding:
                    self._caught_up()
                return done
            try:
                current = retry_busy(lambda: self._process(start, page))  # noqa: B023 (called at once)
            except _Restarted:
                self._held.clear()  # another process wrote pages we did not see: read states from the rows
                self._parent_map = None
                continue
            self._hold(current)
            done += len(page)
            if progress is not None:
                progress(len(page))

    def rebuild(self, progress: Any = None, pages: Derived | None = None) -> int:
        """Forget every row and process the whole log again, once the log is
        found to be the one the chain recorded (else ``StoreDamaged``, and
        nothing is changed). The chain is kept as it is. ``pages``: the rows
        of the log derived by another process (``offload``), to be written
        as they come instead of derived here.

        The tables are made anew without their secondary indexes, which are
        built once at the end (much faster than updating them row by row); a
        marker in the tracking table says so until then, so that a rebuild
        cut short has its indexes made by the next process that opens it.
        """
        if self.evidence:
            ledger.verify(self.app)
        with self.datastore.transaction(commit=True) as cursor:
            self.lock(cursor)
            for statement in [*drops(self.dialect), *tables(self.dialect)[1:]]:
                cursor.execute(statement)
            cursor.execute(self.sql("UPDATE {t:tracking} SET position = 0 WHERE name = ?"), (NAME,))
            cursor.execute(self.sql("DELETE FROM {t:tracking} WHERE name IN (?, ?)"), (INDEXING, STALE_TALLIES))
            cursor.execute(self.sql("DELETE FROM {t:tracking} WHERE name LIKE ? OR name LIKE ?"), (f"{NAME}/totals/%", f"{NAME}/members/%"))
            cursor.execute(self.sql("INSERT INTO {t:tracking} (name, position) VALUES (?, 0)"), (INDEXING,))
            # Until the counts gathered over the whole rebuild are written, they
            # are stale: a rebuild cut short has them made again from the rows.
            cursor.execute(self.sql("INSERT INTO {t:tracking} (name, position) VALUES (?, 0)"), (STALE_TALLIES,))
        self.hold(later_versions(self.app) if pages is None else {})
        try:
            done = self.catch_up(progress) if pages is None else self.take(pages, progress)
            retry_busy(self._write_held_counts)
        finally:
            self._held, self._last, self._held_counts = {}, None, None
        retry_busy(lambda: upkeep.index(self))
        retry_busy(self._recount)
        return done

    def adopt(self, scratch: Chronicle, tracked: dict[str, int], progress: Any = None) -> None:
        """Take as this read model's the tables of ``scratch``, a reference made from this very log
        (``upkeep.adopt``), then make the secondary indexes as a rebuild does. Copying the rows is
        a fraction of making them a second time."""
        upkeep.adopt(self, scratch, tracked, progress)
        self._parent_map = None
        retry_busy(lambda: upkeep.index(self))

    def _write_held_counts(self) -> None:
        assert self._held_counts is not None
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self.sql("DELETE FROM {t:tracking} WHERE name = ?"), (STALE_TALLIES,))
            # The table the rebuild made is empty unless a reader caught a page up meanwhile: the counts
            # are then appended (COPY on PostgreSQL) rather than merged one by one into what is there.
            cursor.execute(self.sql("SELECT 1 AS found FROM {t:tallies} LIMIT 1"))
            fresh = cursor.fetchone() is None
            self._count(cursor, self._held_counts, fresh=fresh)  # stale again if a partner moved in the log

    def lock(self, cursor: Any) -> None:
        """Hold PostgreSQL's advisory lock of the read model's DDL for the rest of the transaction."""
        if self.dialect.postgres:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (DDL_LOCK,))

    def _hold(self, current: dict[str, Any]) -> None:
        """Keep, while rebuilding, the aggregates that later events follow on from."""
        if self._last is None:
            return
        for aggregate_id, aggregate in current.items():
            if aggregate.version < self._last.get(aggregate_id, 0):
                self._held[aggregate_id] = aggregate
            else:
                self._held.pop(aggregate_id, None)

    def take(self, pages: Derived, progress: Any = None) -> int:
        """Write the rows of the log's ``pages`` that another process derived (``offload``), then the
        entry counts they change; return how many events they hold. As ``catch_up`` writes its own."""

        def write(start: int, last: int, rows: Rows) -> None:
            with self.datastore.transaction(commit=True) as cursor:
                if not self.advance(cursor, NAME, start, last):
                    raise RuntimeError(f"the read model moved from position {start} while rows derived apart were written")
                rows.write(cursor, self)

        done = 0
        for start, last, size, rows in pages:
            retry_busy(lambda: write(start, last, rows))  # noqa: B023 (called at once)
            done += size
            if progress is not None:
                progress(size)
        if self.rebuilding:
            self._held_counts = pages.counts  # written once, at the rebuild's end
            return done
        counted = pages.counts
        with self.datastore.transaction(commit=True) as cursor:
            self._count(cursor, counted)
        if done:
            self._caught_up()
        return done

    def _caught_up(self) -> None:
        """After a catch-up that wrote rows: PostgreSQL's statistics, and the entry counts made
        again from the rows if a partner moved."""
        if self.dialect.postgres:
            upkeep.restate(self)
        retry_busy(self._recount)

    def derive(self, page: Sequence[Any]) -> Rows:
        """The rows of ``page``, for a process that only derives them (``offload``): the aggregates later
        events follow on from are held (``hold``), none is read from the tables."""
        events = [self.app.mapper.to_domain_event(notification) for notification in page]
        current = self._current(None, events)
        rows = Rows(self.veil)
        assert self._held_counts is not None
        for notification, event in zip(page, events, strict=True):
            self._apply(notification, event, current, rows, self._held_counts)
        self._hold(current)
        return rows

    def hold(self, last: dict[str, int]) -> None:
        """Derive rows as a rebuild does: hold the aggregates with later versions (``last``) in memory,
        and gather the entry counts (``counts``)."""
        self._last, self._held, self._parent_map, self._held_counts = last, {}, {}, Tallies({})

    def counts(self) -> Tallies:
        """The entry counts gathered since the last call (or ``hold``); gathering starts again."""
        assert self._held_counts is not None
        counted, self._held_counts = self._held_counts, Tallies(self._held_counts.parents)
        return counted

    def _process(self, start: int, page: Sequence[Any]) -> dict[str, Any]:
        with self.datastore.transaction(commit=True) as cursor:
            if not self.advance(cursor, NAME, start, page[-1].id):
                raise _Restarted
            events = [self.app.mapper.to_domain_event(notification) for notification in page]
            return self._project(cursor, start, page, events)

    def _project(self, cursor: Any, start: int, page: Sequence[Any], events: Sequence[Any]) -> dict[str, Any]:
        """Derive every table's rows and the chain's links from ``page`` (the log after ``start``).

        The entry counts of a write or a rebuild are gathered over all its
        pages and written once, at its end (``_held_counts``): most pages
        change the same few hundred counts.
        """
        current = self._current(cursor, events)
        rows = Rows(self.veil)
        counted = self._held_counts if self._held_counts is not None else Tallies(self._parents(cursor))
        for notification, event in zip(page, events, strict=True):
            self._apply(notification, event, current, rows, counted)
        rows.write(cursor, self)
        if self._held_counts is None:
            self._count(cursor, counted)
        if self.evidence:
            ledger.extend(cursor, self.dialect, start, page)
        return current

    # -- following writes (``chrono.events.writing.Projector``) ----------

    def project(self, cursor: Any, written: Sequence[Any], events: Sequence[Any]) -> None:
        """Take the events a write has just stored, in the write's transaction.

        Only where the read model had reached the log's head before them: one
        that is behind (or being rebuilt) takes them from the log when it
        catches up, in order.
        """
        table, position = log_table(self.app, self.dialect)
        cursor.execute(f"SELECT MAX({position}) AS head FROM {table} WHERE {position} < {int(written[0].id)}")
        start = int(value(cursor.fetchone(), "head") or 0)
        if not self.advance(cursor, NAME, start, written[-1].id):
            return
        if start == 0 and not self.dialect.postgres and not self._deferred:
            self._defer_indexes(cursor)
        if self._held_counts is None:
            if start != self._followed:  # another process wrote since: partners may have moved
                self._parent_map = None
            self._held_counts = Tallies(self._parents(cursor))
        self._project(cursor, start, written, events)
        self._followed = written[-1].id

    def begin(self) -> None:
        """A write starts: nothing of an earlier one (rolled back) is held."""
        self._held_counts = None
        self._deferred = False

    # A write into an empty store (the first import of a chronicle) makes the
    # indexes no write looks rows up by once, after its rows, as a rebuild
    # does, in the write's own transaction: they commit with it or stay as
    # they were. Not on PostgreSQL, where dropping an index would make every
    # reader wait for the write instead of reading the store as it was.
    def _defer_indexes(self, cursor: Any) -> None:
        for drop, _ in secondary(self.dialect):
            cursor.execute(drop)
        self._deferred = True

    def settle(self, cursor: Any) -> None:
        """The write is about to commit: make the indexes it deferred, write the entry counts its pages changed."""
        if self._deferred:
            for _, statement in secondary(self.dialect):
                cursor.execute(statement)
            self._deferred = False
        if self._held_counts is not None:
            self._count(cursor, self._held_counts)

    def committed(self) -> None:
        """After a write that this read model followed: the work done in transactions of its own."""
        if self._held_counts is None:
            return
        self._held_counts = None
        if self.dialect.postgres:
            upkeep.restate(self)
        retry_busy(self._recount)

    def advance(self, cursor: Any, name: str, start: int, position: int) -> bool:
        """Move the tracking row ``name`` from ``start`` to ``position``; False if
        another reader moved it first (and so nothing was changed)."""
        cursor.execute(self.sql("UPDATE {t:tracking} SET position = ? WHERE name = ? AND position = ?"), (position, name, start))
        return rowcount(cursor) == 1

    def insert(self, cursor: Any, table: str, rows: Sequence[tuple[Any, ...]], columns: Sequence[str] | None = None) -> None:
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

    def head(self) -> chain.Digest:
        """The chain's head: the last position processed and its link."""
        return ledger.head(self.app)

    def links(self) -> Iterator[tuple[int, str]]:
        """The stored chain, in log order."""
        return stored_links(self.app)

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

    def _recount(self) -> None:
        """Make the entry counts again from the rows, if a partner moved since they were made."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self.sql("SELECT name FROM {t:tracking} WHERE name = ?"), (STALE_TALLIES,))
            if not cursor.fetchall():
                return
            counted = Tallies(self._parents(cursor))
            cursor.execute(self.sql(
                "SELECT r.aggregate, r.kind, r.status, r.retracted, r.earliest, p.partner, p.role FROM {t:revisions} r"
                " LEFT JOIN {t:revision_partners} p ON p.aggregate = r.aggregate AND p.revision = r.revision"
                " WHERE r.superseded_at IS NULL ORDER BY r.aggregate"
            ))  # fmt: skip
            rows = cursor.fetchall()
            for _, links in groupby(rows, key=lambda row: value(row, "aggregate")):
                members = list(links)
                first = members[0]
                key = (str(value(first, "kind")), str(value(first, "status")), int(value(first, "retracted")), start_year(value(first, "earliest")))
                linked = [(str(value(row, "partner")), value(row, "role")) for row in members if value(row, "partner") is not None]
                counted.add([pid for pid, role in linked if role == "partner"], [pid for pid, role in linked if role != "partner"], key)
            cursor.execute(self.sql("DELETE FROM {t:tallies}"))
            cursor.execute(self.sql("DELETE FROM {t:tracking} WHERE name = ?"), (STALE_TALLIES,))
            counted.stale = False
            self._count(cursor, counted)

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

    # A revision's state decodes with the application's own mapper: the
    # creation event itself for a first revision, else a snapshot.
    def _freeze(self, aggregate: Any) -> bytes:
        # Stamped with the revision's own time, not the clock's: a read model made
        # again from the log holds the very bytes, which the audit compares.
        snapshot = dataclasses.replace(type(aggregate).Snapshot.take(aggregate), timestamp=aggregate.modified_on)
        return bytes(self.app.mapper.to_stored_event(snapshot).state)


_SNAPSHOT_TOPIC = "eventsourcing.domain:Snapshot"


def rowcount(cursor: Any) -> int:
    """The rows the last statement changed."""
    # eventsourcing's SQLite cursor wrapper hides the rowcount of the real one.
    return int(getattr(cursor, "sqlite_cursor", cursor).rowcount)


def fresh(app: Chronicle) -> ReadModel:
    """The read model of ``app``, caught up with its log."""
    model = ReadModel(app)
    model.catch_up()
    return model


__all__ = ["ReadModel", "Snapshot", "date_key", "fresh", "retry_busy", "rowcount", "time_key"]
