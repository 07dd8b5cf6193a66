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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from itertools import groupby
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import OperationalError, StoredEvent

from chrono.collector import cycles_collected_after
from chrono.errors import StoreDamaged
from chrono.events.application import Chronicle
from chrono.events.entry import Entry, PartnerRecord
from chrono.events.values import Partner
from chrono.projections import chain, ledger, tallies, wellformed
from chrono.projections.rows import Rows, date_key, key_of, time_key
from chrono.projections.schema import COLUMNS, DERIVED, VERSION, Dialect, drops, indexes, kept, statements, tables
from chrono.projections.tallies import Tallies, start_year

NAME = f"chronicle-v{VERSION}"
INDEXING = f"{NAME}/indexing"  # present while a rebuild has the secondary indexes dropped
STALE_TALLIES = f"{NAME}/tallies-stale"  # present when a partner moved: the entry counts are made again from the rows
ANALYSED = f"{NAME}/analysed"  # the position PostgreSQL's planner statistics were gathered at
RESTATE = 10_000  # events caught up before the statistics are gathered again (and a tenth of the log)
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


class ReadModel:
    """The chronicle's read model in the same store as its log."""

    def __init__(self, app: Chronicle, *, repair: bool = False) -> None:
        """``repair``: a tracking row that is missing is made again (``chrono rebuild``), not reported."""
        self.app = app
        self._repair = repair
        self.datastore: Any = app.recorder.datastore  # type: ignore[attr-defined]
        if hasattr(self.datastore, "schema"):
            self.dialect = Dialect("%s", "BYTEA", f"{self.datastore.schema}.", ' COLLATE "C"')
        else:
            self.dialect = Dialect("?", "BLOB", "")
        # While rebuilding: the aggregates that later events follow on from,
        # and the version each is last seen at (the tables have no keys yet).
        self._held: dict[str, Any] = {}
        self._last: dict[str, int] | None = None
        self._parent_map: dict[str, str | None] | None = None
        self._registries: dict[str | None, dict[str, Partner]] = {}
        self._registered_at = -1
        self._followed = -1  # the last position a write this read model followed ended at
        self._held_counts: Tallies | None = None  # the entry counts a write or rebuild changed so far
        if retry_busy(self._create):
            retry_busy(self._index)

    @property
    def rebuilding(self) -> bool:
        return self._last is not None

    def _create(self) -> bool:
        """Create the tables, or drop and recreate those of another layout.

        Returns whether a rebuild left the secondary indexes to be made.
        The chain is kept (``ledger``): a new layout links on from its head.
        """
        with self.datastore.transaction(commit=True) as cursor:
            self._lock(cursor)
            cursor.execute(statements(self.dialect)[0])
            cursor.execute(self.sql("SELECT name FROM {t:tracking}"))
            names = {str(_value(row, "name")) for row in cursor.fetchall()}
            if NAME in names:
                return INDEXING in names
        ledger.admit(self.app, self.dialect, NAME, repair=self._repair)  # the evidence is checked before anything is dropped
        with self.datastore.transaction(commit=True) as cursor:
            self._lock(cursor)
            cursor.execute(self.sql("SELECT name FROM {t:tracking} WHERE name = ?"), (NAME,))
            if cursor.fetchall():
                return False  # made by another process meanwhile
            for statement in kept(self.dialect):
                cursor.execute(statement)
            for statement in drops(self.dialect):
                cursor.execute(statement)
            cursor.execute(self.sql("DELETE FROM {t:tracking}"))
            for statement in statements(self.dialect)[1:]:
                cursor.execute(statement)
            cursor.execute(self.sql("INSERT INTO {t:tracking} (name, position) VALUES (?, 0)"), (NAME,))
        return False

    def sql(self, statement: str) -> str:
        return self.dialect.sql(statement)

    def stated(self, table: str) -> str:
        """``table`` as ``r``, joined to the log for the state of first revisions (``_STATE``)."""
        events = self._events_table()
        aggregate = "CAST(r.aggregate AS uuid)" if self.dialect.postgres else "r.aggregate"
        return f"{{t:{table}}} r LEFT JOIN {events} e ON r.state IS NULL AND e.originator_id = {aggregate} AND e.originator_version = r.revision"

    def _events_table(self) -> str:
        return f"{self.dialect.prefix}{self.app.recorder.events_table_name}"  # type: ignore[attr-defined]

    # -- catching up -----------------------------------------------------

    def position(self) -> int:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql("SELECT position FROM {t:tracking} WHERE name = ?"), (NAME,))
            return int(_value(cursor.fetchone(), "position"))

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
                if done and self.dialect.postgres and not self.rebuilding:
                    self._restate()
                if done and not self.rebuilding:
                    retry_busy(self._recount)
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

    def rebuild(self, progress: Any = None) -> int:
        """Forget every row and process the whole log again, once the log is
        found to be the one the chain recorded (else ``StoreDamaged``, and
        nothing is changed). The chain is kept as it is.

        The tables are made anew without their secondary indexes, which are
        built once at the end (much faster than updating them row by row); a
        marker in the tracking table says so until then, so that a rebuild
        cut short has its indexes made by the next process that opens it.
        """
        ledger.verify(self.app)
        with self.datastore.transaction(commit=True) as cursor:
            self._lock(cursor)
            for statement in [*drops(self.dialect), *tables(self.dialect)[1:]]:
                cursor.execute(statement)
            cursor.execute(self.sql("UPDATE {t:tracking} SET position = 0 WHERE name = ?"), (NAME,))
            cursor.execute(self.sql("DELETE FROM {t:tracking} WHERE name IN (?, ?)"), (INDEXING, STALE_TALLIES))
            cursor.execute(self.sql("DELETE FROM {t:tracking} WHERE name LIKE ? OR name LIKE ?"), (f"{NAME}/totals/%", f"{NAME}/members/%"))
            cursor.execute(self.sql("INSERT INTO {t:tracking} (name, position) VALUES (?, 0)"), (INDEXING,))
            # Until the counts gathered over the whole rebuild are written, they
            # are stale: a rebuild cut short has them made again from the rows.
            cursor.execute(self.sql("INSERT INTO {t:tracking} (name, position) VALUES (?, 0)"), (STALE_TALLIES,))
        self._last = self._later_versions()
        self._parent_map = {}
        self._held_counts = Tallies({})
        try:
            done = self.catch_up(progress)
            retry_busy(self._write_held_counts)
        finally:
            self._held, self._last, self._held_counts = {}, None, None
        retry_busy(self._index)
        retry_busy(self._recount)
        return done

    def _write_held_counts(self) -> None:
        assert self._held_counts is not None
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self.sql("DELETE FROM {t:tracking} WHERE name = ?"), (STALE_TALLIES,))
            self._count(cursor, self._held_counts)  # stale again if a partner moved in the log

    def _later_versions(self) -> dict[str, int]:
        """The aggregates with more than one event, and their last version."""
        query = f"SELECT originator_id, MAX(originator_version) AS last FROM {self._events_table()} GROUP BY originator_id HAVING MAX(originator_version) > 1"
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(query)
            return {UUID(str(_value(row, "originator_id"))).hex: int(_value(row, "last")) for row in cursor.fetchall()}

    def _index(self) -> None:
        """Make the secondary indexes (again) and clear the rebuild's marker."""
        with self.datastore.transaction(commit=True) as cursor:
            self._lock(cursor)
            # Supersession joins on the keys and sets a column the other
            # indexes hold: those are made after it rather than updated by it.
            made = indexes(self.dialect)
            for statement in [key for key in made if " UNIQUE " in key]:
                cursor.execute(statement)
            supersede = _SUPERSEDE if self.dialect.postgres else _SUPERSEDE_SQLITE
            for table, source in _SUPERSEDED_BY.items():
                cursor.execute(self.sql(supersede % {"table": table, "source": source}))
            for statement in [other for other in made if " UNIQUE " not in other]:
                cursor.execute(statement)
            cursor.execute(self.sql("DELETE FROM {t:tracking} WHERE name = ?"), (INDEXING,))
        if self.dialect.postgres:
            self._analyse()

    # PostgreSQL plans from statistics that autovacuum gathers where it runs,
    # in its own time. Without them it reads a partner's history in the wrong
    # index order: a page of China's family at 100k took 18 s instead of 30 ms.
    def _restate(self) -> None:
        """Gather the planner's statistics when the log has grown by a tenth
        (and by ``RESTATE`` events) since they were last gathered."""
        rows = self.rows("SELECT name, position FROM {t:tracking} WHERE name IN (?, ?)", [NAME, ANALYSED])
        positions = {str(_value(row, "name")): int(_value(row, "position")) for row in rows}
        position, analysed = positions.get(NAME, 0), positions.get(ANALYSED, 0)
        if position - analysed >= max(RESTATE, analysed // 10):
            self._analyse()

    def _analyse(self) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for table in DERIVED:
                cursor.execute(self.sql(f"ANALYZE {{t:{table}}}"))
            cursor.execute(f"ANALYZE {self._events_table()}")
            cursor.execute(
                self.sql(
                    "INSERT INTO {t:tracking} (name, position) SELECT ?, position FROM {t:tracking} WHERE name = ?"
                    " ON CONFLICT (name) DO UPDATE SET position = excluded.position"
                ),
                (ANALYSED, NAME),
            )

    def _lock(self, cursor: Any) -> None:
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
        rows = Rows()
        counted = self._held_counts if self._held_counts is not None else Tallies(self._parents(cursor))
        for notification, event in zip(page, events, strict=True):
            self._apply(notification, event, current, rows, counted)
        rows.write(cursor, self)
        if self._held_counts is None:
            self._count(cursor, counted)
        ledger.extend(cursor, self.dialect, start, page)
        return current

    # -- following writes (``chrono.events.writing.Projector``) ----------

    def project(self, cursor: Any, written: Sequence[Any], events: Sequence[Any]) -> None:
        """Take the events a write has just stored, in the write's transaction.

        Only where the read model had reached the log's head before them: one
        that is behind (or being rebuilt) takes them from the log when it
        catches up, in order.
        """
        position = "notification_id" if self.dialect.postgres else "rowid"  # eventsourcing's notification ids
        cursor.execute(f"SELECT MAX({position}) AS head FROM {self._events_table()} WHERE {position} < {int(written[0].id)}")
        start = int(_value(cursor.fetchone(), "head") or 0)
        if not self.advance(cursor, NAME, start, written[-1].id):
            return
        if self._held_counts is None:
            if start != self._followed:  # another process wrote since: partners may have moved
                self._parent_map = None
            self._held_counts = Tallies(self._parents(cursor))
        self._project(cursor, start, written, events)
        self._followed = written[-1].id

    def begin(self) -> None:
        """A write starts: nothing of an earlier one (rolled back) is held."""
        self._held_counts = None

    def settle(self, cursor: Any) -> None:
        """The write is about to commit: write the entry counts its pages changed."""
        if self._held_counts is not None:
            self._count(cursor, self._held_counts)

    def committed(self) -> None:
        """After a write that this read model followed: the work done in transactions of its own."""
        if self._held_counts is None:
            return
        self._held_counts = None
        if self.dialect.postgres:
            self._restate()
        retry_busy(self._recount)

    def advance(self, cursor: Any, name: str, start: int, position: int) -> bool:
        """Move the tracking row ``name`` from ``start`` to ``position``; False if
        another reader moved it first (and so nothing was changed)."""
        cursor.execute(self.sql("UPDATE {t:tracking} SET position = ? WHERE name = ? AND position = ?"), (position, name, start))
        return rowcount(cursor) == 1

    def insert(self, cursor: Any, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """Add ``rows`` to ``table`` (COPY on PostgreSQL, executemany on SQLite)."""
        if not rows:
            return
        columns = COLUMNS[table]
        if self.dialect.postgres:
            with cursor.copy(f"COPY {self.dialect.table(table)} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" for _ in columns)
        cursor.executemany(self.sql(f"INSERT INTO {{t:{table}}} ({', '.join(columns)}) VALUES ({marks})"), rows)

    def _current(self, cursor: Any, events: Sequence[Any]) -> dict[str, Any]:
        """The stored states that the page's later events follow on from."""
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
            ordered = sorted(ids - self._held.keys())
            for first in range(0, len(ordered), 500):
                chunk = ordered[first : first + 500]
                marks = ", ".join("?" for _ in chunk)
                query = f"SELECT r.aggregate, r.revision, {_STATE} FROM {self.stated(table)} WHERE r.superseded_at IS NULL AND r.aggregate IN ({marks})"
                cursor.execute(self.sql(query), chunk)
                for row in cursor.fetchall():
                    current[str(_value(row, "aggregate"))] = self._row_aggregate(row)
        return current

    def head(self) -> chain.Digest:
        """The chain's head: the last position processed and its link."""
        rows = list(self._rows("SELECT position, hash FROM {t:chain} ORDER BY position DESC LIMIT 1", ()))
        if not rows:
            return chain.Digest(0, chain.GENESIS.hex())
        return chain.Digest(int(_value(rows[0], "position")), str(_value(rows[0], "hash")))

    def links(self) -> Iterator[tuple[int, str]]:
        """The stored chain, in log order."""
        for row in self._rows("SELECT position, hash FROM {t:chain} ORDER BY position", ()):
            yield int(_value(row, "position")), str(_value(row, "hash"))

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
            for _, links in groupby(rows, key=lambda row: _value(row, "aggregate")):
                members = list(links)
                first = members[0]
                key = (str(_value(first, "kind")), str(_value(first, "status")), int(_value(first, "retracted")), start_year(_value(first, "earliest")))
                linked = [(str(_value(row, "partner")), _value(row, "role")) for row in members if _value(row, "partner") is not None]
                counted.add([pid for pid, role in linked if role == "partner"], [pid for pid, role in linked if role != "partner"], key)
            cursor.execute(self.sql("DELETE FROM {t:tallies}"))
            cursor.execute(self.sql("DELETE FROM {t:tracking} WHERE name = ?"), (STALE_TALLIES,))
            counted.stale = False
            self._count(cursor, counted)

    def _parents(self, cursor: Any) -> dict[str, str | None]:
        """Every partner's parent as the read model holds it now (kept between pages)."""
        if self._parent_map is None:
            cursor.execute(self.sql("SELECT id, parent FROM {t:partners} WHERE superseded_at IS NULL"))
            self._parent_map = {str(_value(row, "id")): _value(row, "parent") for row in cursor.fetchall()}
        return self._parent_map

    def _count(self, cursor: Any, counted: Tallies) -> None:
        """Write a page's changes to the entry counts (``projections.tallies``)."""
        self._parent_map = counted.parents
        rows = counted.rows()
        if rows:
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

    def _thaw(self, topic: str, state: bytes, aggregate_id: Any, version: int) -> Any:
        stored = StoredEvent(originator_id=aggregate_id, originator_version=version, topic=topic, state=bytes(state))
        event: Any = self.app.mapper.to_domain_event(stored)
        return event.mutate(None)

    # -- queries ---------------------------------------------------------

    def entries(self, known_at: datetime | None = None, partners: Iterable[str] | None = None) -> list[Entry]:
        """Entries as known at a recording time (now by default), optionally
        only those touching one of ``partners``; retracted ones included."""
        where, params = self.known(known_at, "r")
        query = f"SELECT r.aggregate, r.revision, {_STATE} FROM {self.stated('revisions')}"
        if partners is not None:
            ids = sorted(set(partners))
            if not ids:
                return []
            marks = ", ".join("?" for _ in ids)
            query += (
                " WHERE EXISTS (SELECT 1 FROM {t:revision_partners} p WHERE p.aggregate = r.aggregate"
                f" AND p.revision = r.revision AND p.partner IN ({marks})) AND "
            )
            params = [*ids, *params]
        else:
            query += " WHERE "
        return [self._row_aggregate(row) for row in self._rows(query + where, params)]

    def page(
        self, partners: Iterable[str], known_at: datetime | None = None, limit: int = 50,
        after: tuple[str, str] | None = None, retracted: bool = False,
    ) -> list[Entry]:  # fmt: skip
        """The first ``limit`` entries touching any of ``partners``, in the
        chronicle's order (after the entry ``after`` = (order key, id), if given).

        Each partner's entries are an index range in that order: a few are
        read from each, merged, and only the partners whose few might hide
        one of the first ``limit`` are read further. The cost grows with the
        number of partners, never with the length of their histories.
        """
        ids = sorted(set(partners))
        if not ids or limit <= 0:
            return []
        found: dict[str, tuple[str, str, int]] = {}
        first = min(limit, max(4, -(-2 * limit // len(ids))))
        ends = self._gather([(pid, after) for pid in ids], first, known_at, retracted, found)
        ranked = sorted(key[:2] for key in found.values())
        cutoff = ranked[limit - 1] if len(ranked) >= limit else None
        more = [(pid, end) for pid, end in ends.items() if end is not None and (cutoff is None or end < cutoff)]
        if more and first < limit:
            self._gather(more, limit - first, known_at, retracted, found)
        chosen = sorted(found.items(), key=lambda item: item[1][:2])[:limit]
        if not chosen:
            return []
        wanted = {(aggregate, key[2]) for aggregate, key in chosen}
        marks = ", ".join("?" for _ in chosen)
        query = f"SELECT r.aggregate, r.revision, {_STATE} FROM {self.stated('revisions')} WHERE r.aggregate IN ({marks})"
        rows = self._rows(query, [aggregate for aggregate, _ in chosen])
        by_id = {str(_value(row, "aggregate")): row for row in rows if (str(_value(row, "aggregate")), int(_value(row, "revision"))) in wanted}
        return [self._row_aggregate(by_id[aggregate]) for aggregate, _ in chosen]

    def revisions_of(self, found: Sequence[tuple[str, int]]) -> list[Entry]:
        """The entry revisions ``found`` (aggregate, revision), decoded, in that order."""
        by_key: dict[tuple[str, int], Entry] = {}
        for first in range(0, len(found), 500):
            chunk = found[first : first + 500]
            marks = ", ".join("?" for _ in chunk)
            query = f"SELECT r.aggregate, r.revision, {_STATE} FROM {self.stated('revisions')} WHERE r.aggregate IN ({marks})"
            wanted = set(chunk)
            for row in self._rows(query, [aggregate for aggregate, _ in chunk]):
                key = (str(_value(row, "aggregate")), int(_value(row, "revision")))
                if key in wanted:
                    by_key[key] = self._row_aggregate(row)
        return [by_key[key] for key in found if key in by_key]

    def entries_by_id(self, slugs: Sequence[str], known_at: datetime | None = None) -> dict[str, Entry]:
        """The entries with these ids as known at ``known_at`` (those known then), by id."""
        found: dict[str, Entry] = {}
        where, known = self.known(known_at, "r")
        for first in range(0, len(slugs), 500):
            chunk = list(slugs[first : first + 500])
            marks = ", ".join("?" for _ in chunk)
            query = f"SELECT r.aggregate, r.revision, {_STATE} FROM {self.stated('revisions')} WHERE r.entry IN ({marks}) AND {where}"
            for row in self._rows(query, [*chunk, *known]):
                entry = self._row_aggregate(row)
                found[entry.slug] = entry
        return found

    @staticmethod
    def key(entry: Entry) -> tuple[str, str]:
        """Where ``entry`` stands in the chronicle's order: ``page(after=...)`` takes it."""
        return key_of(entry.facts.when), entry.slug

    def _gather(
        self, ranges: Sequence[tuple[str, tuple[str, str] | None]], limit: int, known_at: datetime | None,
        retracted: bool, found: dict[str, tuple[str, str, int]],
    ) -> dict[str, tuple[str, str] | None]:  # fmt: skip
        """Read up to ``limit`` rows of each (partner, after) range into ``found``.

        Returns each partner's last key when its range may hold more, else None.
        """
        ends: dict[str, tuple[str, str] | None] = {}
        counts: dict[str, int] = {}
        step = 1000 if self.dialect.postgres else 200
        for start in range(0, len(ranges), step):
            for row in self._rows(*self._page_query(ranges[start : start + step], limit, known_at, retracted)):
                key = (str(_value(row, "order_key")), str(_value(row, "entry")))
                pid = str(_value(row, "partner"))
                found[str(_value(row, "aggregate"))] = (*key, int(_value(row, "revision")))
                counts[pid] = counts.get(pid, 0) + 1
                ends[pid] = key
        return {pid: (end if counts[pid] == limit else None) for pid, end in ends.items()}

    def _page_query(
        self, ranges: Sequence[tuple[str, tuple[str, str] | None]], limit: int, known_at: datetime | None, retracted: bool
    ) -> tuple[str, list[Any]]:
        where, known = self.known(known_at, "p")
        if not retracted:
            where += " AND p.retracted = 0"
        columns = "p.partner, p.aggregate, p.revision, p.order_key, p.entry"
        if self.dialect.postgres:
            return self._page_query_lateral(ranges, limit, where, known, columns)
        parts: list[str] = []
        params: list[Any] = []
        for index, (pid, after) in enumerate(ranges):
            since = " AND (p.order_key, p.entry) > (?, ?)" if after is not None else ""
            parts.append(
                f"SELECT * FROM (SELECT {columns} FROM {{t:revision_partners}} p WHERE p.partner = ? AND {where}{since}"
                f" ORDER BY p.order_key, p.entry LIMIT ?) AS s{index}"
            )
            params += [pid, *known, *(after or ()), limit]
        return " UNION ALL ".join(parts), params

    @staticmethod
    def _page_query_lateral(
        ranges: Sequence[tuple[str, tuple[str, str] | None]], limit: int, where: str, known: list[Any], columns: str
    ) -> tuple[str, list[Any]]:
        """``_page_query`` on PostgreSQL: one small plan for any number of
        partners (a union of one branch per partner cost more than its reads:
        110 ms against 30 ms for China's family at 100k). '' sorts before
        every key, so it stands for "from the start"."""
        query = (
            "SELECT s.* FROM unnest(?::text[], ?::text[], ?::text[]) AS q(partner, after_key, after_entry)"
            f" CROSS JOIN LATERAL (SELECT {columns} FROM {{t:revision_partners}} p WHERE p.partner = q.partner AND {where}"
            " AND (p.order_key, p.entry) > (q.after_key, q.after_entry) ORDER BY p.order_key, p.entry LIMIT ?) AS s"
        )
        partners = [pid for pid, _ in ranges]
        keys = [after[0] if after else "" for _, after in ranges]
        entries = [after[1] if after else "" for _, after in ranges]
        return query, [partners, keys, entries, *known, limit]

    def revisions(self) -> Iterator[tuple[str, int, str, str | None, Any]]:
        """Every stored revision, entries and partners: id, revision, recorded, superseded, aggregate."""
        for table in ("revisions", "partners"):
            query = f"SELECT r.aggregate, r.revision, r.recorded_at, r.superseded_at, {_STATE} FROM {self.stated(table)} ORDER BY r.aggregate, r.revision"
            for row in self._rows(query, ()):
                yield (
                    str(_value(row, "aggregate")), int(_value(row, "revision")), str(_value(row, "recorded_at")),
                    _value(row, "superseded_at"), self._row_aggregate(row),
                )  # fmt: skip

    def partners(self, known_at: datetime | None = None) -> dict[str, Partner]:
        """The partner registry as known at ``known_at`` (read once per read model and time)."""
        key = None if known_at is None else time_key(known_at)
        found = self._registries.get(key)
        if found is None or self._registered_at != self.position():
            if self._registered_at != self.position():
                self._registries.clear()
                self._registered_at = self.position()
            found = self._registries[key] = self._read_partners(known_at)
        return dict(found)

    def _read_partners(self, known_at: datetime | None) -> dict[str, Partner]:
        where, params = self.known(known_at, "r")
        query = f"SELECT r.aggregate, r.revision, {_STATE} FROM {self.stated('partners')} WHERE {where} ORDER BY r.id"
        records = [self._row_aggregate(row) for row in self._rows(query, params)]
        return {record.partner.id: record.partner for record in records}

    def row_aggregate(self, row: Any, checked: bool = True) -> Any:
        """The aggregate of a row read with ``STATE`` (``StoreDamaged`` if it cannot be read;
        ``checked``: if it holds values of types chrono never writes there, too)."""
        return self._row_aggregate(row, checked)

    def _row_aggregate(self, row: Any, checked: bool = True) -> Any:
        try:
            aggregate_id = UUID(_value(row, "aggregate"))
            aggregate = self._thaw(str(_value(row, "topic")), _value(row, "state"), aggregate_id, int(_value(row, "revision")))
            if checked:
                wellformed.check(aggregate)
        except Exception as error:  # damaged bytes, a lost creation event, a wrong type: whatever they provoke
            where = f"revision {_value(row, 'revision')!r} of {_value(row, 'aggregate')!r}"
            raise StoreDamaged(f"the store is damaged: {where} cannot be read ({type(error).__name__}); run chrono audit") from error
        if isinstance(aggregate, Entry):
            aggregate.sources = tuple(aggregate.sources)
        return aggregate

    def known(self, known_at: datetime | None, alias: str) -> tuple[str, list[Any]]:
        """The condition (and its parameters) of rows as known at ``known_at``."""
        if known_at is None:
            return f"{alias}.superseded_at IS NULL", []
        moment = time_key(known_at)
        clause = f"{alias}.recorded_at <= ? AND ({alias}.superseded_at IS NULL OR {alias}.superseded_at > ?)"
        return clause, [moment, moment]

    def rows(self, query: str, params: Sequence[Any]) -> list[Any]:
        """The rows of a query over the read model's tables (``{t:name}``, ``?``)."""
        return list(self._rows(query, params))

    @contextmanager
    def reads(self) -> Iterator[Reads]:
        """One consistent read of the tables (one read transaction; REPEATABLE READ on PostgreSQL),
        for work that reads them in several queries and must see one state of them."""
        with self.datastore.transaction(commit=False) as cursor:
            if self.dialect.postgres:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield Reads(self, cursor)

    def _rows(self, query: str, params: Sequence[Any]) -> Iterator[Any]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql(query), tuple(params))
            yield from cursor.fetchall()


class Reads:
    """Reads within one transaction (``ReadModel.reads``)."""

    def __init__(self, model: ReadModel, cursor: Any) -> None:
        self.model = model
        self.cursor = cursor

    def rows(self, query: str, params: Sequence[Any]) -> list[Any]:
        self.cursor.execute(self.model.sql(query), tuple(params))
        return list(self.cursor.fetchall())

    def stream(self, query: str, params: Sequence[Any], size: int = 5000) -> Iterator[Any]:
        """The rows of a query a chunk at a time, never all held: SQLite's cursor fetches as it goes;
        on PostgreSQL a server-side cursor does (a client one downloads the whole answer). A cursor
        of its own, so that other queries may run while it is read."""
        if self.model.dialect.postgres:
            with self.cursor.connection.cursor(name=f"chrono_stream_{id(self)}") as named:
                named.execute(self.model.sql(query), tuple(params))
                while chunk := named.fetchmany(size):
                    yield from chunk
            return
        real = getattr(self.cursor, "sqlite_cursor", self.cursor)  # eventsourcing's wrapper has no fetchmany
        own = real.connection.cursor()
        try:
            own.execute(self.model.sql(query), tuple(params))
            while chunk := own.fetchmany(size):
                yield from chunk
        finally:
            own.close()


# Each table's rows are superseded by the next revision of the same aggregate
# in the table named beside it: set for all rows at once after a rebuild.
_SUPERSEDED_BY = {"revisions": "revisions", "revision_partners": "revisions", "contributions": "revisions", "partners": "partners"}
_SUPERSEDE = (
    "UPDATE {t:%(table)s} AS s SET superseded_at = n.recorded_at"
    " FROM (SELECT aggregate, revision - 1 AS revision, recorded_at FROM {t:%(source)s} WHERE revision > 1) AS n"
    " WHERE s.aggregate = n.aggregate AND s.revision = n.revision AND s.superseded_at IS NULL"
)
# SQLite plans the join above as a scan of every row of the table, with a
# lookup of its next revision each; this walks the later revisions (a few
# in a hundred) and looks up the rows they supersede (CROSS JOIN fixes the order).
_SUPERSEDE_SQLITE = (
    "UPDATE {t:%(table)s} SET superseded_at = (SELECT n.recorded_at FROM {t:%(source)s} n"
    " WHERE n.aggregate = {t:%(table)s}.aggregate AND n.revision = {t:%(table)s}.revision + 1)"
    " WHERE rowid IN (SELECT s.rowid FROM {t:%(source)s} n CROSS JOIN {t:%(table)s} s"
    " ON s.aggregate = n.aggregate AND s.revision = n.revision - 1 WHERE n.revision > 1 AND s.superseded_at IS NULL)"
)
_SNAPSHOT_TOPIC = "eventsourcing.domain:Snapshot"
# A revision's state: its snapshot, or for a first revision the creation event.
_STATE = "COALESCE(r.topic, e.topic) AS topic, COALESCE(r.state, e.state) AS state"
STATE = _STATE


def rowcount(cursor: Any) -> int:
    """The rows the last statement changed."""
    # eventsourcing's SQLite cursor wrapper hides the rowcount of the real one.
    return int(getattr(cursor, "sqlite_cursor", cursor).rowcount)


def _value(row: Any, key: str) -> Any:
    return row[key]


def fresh(app: Chronicle) -> ReadModel:
    """The read model of ``app``, caught up with its log."""
    model = ReadModel(app)
    model.catch_up()
    return model


__all__ = ["ReadModel", "Snapshot", "date_key", "fresh", "retry_busy", "rowcount", "time_key"]
