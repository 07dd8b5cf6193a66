"""The counting rule over every day at once: what each contribution adds, and from when to when.

``evaluate.judge`` answers for one day. As the day moves forward a
contribution's judgement changes only on a few days of its own: it becomes
possible on its first day, definite on its last, covered when the first
claim that covers it becomes definite; a claim's low value stops or starts
counting when a larger overlapping claim does. So every contribution's
judgements are a few *segments* of days, and the judgement on any day is
the segments that hold it. The read model stores running totals made from
these (``projections.totals``); a property test holds them against
``judge`` for every day.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from chrono.projections.counting.claims import Claim, claims_of, covers, covers_part, dominates, overlap, reach_needed
from chrono.projections.counting.evaluate import COVERED
from chrono.projections.counting.reaches import Reaches
from chrono.projections.counting.rule import DEFINITE, POSSIBLE, Part
from chrono.projections.counting.scopes import Family

BEFORE = -(2**62) - 1  # the first day of a segment that has always held (an open start)
NEVER = 2**62 + 1  # the end of a segment that never stops holding
_ZERO = Decimal(0)


class Segment(NamedTuple):
    """A contribution judged the same on every day from ``start`` up to ``end`` (not included).

    A named tuple, not an attrs class: a facet of a large family makes a few
    segments for each of its contributions, and a tuple is made in a third of the time.

    Attributes:
        part: the contribution.
        state: ``definite``, ``possible`` or ``covered``.
        start: its first day (a day key; ``BEFORE`` for always).
        end: the first day it no longer holds (``NEVER`` for never).
        low: what it adds to the low value.
        high: what it adds to the high value (None: no upper bound).
        approximate: whether what it adds is approximate.
        covered_by: the entry id of the claim that covers it, if covered.
        claim: the claim it belongs to, for a reported figure.
    """

    part: Part
    state: str
    start: int
    end: int
    low: Decimal
    high: Decimal | None
    approximate: bool = False
    covered_by: str | None = None
    claim: Claim | None = None

    def holds(self, day: int) -> bool:
        return self.start <= day < self.end


def segments(parts: Iterable[Part], family: Family) -> list[Segment]:
    """Every segment of the contributions of one counter (``judge`` on each day, at once)."""
    events: list[Part] = []
    figures: list[Part] = []
    for part in parts:
        (figures if part.figure else events).append(part)
    among = Among(figures, family)
    return [*among.figures(), *(segment for part in events for segment in among.happening(part))]


def event_segments(events: Iterable[Part], figures: Iterable[Part], family: Family) -> list[Segment]:
    """The segments of some happenings' contributions among a counter's figures (``segments`` for
    those alone: a happening changes nothing for the others, only figures do)."""
    among = Among(figures, family)
    return [segment for part in events for segment in among.happening(part)]


class Among:
    """A counter's figures, judged once: their own segments, and what they make of each happening.

    Happenings can then be streamed one at a time (a million of them need not be held).
    """

    def __init__(self, figures: Iterable[Part], family: Family) -> None:
        self.family = family
        self.claims = claims_of(figures, family)
        self.periods = _Periods(self.claims, family)

    def figures(self) -> list[Segment]:
        """Every segment of the figures."""
        claims, periods = self.claims, self.periods
        ends = {id(claim): periods.covered_from(claim) for claim in claims}
        tops = {id(c): (c.latest, ends[id(c)]) for c in claims if c.latest is not None and c.latest < ends[id(c)][0]}
        beaten = _beaten(claims, tops, self.family)
        out: list[Segment] = []
        for claim in claims:
            out += _claim_segments(claim, ends[id(claim)], tops.get(id(claim)), beaten.get(id(claim), []))
        return [segment for segment in out if segment.start < segment.end]

    def happening(self, part: Part) -> list[Segment]:
        """The segments of one happening's contribution."""
        return _event_segments(part, self.periods.covering(part))


def _start(day: int | None) -> int:
    return BEFORE if day is None else day


