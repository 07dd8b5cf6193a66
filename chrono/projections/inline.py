"""The read model following a write in its transaction (``chrono.events.writing.Projector``),
as Marten's inline projections do: the events a write stores are projected from the
domain events it made, never read back from the log and decoded again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chrono.events.application import Chronicle
from chrono.projections.deriving import Deriving
from chrono.projections.indexing import sorted_apart
from chrono.projections.rawlog import log_table
from chrono.projections.reader import value
from chrono.projections.schema import NAME, secondary
from chrono.projections.tallies import Tallies


class Inline(Deriving):
    """A write's events projected in the write's own transaction, chunk by chunk."""

    def __init__(self, app: Chronicle) -> None:
        super().__init__(app)
        self._followed = -1  # the last position a write this read model followed ended at
        self._deferred = False  # whether the write under way dropped the secondary indexes, to make them at its end

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
            with sorted_apart(cursor, self.dialect):
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
        self._caught_up()
