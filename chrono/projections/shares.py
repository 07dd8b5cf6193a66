"""Facets made by two processes: the work of making them shared out by the contributions each reads.

Making running totals is the counting rule over every contribution of a
family, in Python: a few seconds at a hundred thousand. Facets of different
partners are independent, and so are the counters of one facet (a claim
covers only contributions of its own counter). So the facets asked for at
once are made in *jobs* — a partner's facets, or, for a large family, its
facets over the counters of some of its metrics — and the jobs are shared
between this process and a second one (``beside``), about as many
contributions each. Each job reads the tables in a read of its own; the
parts are taken together only if every one was read at the position the
plan was made at (else a write came between, and this process makes them).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from chrono.projections import beside, offload, stood
from chrono.projections.facets import Facet, Made
from chrono.projections.queries.parts import family_in, sizes
from chrono.projections.readmodel import ReadModel

# Counted contributions from which facets are shared with a second process (which takes about half a
# second to start), and from which one family's counters are split between the two.
APART_FROM = 20_000

Job = tuple[list[Facet], list[str] | None]  # a partner's facets, over the counters of these metrics (as stored; None: all)
Maker = Callable[[Any, Job], dict[Facet, Made]]  # a job's facets made in one read (``Reads``) of the tables

K = TypeVar("K", bound=Hashable)


def made(model: ReadModel, groups: Sequence[list[Facet]], make: Maker) -> dict[Facet, Made] | None:
    """The facets of ``groups`` (each a partner's) made by two processes, or None where there is one
    core, too little to share, or the second process failed or read the tables at another position."""
    if not offload.cores_to_spare():
        return None
    planned = plan(model, groups)
    if planned is None:
        return None
    standing, mine, theirs = planned
    try:
        with beside.started("running totals", (dict(model.app.env), stood.spec_of(model), theirs)) as answer:
            parts = [one(model, job, make) for job in mine]
            parts += answer()
    except beside.BesideFailed:
        return None
    if any(part[0] != standing for found in parts for part in found.values()):
        return None  # a write came between the reads
    return joined(parts)


def one(model: ReadModel, job: Job, make: Maker) -> dict[Facet, Made]:
    """A job made here, in a read of its own."""
    with model.reads() as read:
        return make(read, job)


def plan(model: ReadModel, groups: Sequence[list[Facet]]) -> tuple[int, list[Job], list[Job]] | None:
    """The position the tables stand at, and the jobs of this process and of the second one; None where
    the families hold fewer than ``APART_FROM`` contributions in all, or the work cannot be shared."""
    jobs: dict[int, tuple[Job, int]] = {}
    with model.reads() as read:
        standing = read.position()
        tree = family_in(read)
        for facets in groups:
            partner = facets[0].partner
            counted = sizes(read, tree.of(partner) if partner is not None else None)
            if sum(counted.values()) >= APART_FROM and len(counted) > 1:
                for metrics in halves(counted):
                    jobs[len(jobs)] = ((facets, metrics), sum(counted[metric] for metric in metrics))
            else:
                jobs[len(jobs)] = ((facets, None), sum(counted.values()))
    if sum(weight for _, weight in jobs.values()) < APART_FROM:
        return None
    mine, theirs = halves({index: weight for index, (_, weight) in jobs.items()})
    if not mine or not theirs:
        return None
    return standing, [jobs[index][0] for index in mine], [jobs[index][0] for index in theirs]


def halves(weights: dict[K, int]) -> tuple[list[K], list[K]]:
    """The keys in two sets of about equal weight (the heaviest first, each to the lighter set)."""
    sets: tuple[list[K], list[K]] = ([], [])
    sums = [0, 0]
    for key, weight in sorted(weights.items(), key=lambda item: -item[1]):
        lighter = 0 if sums[0] <= sums[1] else 1
        sets[lighter].append(key)
        sums[lighter] += weight
    return sets


def joined(parts: Sequence[dict[Facet, Made]]) -> dict[Facet, Made]:
    """Facets made in parts (of other counters, at the same position), each whole."""
    out: dict[Facet, Made] = {}
    for found in parts:
        for facet, (position, rows, keys, clashes) in found.items():
            whole = out.setdefault(facet, (position, [], [], []))
            whole[1].extend(rows)
            whole[2].extend(keys)
            whole[3].extend(clashes)
    return out


def made_apart(env: dict[str, str], spec: stood.Spec, jobs: list[Job], make: Maker) -> list[dict[Facet, Made]]:
    """In the second process: ``jobs`` made over the tables ``spec`` names (``stood.spec_of``) of the store ``env`` names."""
    from chrono.events.application import Chronicle

    app = Chronicle(env={**env, "CREATE_TABLE": "false"})  # it only reads
    try:
        model = stood.model_of(app, spec)
        return [one(model, job, make) for job in jobs]
    finally:
        app.close()
