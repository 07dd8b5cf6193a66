"""A counter as of a day: every contribution judged, and the counter they make.

This is the rule of ``claims`` and ``rule`` applied to the contributions of
one counter (metric and unit) as of one day. The read model answers the
same questions from stored running totals (``steps``), made by the same
rule; tests hold both against a plain fold of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from chrono.projections.counting.claims import Claim, claims_of, covers, covers_part, dominates, overlap
from chrono.projections.counting.rule import DEFINITE, FUTURE, POSSIBLE, Part, total
from chrono.projections.counting.scopes import Family

COVERED = "covered"
_ZERO = Decimal(0)


@attrs.frozen
class Judged:
    """What one contribution adds to its counter as of a day.

    Attributes:
        part: the contribution.
        state: ``definite``, ``possible`` or ``covered``.
        low: what it adds to the low value (a claim's first report carries the claim).
        high: what it adds to the high value (None: no upper bound).
        approximate: whether what it adds is approximate.
        covered_by: the entry id of the claim that covers it, if covered.
        claim: the claim it belongs to, for a reported figure.
    """

    part: Part
    state: str
    low: Decimal
    high: Decimal | None
    approximate: bool = False
    covered_by: str | None = None
    claim: Claim | None = None


@attrs.frozen
class Tally:
    """One counter's values as of a day.

    Attributes:
        definite: the low values of what certainly counts by then.
        possible: the low values of what only possibly does (dates straddling the day).
        high: the most the sources allow, possible ones included (None when open).
        approximate: whether an approximate value is in it.
        conflicts: the competing claims counted in it.
        contributors: ids of the entries counted as definite.
        possible_contributors: ids of the entries counted as possible.
        covered: ids of the entries a reported figure covers.
        counts: how many contributions are definite, possible and covered
            (an entry stating two amounts of one counter makes two).
    """

    definite: Decimal
    possible: Decimal
    high: Decimal | None
    approximate: bool
    conflicts: tuple[Claim, ...]
    contributors: tuple[str, ...]
    possible_contributors: tuple[str, ...]
    covered: tuple[str, ...]
    counts: tuple[int, int, int] = (0, 0, 0)


def judge(parts: Iterable[Part], day: int, family: Family) -> list[Judged]:
    """Every contribution of one counter that counts as of ``day`` (future ones left out), in the order given."""
    parts = list(parts)
    events: list[Part] = []
    figures: list[Part] = []
    for part in parts:
        if part.certainty(day) != FUTURE:
            (figures if part.figure else events).append(part)
    claims = claims_of(figures, family)
    definite = [c for c in claims if c.first.certainty(day) == DEFINITE]
    out: list[Judged] = []
    tops = []
    for claim in claims:
        coverer = _coverer(definite, lambda c: covers(c, claim, family))  # noqa: B023 (called at once)
        if claim.first.certainty(day) == POSSIBLE:
            out += _claim_judged(claim, POSSIBLE, claim.low, claim.high)
        elif coverer is not None:
            out += [Judged(m, COVERED, _ZERO, _ZERO, covered_by=coverer.first.entry, claim=claim) for m in claim.members]
        else:
            tops.append(claim)
    for claim in tops:
        counted = not any(other is not claim and overlap(other, claim, family) and dominates(other, claim) for other in tops)
        out += _claim_judged(claim, DEFINITE, claim.low if counted else _ZERO, claim.high)
    for part in events:
        state = part.certainty(day)
        coverer = _coverer(definite, lambda c: covers_part(c, part, family)) if state == DEFINITE else None  # noqa: B023
        if coverer is not None:
            out.append(Judged(part, COVERED, _ZERO, _ZERO, covered_by=coverer.first.entry))
        else:
            out.append(Judged(part, state, part.low, part.high, part.approximate))
    order = {id(part): index for index, part in enumerate(parts)}
    return sorted(out, key=lambda item: order[id(item.part)])


def _coverer(claims: Sequence[Claim], test: object) -> Claim | None:
    return next((claim for claim in claims if test(claim)), None)  # type: ignore[operator]


def _claim_judged(claim: Claim, state: str, low: Decimal, high: Decimal | None) -> list[Judged]:
    first, *others = claim.members
    out = [Judged(first, state, low, high, claim.approximate, claim=claim)]
    return out + [Judged(member, state, _ZERO, _ZERO, claim=claim) for member in others]


def tally(judged: Iterable[Judged]) -> Tally:
    """The counter that judged contributions make."""
    definite, possible, highs = _ZERO, _ZERO, []
    approximate = False
    conflicts: dict[int, Claim] = {}
    lists: dict[str, dict[str, None]] = {DEFINITE: {}, POSSIBLE: {}, COVERED: {}}
    counts = {DEFINITE: 0, POSSIBLE: 0, COVERED: 0}
    for item in judged:
        lists[item.state][item.part.entry] = None
        counts[item.state] += 1
        if item.state == COVERED:
            continue
        if item.state == DEFINITE:
            definite += item.low
        else:
            possible += item.low
        highs.append(item.high)
        approximate = approximate or item.approximate
        if item.claim is not None and item.claim.conflict:
            conflicts[id(item.claim)] = item.claim
    return Tally(
        definite, possible, total(highs), approximate, tuple(conflicts.values()),
        tuple(lists[DEFINITE]), tuple(lists[POSSIBLE]), tuple(lists[COVERED]), (counts[DEFINITE], counts[POSSIBLE], counts[COVERED]),
    )  # fmt: skip
