"""The counters' figure windows answer as a test of every figure would.

``sqlcounters._Windows`` merges, for each set of scopes that can hold a
row, the periods of those figures into one binary search. Here it is
checked against the plain rule (``counters._covers`` written out): a
figure holds a row when its period holds the row's and its scope holds the
row's partners.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from chrono.events.values import Names, Partner
from chrono.projections import counters as reference
from chrono.projections.readmodel import date_key
from chrono.projections.sqlcounters import _Windows
from chrono.when import When

# a ── b ── d, a ── c, and e alone
PARENTS = {"a": None, "b": "a", "c": "a", "d": "b", "e": None}
FAMILY = reference._Family({pid: Partner(pid, Names(pid, pid), "province", parent) for pid, parent in PARENTS.items()})
ORIGIN = date(2000, 1, 1)
INF = float("-inf")

scopes = st.frozensets(st.sampled_from(sorted(PARENTS)), max_size=3)
days = st.integers(min_value=0, max_value=40)


@st.composite
def periods(draw: Any) -> tuple[int | None, int]:
    """(start, end) day offsets; a start of None is open."""
    end = draw(days)
    start = draw(st.none() | st.integers(min_value=0, max_value=end))
    return start, end


def _key(offset: int) -> int:
    day = ORIGIN + timedelta(days=offset)
    return int(date_key((day.year, day.month, day.day)))


def _figure(scope: frozenset[str], period: tuple[int | None, int]) -> reference._Part:
    start, end = period
    first = ".." if start is None else (ORIGIN + timedelta(days=start)).isoformat()
    when = When.parse(f"{first}/{(ORIGIN + timedelta(days=end)).isoformat()}")
    return reference._Part(None, "m", "u", 0, when, True, scope, ())  # type: ignore[arg-type]


def _bounds(period: tuple[int | None, int]) -> tuple[float, int]:
    start, end = period
    return (INF if start is None else _key(start)), _key(end)


def _fits(row_scope: frozenset[str], figure_scope: frozenset[str]) -> bool:
    return not figure_scope or (bool(row_scope) and row_scope <= FAMILY.closure(figure_scope))


figures = st.lists(st.tuples(scopes, periods()), min_size=1, max_size=12)


@given(figures, scopes, periods())
def test_a_row_is_held_by_the_figures_a_test_of_each_finds(drawn: list[Any], scope: frozenset[str], period: Any) -> None:
    windows = _Windows([_figure(s, p) for s, p in drawn], FAMILY)
    start, end = _bounds(period)
    ends = [_bounds(p)[1] for s, p in drawn if _fits(scope, s) and _bounds(p)[0] <= start and end <= _bounds(p)[1]]
    earliest = None if period[0] is None else int(start)
    assert windows.cover(earliest, end, ",".join(sorted(scope))) == bool(ends)
    assert windows.end_holding(earliest, end, ",".join(sorted(scope))) == (min(ends) if ends else None)


@given(figures, scopes, periods())
def test_a_figure_is_covered_by_the_strictly_larger_ones_a_test_of_each_finds(drawn: list[Any], scope: frozenset[str], period: Any) -> None:
    windows = _Windows([_figure(s, p) for s, p in drawn], FAMILY)
    start, end = _bounds(period)
    larger = [
        other_end
        for s, p in drawn
        for other_start, other_end in [_bounds(p)]
        if _fits(scope, s) and ((other_end > end and other_start <= start) or (other_end == end and other_start < start))
    ]
    figure = _figure(scope, period)
    assert windows.cover_larger(figure) == bool(larger)
    assert windows.end_covering(figure) == (min(larger) if larger else None)
