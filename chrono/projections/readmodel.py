"""The materialised read model: caught up from the log, rebuilt on demand.

eventsourcing's SQLite module has no subscriptions, so the catch-up loop is
ours: it reads the notification log after the tracked position, and writes
each page's rows together with the new tracked position in one transaction.
A concurrent reader that got there first makes our guarded update match no
row; we then roll back and carry on from where it left off.

What each event writes is ``chrono.projections.rows``, what a page writes
``chrono.projections.deriving``, how a write is followed in its own
transaction ``chrono.projections.inline``; this module runs them: the
tables made or made anew for a new layout, the catch-up, the rebuild, and
the rows of a rebuild derived by another process (``offload``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from typing import Any, Protocol

from chrono.collector import cycles_collected_after
from chrono.events.application import Chronicle
from chrono.projections import chain, ledger, upkeep
from chrono.projections.cursors import retry_busy
from chrono.projections.deriving import STALE_TALLIES
from chrono.projections.inline import Inline
from chrono.projections.rawlog import later_versions, stored_links
from chrono.projections.reader import value
from chrono.projections.rows import Rows
from chrono.projections.schema import NAME, drops, kept, statements, tables, zeroing
from chrono.projections.tallies import Tallies
from chrono.projections.upkeep import INDEXING
from chrono.projections.working import Working, unseen


class Derived(Protocol):
    """The rows of a stretch of the log derived by another process (``offload.Derived``): each page's
    ``(start, last position, events, rows)``, then the entry counts they change."""

    def __iter__(self) -> Iterator[tuple[int, int, int, Rows]]: ...

    @property
    def counts(self) -> Tallies: ...


# Events a catch-up or a rebuild takes per transaction. A catch-up of
# corrections updates rows and index entries all over the tables (random
# ids), and each commit writes every page it touched: 60k corrections
# caught up at 1M in 67-68 s by pages of 1,000, 54-59 s by pages of 5,000.
PAGE = 5000
# The read model's DDL runs under this PostgreSQL advisory lock, so that
# processes opening a new store at once do not race to create its tables.
DDL_LOCK = 0x6368726F6E6F  # "chrono"


class _Restarted(Exception):
    """Another reader advanced the tracked position under us."""


class ReadModel(Inline):
    """The chronicle's read model in the same store as its log: the runner (catch-up,
    inline projection, rebuild) over ``Reader``'s queries."""

    def __init__(self, app: Chronicle, *, repair: bool = False, create: bool = True) -> None:
        """``repair``: a tracking row that is missing is made again (``chrono rebuild``), not reported.
        ``create``: make the tables if they are not there (not by a process that only derives rows, ``offload``)."""
        super().__init__(app)
        self._repair = repair
        self.working: Working = unseen  # how the long work done for a reader is shown (``working``)
        # A reference made only to be compared (``projections.reference``) reads its tables by
        # their keys: it makes none of the indexes that no comparison reads.
        self.secondary_indexes = True
        if create and retry_busy(self._create):
            retry_busy(lambda: upkeep.index(self))

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
            for statement in [*zeroing(self.dialect, self.veil.sealed), *drops(self.dialect)]:
                cursor.execute(statement)
            cursor.execute(self.sql("DELETE FROM {t:tracking}"))
            for statement in statements(self.dialect)[1:]:
                cursor.execute(statement)
            cursor.execute(self.sql("INSERT INTO {t:tracking} (name, position) VALUES (?, 0)"), (NAME,))
        return False

    # -- catching up -----------------------------------------------------

    def catch_up(self, progress: Any = None) -> int:
        """Process every event after the tracked position; return how many."""
        with cycles_collected_after(), ExitStack() as shown:
            return self._catch_up(progress, shown)

    def _catch_up(self, progress: Any, shown: ExitStack) -> int:
        done = 0
        while True:
            start = self.position()
            page = self.app.recorder.select_notifications(start=start + 1, limit=PAGE)
            if not page:
                if done and not self.rebuilding:
                    self._caught_up()
                return done
            if progress is None and len(page) == PAGE:  # more than a page behind: shown as it goes
                progress = shown.enter_context(self.working("catching up the read model", self.app.head_position() - start))
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
            for statement in [*zeroing(self.dialect, self.veil.sealed), *drops(self.dialect), *tables(self.dialect)[1:]]:
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
        retry_busy(self.recount)
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

    def _process(self, start: int, page: Sequence[Any]) -> dict[str, Any]:
        with self.datastore.transaction(commit=True) as cursor:
            if not self.advance(cursor, NAME, start, page[-1].id):
                raise _Restarted
            events = [self.app.mapper.to_domain_event(notification) for notification in page]
            return self._project(cursor, start, page, events)

    def head(self) -> chain.Digest:
        """The chain's head: the last position processed and its link."""
        return ledger.head(self.app)

    def links(self) -> Iterator[tuple[int, str]]:
        """The stored chain, in log order."""
        return stored_links(self.app)


def deriving(app: Chronicle, finals: dict[str, int], watcher: Any = None) -> ReadModel:
    """A read model of ``app`` that only derives the log's rows (``Deriving.derive``), in a process that
    derives the log or its share of it: no table made, the aggregates with later versions (``finals``,
    ``later_versions``) held, and ``watcher`` (if any) shown each revision derived."""
    model = ReadModel(app, create=False)
    model.observer = None if watcher is None else watcher.see
    model.hold(finals)
    return model


def fresh(app: Chronicle, working: Working = unseen) -> ReadModel:
    """The read model of ``app``, caught up with its log; the long work it does for its reader
    (a long catch-up now, running totals made later) shown by ``working``."""
    model = ReadModel(app)
    model.working = working
    model.catch_up()
    return model


__all__ = ["NAME", "PAGE", "Derived", "ReadModel", "deriving", "fresh"]
