"""Facets made by two processes: the work of making them shared out by the contributions each reads.

Making running totals is the counting rule over every contribution of a
family, in Python: a few seconds at a hundred thousand. Facets of different
partners are independent, and so are the counters of one facet (a claim
covers only contributions of its own counter). So the facets asked for at
once are made in *jobs* — a group's facets (a partner's, or several
partners' made together: ``totals_rows.groups_of``), or, for a large group,
its facets over the counters of some of its metrics — and the jobs are shared
between this process and a second one (``beside``), about as many
contributions each. Each job reads the tables in a read of its own, and
each facet is handed on whole as soon as it is: one made in two parts only
if both were read at one position (else a write came between, and this
process makes it again).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Sequence
from itertools import chain
from typing import Any, TypeVar

from chrono.projections import beside, stood
from chrono.projections.cores import cores_to_spare
from chrono.projections.facets import Facet, Made
from chrono.projections.queries.parts import sizes
from chrono.projections.readmodel import ReadModel
from chrono.projections.tallies import EVERYTHING

# Counted contributions from which facets are shared with a second process (which takes about half a
# second to start), and from which one family's counters are split between the two.
APART_FROM = 20_000

Job = tuple[list[Facet], list[str] | None]  # a group's facets (``totals_rows.groups_of``), over the counters of these metrics (as stored; None: all)
# What a job makes of each facet: its rows (``Made``), or what is kept of them (the audit's fingerprints);
# either way the position the tables were read at first.
P = TypeVar("P", bound=tuple[Any, ...])
Maker = Callable[[Any, Job], dict[Facet, P]]  # a job's facets made in one read (``Reads``) of the tables

K = TypeVar("K", bound=Hashable)


def made(
    model: ReadModel, groups: Sequence[list[Facet]], make: Maker[P], *, work: str = "running totals", args: tuple[Any, ...] = (),
    join: Callable[[P, P], P] | None = None, here: float = 0.5,
) -> Iterator[tuple[Facet, P]]:  # fmt: skip
    """The facets of ``groups`` (``totals_rows.groups_of``), each whole as soon as it is made: by two processes
    where there are a second core and enough to share, else here, a group's facets at a time. A facet
    made in two parts is joined where both were read at one position, else made again here; so is every
    facet the second process did not send (it failed). ``make`` is ``work`` of ``beside`` (given
    ``args`` after the jobs), and ``join`` joins its two parts of one facet (``Made``'s by default).
    ``here``: this process's part of the work (less where it also stores every facet made)."""
    planned = plan(model, groups, here) if cores_to_spare() else None
    done: set[Facet] = set()
    if planned is not None:
        mine, theirs = planned
        halves = Counter(facet for facets, _ in (*mine, *theirs) for facet in facets)
        waiting: dict[Facet, P] = {}
        try:
            with beside.started(work, (dict(model.app.env), stood.spec_of(model), theirs, *args)) as answers:
                for found in chain((one(model, job, make) for job in mine), answers):
                    for facet, part in _whole(found, halves, waiting, join or _join):
                        done.add(facet)
                        yield facet, part
        except beside.BesideFailed:
            pass  # what it did not send is made here
    for facets in groups:
        left = [facet for facet in facets if facet not in done]
        if left:
            yield from one(model, (left, None), make).items()


def _whole(found: dict[Facet, P], halves: Counter[Facet], waiting: dict[Facet, P], join: Callable[[P, P], P]) -> Iterator[tuple[Facet, P]]:
    """The facets of a job's answer that are whole: made in one part, or in two read at one position."""
    for facet, part in found.items():
        if halves[facet] == 1:
            yield facet, part
        elif facet not in waiting:
            waiting[facet] = part
        elif waiting[facet][0] == part[0]:
            yield facet, join(waiting.pop(facet), part)
        # else a write came between the two reads: the facet is made again here


def one(model: ReadModel, job: Job, make: Maker[P]) -> dict[Facet, P]:
    """A job made here, in a read of its own."""
    with model.reads() as read:
        return make(read, job)


def plan(model: ReadModel, groups: Sequence[list[Facet]], here: float = 0.5) -> tuple[list[Job], list[Job]] | None:
    """The jobs of this process (about ``here`` of the work) and of the second one; None where the
    families hold fewer than ``APART_FROM`` contributions in all, or the work cannot be shared."""
    jobs: dict[int, tuple[Job, int]] = {}
    with model.reads() as read:
        overall, entries = sizes(read, None), _entries(read, {facet.partner for facets in groups for facet in facets})
        for facets in groups:
            counted = _estimated(overall, _share(entries, {facet.partner for facet in facets}))
            if sum(counted.values()) >= APART_FROM and len(counted) > 1:
                for metrics in halves(counted):
                    jobs[len(jobs)] = ((facets, metrics), sum(counted[metric] for metric in metrics))
            else:
                jobs[len(jobs)] = ((facets, None), sum(counted.values()))
    if sum(weight for _, weight in jobs.values()) < APART_FROM:
        return None
    mine, theirs = halves({index: weight for index, (_, weight) in jobs.items()}, here)
    if not mine or not theirs:
        return None
    return [jobs[index][0] for index in mine], [jobs[index][0] for index in theirs]


def _entries(read: Any, partners: set[str | None]) -> dict[str, int]:
    """How many entries each partner's family (and everything, ``EVERYTHING``) holds, from the kept counts."""
    scopes = sorted({EVERYTHING, *(partner for partner in partners if partner is not None)})
    marks = ", ".join("?" for _ in scopes)
    rows = read.rows(f"SELECT scope, SUM(n) AS n FROM {{t:tallies}} WHERE scope IN ({marks}) GROUP BY scope", scopes)
    return {str(row["scope"]): int(row["n"] or 0) for row in rows}


def most_of(read: Any, partner: str | None) -> bool:
    """Whether ``partner``'s family holds at least half of the entries (from the kept counts): its
    contributions are then read by testing each one (``queries.parts.contributions_of``). The counts
    only choose how the rows are read, never which: stale ones cost time, not a result."""
    if partner is None:
        return False
    entries = _entries(read, {partner})
    return 2 * entries.get(partner, 0) >= entries.get(EVERYTHING, 0) > 0


def _share(entries: dict[str, int], partners: set[str | None]) -> float:
    """The work of making the facets of ``partners`` at once, as a share of one pass over everything:
    each family's share of the entries (everything's is one), added up."""
    everything = entries.get(EVERYTHING, 0)
    if everything <= 0:
        return float(len(partners))
    return sum(1.0 if p is None else min(1.0, entries.get(p, 0) / everything) for p in partners)


def _estimated(overall: dict[str, int], share: float) -> dict[str, int]:
    """The work of making facets per metric, estimated from everything's counted contributions by ``share`` (``_share``).

    Every metric of the store is named, so that the jobs of a family split by metric take each of its
    metrics once: what a family lacks, its job finds nothing of. Counting each family's rows (a scan of
    every standing contribution per family) took a sixth of a first ``state`` at a million entries, for
    weights that only share the work out."""
    return {metric: round(n * share) for metric, n in overall.items()}


def together(model: ReadModel, partners: Sequence[str | None]) -> bool:
    """Whether the facets of ``partners`` (several) are best made from one read of every contribution,
    each handed to the families its entry touches, rather than one read per family: where the families
    hold half the entries or more (from the kept counts)."""
    with model.reads() as read:
        entries = _entries(read, set(partners))
    return 2 * sum(entries.get(p, 0) for p in partners if p is not None) >= entries.get(EVERYTHING, 0)


def halves(weights: dict[K, int], first: float = 0.5) -> tuple[list[K], list[K]]:
    """The keys in two sets, the first of about ``first`` of the weight (the heaviest first, each to
    the set furthest below its part)."""
    sets: tuple[list[K], list[K]] = ([], [])
    sums = [0, 0]
    for key, weight in sorted(weights.items(), key=lambda item: -item[1]):
        lighter = 0 if sums[0] * (1 - first) <= sums[1] * first else 1
        sets[lighter].append(key)
        sums[lighter] += weight
    return sets


def _join(first: Made, second: Made) -> Made:
    """A facet made in two parts (of other counters, at one position), whole."""
    return first[0], first[1] + second[1], first[2] + second[2], first[3] + second[3]


def made_apart(env: dict[str, str], spec: stood.Spec, jobs: list[Job], make: Maker[P]) -> Iterator[dict[Facet, P]]:
    """In the second process: ``jobs`` made over the tables ``spec`` names (``stood.spec_of``) of the store
    ``env`` names, each answered as soon as it is made."""
    from chrono.events.application import Chronicle

    app = Chronicle(env={**env, "CREATE_TABLE": "false"})  # it only reads
    try:
        model = stood.model_of(app, spec)
        for job in jobs:
            yield one(model, job, make)
    finally:
        app.close()
