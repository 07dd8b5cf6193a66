"""Cumulative counters as of a real-world date, and what makes each one up.

A pure computation over entries already folded to the chosen recording time
(``--known-at`` is the caller's business): no storage, no rendering.  DESIGN.md
section 6 ("Counters", "Temporal semantics", "Never double count", "explain")
is the authority; the decisions below fill in what it leaves open.

What counts
    Retracted entries are skipped, and so are entries whose status is not
    ``happened`` or ``held``: a planned, postponed or cancelled happening did
    not happen.

Contributions
    An entry contributes to counters keyed by (metric, unit); units never mix,
    so VND and USD, or ``delegation`` and ``person``, are separate counters.

    * A happening (every kind but ``FigureReported``) adds 1 to its kind's
      counter (``KINDS[kind].metric`` / ``.unit``, e.g. agreements/agreement),
      dated by the entry's ``when``.
    * Each quantity of a happening adds its value to (quantity.metric,
      quantity.unit), dated by the quantity's period if it has one, else by
      the entry's ``when``.  A quantity in the kind's own metric and unit
      ("a visit of 5 delegations" on a VisitMade counted in visits/visit)
      *replaces* the count of 1 instead of adding to it.
    * A ``FigureReported`` entry (an observation) adds each quantity's value,
      dated by its period (or the entry's ``when``), and nothing to any kind
      counter.

Certainty as of D (compared on (year, month, day) keys)
    ``definite`` when the date's latest bound is on or before D; ``possible``
    when its earliest bound is on or before D and its latest bound after it;
    otherwise not counted.  An open or unknown end counts as after D, an open
    or unknown start as before it.  Figures follow the same rule: counted in
    full and definite once their period has ended by D, in full and possible
    while it straddles D.

Never double count: covering
    Only a *definite* figure covers.  A figure F covers a contribution c of
    the same metric and unit when

    * c's date lies within F's period: F.earliest <= c.earliest and
      c.latest <= F.latest (an open start of F reaches back for ever, an
      open end of F forward; an open bound of c is only within an open bound
      of F), and
    * c's scope is within F's: F's scope (its partners) is empty ("overall",
      covering everything), or c has partners and every one of them is one of
      F's partners or a descendant of one.  The scope of a happening is its
      partners; an entry without partners is only covered by an overall
      figure.  Home-side actors play no part in covering.

    A covered contribution is not added; its entry is listed in ``covered``.
    A figure may be covered by another figure in the same way.  Two figures
    that cover each other (same period, equivalent scope, same metric and
    unit) are two reports of one figure: whether or not they agree, the first
    in sort order (``When.sort_key`` of the date, then entry id, then the
    quantity's position) counts and the others are covered; ``explain`` lists
    disagreeing ones under ``conflicts_with`` so the conflict is surfaced,
    not silently resolved.  Covering is transitive, so every covered
    contribution is absorbed by a counted (uncovered) figure, reported as
    ``covered_by`` in ``explain``.

    A figure that is only *possible* covers nothing yet: as of 2018-12-31 an
    agreement signed in 2018 is definite 1 and "85 agreements in 2015-2020"
    is possible 85; as of 2021-01-01 the figure is definite 85 and the 2018
    entry is covered.

Monotonicity in D
    For entries that are never retracted, ``definite`` never decreases as D
    moves forward *provided the figures are at least the sum of what they
    cover* (a figure of 3 agreements over a period with 5 agreement entries
    drops ``definite`` from 5 to 3 when its period ends; that is a conflict in
    the sources, shown by ``explain``).  ``definite + possible`` is not
    monotone: while a figure is possible, the entries inside its period are
    counted beside it (86 above), and once it ends it absorbs them (85).  What
    always holds is ``definite + possible + covered value`` being monotone.

Partner filter (``partner=P``, P's descendants included)
    A happening counts when P or a descendant is among its partners or
    actors.  A figure counts when P or a descendant is in its scope or among
    its actors, so a figure with an empty scope never counts for a foreign
    partner but does for the home-side actor that reported it.  Covering is
    computed among the contributions that pass the filter.

Grouping (``by``)
    ``year``: the year of the contribution's date, its latest bound, or its
    earliest bound for an open end (group None if it has neither); grouped
    counters are sorted by year numerically.  ``kind``: the entry's kind.
    ``partner``: one group per partner id of the entry (a figure: its scope
    ids), so an entry with two partners counts in both groups; with
    ``partner=P`` only ids within P's family are groups, unless none is (the
    entry touched P through its actors), and an entry or figure without
    partners falls in group None.  Covering is decided before grouping; a
    covered contribution is listed in the group of its own date, kind or
    partner, so a group may show 0 with entries in ``covered``.

Lists of ids
    ``contributors``, ``possible_contributors`` and ``covered`` hold entry ids
    in the order of the contribution's date, then id, without repeats.  An
    entry appears in exactly one of them per counter, except an entry stating
    several quantities of the same metric and unit with different dates.

JSON numbers
    ``definite`` and ``possible`` (and values in ``explain``) are JSON integers
    when integral, else the decimal as a string in plain notation ("12.5"),
    never a float: a currency sum must not lose digits.

Results are sorted by (metric, unit, partner, group), None groups first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Final

import attrs

from chrono.events.entry import Entry
from chrono.events.kinds import KINDS, OBSERVATION
from chrono.events.values import Partner, Source
from chrono.projections.hierarchy import children, descendants
from chrono.when import When

Key = tuple[int, int, int]
COUNTED_STATUSES: Final = frozenset({"happened", "held"})
GROUPINGS: Final = ("year", "kind", "partner")
DEFINITE: Final = "definite"
POSSIBLE: Final = "possible"
COVERED: Final = "covered"
_ZERO: Final = Decimal(0)


def json_number(value: Decimal) -> int | str:
    """A Decimal for JSON: an int when integral, else its plain decimal string."""
    if value == value.to_integral_value():
        return int(value)
    return format(value.normalize(), "f")


@attrs.frozen
class Counter:
    """One cumulative counter as of a date.

    Attributes:
        metric: what is counted or summed, e.g. ``agreements``.
        unit: the unit of the sum (never mixed with another).
        partner: the partner asked for (descendants included), None overall.
        group: the year, kind or partner id when grouped, else None.
        definite: the sum of contributions certainly on or before the date.
        possible: the sum of contributions whose dates straddle it.
        contributors: ids of the entries counted in ``definite``.
        possible_contributors: ids of the entries counted in ``possible``.
        covered: ids of entries left out because a reported figure covers them.
    """

    metric: str
    unit: str
    partner: str | None
    group: str | None
    definite: Decimal
    possible: Decimal
    contributors: tuple[str, ...]
    possible_contributors: tuple[str, ...]
    covered: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The ``counters`` item of DESIGN.md section 8, plus group and covered."""
        return {
            "metric": self.metric,
            "unit": self.unit,
            "partner": self.partner,
            "group": self.group,
            "definite": json_number(self.definite),
            "possible": json_number(self.possible),
            "contributors": list(self.contributors),
            "possible_contributors": list(self.possible_contributors),
            "covered": list(self.covered),
        }