def _event_segments(part: Part, cover: tuple[int, str | None]) -> list[Segment]:
    """Possible up to its last day, definite from then until a claim covers it, covered after
    (only those that hold some day: most happenings are never covered)."""
    first, last = _start(part.earliest), NEVER if part.latest is None else part.latest
    until, coverer = cover
    out = [Segment(part, POSSIBLE, first, last, part.low, part.high, part.approximate)] if first < last else []
    if last != NEVER:
        if last < until:
            out.append(Segment(part, DEFINITE, last, until, part.low, part.high, part.approximate))
        if until != NEVER:
            out.append(Segment(part, COVERED, until, NEVER, _ZERO, _ZERO, covered_by=coverer))
    return out


def _claim_segments(
    claim: Claim, cover: tuple[int, str | None], top: tuple[int, tuple[int, str | None]] | None, beaten: list[tuple[int, int]]
) -> list[Segment]:
    first = claim.first
    last = NEVER if claim.latest is None else claim.latest
    until, coverer = cover
    out = _members(claim, POSSIBLE, _start(first.earliest), last, claim.low)
    if top is not None:
        for start, end, counted in _pieces(last, until, beaten):
            out += _members(claim, DEFINITE, start, end, claim.low if counted else _ZERO)
    if last != NEVER:
        out += [Segment(m, COVERED, max(last, until), NEVER, _ZERO, _ZERO, covered_by=coverer, claim=claim) for m in claim.members]
    return out


def _members(claim: Claim, state: str, start: int, end: int, low: Decimal) -> list[Segment]:
    """The claim's first report carries its values; the others are listed beside it."""
    first, *others = claim.members
    out = [Segment(first, state, start, end, low, claim.high, claim.approximate, claim=claim)]
    return out + [Segment(m, state, start, end, _ZERO, _ZERO, claim=claim) for m in others]


