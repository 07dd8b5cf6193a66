"""The read model's text order keys sort as ``When.sort_key`` and recording times do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from chrono.projections.rows import time_key
from chrono.projections.schema import order_key
from chrono.when import When
from tests.strategies import edtf

FAR = ["Y170000002", "Y-170000002", "-0044", "-0044-03-15", "0000", "0001", "9999-12-31", "../2012", "2012/.."]


@settings(max_examples=300)
@given(st.lists(st.one_of(edtf(), st.sampled_from(FAR)), min_size=2, max_size=8))
def test_text_order_is_sort_key_order(texts: list[str]) -> None:
    whens = [When.parse(text) for text in texts]
    by_tuple = sorted(whens, key=lambda w: w.sort_key)
    by_text = sorted(whens, key=lambda w: order_key(w.sort_key))
    assert [w.sort_key for w in by_text] == [w.sort_key for w in by_tuple]


@given(
    st.lists(st.integers(-(10**30), 10**30), min_size=2, max_size=6), st.lists(st.text(alphabet="0123456789-/.XYSu?~%[]", max_size=6), min_size=2, max_size=6)
)
def test_integers_and_text_keep_their_order(numbers: list[int], texts: list[str]) -> None:
    assert sorted(numbers) == sorted(numbers, key=lambda n: order_key((n,)))
    pairs = list(zip(numbers, texts, strict=False))
    assert sorted(pairs) == sorted(pairs, key=order_key)


ZONES = st.sampled_from([UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-11, minutes=-30))])


@given(st.lists(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=ZONES), min_size=2, max_size=6))
def test_recording_time_keys_are_fixed_width_utc_in_time_order(moments: list[datetime]) -> None:
    keys = [time_key(moment) for moment in moments]
    assert {len(key) for key in keys} == {26}
    assert sorted(moments) == sorted(moments, key=time_key)
    assert all(datetime.fromisoformat(key).replace(tzinfo=UTC) == moment for key, moment in zip(keys, moments, strict=True))