@attrs.frozen
class Contribution:
    """What one entry adds (or would add) to one counter, as ``explain`` shows it.

    Attributes:
        id: the entry's id.
        kind: the entry's kind.
        unit: the counter's unit (the metric is the explanation's).
        value: the amount it adds (or would add, when covered).
        certainty: ``definite``, ``possible`` or ``covered``.
        when: the EDTF date it is dated by (a quantity's period or the entry's when).
        entry_when: the entry's own ``when``.
        figure: whether it is a reported figure rather than a happening.
        covered_by: the id of the counted figure that covers it, if covered.
        conflicts_with: ids of other figures reporting the same metric, unit,
            period and scope with a different value.
        revision: the entry's version (the caller adds the revisions themselves).
        sources: the entry's sources (document, quote, ...).
    """

    id: str
    kind: str
    unit: str
    value: Decimal
    certainty: str
    when: str
    entry_when: str
    figure: bool
    covered_by: str | None
    conflicts_with: tuple[str, ...]
    revision: int
    sources: tuple[Source, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "unit": self.unit,
            "value": json_number(self.value),
            "certainty": self.certainty,
            "when": self.when,
            "entry_when": self.entry_when,
            "figure": self.figure,
            "covered_by": self.covered_by,
            "conflicts_with": list(self.conflicts_with),
            "revision": self.revision,
            "sources": [source.to_json() for source in self.sources],
        }


