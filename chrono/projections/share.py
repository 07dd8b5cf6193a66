"""Which events of the log each of two processes deriving it derives: a ``Share`` of the entries, by id.

The audit's fingerprints (``fingerprints.Slice``) and a log derived apart
(``offload``) cut the entries into ``PARTS`` by their ids; each process takes
a run of them. Partners are few, and every entry is counted in their
hierarchy: both processes derive them all. Where the second process sends
rows, this one adds its own share of each page to them (``Both``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from chrono.events.entry import Entry
from chrono.projections.rawlog import later_versions
from chrono.projections.readmodel import Derived, deriving
from chrono.projections.rows import Rows
from chrono.projections.tallies import Tallies

PARTS = 32  # the shares the entries of a log derived by two processes are cut into, by entry id
_ENTRY_TOPICS = f"{Entry.__module__}:{Entry.__qualname__}."


@attrs.frozen
class Share:
    """The entries one of two processes deriving a log derives: those whose id falls in [``low``,
    ``high``) of ``PARTS``. Both derive every partner (each entry is counted in their hierarchy);
    the one whose share ends at ``PARTS`` keeps their rows."""

    low: int = 0
    high: int = PARTS

    @property
    def whole(self) -> bool:
        return (self.low, self.high) == (0, PARTS)

    @property
    def partners(self) -> bool:
        """Whether the partners' rows are this share's."""
        return self.high == PARTS

    def holds(self, notification: Any) -> bool:
        return not notification.topic.startswith(_ENTRY_TOPICS) or self.low <= notification.originator_id.int % PARTS < self.high

    def of(self, page: Sequence[Any]) -> Sequence[Any]:
        """The events of ``page`` this share derives."""
        return page if self.whole else [notification for notification in page if self.holds(notification)]


@attrs.frozen
class Here:
    """This process's share of a log derived by two: its ``app`` (the store), the ``model`` that derives
    (``readmodel.deriving``, holding what later events follow on from) and the ``share`` of the entries."""

    app: Any
    model: Any
    share: Share


def derived_here(app: Any, last: int, watcher: Any, share: Share) -> Here:
    """``share`` of the log of ``app`` up to position ``last``, derived here as the second process derives the rest."""
    return Here(app, deriving(app, later_versions(app, last), watcher), share)


class Both:
    """A stage's pages derived by both processes: each page of the second process's share, with this
    process's share of the same page derived here and added, and the entry counts of both."""

    def __init__(self, theirs: Derived, here: Here) -> None:
        self._theirs, self._here = theirs, here
        self._counts: Tallies | None = None

    def __iter__(self) -> Iterator[tuple[int, int, int, Rows]]:
        here = self._here
        for start, last, size, rows in self._theirs:
            page = here.app.recorder.select_notifications(start=start + 1, limit=size, stop=last)
            rows.add(here.model.derive(here.share.of(page)), partners=here.share.partners)
            yield start, last, size, rows

    @property
    def counts(self) -> Tallies:
        if self._counts is None:
            self._counts = self._theirs.counts
            self._counts.merge(self._here.model.counts())
        return self._counts
