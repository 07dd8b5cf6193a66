"""The questions running totals are kept for, and what a segment puts on a day's total.

Shared by making the totals (``totals``) and moving them (``moves``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from chrono.projections.counting import COVERED, DEFINITE
from chrono.projections.counting.segments import NEVER, Segment
from chrono.projections.reader import NAME

NONE = ""  # the stored group of an ungrouped counter, or of a contribution in no group
FIELDS = ("definite", "possible", "high", "open_highs", "approx", "n_definite", "n_possible", "n_covered")


@attrs.frozen
class Facet:
    """Which counters one set of running totals answers.

    Attributes:
        partner: the partner whose family is counted, or None for everything.
        by: the grouping (``year``, ``kind`` or ``partner``), or None.
    """

    partner: str | None = None
    by: str | None = None

    @property
    def name(self) -> str:
        return ";".join(f"{k}={v}" for k, v in (("partner", self.partner), ("by", self.by)) if v is not None)

    @property
    def tracking(self) -> str:
        """The tracking row that holds the read model's position the totals were made at."""
        return f"{NAME}/totals/{self.name}"


def step(by_day: dict[int, list[Any]], segment: Segment, sign: int = 1) -> None:
    """Put a segment's values on its first day and take them off on its end (``sign`` -1: the reverse)."""
    vector = _vector(segment)
    touched = [(index, value) for index, value in enumerate(vector) if value]
    for day, direction in ((segment.start, sign), (segment.end, -sign)):
        if day == NEVER:
            continue
        current = by_day.get(day)
        if current is None:
            current = by_day[day] = [_ZERO, _ZERO, _ZERO, 0, 0, 0, 0, 0]
        # Only the fields the segment touches (most touch three of eight), added or taken off.
        if direction > 0:
            for index, value in touched:
                current[index] += value
        else:
            for index, value in touched:
                current[index] -= value


_ZERO = Decimal(0)


def _vector(segment: Segment) -> tuple[Any, ...]:
    if segment.state == COVERED:
        return (0, 0, 0, 0, 0, 0, 0, 1)
    definite = segment.state == DEFINITE
    high = segment.high
    return (
        segment.low if definite else 0, 0 if definite else segment.low, high or 0, int(high is None), int(segment.approximate),
        int(definite), int(not definite), 0,
    )  # fmt: skip
