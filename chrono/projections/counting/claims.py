"""Reported figures as claims: what covers what, and what competes.

Figures of one counter (metric and unit) that give the same dates and the
same scope are one *claim*: reports of one number. Where they disagree they
are competing claims, counted once as the range between them (the least
low, the greatest high) and listed as a conflict; they are never summed.

A claim *covers* a contribution of the same counter when its region holds
the contribution's dates and its scope holds the contribution's scope. A
flow's region is its period; a stock's is everything up to its observed
date, so a later observation covers an earlier one and the entries before
it, while entries after it add to it. Only a claim that is definite (its
last day passed) covers; covering is transitive.

Two counted claims whose regions overlap and whose scopes meet, neither
covering the other, may count some of the same happenings: they count at
least the larger and at most their sum. Generalised: a claim's low value
counts unless an overlapping claim has a larger one (ties go to the first
in rank), so the low values counted belong to claims that pairwise do not
overlap, which is a true lower bound; every high value counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from chrono.projections.counting.rule import Part
from chrono.projections.counting.scopes import Family

_NEVER = -(2**63)  # a region with no first day starts before every day


@attrs.frozen
class Claim:
    """Reports of one number: figures of one counter with the same dates and scope.

    Attributes:
        members: the figures, in rank order (the first stands for the claim).
        low: the least low value among them.
        high: the greatest high value (None when one is open).
        approximate: whether one of them is approximate.
        first: the first report, which stands for the claim.
        reach: the first day of its region (a stock's is before every day).
        latest: its last day (None: open).
        rank: a total order of claims: by last day, first day, then the first report.
    """

    members: tuple[Part, ...]
    low: Decimal
    high: Decimal | None
    approximate: bool
    # Worked out once: covering asks for them millions of times in a large chronicle.
    first: Part = attrs.field(init=False)
    reach: int = attrs.field(init=False)
    latest: int | None = attrs.field(init=False)
    rank: tuple[int, int, int, str, int] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        first = self.members[0]
        reach = _NEVER if first.reach is None else first.reach
        earliest = _NEVER if first.earliest is None else first.earliest
        object.__setattr__(self, "first", first)
        object.__setattr__(self, "reach", reach)
        object.__setattr__(self, "latest", first.latest)
        object.__setattr__(self, "rank", (first.latest if first.latest is not None else 2**63, reach, earliest, first.entry, first.index))

    @property
    def conflict(self) -> bool:
        """Whether the reports disagree."""
        return len({(m.low, m.high) for m in self.members}) > 1

    def holds(self, earliest: int | None, latest: int | None) -> bool:
        """Whether this claim's region holds the dates [earliest, latest]."""
        if self.latest is None or latest is None or latest > self.latest:
            return False
        return self.reach == _NEVER or (earliest is not None and earliest >= self.reach)


def listed(claim: Claim) -> tuple[str, str]:
    """A conflicting claim's reports as the read model keeps them: their entry ids, and the
    numbers they state, each comma-joined in rank order (``unlisted`` reads them back)."""
    return ",".join(m.entry for m in claim.members), ",".join(str(m.stated) for m in claim.members)


def unlisted(entries: str, values: str) -> tuple[tuple[str, ...], tuple[Decimal, ...]]:
    """``listed``'s two texts as the entry ids and the numbers."""
    return tuple(entries.split(",")), tuple(Decimal(v) for v in values.split(","))


def claims_of(figures: Iterable[Part], family: Family) -> list[Claim]:
    """The figures of one counter grouped into claims, in rank order."""
    groups: dict[tuple[object, ...], list[Part]] = defaultdict(list)
    for part in figures:
        groups[(part.measure == "stock", part.earliest, part.latest, family.closure(part.scope))].append(part)
    out = [_claim(sorted(members, key=lambda p: (p.entry, p.index))) for members in groups.values()]
    return sorted(out, key=lambda c: c.rank)


def _claim(members: Sequence[Part]) -> Claim:
    highs = [m.high for m in members]
    high = None if any(h is None for h in highs) else max(h for h in highs if h is not None)
    return Claim(tuple(members), min(m.low for m in members), high, any(m.approximate for m in members))


def covers(claim: Claim, other: Claim, family: Family) -> bool:
    """Whether ``claim`` covers ``other`` once it is definite (never itself)."""
    if claim is other or not claim.holds(other.first.reach, other.latest):
        return False
    if not family.holds(claim.first.scope, other.first.scope):
        return False
    # Equal regions and scopes: the two cover each other; the first in rank wins.
    mutual = other.holds(claim.first.reach, claim.latest) and family.holds(other.first.scope, claim.first.scope)
    return not mutual or claim.rank < other.rank


def reach_needed(earliest: int | None) -> int:
    """The latest first day of a region that can hold dates starting on ``earliest`` (``Claim.holds``):
    a claim whose region starts after it holds nothing of them."""
    return _NEVER if earliest is None else earliest


def covers_part(claim: Claim, part: Part, family: Family) -> bool:
    """Whether ``claim`` covers a happening's contribution once it is definite."""
    return claim.holds(part.earliest, part.latest) and family.holds(claim.first.scope, part.scope)


def overlap(one: Claim, other: Claim, family: Family) -> bool:
    """Whether two claims' regions overlap and their scopes meet."""
    if one.latest is None or other.latest is None:
        return False
    return one.reach <= other.latest and other.reach <= one.latest and family.meet(one.first.scope, other.first.scope)


def dominates(one: Claim, other: Claim) -> bool:
    """Whether ``one``'s low value is counted before ``other``'s where they overlap."""
    return one.low > other.low or (one.low == other.low and one.rank < other.rank)
