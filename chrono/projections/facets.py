"""The questions running totals are kept for, and what a segment puts on a day's total.

Shared by making the totals (``totals``) and moving them (``moves``).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs

from chrono.projections.counting import COVERED, DEFINITE
from chrono.projections.counting.segments import NEVER, Segment
from chrono.projections.schema import NAME

Made = tuple[int, "Runs", list[tuple[Any, ...]], list[tuple[Any, ...]]]  # a facet's position, rows, keys, conflicts
NONE = ""  # the stored group of an ungrouped counter, or of a contribution in no group
FIELDS = ("definite", "possible", "high", "open_highs", "approx", "n_definite", "n_possible", "n_covered")


class Runs:
    """A facet's rows of running totals, packed a run at a time (a group's rows of one counter).

    The rows of every facet a first ``state`` makes are held until each facet is whole, 800,000 rows at
    a million entries: as tuples of strings and numbers they took that ``state`` to 488 MB, packed to
    214 MB. A run's key (facet, group, metric, unit) is kept once; its rows are read back as the table's."""

    def __init__(self, runs: Iterable[tuple[tuple[Any, ...], bytes, int]] = (), digest: int = 0) -> None:
        self._runs = list(runs)
        self._count = sum(count for _, _, count in self._runs)
        self.digest = digest  # the sum of the digests given with the runs (their seal's share: ``totals_rows``)

    def add(self, key: tuple[Any, ...], rows: Sequence[tuple[Any, ...]], digest: int = 0) -> None:
        """Add a run: ``rows`` without ``key``, which each row of the table starts with (``digest``: theirs)."""
        if rows:
            self._runs.append((key, pickle.dumps(list(rows), protocol=pickle.HIGHEST_PROTOCOL), len(rows)))
            self._count += len(rows)
            self.digest += digest

    def __add__(self, other: Runs) -> Runs:
        return Runs([*self._runs, *other._runs], self.digest + other.digest)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        for key, packed, _ in self._runs:
            for row in pickle.loads(packed):  # noqa: S301  # packed here, by this process or the second one
                yield (*key, *row)

    def __contains__(self, row: object) -> bool:
        return any(row == mine for mine in self)


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
    put(by_day, segment.start, segment.end, touched(segment), sign)


def put(by_day: dict[int, list[Any]], start: int, end: int, values: Sequence[tuple[int, Any]], sign: int = 1) -> None:
    """``step`` of a segment's ``touched`` values: one segment is put in several groups and facets,
    its values worked out once."""
    # the day it adds on and the day it takes off, written out: it runs for every segment of every facet
    adds, takes = (start, end) if sign > 0 else (end, start)
    if adds != NEVER:
        current = by_day.get(adds)
        if current is None:
            current = by_day[adds] = [_ZERO, _ZERO, _ZERO, 0, 0, 0, 0, 0]
        for index, value in values:
            current[index] += value
    if takes != NEVER:
        current = by_day.get(takes)
        if current is None:
            current = by_day[takes] = [_ZERO, _ZERO, _ZERO, 0, 0, 0, 0, 0]
        for index, value in values:
            current[index] -= value


_ZERO = Decimal(0)
_COVERED = ((7, 1),)


def touched(segment: Segment) -> Sequence[tuple[int, Any]]:
    """The fields of ``FIELDS`` a segment adds to, with what it adds (most touch three of eight)."""
    if segment.state == COVERED:
        return _COVERED
    high, low = segment.high, segment.low
    count, total = (5, 0) if segment.state == DEFINITE else (6, 1)  # n_definite and definite, or n_possible and possible
    out: list[tuple[int, Any]] = [(count, 1), (total, low)] if low else [(count, 1)]
    if high is None:
        out.append((3, 1))
    elif high:
        out.append((2, high))
    if segment.approximate:
        out.append((4, 1))
    return out
