"""The counting rule, case by case (DESIGN.md section 6), with each expected value worked out by hand."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest

from chrono.events.values import Facts, Names, Quantity
from chrono.projections.counting import COVERED, DEFINITE, Family, Judged, Part, counts, day_key, judge, parts, tally
from chrono.projections.counting.evaluate import Tally
from chrono.when import When

TREE = Family({"china": None, "yunnan": "china", "van-son": "yunnan", "guangxi": "china", "japan": None})
D = Decimal


def happening(slug: str, when: str, *partners: str, kind: str = "AgreementSigned", quantities: Sequence[Quantity] = ()) -> list[Part]:
    facts = Facts(status="happened", title=Names("t", "t"), when=When.parse(when), partners=partners, quantities=tuple(quantities))
    return parts(kind, slug, facts)


def figure(slug: str, value: str, *partners: str, period: str | None = None, observed: str | None = None, qualifier: str = "exact",
           metric: str = "agreements", unit: str = "agreement") -> list[Part]:  # fmt: skip
    quantity = Quantity(metric, D(value), unit, qualifier, When.parse(period) if period else None, When.parse(observed) if observed else None)
    return happening(slug, period or observed or "2020", *partners, kind="FigureReported", quantities=[quantity])


def at(day: str, *groups: list[Part], metric: str = "agreements", unit: str | None = None) -> Tally:
    found = [part for group in groups for part in group if part.metric == metric and unit in (None, part.unit)]
    return tally(judge(found, int(day_key(When.parse(day).latest_key) or 0), TREE))


def states(day: str, *groups: list[Part]) -> dict[str, str]:
    judged: list[Judged] = judge([p for g in groups for p in g], int(day_key(When.parse(day).latest_key) or 0), TREE)
    return {item.part.entry: item.state for item in judged}


def test_only_happened_or_held_entries_that_are_not_retracted_count() -> None:
    assert counts("happened", False) and counts("held", False)
    assert not counts("planned", False) and not counts("postponed", False) and not counts("cancelled", False)
    assert not counts("happened", True)


def test_a_happening_is_definite_once_its_last_day_passed_and_possible_while_its_dates_straddle_the_day() -> None:
    signed = happening("a", "2018")
    assert (at("2018-12-31", signed).definite, at("2018-12-31", signed).possible) == (1, 0)
    assert (at("2018-06-30", signed).definite, at("2018-06-30", signed).possible) == (0, 1)
    assert at("2017-12-31", signed).contributors == () and at("2017-12-31", signed).possible_contributors == ()
    assert at("2018-06-30", happening("b", "../2019")).possible == 1  # an open start is before every day
    assert at("2100", happening("c", "2018/..")).definite == 0  # an open end never passes


def test_a_quantity_in_the_kinds_own_counter_replaces_the_one_it_would_add() -> None:
    visit = happening("v", "2019", "yunnan", kind="VisitMade", quantities=[Quantity("visits", D(5), "visit")])
    assert at("2020", visit, metric="visits").definite == 5
    delegates = happening("w", "2019", kind="VisitMade", quantities=[Quantity("visitors", D(12), "person")])
    assert at("2020", delegates, metric="visits").definite == 1
    assert at("2020", delegates, metric="visitors").definite == 12


@pytest.mark.parametrize(
    ("qualifier", "definite", "high", "approximate"),
    [("exact", 2000, 2000, False), ("about", 2000, 2000, True), ("at_least", 2000, None, False), ("at_most", 0, 2000, False)],
)
def test_a_qualifier_bounds_the_value(qualifier: str, definite: int, high: int | None, approximate: bool) -> None:
    made = at("2021", figure("f", "2000", period="2020", qualifier=qualifier))
    assert (made.definite, made.high, made.approximate) == (definite, high, approximate)


def test_a_flow_counts_in_full_once_its_period_ended_and_covers_the_happenings_inside_it() -> None:
    inside = [happening(f"a{n}", f"201{n}", "van-son") for n in (6, 7)]
    total = figure("f", "85", period="2015/2020")
    before = at("2018-12-31", *inside, total)
    assert (before.definite, before.possible, before.high) == (2, 85, 87)  # the figure is only possible: it covers nothing yet
    after = at("2021-01-01", *inside, total)
    assert (after.definite, after.possible, after.high) == (85, 0, 85)
    assert after.covered == ("a6", "a7") and after.contributors == ("f",)


def test_a_figure_covers_only_within_its_scope_and_its_period() -> None:
    yunnan = figure("f", "10", "yunnan", period="2015/2020")
    found = states("2021", happening("in-family", "2017", "van-son"), happening("other-province", "2017", "guangxi"),
                   happening("no-partner", "2017"), happening("after", "2021-01", "yunnan"), yunnan)  # fmt: skip
    assert found == {"in-family": COVERED, "other-province": DEFINITE, "no-partner": DEFINITE, "after": DEFINITE, "f": DEFINITE}
    overall = states("2021", happening("no-partner", "2017"), figure("g", "5", period="2015/2020"))
    assert overall["no-partner"] == COVERED


def test_a_happening_whose_dates_reach_outside_the_period_is_not_covered() -> None:
    assert states("2022", happening("a", "2020/2021"), figure("f", "3", period="2015/2020"))["a"] == DEFINITE


def test_competing_claims_count_once_as_the_range_between_them_and_are_listed() -> None:
    six, three = figure("six", "6", period="2015/2020"), figure("three", "3", period="2015/2020")
    made = at("2021", six, three)
    assert (made.definite, made.high) == (3, 6)  # never 9
    assert [tuple(m.entry for m in claim.members) for claim in made.conflicts] == [("six", "three")]
    assert set(made.contributors) == {"six", "three"}


def test_two_reports_of_the_same_number_count_once_and_do_not_conflict() -> None:
    made = at("2021", figure("a", "85", period="2015/2020"), figure("b", "85", period="2015/2020"))
    assert (made.definite, made.high, made.conflicts) == (85, 85, ())


def test_overlapping_flows_count_at_least_the_larger_and_at_most_their_sum() -> None:
    made = at("2021", figure("a", "10", period="2015/2018"), figure("b", "6", period="2017/2020"))
    assert (made.definite, made.high) == (10, 16)


def test_in_a_chain_of_overlaps_claims_that_do_not_overlap_each_other_add_up_in_the_low_value() -> None:
    chain = [figure("a", "10", period="2010/2013"), figure("b", "5", period="2012/2015"), figure("c", "8", period="2014/2017")]
    made = at("2020", *chain)
    assert (made.definite, made.high) == (18, 23)


def test_a_figure_in_another_scope_over_the_same_years_is_added() -> None:
    made = at("2021", figure("y", "4", "yunnan", period="2015/2020"), figure("g", "7", "guangxi", period="2015/2020"))
    assert (made.definite, made.high) == (11, 11)


def test_a_figure_nested_in_a_larger_one_of_a_wider_scope_is_covered() -> None:
    found = states("2021", figure("all", "85", period="2015/2020"), figure("yunnan", "10", "yunnan", period="2016/2017"))
    assert found == {"all": DEFINITE, "yunnan": COVERED}
    narrow = states("2021", figure("yunnan", "85", "yunnan", period="2015/2020"), figure("all", "10", period="2016/2017"))
    assert narrow == {"yunnan": DEFINITE, "all": DEFINITE}  # the narrower scope cannot cover the wider: they overlap
    assert at("2021", figure("yunnan", "85", "yunnan", period="2015/2020"), figure("all", "10", period="2016/2017")).high == 95


def test_a_stock_is_the_level_on_its_date_and_a_later_observation_replaces_it() -> None:
    three = figure("three", "3", observed="2021-03", metric="twinnings", unit="district")
    six = figure("six", "6", observed="2022-07-04", metric="twinnings", unit="district")
    early = happening("early", "2019", kind="TwinningSigned", quantities=[Quantity("twinnings", D(1), "district")])
    late = happening("late", "2023", kind="TwinningSigned", quantities=[Quantity("twinnings", D(1), "district")])
    assert at("2021-12-31", three, six, early, late, metric="twinnings", unit="district").definite == 3
    assert at("2022-12-31", three, six, early, late, metric="twinnings", unit="district").definite == 6
    assert at("2023-12-31", three, six, early, late, metric="twinnings", unit="district").definite == 7  # entries after the observation add to it
    assert at("2020-12-31", three, six, early, late, metric="twinnings", unit="district").definite == 1  # no level observed yet
    assert states("2023-12-31", three, six, early, late)["three"] == COVERED


def test_a_stock_counts_from_its_observed_date_not_from_an_invented_period() -> None:
    posts = figure("posts", "12", observed="2021", metric="twinnings", unit="border-post")
    assert at("2021-12-31", posts, metric="twinnings").definite == 12
    assert (at("2021-06-30", posts, metric="twinnings").definite, at("2021-06-30", posts, metric="twinnings").possible) == (0, 12)


def test_a_flow_and_a_stock_of_one_entry_over_the_same_days_count_once() -> None:
    """A report giving a sum over "2014 or earlier" and the level reached by 2014, both 1: each covers
    the other, and the first in rank (the report's first quantity) stands for both (hypothesis found
    the plain reference fold adding them, 2)."""
    flow = Quantity("aid_value", D(1), "VND", "exact", None, None)
    stock = Quantity("aid_value", D(1), "VND", "exact", None, When.parse("../2014"))
    report = happening("report", "../2014", kind="FigureReported", quantities=[flow, stock])
    counted = at("2015-01-01", report, metric="aid_value", unit="VND")
    assert (counted.definite, counted.possible) == (1, 0)
    assert sorted(j.state for j in judge(report, 20150101, TREE)) == sorted([DEFINITE, COVERED])


def test_possible_happenings_add_to_possible_and_to_the_high_value() -> None:
    made = at("2019-06-30", happening("a", "2018"), happening("b", "2019"), figure("c", "2000", period="2019", qualifier="at_least"))
    assert (made.definite, made.possible, made.high) == (1, 2001, None)
    assert made.possible_contributors == ("b", "c")


def test_overlapping_flows_may_say_less_than_the_happenings_they_do_not_share() -> None:
    # DESIGN.md section 6: at least the larger. Happenings covered by either
    # figure are not counted again, so the low value can fall when a second,
    # overlapping figure ends: 4 + two uncovered happenings, then max(4, 5).
    entries = [happening(f"e{n}", f"20{10 + n}", "yunnan") for n in range(10)]
    figures = [figure("f1", "4", "yunnan", period="2010/2013"), figure("f2", "5", "china", period="2012/2016")]
    assert [at(f"{year}-12-31", *entries, *figures).definite for year in (2013, 2015, 2016)] == [4, 6, 5]
    assert at("2016-12-31", *entries, *figures).high == 9


@pytest.mark.parametrize("text", ["2018", "2018-12-31", "0001-01-01", "-0044-03-15", "Y-170000002", "Y170000002"])
def test_the_year_of_a_date_is_its_own_year_whatever_its_sign(text: str) -> None:
    from chrono.projections.counting import year_of

    when = When.parse(text)
    expected = (when.latest_key or when.earliest_key)[0]
    assert year_of(day_key(when.earliest_key), day_key(when.latest_key)) == max(-(2**62) // 10000, expected)
