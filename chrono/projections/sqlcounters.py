"""Counters computed by the store: SQL aggregates over the read model.

The same answers as ``projections.counters`` (the reference semantics, read
its docstring first), without reading a single entry: the sums come from
``chrono_contributions`` grouped in SQL, and only what needs judgement is
done here:

* Reported figures are few: they are read with their scopes and evaluated by
  the reference code (certainty, and which figures cover which), so the
  figures that count are decided exactly as ``counters.counters`` decides.
* A happening covered by a counting figure was summed by SQL: the rows in
  each such figure's period are read (an index range) and taken out again.
* Contributor lists are one row per contribution, so they cost a scan of the
  contributions counted; ``ids=False`` leaves them empty and answers from the
  aggregates alone.
* Counters as known now without lists, for everything or one partner,
  grouped or not, come from the running totals of ``projections.totals``
  (a few index lookups once they are made for that question).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate
from typing import Any

import attrs

from chrono.projections import counters as reference
from chrono.projections.counters import COVERED, DEFINITE, GROUPINGS, POSSIBLE, Counter
from chrono.projections.readmodel import ReadModel, date_key
from chrono.when import When

Bucket = tuple[str, str, str | None]  # metric, unit, group
_ZERO = Decimal(0)


@attrs.frozen
class _Entry:
    """What the reference code reads of an entry behind a figure."""

    slug: str
    kind: str


@attrs.define
class _Sums:
    """One counter being added up."""

    definite: Decimal = _ZERO
    possible: Decimal = _ZERO
    lists: dict[str, list[str]] = attrs.Factory(lambda: {DEFINITE: [], POSSIBLE: [], COVERED: []})


class _Query:
    """One counters question, and the SQL pieces it needs."""

    def __init__(self, model: ReadModel, as_of: date, known_at: datetime | None, partner: str | None, by: str | None) -> None:
        self.model = model
        self.by = by
        self.partner = partner
        self.day_key = (as_of.year, as_of.month, as_of.day)
        self.day = date_key(self.day_key)
        self.parents = _parents(model, known_at)
        self.family = reference._Family(_registry(self.parents))
        self.wanted = self.family.of(partner) if partner is not None else None
        known, params = model.known(known_at, "c")
        self.where = f"{known} AND c.counted = 1 AND (c.earliest IS NULL OR c.earliest <= ?)"
        self.params: list[Any] = [*params, self.day]
        self.source = "{t:contributions} c"
        self.source_params: list[Any] = []
        if self.wanted is not None:
            touching, touching_params = touching_sql(model, self.wanted, known_at)
            self.where += touching
            self.params += touching_params

    def sql(self, select: str, where: str = "", join: str = "", tail: str = "") -> str:
        """``SELECT select FROM`` the contributions asked about ``WHERE`` the asked rows ``AND where``."""
        return f"SELECT {select} FROM {self.source}{join} WHERE {self.where}{where}{tail}"

    def scope_sql(self) -> str:
        """The column with a contribution's scope: its revision's partner ids, comma-joined."""
        return "c.scope"

    def groups(self, kind: str, year: int | None, scope: frozenset[str]) -> list[str | None]:
        """The groups a contribution falls in (``counters._groups``)."""
        if self.by is None:
            return [None]
        if self.by == "year":
            return [None if year is None else str(year)]
        if self.by == "kind":
            return [kind]
        ids = sorted(scope)
        if self.wanted is not None:
            ids = [pid for pid in ids if pid in self.wanted] or ids
        return [*ids] if ids else [None]


def touching_sql(model: ReadModel, wanted: Iterable[str], known_at: datetime | None, *, per_row: bool = False) -> tuple[str, list[Any]]:
    """`` AND`` a condition on ``c`` for the contributions of entries touching one of ``wanted``, and its parameters.

    The entries touching them are one set (not a subquery per row): an
    entry has one revision as known at any time, so its id is enough to
    match on. For a condition that picks a few rows of ``c`` by other
    columns, ``per_row`` looks each row's entry up instead: SQLite would
    otherwise make the whole set first (at 1M entries, the entries of a
    province's family: half a second).
    """
    ids = sorted(wanted)
    marks = ", ".join("?" for _ in ids)
    known, params = model.known(known_at, "f")
    if per_row:
        lookup = f"SELECT 1 FROM {{t:revision_partners}} f WHERE f.aggregate = c.aggregate AND f.partner IN ({marks}) AND {known}"
        return f" AND EXISTS ({lookup})", [*ids, *params]
    return f" AND c.aggregate IN (SELECT f.aggregate FROM {{t:revision_partners}} f WHERE f.partner IN ({marks}) AND {known})", [*ids, *params]


def counters(
    model: ReadModel,
    as_of: date,
    known_at: datetime | None = None,
    partner: str | None = None,
    by: str | None = None,
    *,
    ids: bool = True,
) -> list[Counter]:
    """``counters.counters`` of the entries as known at ``known_at``, from SQL.

    With ``ids=False`` the contributor lists are left empty (the sums are the
    same), which keeps the cost independent of how many entries count.
    """
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"cannot group counters by {by!r} (choose one of {', '.join(GROUPINGS)})")
    if not ids and known_at is None:
        from chrono.projections import totals

        return totals.counters(model, as_of, partner, by)
    query = _Query(model, as_of, known_at, partner, by)
    sums: dict[Bucket, _Sums] = defaultdict(_Sums)
    figures = _figures(query)
    _add_happenings(query, sums)
    covered = _take_out_covered(query, sums, [f for f in figures if f.certainty == DEFINITE], keep=ids)
    _add_figures(query, sums, figures)
    if ids:
        _list_ids(query, sums, figures, covered)
    return _counters(sums, partner, by)


# -- figures ------------------------------------------------------------------


def _figures(query: _Query) -> list[reference._Part]:
    """The counted figures with their certainty, covered ones marked (by the reference code)."""
    scope = query.scope_sql()
    rows = query.model.rows(
        query.sql(f"c.entry, c.kind, c.metric, c.unit, c.value, c.edtf, c.order_key, c.part, {scope} AS scope", " AND c.figure = 1"),
        [*query.source_params, *query.params],
    )
    parts: list[reference._Part] = []
    for row in rows:
        when = When.parse(str(row["edtf"]))
        part = reference._Part(
            _Entry(str(row["entry"]), str(row["kind"])), str(row["metric"]), str(row["unit"]),  # type: ignore[arg-type]
            Decimal(str(row["value"])), when, True, _scope(row["scope"]),
            (str(row["order_key"]), str(row["entry"]), int(row["part"])),
        )  # fmt: skip
        part.certainty = reference._certainty(when, query.day_key)
        if part.certainty:
            parts.append(part)
    parts.sort(key=lambda p: p.order)
    by_key: dict[tuple[str, str], list[reference._Part]] = defaultdict(list)
    for part in parts:
        by_key[part.key].append(part)
    for group in by_key.values():
        _cover_figures(group, query.family)
    return parts


def _cover_figures(figures: list[reference._Part], family: reference._Family) -> None:
    """Mark the definite figures another definite figure covers (``counters._cover`` on figures).

    Covering is transitive, so a figure covered by any definite figure is
    covered by a counting one. Figures with a longer period are found with
    ``_Windows`` (its binary search, not a test of every pair); those with
    the same period are compared pairwise, with the reference's tie rule.
    """
    definite = [f for f in figures if f.certainty == DEFINITE]
    if len(definite) < 2:
        return
    windows = _Windows(definite, family)
    same: dict[tuple[Any, Any], list[reference._Part]] = defaultdict(list)
    for figure in definite:
        same[(figure.when.earliest_key, figure.when.latest_key)].append(figure)
    covered = [f for f in definite if windows.cover_larger(f) or any(reference._covers(g, f, family) for g in same[(f.when.earliest_key, f.when.latest_key)])]
    for figure in covered:
        figure.certainty = COVERED


def _add_figures(query: _Query, sums: dict[Bucket, _Sums], figures: Iterable[reference._Part]) -> None:
    for part in figures:
        for group in query.groups(part.entry.kind, _year_of(part.when), part.scope):
            counter = sums[(part.metric, part.unit, group)]
            if part.certainty == DEFINITE:
                counter.definite += part.value
            elif part.certainty == POSSIBLE:
                counter.possible += part.value


# -- happenings ---------------------------------------------------------------


def _group_column(query: _Query) -> tuple[str, str, list[Any]]:
    """The SQL group column, the join it needs, and the join's parameters."""
    if query.by == "year":
        return "c.year", "", []
    if query.by == "kind":
        return "c.kind", "", []
    if query.by != "partner":
        return "NULL", "", []
    join = " LEFT JOIN {t:revision_partners} g ON g.aggregate = c.aggregate AND g.revision = c.revision AND g.role = 'partner'"
    if query.wanted is None:
        return "g.partner", join, []
    marks = ", ".join("?" for _ in query.wanted)
    join += (
        f" AND (g.partner IN ({marks}) OR NOT EXISTS (SELECT 1 FROM {{t:revision_partners}} h WHERE h.aggregate = c.aggregate"
        f" AND h.revision = c.revision AND h.role = 'partner' AND h.partner IN ({marks})))"
    )
    family = sorted(query.wanted)
    return "g.partner", join, [*family, *family]


def _add_happenings(query: _Query, sums: dict[Bucket, _Sums]) -> None:
    """Every counted happening's sum per counter and certainty (covered ones included)."""
    group, join, join_params = _group_column(query)
    certainty = "CASE WHEN c.latest IS NOT NULL AND c.latest <= ? THEN 1 ELSE 0 END"
    select = f"c.metric, c.unit, {group} AS grp, {certainty} AS definite, SUM(c.whole) AS total, COUNT(*) - COUNT(c.whole) AS odd"
    rows = query.model.rows(
        query.sql(select, " AND c.figure = 0", join, " GROUP BY 1, 2, 3, 4"),
        [query.day, *query.source_params, *join_params, *query.params],
    )
    odd = False
    for row in rows:
        counter = sums[(str(row["metric"]), str(row["unit"]), _group(row["grp"]))]
        total = Decimal(row["total"] or 0)
        if row["definite"]:
            counter.definite += total
        else:
            counter.possible += total
        odd = odd or bool(row["odd"])
    if odd:
        _add_odd_values(query, sums, (group, join, join_params, certainty))


def _add_odd_values(query: _Query, sums: dict[Bucket, _Sums], sql: tuple[str, str, list[Any], str]) -> None:
    """Values that are not whole 64-bit numbers, summed exactly here."""
    group, join, join_params, certainty = sql
    rows = query.model.rows(
        query.sql(f"c.metric, c.unit, {group} AS grp, {certainty} AS definite, c.value", " AND c.figure = 0 AND c.whole IS NULL", join),
        [query.day, *query.source_params, *join_params, *query.params],
    )
    for row in rows:
        counter = sums[(str(row["metric"]), str(row["unit"]), _group(row["grp"]))]
        if row["definite"]:
            counter.definite += Decimal(str(row["value"]))
        else:
            counter.possible += Decimal(str(row["value"]))


def _take_out_covered(query: _Query, sums: dict[Bucket, _Sums], figures: list[reference._Part], *, keep: bool) -> set[tuple[str, int]]:
    """Subtract the happenings a counting figure covers; return their (aggregate, part) keys if ``keep``.

    One index range per counter with counting figures, read once: a row is
    covered when one of the figures' periods holds it and its scope is
    within the figure's (``counters._covers``).
    """
    by_key: dict[tuple[str, str], list[reference._Part]] = defaultdict(list)
    for figure in figures:
        if figure.certainty == DEFINITE and figure.when.latest_key is not None:
            by_key[figure.key].append(figure)
    covered: set[tuple[str, int]] = set()
    for (metric, unit), counting in by_key.items():
        windows = _Windows(counting, query.family)
        taken: dict[str | None, int] = defaultdict(int)
        odd: dict[str | None, Decimal] = defaultdict(Decimal)
        for row in _candidates(query, metric, unit, windows):
            scope = row["scope"] or ""
            if not windows.cover(row["earliest"], row["latest"], scope):
                continue
            if keep:
                covered.add((str(row["aggregate"]), int(row["part"])))
            groups = [None] if query.by is None else query.groups(str(row["kind"]), row["year"], _scope(scope))
            for group in groups:
                if row["whole"] is not None:
                    taken[group] += int(row["whole"])
                else:
                    odd[group] += Decimal(str(row["value"]))
        for group in {*taken, *odd}:
            sums[(metric, unit, group)].definite -= taken[group] + odd[group]
    return covered


def _candidates(query: _Query, metric: str, unit: str, windows: _Windows) -> list[Any]:
    """The counted happenings of one counter that lie between the first start and last end of its figures."""
    conditions = " AND c.metric = ? AND c.unit = ? AND c.latest IS NOT NULL AND c.latest <= ?"
    params: list[Any] = [*query.source_params, *query.params, metric, unit, windows.last]
    if windows.first is not None:
        conditions += " AND c.earliest IS NOT NULL AND c.earliest >= ?"
        params.append(windows.first)
    scope = "c.scope" if windows.scoped or query.by == "partner" else "''"
    select = f"c.aggregate, c.part, c.kind, c.year, c.whole, c.value, c.earliest, c.latest, {scope} AS scope"
    return query.model.rows(query.sql(select, " AND c.figure = 0" + conditions), params)


class _Periods:
    """Periods sorted by their end, each with its start and the earliest
    start among those ending at or after it: "does one of them hold this
    period?" is a binary search."""

    __slots__ = ("ends", "lows", "starts")

    def __init__(self, spans: Iterable[tuple[int, float]]) -> None:
        ordered = sorted(spans)
        self.ends = [end for end, _ in ordered]
        self.starts = [start for _, start in ordered]
        self.lows = list(accumulate(reversed(self.starts), min))[::-1]

    def holding(self, end: int, start: float, *, later: bool = False) -> bool:
        """Whether one ends on or after ``end`` (strictly after: ``later``) and starts on or before ``start``."""
        at = (bisect_right if later else bisect_left)(self.ends, end)
        return at < len(self.ends) and self.lows[at] <= start

    def first_end(self, end: int, start: float, *, later: bool = False) -> int | None:
        """The earliest end among the periods ``holding`` finds, if any."""
        at = (bisect_right if later else bisect_left)(self.ends, end)
        if at == len(self.ends) or self.lows[at] > start:
            return None
        while self.starts[at] > start:
            at += 1
        return self.ends[at]

    def same_end_earlier_start(self, end: int, start: float) -> bool:
        at = bisect_left(self.ends, end)
        return at < len(self.ends) and self.ends[at] == end and self.starts[at] < start


class _Windows:
    """The periods and scopes of a counter's counting figures, for quick "is it covered?".

    A row can only be covered by the figures whose scope holds its own. The
    figures of no scope (which hold every row) are one ``_Periods``; for each
    distinct set of scopes that hold a row, their periods are merged once
    into another, so that a row costs two binary searches however many
    scopes hold it.
    """

    def __init__(self, figures: list[reference._Part], family: reference._Family) -> None:
        self.family = family
        by_scope: dict[frozenset[str], list[tuple[int, float]]] = defaultdict(list)
        for figure in figures:
            lo = date_key(figure.when.earliest_key)
            by_scope[figure.scope].append((int(date_key(figure.when.latest_key) or 0), float("-inf") if lo is None else lo))
        self.groups = [(family.closure(scope) if scope else frozenset(), spans) for scope, spans in by_scope.items()]
        self.scoped = any(by_scope)
        self.last = max(end for spans in by_scope.values() for end, _ in spans)
        first = min(start for spans in by_scope.values() for _, start in spans)
        self.first = None if first == float("-inf") else int(first)
        self.overall = _Periods(by_scope.get(frozenset(), ()))
        self._by_row_scope: dict[str, tuple[_Periods, _Periods]] = {}
        self._merged: dict[frozenset[int], _Periods] = {}
        self._holders: dict[str, frozenset[int]] = {}

    def cover(self, earliest: int | None, latest: int, scope: str) -> bool:
        """Whether a row with these date keys and scope (comma-joined ids) is covered."""
        start = _start(earliest)
        overall, merged = self._periods(scope)
        return overall.holding(latest, start) or merged.holding(latest, start)

    def cover_larger(self, figure: reference._Part) -> bool:
        """Whether a window with a strictly larger period holds ``figure``'s (scopes as ``cover``)."""
        end, start = _span(figure)
        # A period that ends later and starts no later, or ends the same day and starts earlier.
        return any(
            periods.holding(end, start, later=True) or periods.same_end_earlier_start(end, start) for periods in self._periods(",".join(sorted(figure.scope)))
        )

    def end_holding(self, earliest: int | None, latest: int, scope: str) -> int | None:
        """The earliest end among the periods that hold a row with these dates and scope, if any."""
        if latest > self.last or (self.first is not None and (earliest is None or earliest < self.first)):
            return None
        start = _start(earliest)
        overall, merged = self._periods(scope)
        return _earlier(overall.first_end(latest, start), merged.first_end(latest, start))

    def end_covering(self, figure: reference._Part) -> int | None:
        """The earliest end among the strictly larger periods that hold ``figure``'s, if any."""
        end, start = _span(figure)
        found = self._periods(",".join(sorted(figure.scope)))
        if any(periods.same_end_earlier_start(end, start) for periods in found):
            return end  # nothing larger ends sooner
        overall, merged = found
        return _earlier(overall.first_end(end, start, later=True), merged.first_end(end, start, later=True))

    def _periods(self, scope: str) -> tuple[_Periods, _Periods]:
        """The periods of no scope, and the merged periods of the scopes that hold ``scope``."""
        found = self._by_row_scope.get(scope)
        if found is None:
            ids = _scope(scope)
            holders = frozenset.intersection(*(self._holding(pid) for pid in ids)) if ids else frozenset()
            merged = self._merged.get(holders)
            if merged is None:
                merged = self._merged[holders] = _Periods(span for index in holders for span in self.groups[index][1])
            found = self._by_row_scope[scope] = (self.overall, merged)
        return found

    def _holding(self, pid: str) -> frozenset[int]:
        """The scoped groups whose closure holds partner ``pid``."""
        found = self._holders.get(pid)
        if found is None:
            found = self._holders[pid] = frozenset(index for index, (closure, _) in enumerate(self.groups) if pid in closure)
        return found


def _earlier(one: int | None, other: int | None) -> int | None:
    return other if one is None else one if other is None else min(one, other)


def _start(earliest: int | None) -> float:
    return float("-inf") if earliest is None else earliest


def _span(figure: reference._Part) -> tuple[int, float]:
    """A figure's period as (end, start) keys."""
    return int(date_key(figure.when.latest_key) or 0), _start(date_key(figure.when.earliest_key))


# -- contributor lists --------------------------------------------------------


def _list_ids(query: _Query, sums: dict[Bucket, _Sums], figures: list[reference._Part], covered: set[tuple[str, int]]) -> None:
    """Fill the contributor lists, in the order of the contributions' dates."""
    judged = {(part.entry.slug, int(part.order[2])): part.certainty for part in figures}
    scope = query.scope_sql() if query.by == "partner" else "NULL"
    select = f"c.aggregate, c.part, c.entry, c.kind, c.metric, c.unit, c.year, c.figure, c.latest, {scope} AS scope"
    rows = query.model.rows(query.sql(select, tail=" ORDER BY c.order_key, c.entry, c.part"), [*query.source_params, *query.params])
    for row in rows:
        slug = str(row["entry"])
        if row["figure"]:
            certainty = judged.get((slug, int(row["part"])), "")
        elif (str(row["aggregate"]), int(row["part"])) in covered:
            certainty = COVERED
        else:
            certainty = DEFINITE if row["latest"] is not None and row["latest"] <= query.day else POSSIBLE
        if not certainty:
            continue
        for group in query.groups(str(row["kind"]), row["year"], _scope(row["scope"])):
            sums[(str(row["metric"]), str(row["unit"]), group)].lists[certainty].append(slug)


# -- results ------------------------------------------------------------------


def _counters(sums: Mapping[Bucket, _Sums], partner: str | None, by: str | None) -> list[Counter]:
    out = [
        Counter(
            metric=metric,
            unit=unit,
            partner=partner,
            group=group,
            definite=counter.definite,
            possible=counter.possible,
            contributors=tuple(dict.fromkeys(counter.lists[DEFINITE])),
            possible_contributors=tuple(dict.fromkeys(counter.lists[POSSIBLE])),
            covered=tuple(dict.fromkeys(counter.lists[COVERED])),
        )
        for (metric, unit, group), counter in sums.items()
    ]
    out.sort(key=lambda c: (c.metric, c.unit, reference._group_order(c.group, by)))
    return out


def _parents(model: ReadModel, known_at: datetime | None) -> dict[str, str | None]:
    """Every partner's parent, as known at ``known_at`` (no state is decoded)."""
    known, params = model.known(known_at, "p")
    rows = model.rows(f"SELECT p.id, p.parent FROM {{t:partners}} p WHERE {known}", params)
    return {str(row["id"]): row["parent"] for row in rows}


def _registry(parents: Mapping[str, str | None]) -> dict[str, Any]:
    """Just enough of a partner registry for ``hierarchy.descendants``."""
    return {pid: _Node(pid, parent) for pid, parent in parents.items()}


@attrs.frozen
class _Node:
    id: str
    parent: str | None


@lru_cache(maxsize=4096)
def _scope(text: str | None) -> frozenset[str]:
    return frozenset(text.split(",")) if text else frozenset()


def _group(value: Any) -> str | None:
    return None if value is None else str(value)


def _year_of(when: When) -> int | None:
    key = when.latest_key or when.earliest_key
    return None if key is None else key[0]
