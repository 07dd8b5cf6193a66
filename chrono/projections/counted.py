"""The counters an answer shows and the contributions behind them, as ``counting`` makes them:
from a facet's running totals (``totals``) as known now, or from every contribution judged on the
axes (``counting.judge``, ``counting.tally``) at a past recording time or with the entries' ids.
``answers`` asks here for counters, explain and a partner's relationship.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from chrono.projections.counting import COVERED, DEFINITE, POSSIBLE, Family, Judged, day_key, judge, tally
from chrono.projections.counting.claims import Claim
from chrono.projections.counting.grouping import group_order, groups
from chrono.projections.queries.parts import family, parts
from chrono.projections.readmodel import ReadModel
from chrono.projections.results import Axes, Conflict, Contribution, Counter, IdPage


def totalled(model: ReadModel, axes: Axes, partner: str | None, by: str | None = None) -> tuple[Counter, ...]:
    """The counters of a facet (a partner's family or everything, a grouping) from its running totals."""
    from chrono.projections import totals  # a timeline does not need them
    from chrono.projections.facets import Facet

    return counters_of(totals.read(model, Facet(partner, by), int(day_key(axes.as_of) or 0)), partner, by)


def counters_of(rows: Sequence[Any], partner: str | None, by: str | None) -> tuple[Counter, ...]:
    """Counters from their running totals (``totals.Found``)."""
    out = []
    for found in rows:
        definite, possible, high, open_highs, approx, n_definite, n_possible, n_covered = found.values
        out.append(Counter(
            found.metric, found.unit, partner, found.group, Decimal(str(definite)), Decimal(str(possible)),
            None if int(open_highs) else Decimal(str(high)), int(approx) > 0,
            tuple(sorted((Conflict(entries, values) for entries, values in found.conflicts), key=lambda c: c.entries)),
            IdPage((), int(n_definite)), IdPage((), int(n_possible)), IdPage((), int(n_covered)),
        ))  # fmt: skip
    out.sort(key=lambda c: (c.metric, c.unit, group_order(c.group, by)))
    return tuple(out)


def judged(
    model: ReadModel, axes: Axes, partner: str | None, metric: str | None = None, *, wanted: frozenset[str] | None = None
) -> tuple[Family, frozenset[str] | None, dict[tuple[str, str], list[Judged]]]:
    """Every counted contribution judged on ``axes``, per counter (of ``partner``'s family, or of ``wanted``)."""
    tree = family(model, axes.known_at)
    if wanted is None and partner is not None:
        wanted = tree.of(partner)
    day = int(day_key(axes.as_of) or 0)
    found = parts(model, axes.known_at, wanted, metric)
    return tree, wanted, {key: judge(members, day, tree) for key, members in sorted(found.items())}


def tallied(
    judged: dict[tuple[str, str], list[Judged]], partner: str | None, by: str | None, wanted: frozenset[str] | None, limit: int | None
) -> tuple[Counter, ...]:
    out: list[Counter] = []
    for key, items in judged.items():
        buckets: dict[str | None, list[Judged]] = defaultdict(list)
        for item in items:
            for group in groups(item.part, by, wanted):
                buckets[group].append(item)
        out += [_counter(key, partner, group, members, limit) for group, members in buckets.items()]
    out.sort(key=lambda c: (c.metric, c.unit, group_order(c.group, by)))
    return tuple(out)


def _counter(key: tuple[str, str], partner: str | None, group: str | None, items: Sequence[Judged], limit: int | None) -> Counter:
    made = tally(items)
    return Counter(
        *key, partner, group, made.definite, made.possible, made.high, made.approximate,
        tuple(sorted((conflict(claim) for claim in made.conflicts), key=lambda c: c.entries)),
        _page(made.contributors, limit, made.counts[0]), _page(made.possible_contributors, limit, made.counts[1]),
        _page(made.covered, limit, made.counts[2]),
    )  # fmt: skip


def conflict(claim: Claim) -> Conflict:
    """Competing claims as listed: each report and the value it states."""
    return Conflict(tuple(m.entry for m in claim.members), tuple(m.stated for m in claim.members))


def _page(ids: Sequence[str], limit: int | None, total: int) -> IdPage:
    return IdPage(tuple(ids if limit is None else ids[:limit]), total)


def held(model: ReadModel, axes: Axes, partner: str | None, metric: str, day: int) -> list[Contribution]:
    """Every contribution to ``metric`` as of ``day``, in the order ``members.page`` lists them."""
    from chrono.projections.counting.segments import segments
    from chrono.projections.schema import order_key

    tree = family(model, axes.known_at)
    wanted = tree.of(partner) if partner is not None else None
    rank = {DEFINITE: 0, POSSIBLE: 1, COVERED: 2}
    found = []
    for (_, unit), members in sorted(parts(model, axes.known_at, wanted, metric).items()):
        for segment in segments(members, tree):
            if segment.holds(day):
                part = segment.part
                found.append(((unit, rank[segment.state], segment.end, order_key(part.when.sort_key), part.entry, part.index), segment))
    found.sort(key=lambda pair: pair[0])
    return [_segment_contribution(segment) for _, segment in found]


def _segment_contribution(segment: Any) -> Contribution:
    part = segment.part
    clash = conflict(segment.claim) if segment.claim is not None and segment.claim.conflict else None
    return Contribution(part.entry, part.kind, part.unit, part.measure, segment.low, segment.high, part.stated, segment.state, part.when.edtf,
                        segment.covered_by, clash)  # fmt: skip
