"""``facets.Runs``: a facet's rows of running totals, packed a run at a time, read back as the table's rows."""

from __future__ import annotations

import pickle
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from chrono.projections import seals
from chrono.projections.facets import Runs

_ROW = st.tuples(st.integers(-(2**62), 2**62), st.text(max_size=12), st.text(max_size=12), st.text(max_size=12), *(st.integers(0, 10**6) for _ in range(5)))
_KEY = st.tuples(st.text(max_size=8), st.text(max_size=8), st.text(max_size=8), st.text(max_size=8))
_RUNS = st.lists(st.tuples(_KEY, st.lists(_ROW, max_size=5)), max_size=6)


def _table(runs: list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]) -> list[tuple[Any, ...]]:
    return [(*key, *row) for key, rows in runs for row in rows]


def _packed(runs: list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]) -> Runs:
    packed = Runs()
    for key, rows in runs:
        packed.add(key, rows, len(rows) * 7)
    return packed


@given(_RUNS, _RUNS)
def test_runs_are_read_back_as_the_rows_given_each_after_its_key(first: Any, second: Any) -> None:
    one, other = _packed(first), _packed(second)
    assert list(one) == list(one) == _table(first)
    assert len(one) == len(_table(first)) and bool(one) == bool(_table(first))
    assert list(one + other) == _table(first) + _table(second)
    assert one.digest == 7 * len(one) and (one + other).digest == one.digest + other.digest  # a run's digest, kept if it has rows
    assert list(pickle.loads(pickle.dumps(one))) == _table(first)  # as the second process sends them
    for row in _table(first):
        assert row in one


@given(st.lists(_ROW, max_size=8), st.lists(st.tuples(st.booleans(), st.binary(max_size=4)), max_size=3))
def test_a_seal_of_rows_the_store_gives_back_as_they_are_is_the_seal_of_those_rows_looked_at(rows: Any, others: Any) -> None:
    # ``stored`` skips looking at each value: only for rows that hold nothing the store would give back otherwise
    assert seals.row_sum("totals", rows, stored=True) == seals.row_sum("totals", rows)
    looked_at = [(flag, memoryview(data)) for flag, data in others]
    assert seals.row_sum("totals", looked_at) == seals.row_sum("totals", [(int(flag), data) for flag, data in others], stored=True)
