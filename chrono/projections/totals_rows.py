"""The rows of a facet's running totals (``totals``), made from the contributions by the counting rule.

Those of one partner (or of everything) are made from one pass over its
contributions, whose segments they share: only their groupings differ. Used
where the facets are stored (``totals``), by the second process that makes
a share of them (``beside``) and by the audit that makes them again
(``facetcheck``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import chain
from typing import Any

from chrono.projections import shares
from chrono.projections.counting import COVERED
from chrono.projections.counting.claims import listed
from chrono.projections.counting.grouping import groups
from chrono.projections.counting.segments import Among, Segment
from chrono.projections.facets import NONE, Facet, Made, put, touched


def groups_of(facets: Sequence[Facet]) -> list[list[Facet]]:
    """The facets by partner: those of one are made from one pass over its contributions."""
    return [[facet for facet in facets if facet.partner == partner] for partner in dict.fromkeys(facet.partner for facet in facets)]


def made_apart(env: dict[str, str], spec: Any, jobs: list[shares.Job]) -> Iterator[dict[Facet, Made]]:
    """The second process's share of ``facets_rows`` (``beside``)."""
    return shares.made_apart(env, spec, jobs, job_rows)


def job_rows(read: Any, job: shares.Job) -> dict[Facet, Made]:
    """The rows of a job's facets (``shares``), made in the read ``read``."""
    facets, metrics = job
    return _made_in(read, facets, metrics)


def _made_in(read: Any, facets: Sequence[Facet], metrics: Sequence[str] | None = None) -> dict[Facet, Made]:
    from chrono.projections.queries.parts import by_counter, family_in

    position = read.position()
    tree = family_in(read)
    partner = facets[0].partner
    wanted = tree.of(partner) if partner is not None else None
    made: dict[Facet, Made] = {facet: (position, [], [], []) for facet in facets}
    hide = read.model.veil.hide  # the rows are made as they are stored (and sealed: ``seals``)
    for (metric, unit), figures, happenings in by_counter(read, wanted, stored=metrics, most=shares.most_of(read, partner)):
        steps: list[dict[str, dict[int, list[Any]]]] = [defaultdict(dict) for _ in facets]
        among = Among(figures, tree)
        for segment in chain(among.figures(), (piece for part in happenings for piece in among.happening(part))):
            values = touched(segment)
            clashing = segment.claim is not None and segment.claim.conflict and segment.state != COVERED
            for facet, by_group in zip(facets, steps, strict=True):
                for group in groups(segment.part, facet.by, wanted):
                    put(by_group[group or NONE], segment.start, segment.end, values)
                    if clashing and _lists(segment, group, facet, wanted):
                        made[facet][3].append(_clash(facet, group or NONE, segment, hide))
        for facet, by_group in zip(facets, steps, strict=True):
            _, rows, keys, _ = made[facet]
            for group, by_day in by_group.items():
                running = list(_running((facet.name, group, hide(metric), hide(unit)), by_day, hide))
                rows += running
                if running:
                    keys.append(running[-1])
    return made


def _lists(segment: Segment, group: str | None, facet: Facet, wanted: frozenset[str] | None) -> bool:
    """Whether a conflicting claim is listed in ``group`` by this report: by its first report, and
    in a group the first report is not in (by partner) by the report that is, as the rule's tally lists it."""
    assert segment.claim is not None
    first = segment.claim.first
    return segment.part is first or group not in groups(first, facet.by, wanted)


def _running(key: tuple[str, str, str, str], by_day: dict[int, list[Any]], hide: Callable[[str], str]) -> Iterator[tuple[Any, ...]]:
    """A counter's rows of running totals (``key``: the facet's name, the group, the metric and unit as stored;
    each sum hidden by ``hide``)."""
    total: list[Any] = [Decimal(0), Decimal(0), Decimal(0), 0, 0, 0, 0, 0]
    for day in sorted(by_day):
        total = [a + b for a, b in zip(total, by_day[day], strict=True)]
        yield (*key, day, hide(str(total[0])), hide(str(total[1])), hide(str(total[2])), *total[3:])


def _clash(facet: Facet, group: str, segment: Segment, hide: Callable[[str], str]) -> tuple[Any, ...]:
    assert segment.claim is not None
    entries, values = listed(segment.claim)
    part = segment.part
    return (facet.name, group, hide(part.metric), hide(part.unit), segment.start, segment.end, entries, hide(values))


def stored_tables(made: Made) -> tuple[tuple[str, list[tuple[Any, ...]]], ...]:
    """A facet's rows (``Made``) by the table that holds them, as they are stored and sealed: its
    running totals, their keys, and its competing claims each as one span (``merged_clashes``)."""
    _, rows, keys, clashes = made
    return ("totals", rows), ("totals_keys", keys), ("conflicts", merged_clashes(clashes))


def merged_clashes(clashes: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """A claim's possible and definite segments as one span of days (they follow each other)."""
    spans: dict[tuple[Any, ...], list[int]] = {}
    for row in clashes:
        key = (*row[:4], *row[6:])
        span = spans.setdefault(key, [row[4], row[5]])
        span[0], span[1] = min(span[0], row[4]), max(span[1], row[5])
    return [(*key[:4], start, end, *key[4:]) for key, (start, end) in spans.items()]
