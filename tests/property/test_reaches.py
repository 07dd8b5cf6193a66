"""``Reaches`` finds what a walk through the claims finds: the first, from a place, that starts early enough."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chrono.projections.counting.claims import reach_needed
from chrono.projections.counting.reaches import Reaches

NEVER = reach_needed(None)  # the first day of a stock's region, before every day
firsts = st.lists(st.one_of(st.integers(19000101, 20301231), st.just(NEVER)), max_size=70)


def walked(values: list[int], start: int, bound: int) -> int | None:
    return next((index for index in range(start, len(values)) if values[index] <= bound), None)


@given(firsts, st.integers(0, 80), st.one_of(st.integers(18990101, 20311231), st.just(NEVER)))
def test_the_first_found_is_the_first_walked_to(values: list[int], start: int, bound: int) -> None:
    assert Reaches(values).first_from(start, bound) == walked(values, start, bound)


@given(firsts, st.one_of(st.integers(18990101, 20311231), st.just(NEVER)))
def test_searching_on_from_each_found_lists_every_one_in_order(values: list[int], bound: int) -> None:
    reaches, found, at = Reaches(values), [], 0
    while (index := reaches.first_from(at, bound)) is not None:
        found.append(index)
        at = index + 1
    assert found == [index for index, first in enumerate(values) if first <= bound]
