"""Segments (the rule over every day at once) agree with ``judge`` (the rule on one day), on any day."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chrono.events.values import Facts, Names, Quantity
from chrono.projections.counting import Family, Part, day_key, judge, parts
from chrono.projections.counting.segments import segments
from chrono.when import When
from tests.strategies import edtf

TREE = Family({"china": None, "yunnan": "china", "van-son": "yunnan", "guangxi": "china"})
SCOPES = [(), ("china",), ("yunnan",), ("van-son",), ("guangxi",), ("guangxi", "van-son")]


@st.composite
def contribution(draw: st.DrawFn, number: int) -> list[Part]:
    figure = draw(st.booleans())
    dated = draw(edtf())
    measure = draw(st.sampled_from(["period", "observed"])) if figure else None
    value = Decimal(draw(st.sampled_from([1, 2, 3, 5, 8])))
    quantity = Quantity("agreements", value, "agreement", draw(st.sampled_from(["exact", "about", "at_least", "at_most"])),
                        When.parse(dated) if measure == "period" else None, When.parse(dated) if measure == "observed" else None)  # fmt: skip
    facts = Facts("happened", Names("t", "t"), When.parse(dated), draw(st.sampled_from(SCOPES)), quantities=(quantity,) if figure else ())
    return parts("FigureReported" if figure else "AgreementSigned", f"e{number}", facts)


@st.composite
def counter(draw: st.DrawFn) -> list[Part]:
    found: list[Part] = []
    for number in range(draw(st.integers(1, 12))):
        made = draw(contribution(number))
        found += made
        if made[0].figure and draw(st.integers(0, 3)) == 0:  # the same figure reported again, maybe with another value
            again = made[0]
            value = Decimal(draw(st.sampled_from([1, 4, 6])))
            found.append(Part(f"r{number}", again.kind, 1, again.metric, again.unit, value, value, False, again.measure, again.when,
                              again.earliest, again.latest, again.scope))  # fmt: skip
    return found


def judged_on(items: list[Part], day: int) -> list[tuple[object, ...]]:
    return sorted((j.part.entry, j.part.index, j.state, j.low, j.high, j.approximate, j.covered_by) for j in judge(items, day, TREE))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(counter(), st.lists(st.dates(), min_size=1, max_size=6))
def test_the_segments_that_hold_a_day_are_that_days_judgement(items: list[Part], days: list) -> None:
    made = segments(items, TREE)
    probes = [int(day_key(d) or 0) for d in days]
    probes += [p.latest for p in items if p.latest is not None] + [p.earliest for p in items if p.earliest is not None]
    for day in probes:
        held = sorted((s.part.entry, s.part.index, s.state, s.low, s.high, s.approximate, s.covered_by) for s in made if s.holds(day))
        assert held == judged_on(items, day), day


def test_a_claim_counts_its_low_value_until_a_larger_overlapping_claim_counts() -> None:
    def flow(slug: str, value: int, period: str) -> list[Part]:
        quantity = Quantity("agreements", Decimal(value), "agreement", "exact", When.parse(period))
        return parts("FigureReported", slug, Facts("happened", Names("t", "t"), When.parse(period), quantities=(quantity,)))

    small, large = flow("small", 3, "2015/2018"), flow("large", 10, "2016/2020")
    counted = {(s.state, s.start, s.end, s.low) for s in segments([*small, *large], TREE) if s.part.entry == "small"}
    assert (DEFINITE_, 20181231, 20201231, Decimal(3)) in counted  # until the larger one ends
    assert (DEFINITE_, 20201231, 2**62 + 1, Decimal(0)) in counted


DEFINITE_ = "definite"