def _pieces(start: int, end: int, beaten: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """[start, end) cut where ``beaten`` (merged day ranges) hold: (from, to, counted) pieces."""
    out: list[tuple[int, int, bool]] = []
    cursor = start
    for first, last in beaten:
        lo, hi = max(first, start), min(last, end)
        if lo >= hi:
            continue
        if cursor < lo:
            out.append((cursor, lo, True))
        out.append((max(cursor, lo), hi, False))
        cursor = max(cursor, hi)
    if cursor < end:
        out.append((cursor, end, True))
    return out


def _beaten(claims: Sequence[Claim], tops: dict[int, tuple[int, tuple[int, str | None]]], family: Family) -> dict[int, list[tuple[int, int]]]:
    """For each top claim, the merged days on which an overlapping top claim with a larger low value also counts.

    A sweep over the days the claims are tops compares only claims that are
    tops at the same time, not every pair.
    """
    active = [c for c in claims if id(c) in tops]
    spans = {id(c): (tops[id(c)][0], tops[id(c)][1][0]) for c in active}
    order = sorted(active, key=lambda c: spans[id(c)][0])
    running: list[Claim] = []
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for claim in order:
        start, _ = spans[id(claim)]
        running = [other for other in running if spans[id(other)][1] > start]
        for other in running:
            if overlap(claim, other, family):
                for winner, loser in ((claim, other), (other, claim)):
                    if dominates(winner, loser):
                        found[id(loser)].append(spans[id(winner)])
        running.append(claim)
    return {key: _merged(ranges) for key, ranges in found.items()}


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


class _Periods:
    """The claims of a counter in rank order, to find the first that covers something.

    A claim's scope holds a contribution's only if it holds each of its
    partners, so the claims that may cover a contribution are those of no
    scope and those whose scope holds its partner held by fewest: the claims
    naming that partner or one above it (``Family.above``), listed when first
    asked for. In each list the first that ends late enough and starts early
    enough is found by ``Reaches``; the rule (``covers_part``, ``covers``)
    judges it. Most claims of a large chronicle have a scope of their own:
    grouped by scope, a happening searched some sixty groups.
    """

    def __init__(self, claims: Sequence[Claim], family: Family) -> None:
        self.family = family
        closed = sorted((c for c in claims if c.latest is not None), key=lambda c: c.rank)
        self._naming: dict[str, list[Claim]] = defaultdict(list)  # the claims whose scope names each partner
        for claim in closed:
            for pid in claim.first.scope:
                self._naming[pid].append(claim)
        self._everywhere = _Run([c for c in closed if not c.first.scope])
        self._holding: dict[str, _Run] = {}
        self._alone = (self._everywhere,)
        self._runs_of: dict[str, tuple[_Run, ...]] = {}
        self._named: dict[str, int] = {}  # how many claims name each partner or one above it

    def _runs(self, scope: tuple[str, ...]) -> tuple[_Run, ...]:
        """The lists that hold every claim whose scope may hold ``scope`` (``Family.holds``)."""
        if not scope:
            return self._alone
        # kept per partner, not per scope: most scopes of a large chronicle are seen once
        pid = scope[0] if len(scope) == 1 else min(scope, key=self._named_above)
        runs = self._runs_of.get(pid)
        if runs is None:
            runs = self._runs_of[pid] = (self._everywhere, self._holding_one(pid))
        return runs

    def _named_above(self, pid: str) -> int:
        # kept per partner: a large chronicle's scopes are mostly new, their partners seldom
        named = self._named.get(pid)
        if named is None:
            named = self._named[pid] = sum(len(self._naming.get(above, ())) for above in self.family.above(pid))
        return named

    def _holding_one(self, pid: str) -> _Run:
        """The claims whose scope holds ``pid``, in rank order."""
        run = self._holding.get(pid)
        if run is None:
            found = {id(claim): claim for above in self.family.above(pid) for claim in self._naming.get(above, ())}
            run = self._holding[pid] = _Run(sorted(found.values(), key=lambda c: c.rank))
        return run

    def covering(self, part: Part) -> tuple[int, str | None]:
        """(The first day a claim covers ``part``, that claim's entry), or (NEVER, None)."""
        if part.latest is None:
            return NEVER, None
        return self._first(part.scope, part.latest, part.earliest, lambda claim: covers_part(claim, part, self.family))

    def covered_from(self, claim: Claim) -> tuple[int, str | None]:
        """(The first day another claim covers ``claim``, that claim's entry), or (NEVER, None)."""
        if claim.latest is None:
            return NEVER, None
        return self._first(claim.first.scope, claim.latest, claim.first.reach, lambda other: covers(other, claim, self.family))

    def _first(self, scope: tuple[str, ...], latest: int, earliest: int | None, covering: Callable[[Claim], bool]) -> tuple[int, str | None]:
        """(The last day of the first claim in rank order that is ``covering``, its entry), or (NEVER, None);
        only claims that may hold ``scope`` from ``earliest`` to ``latest`` are asked."""
        best: Claim | None = None
        bound = reach_needed(earliest)
        for run in self._runs(scope):
            # the claims, in rank order, that end on or after ``latest`` and whose regions start early
            # enough to hold ``earliest`` (the others cannot cover what starts then); a loop, not a
            # generator, whose steps were a tenth of making a facet
            reaches, members = run.reaches, run.members
            at = reaches.first_from(bisect_left(run.lasts, latest), bound)
            while at is not None:
                claim = members[at]
                if best is not None and claim.rank >= best.rank:
                    break
                if covering(claim):
                    best = claim
                    break
                at = reaches.first_from(at + 1, bound)
        return (NEVER, None) if best is None or best.latest is None else (best.latest, best.first.entry)


class _Run:
    """Claims in rank order (so by last day), searched by their last and first days."""

    def __init__(self, members: list[Claim]) -> None:
        self.members = members
        self.lasts = [int(c.latest or 0) for c in members]
        self.reaches = Reaches([c.reach for c in members])