@attrs.frozen
class Explanation:
    """The counters of one metric and every contribution behind them.

    Attributes:
        metric: the metric explained.
        partner: the partner asked for, or None overall.
        as_of: the real-world date.
        counters: one ungrouped counter per unit.
        contributions: definite, then possible, then covered ones, per unit.
    """

    metric: str
    partner: str | None
    as_of: date
    counters: tuple[Counter, ...]
    contributions: tuple[Contribution, ...]

    def entry_ids(self) -> tuple[str, ...]:
        """The ids of the entries behind the counters, in ``contributions`` order."""
        return _unique(item.id for item in self.contributions)

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "partner": self.partner,
            "as_of": self.as_of.isoformat(),
            "counters": [counter.to_json() for counter in self.counters],
            "contributions": [item.to_json() for item in self.contributions],
        }


@attrs.define(eq=False)
class _Part:
    """One contribution while it is being evaluated."""

    entry: Entry
    metric: str
    unit: str
    value: Decimal
    when: When
    figure: bool
    scope: frozenset[str]
    order: tuple[Any, ...]
    certainty: str = ""
    covered_by: _Part | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.metric, self.unit)


class _Family:
    """Partner closures (a partner and its descendants), computed once each."""

    def __init__(self, partners: Mapping[str, Partner]) -> None:
        self._partners = partners
        self._below = children(partners)
        self._cache: dict[str, frozenset[str]] = {}

    def of(self, pid: str) -> frozenset[str]:
        found = self._cache.get(pid)
        if found is None:
            found = self._cache[pid] = frozenset(descendants(pid, self._partners, self._below))
        return found

    def closure(self, ids: Iterable[str]) -> frozenset[str]:
        out: frozenset[str] = frozenset()
        for pid in ids:
            out |= self.of(pid)
        return out


def _day(d: date) -> Key:
    return (d.year, d.month, d.day)


def _certainty(when: When, as_of: Key) -> str:
    hi, lo = when.latest_key, when.earliest_key
    if hi is not None and hi <= as_of:
        return DEFINITE
    if lo is None or lo <= as_of:
        return POSSIBLE
    return ""


def _within_period(inner: When, outer: When) -> bool:
    """Whether both bounds of ``inner`` lie within ``outer`` (open = unbounded)."""
    if outer.earliest_key is not None and (inner.earliest_key is None or inner.earliest_key < outer.earliest_key):
        return False
    return outer.latest_key is None or (inner.latest_key is not None and inner.latest_key <= outer.latest_key)


def _scope_within(inner: frozenset[str], outer: frozenset[str], family: _Family) -> bool:
    if not outer:
        return True
    return bool(inner) and inner <= family.closure(outer)


def _equivalent(a: _Part, b: _Part, family: _Family) -> bool:
    return (
        a.when.earliest_key == b.when.earliest_key
        and a.when.latest_key == b.when.latest_key
        and _scope_within(a.scope, b.scope, family)
        and _scope_within(b.scope, a.scope, family)
    )


