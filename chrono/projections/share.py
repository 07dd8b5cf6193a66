"""Which events of the log each of two processes deriving it derives: a ``Share`` of the entries, by id.

The audit's fingerprints (``fingerprints.Slice``) and a log derived apart
(``offload``) cut the entries into ``PARTS`` by their ids; each process takes
a run of them. Partners are few, and every entry is counted in their
hierarchy: both processes derive them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from chrono.events.entry import Entry

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
