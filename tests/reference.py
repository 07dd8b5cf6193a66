"""A plain reference fold of DESIGN.md section 6, written again for the tests.

Deliberately naive (every pair compared, everything recomputed) and written
apart from ``chrono.projections.counting``, so that a test that holds a view
against it holds it against the design, not against a copy of itself.
Entries are ``Entry`` aggregates as known at the time asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from chrono.events.kinds import KINDS

ZERO = Decimal(0)
NEVER = -(10**12)
FOREVER = 10**12


class Item(NamedTuple):
    entry: str
    metric: str
    unit: str
    low: Decimal
    high: Decimal | None
    about: bool
    figure: bool
    stock: bool
    first: int | None  # first day (yyyymmdd) of its date, None: open
    last: int | None  # last day, None: open
    scope: frozenset[str]
    kind: str
    index: int = 0  # which of the entry's quantities: the last word of a tie between two figures of one entry


class Value(NamedTuple):
    definite: Decimal
    possible: Decimal
    high: Decimal | None
    approximate: bool
    conflicts: frozenset[frozenset[str]]


def day(key: tuple[int, int, int] | None) -> int | None:
    return None if key is None else key[0] * 10000 + key[1] * 100 + key[2]


def below(parents: Mapping[str, str | None], pid: str) -> set[str]:
    """``pid`` and every partner under it."""
    found = {pid}
    grew = True
    while grew:
        more = {child for child, parent in parents.items() if parent in found}
        grew = not more <= found
        found |= more
    return found


def items(entry: Any) -> list[Item]:
    """What one counted entry adds, following the text of DESIGN.md sections 4 and 6."""
    facts = entry.facts
    figure = entry.kind == "FigureReported"
    scope = frozenset(facts.partners)
    out = []
    for index, q in enumerate(facts.quantities):
        when = q.observed or q.period or facts.when
        low, high = {"at_least": (q.value, None), "at_most": (ZERO, q.value)}.get(q.qualifier, (q.value, q.value))
        out.append(Item(entry.slug, q.metric, q.unit, low, high, q.qualifier == "about", figure, figure and q.observed is not None,
                        day(when.earliest_key), day(when.latest_key), scope, entry.kind, index))  # fmt: skip
    if not figure:
        info = KINDS[entry.kind]
        if not any((i.metric, i.unit) == (info.metric, info.unit) for i in out):
            w = facts.when
            out.append(Item(entry.slug, info.metric, info.unit, Decimal(1), Decimal(1), False, False, False, day(w.earliest_key),
                            day(w.latest_key), scope, entry.kind))  # fmt: skip
    return out


def certainty(item: Item, as_of: int) -> str:
    if item.last is not None and item.last <= as_of:
        return "definite"
    if item.first is None or item.first <= as_of:
        return "possible"
    return "future"


class Fold:
    """The counters of ``entries`` as of a day, overall or for one partner's family."""

    def __init__(self, entries: Iterable[Any], parents: Mapping[str, str | None], partner: str | None = None) -> None:
        self.parents = parents
        family = below(parents, partner) if partner is not None else None
        self.items: list[Item] = []
        for entry in entries:
            if entry.retracted or entry.status not in ("happened", "held"):
                continue
            if family is not None and not family & {*entry.facts.partners, *entry.facts.actors}:
                continue
            self.items += items(entry)

    def closure(self, scope: frozenset[str]) -> set[str] | None:
        """Every partner a scope speaks for; None: everything."""
        if not scope:
            return None
        out: set[str] = set()
        for pid in scope:
            out |= below(self.parents, pid)
        return out

    def holds(self, outer: frozenset[str], inner: frozenset[str]) -> bool:
        wide = self.closure(outer)
        return wide is None or (bool(inner) and inner <= wide)

    def meet(self, one: frozenset[str], other: frozenset[str]) -> bool:
        a, b = self.closure(one), self.closure(other)
        return a is None or b is None or bool(a & b)

    def counters(self, as_of: int) -> dict[tuple[str, str], Value]:
        # A counter is shown once something in it has at least possibly happened.
        keys = {(i.metric, i.unit) for i in self.items if certainty(i, as_of) != "future"}
        return {key: self.value([i for i in self.items if (i.metric, i.unit) == key], as_of) for key in sorted(keys)}

    def value(self, items: list[Item], as_of: int) -> Value:
        live = [i for i in items if certainty(i, as_of) != "future"]
        claims: dict[tuple[Any, ...], list[Item]] = {}
        for i in live:
            if i.figure:
                claims.setdefault((i.stock, i.first, i.last, frozenset(self.closure(i.scope) or ())), []).append(i)
        groups = list(claims.values())

        def region(g: list[Item]) -> tuple[int, int]:
            first = g[0].first if not g[0].stock and g[0].first is not None else NEVER
            return first, g[0].last if g[0].last is not None else FOREVER

        def rank(g: list[Item]) -> tuple[Any, ...]:
            lo, hi = region(g)
            # A total order (DESIGN.md section 6: two figures that cover each other count once): two
            # figures of one entry with the same region, a flow and a stock, are told apart by their place.
            return (hi, lo, g[0].first if g[0].first is not None else NEVER, min((i.entry, i.index) for i in g))

        def within(inner: tuple[int | None, int | None], g: list[Item]) -> bool:
            lo, hi = region(g)
            first, last = inner
            return g[0].last is not None and last is not None and last <= hi and (lo == NEVER or (first is not None and first >= lo))

        definite = [g for g in groups if certainty(g[0], as_of) == "definite"]

        def covers(g: list[Item], h: list[Item]) -> bool:
            if g is h or not within(region_of(h), g) or not self.holds(g[0].scope, h[0].scope):
                return False
            mutual = within(region_of(g), h) and self.holds(h[0].scope, g[0].scope)
            return not mutual or rank(g) < rank(h)

        def region_of(g: list[Item]) -> tuple[int | None, int | None]:
            return (None if g[0].stock else g[0].first), g[0].last

        low = possible = ZERO
        highs: list[Decimal | None] = []
        about = False
        conflicts = set()

        def claim_value(g: list[Item]) -> tuple[Decimal, Decimal | None]:
            tops = [i.high for i in g]
            return min(i.low for i in g), None if None in tops else max(t for t in tops if t is not None)

        tops = []
        for g in groups:
            lo, hi = claim_value(g)
            disagree = len({(i.low, i.high) for i in g}) > 1
            if certainty(g[0], as_of) == "possible":
                possible += lo
                highs.append(hi)
            elif not any(covers(c, g) for c in definite):
                tops.append(g)
                highs.append(hi)
            else:
                continue
            about = about or any(i.about for i in g)
            if disagree:
                conflicts.add(frozenset(i.entry for i in g))
        for g in tops:
            lo, _ = claim_value(g)
            rivals = [h for h in tops if h is not g and self.overlap(g, h, region)]
            if not any(claim_value(h)[0] > lo or (claim_value(h)[0] == lo and rank(h) < rank(g)) for h in rivals):
                low += lo
        for i in live:
            if i.figure:
                continue
            state = certainty(i, as_of)
            if state == "definite" and any(within((i.first, i.last), g) and self.holds(g[0].scope, i.scope) for g in definite):
                continue
            if state == "definite":
                low += i.low
            else:
                possible += i.low
            highs.append(i.high)
            about = about or i.about
        high = None if None in highs else sum((h for h in highs if h is not None), ZERO)
        return Value(low, possible, high, about, frozenset(conflicts))

    def overlap(self, g: list[Item], h: list[Item], region: Any) -> bool:
        (a, b), (c, d) = region(g), region(h)
        return a <= d and c <= b and self.meet(g[0].scope, h[0].scope)