def _covers(figure: _Part, part: _Part, family: _Family) -> bool:
    """Whether the definite ``figure`` covers ``part`` (same metric and unit)."""
    if figure is part or not _within_period(part.when, figure.when):
        return False
    if not _scope_within(part.scope, figure.scope, family):
        return False
    if not part.figure:
        return True
    # Two reports of one figure cover each other: the first in order counts.
    return figure.order < part.order or not _equivalent(figure, part, family)


def _counted(entry: Entry) -> bool:
    return not entry.retracted and entry.status in COUNTED_STATUSES


def _parts(entry: Entry) -> list[_Part]:
    facts = entry.facts
    figure = entry.kind == OBSERVATION
    scope = frozenset(facts.partners)
    sort_key = facts.when.sort_key
    out = [
        _Part(entry, q.metric, q.unit, q.value, q.period or facts.when, figure, scope, (sort_key, entry.slug, i + 1)) for i, q in enumerate(facts.quantities)
    ]
    if not figure:
        info = KINDS[entry.kind]
        if not any(part.key == (info.metric, info.unit) for part in out):
            one = _Part(entry, info.metric, info.unit, Decimal(1), facts.when, False, scope, (sort_key, entry.slug, 0))
            out.insert(0, one)
    # Order by the contribution's own date first, so that covering ties break on it.
    for part in out:
        part.order = (part.when.sort_key, *part.order)
    return out


def contribution_parts(entry: Entry) -> list[_Part]:
    """Every contribution ``entry`` makes when it counts, in order (for the read model)."""
    return _parts(entry)


def counted(entry: Entry) -> bool:
    """Whether ``entry`` counts at all: not retracted, and happened or held."""
    return _counted(entry)


def _touches(entry: Entry, family: frozenset[str]) -> bool:
    facts = entry.facts
    return not family.isdisjoint(facts.partners) or not family.isdisjoint(facts.actors)


def _evaluate(
    entries: Iterable[Entry],
    partners: Mapping[str, Partner],
    as_of: date,
    partner: str | None,
    metric: str | None,
) -> tuple[list[_Part], _Family]:
    """Every counted contribution with its certainty and, if covered, its coverer."""
    family = _Family(partners)
    wanted = family.of(partner) if partner is not None else None
    day = _day(as_of)
    parts: list[_Part] = []
    for entry in entries:
        if not _counted(entry) or (wanted is not None and not _touches(entry, wanted)):
            continue
        for part in _parts(entry):
            if metric is not None and part.metric != metric:
                continue
            part.certainty = _certainty(part.when, day)
            if part.certainty:
                parts.append(part)
    parts.sort(key=lambda p: p.order)
    by_key: dict[tuple[str, str], list[_Part]] = defaultdict(list)
    for part in parts:
        by_key[part.key].append(part)
    for group in by_key.values():
        _cover(group, family)
    return parts, family


def _cover(parts: list[_Part], family: _Family) -> None:
    """Mark the parts of one (metric, unit) that a definite figure covers."""
    figures = [p for p in parts if p.figure and p.certainty == DEFINITE]
    if not figures:
        return
    # Covering is a strict partial order and transitive, so every covered part
    # is covered by an uncovered ("counting") figure: point it at the first one.
    counting = [f for f in figures if not any(_covers(g, f, family) for g in figures)]
    for part in parts:
        if part.certainty != DEFINITE:
            continue  # a part inside a definite figure's period is definite itself
        for figure in counting:
            if _covers(figure, part, family):
                part.covered_by = figure
                part.certainty = COVERED
                break


def _year(when: When) -> str | None:
    key = when.latest_key or when.earliest_key
    return None if key is None else str(key[0])


def _groups(part: _Part, by: str | None, wanted: frozenset[str] | None) -> list[str | None]:
    if by is None:
        return [None]
    if by == "year":
        return [_year(part.when)]
    if by == "kind":
        return [part.entry.kind]
    ids = sorted(part.scope)
    if wanted is not None:
        ids = [pid for pid in ids if pid in wanted] or ids
    return [*ids] if ids else [None]


def _unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


def _group_order(group: str | None, by: str | None) -> tuple[int, int, str]:
    if group is None:
        return (0, 0, "")
    if by == "year":
        return (1, int(group), "")
    return (1, 0, group)


def _tally(parts: Iterable[_Part], partner: str | None, by: str | None, family: _Family) -> list[Counter]:
    wanted = family.of(partner) if partner is not None else None
    buckets: dict[tuple[str, str, str | None], list[_Part]] = defaultdict(list)
    for part in parts:
        for group in _groups(part, by, wanted):
            buckets[(part.metric, part.unit, group)].append(part)
    out: list[Counter] = []
    for (metric, unit, group), members in buckets.items():
        definite = [p for p in members if p.certainty == DEFINITE]
        possible = [p for p in members if p.certainty == POSSIBLE]
        out.append(
            Counter(
                metric=metric,
                unit=unit,
                partner=partner,
                group=group,
                definite=sum((p.value for p in definite), _ZERO),
                possible=sum((p.value for p in possible), _ZERO),
                contributors=_unique(p.entry.slug for p in definite),
                possible_contributors=_unique(p.entry.slug for p in possible),
                covered=_unique(p.entry.slug for p in members if p.certainty == COVERED),
            )
        )
    out.sort(key=lambda c: (c.metric, c.unit, _group_order(c.group, by)))
    return out


def counters(
    entries: Iterable[Entry],
    partners: Mapping[str, Partner],
    as_of: date,
    partner: str | None = None,
    by: str | None = None,
) -> list[Counter]:
    """The counters as of ``as_of``, overall or for ``partner`` and its descendants.

    ``entries`` are the entries as known at the chosen recording time;
    ``partners`` is the registry (for descendants); ``by`` is None, ``year``,
    ``kind`` or ``partner``.  See the module docstring for the rules.
    """
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"cannot group counters by {by!r} (choose one of {', '.join(GROUPINGS)})")
    parts, family = _evaluate(entries, partners, as_of, partner, None)
    return _tally(parts, partner, by, family)


def explain(
    entries: Iterable[Entry],
    partners: Mapping[str, Partner],
    as_of: date,
    metric: str,
    partner: str | None = None,
) -> Explanation:
    """The counters of ``metric`` (one per unit) and the contributions behind them.

    Contributions come per unit: definite, then possible, then covered, each
    in date order.  An unknown metric gives an explanation without counters.
    """
    parts, family = _evaluate(entries, partners, as_of, partner, metric)
    rank = {DEFINITE: 0, POSSIBLE: 1, COVERED: 2}
    ordered = sorted(parts, key=lambda p: (p.unit, rank[p.certainty], p.order))
    items = [_explained(part, parts, family) for part in ordered]
    return Explanation(
        metric=metric,
        partner=partner,
        as_of=as_of,
        counters=tuple(_tally(parts, partner, None, family)),
        contributions=tuple(items),
    )


def _explained(part: _Part, parts: list[_Part], family: _Family) -> Contribution:
    conflicts: tuple[str, ...] = ()
    if part.figure:
        conflicts = _unique(
            other.entry.slug
            for other in parts
            if other.figure and other is not part and other.key == part.key and other.value != part.value and _equivalent(other, part, family)
        )
    entry = part.entry
    return Contribution(
        id=entry.slug,
        kind=entry.kind,
        unit=part.unit,
        value=part.value,
        certainty=part.certainty,
        when=part.when.edtf,
        entry_when=entry.facts.when.edtf,
        figure=part.figure,
        covered_by=part.covered_by.entry.slug if part.covered_by is not None else None,
        conflicts_with=conflicts,
        revision=int(entry.version),
        sources=tuple(entry.sources),
    )
