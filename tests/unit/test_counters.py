"""Counters as of a date: what counts, how certain, and never twice."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal

import pendulum
import pytest

from chrono.events.entry import Entry
from chrono.events.kinds import KINDS
from chrono.events.values import Facts, Names, Partner, Quantity, Source
from chrono.projections.counters import Counter, counters, explain, json_number
from chrono.when import When


def _partner(pid: str, parent: str | None, level: str = "province") -> Partner:
    return Partner(id=pid, name=Names(en=pid, vi=pid), level=level, parent=parent)


PARTNERS = {
    p.id: p
    for p in (
        _partner("china", None, "country"),
        _partner("yunnan", "china"),
        _partner("van-son", "yunnan", "prefecture"),
        _partner("malipo", "van-son", "county"),
        _partner("guangxi", "china"),
        _partner("japan", None, "country"),
        _partner("vietnam", None, "country"),
        _partner("ha-giang", "vietnam"),
        _partner("vi-xuyen", "ha-giang", "district"),
    )
}


def q(metric: str, value: str, unit: str, period: str | None = None) -> Quantity:
    return Quantity(metric=metric, value=Decimal(value), unit=unit, period=When.parse(period) if period else None)


def make(
    slug: str,
    kind: str = "AgreementSigned",
    when: str = "2018",
    partners: Sequence[str] = ("van-son",),
    actors: Sequence[str] = ("ha-giang",),
    quantities: Sequence[Quantity] = (),
    status: str = "happened",
    outcome: str | None = None,
    retracted: bool = False,
) -> Entry:
    facts = Facts(
        status=status,
        title=Names(en=slug, vi=slug),
        when=When.parse(when),
        partners=tuple(partners),
        actors=tuple(actors),
        quantities=tuple(quantities),
    )
    entry = Entry.record(kind, slug, facts, (Source(document="a", quote="q"),))
    if outcome:
        entry.record_outcome(outcome, None, None)
    if retracted:
        entry.retract("recorded by mistake")
    return entry


def figure(slug: str, metric: str, value: str, unit: str, period: str, scope: Sequence[str] = (), **kw: object) -> Entry:
    return make(slug, "FigureReported", period, partners=scope, quantities=(q(metric, value, unit, period),), **kw)  # type: ignore[arg-type]


def day(text: str) -> pendulum.Date:
    y, m, d = map(int, text.split("-"))
    return pendulum.Date(y, m, d)


def by_key(result: list[Counter]) -> dict[tuple[str, str, str | None], Counter]:
    return {(c.metric, c.unit, c.group): c for c in result}


def one(entries: Sequence[Entry], as_of: str, metric: str, unit: str, **kw: object) -> Counter | None:
    found = [c for c in counters(entries, PARTNERS, day(as_of), **kw) if (c.metric, c.unit) == (metric, unit)]  # type: ignore[arg-type]
    assert len(found) <= 1
    return found[0] if found else None


EIGHTY_FIVE = figure("2015-agreements-figure", "agreements", "85", "agreement", "2015/2020")
SIGNED_2018 = make("2018-van-son-agreement", when="2018")


# -- the DESIGN example ---------------------------------------------------------


def test_a_reported_figure_covers_the_entries_of_its_period_once_it_has_ended() -> None:
    c = one([EIGHTY_FIVE, SIGNED_2018], "2021-01-01", "agreements", "agreement")
    assert c is not None
    assert (c.definite, c.possible) == (85, 0)
    assert c.contributors == ("2015-agreements-figure",)
    assert c.possible_contributors == ()
    assert c.covered == ("2018-van-son-agreement",)


def test_while_the_figure_is_possible_the_entry_inside_it_is_definite() -> None:
    c = one([EIGHTY_FIVE, SIGNED_2018], "2018-12-31", "agreements", "agreement")
    assert c is not None
    assert (c.definite, c.possible) == (1, 85)
    assert c.contributors == ("2018-van-son-agreement",)
    assert c.possible_contributors == ("2015-agreements-figure",)
    assert c.covered == ()


def test_before_anything_started_nothing_is_counted() -> None:
    assert counters([EIGHTY_FIVE, SIGNED_2018], PARTNERS, day("2014-12-31")) == []


def test_in_the_middle_of_the_year_the_2018_entry_is_only_possible() -> None:
    c = one([EIGHTY_FIVE, SIGNED_2018], "2018-06-30", "agreements", "agreement")
    assert c is not None
    assert (c.definite, c.possible) == (0, 86)
    assert c.possible_contributors == ("2015-agreements-figure", "2018-van-son-agreement")


# -- what counts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "outcome", "counted"),
    [
        ("happened", None, True),
        ("planned", None, False),
        ("planned", "held", True),
        ("planned", "postponed", False),
        ("planned", "cancelled", False),
    ],
)
def test_only_happened_and_held_entries_count(status: str, outcome: str | None, counted: bool) -> None:
    entry = make("talks", "TalksHeld", "2024-03", status=status, outcome=outcome)
    c = one([entry], "2025-01-01", "talks", "talk")
    assert (c is not None and c.definite == 1) is counted


def test_retracted_entries_and_figures_do_not_count() -> None:
    entries = [make("gone", retracted=True), figure("gone-figure", "agreements", "9", "agreement", "2010", retracted=True)]
    assert counters(entries, PARTNERS, day("2030-01-01")) == []


def test_a_retracted_figure_covers_nothing() -> None:
    gone = figure("gone-figure", "agreements", "85", "agreement", "2015/2020", retracted=True)
    c = one([gone, SIGNED_2018], "2021-01-01", "agreements", "agreement")
    assert c is not None
    assert (c.definite, c.covered) == (1, ())


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "FigureReported"])
def test_each_happening_adds_one_to_its_kinds_counter(kind: str) -> None:
    info = KINDS[kind]
    c = one([make("x", kind, "2010")], "2011-01-01", info.metric, info.unit)
    assert c is not None
    assert (c.definite, c.contributors) == (1, ("x",))


def test_a_figure_adds_its_quantities_and_nothing_to_a_kind_counter() -> None:
    entry = make(
        "fig",
        "FigureReported",
        "2015/2020",
        partners=(),
        quantities=(q("delegations", "422", "delegation", "2015/2020"), q("persons", "2689", "person", "2015/2020")),
    )
    result = by_key(counters([entry], PARTNERS, day("2021-01-01")))
    assert set(result) == {("delegations", "delegation", None), ("persons", "person", None)}
    assert result[("persons", "person", None)].definite == 2689


def test_a_figure_without_a_quantity_period_is_dated_by_its_when() -> None:
    entry = make("border", "FigureReported", "2022-07-04", partners=("yunnan",), quantities=(q("km", "277", "km"),))
    assert one([entry], "2022-07-03", "km", "km") is None
    c = one([entry], "2022-07-04", "km", "km")
    assert c is not None and c.definite == 277


def test_a_happenings_quantities_add_to_their_own_counters_dated_by_their_period() -> None:
    aid = make(
        "aid",
        "AidProvided",
        "2020",
        quantities=(q("aid_value", "42000000000", "VND"), q("scholarships", "10", "scholarship", "2020/2024")),
    )
    result = by_key(counters([aid], PARTNERS, day("2021-06-01")))
    assert result[("aid", "aid", None)].definite == 1
    assert result[("aid_value", "VND", None)].definite == Decimal("42000000000")
    scholarships = result[("scholarships", "scholarship", None)]
    assert (scholarships.definite, scholarships.possible) == (0, 10)


def test_a_quantity_in_the_kinds_own_metric_replaces_the_count_of_one() -> None:
    visits = make("visits", "VisitMade", "2019", quantities=(q("visits", "5", "visit"),))
    c = one([visits], "2020-01-01", "visits", "visit")
    assert c is not None
    assert c.definite == 5


def test_currencies_and_units_never_mix() -> None:
    entries = [
        make("a", "AidProvided", "2019", quantities=(q("aid_value", "100", "USD"),)),
        make("b", "AidProvided", "2019", quantities=(q("aid_value", "2000000", "VND"),)),
        make("c", "AidProvided", "2019", quantities=(q("aid_value", "50", "USD"),)),
    ]
    result = by_key(counters(entries, PARTNERS, day("2020-01-01")))
    assert result[("aid_value", "USD", None)].definite == 150
    assert result[("aid_value", "VND", None)].definite == 2000000
    assert result[("aid_value", "USD", None)].contributors == ("a", "c")


# -- certainty as of D -----------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "as_of", "expected"),
    [
        ("2018-12-15", "2018-12-14", None),
        ("2018-12-15", "2018-12-15", "definite"),
        ("2018-12", "2018-11-30", None),
        ("2018-12", "2018-12-01", "possible"),
        ("2018-12", "2018-12-30", "possible"),
        ("2018-12", "2018-12-31", "definite"),
        ("2018", "2018-12-31", "definite"),
        ("2018?", "2018-06-01", "possible"),
        ("201X", "2015-01-01", "possible"),
        ("201X", "2020-01-01", "definite"),
        ("2018-21", "2018-05-31", "definite"),  # spring: March to May
        ("2018/2020", "2019-01-01", "possible"),
        ("2018/2020", "2020-12-31", "definite"),
        ("2018/..", "2999-01-01", "possible"),  # an open end is after any D
        ("2018/", "2999-01-01", "possible"),  # so is an unknown one
        ("2018/..", "2017-12-31", None),
        ("../2018", "1000-01-01", "possible"),  # an open start is before any D
        ("/2018", "1000-01-01", "possible"),
        ("../2018", "2019-01-01", "definite"),
        ("[..2022-07-04]", "2022-07-04", "definite"),
        ("[2024-03-21..2024-03-31]", "2024-03-25", "possible"),
    ],
)
def test_certainty_follows_the_bounds_of_the_date(when: str, as_of: str, expected: str | None) -> None:
    c = one([make("x", "VisitMade", when)], as_of, "visits", "visit")
    if expected is None:
        assert c is None
    elif expected == "definite":
        assert c is not None and (c.definite, c.possible, c.contributors) == (1, 0, ("x",))
    else:
        assert c is not None and (c.definite, c.possible, c.possible_contributors) == (0, 1, ("x",))


def test_a_figure_straddling_the_date_is_possible_in_full() -> None:
    c = one([EIGHTY_FIVE], "2017-03-01", "agreements", "agreement")
    assert c is not None
    assert (c.definite, c.possible) == (0, 85)


def test_an_open_ended_figure_is_never_definite() -> None:
    since = figure("since-2012", "letters", "1456", "letter", "2012/..")
    c = one([since], "2999-01-01", "letters", "letter")
    assert c is not None and (c.definite, c.possible) == (0, 1456)


# -- never double count ----------------------------------------------------------


def test_a_scoped_figure_covers_entries_of_its_partner_and_descendants_only() -> None:
    yunnan = figure("yunnan-figure", "agreements", "10", "agreement", "2015/2020", scope=("yunnan",))
    entries = [
        yunnan,
        make("with-malipo", when="2016", partners=("malipo",)),
        make("with-yunnan", when="2017", partners=("yunnan",)),
        make("with-guangxi", when="2017", partners=("guangxi",)),
        make("with-both", when="2017", partners=("van-son", "guangxi")),
        make("with-nobody", when="2017", partners=()),
    ]
    c = one(entries, "2021-01-01", "agreements", "agreement")
    assert c is not None
    assert c.covered == ("with-malipo", "with-yunnan")
    assert set(c.contributors) == {"yunnan-figure", "with-guangxi", "with-both", "with-nobody"}
    assert c.definite == 13


def test_an_overall_figure_covers_entries_with_any_partner_or_none() -> None:
    entries = [EIGHTY_FIVE, make("with-japan", when="2016", partners=("japan",)), make("alone", when="2019", partners=())]
    c = one(entries, "2021-01-01", "agreements", "agreement")
    assert c is not None
    assert (c.definite, c.covered) == (85, ("with-japan", "alone"))


def test_only_entries_wholly_inside_the_period_are_covered() -> None:
    entries = [
        EIGHTY_FIVE,
        make("straddling", when="2020-12/2021-01"),
        make("before", when="2014"),
        make("after", when="2021-01-01"),
        make("edge", when="2020-12-31"),
    ]
    c = one(entries, "2021-06-01", "agreements", "agreement")
    assert c is not None
    assert c.covered == ("edge",)
    assert c.definite == 85 + 3


def test_an_entry_with_an_open_bound_is_not_inside_a_closed_period() -> None:
    entries = [EIGHTY_FIVE, make("undated", when="[..2018]")]
    c = one(entries, "2021-01-01", "agreements", "agreement")
    assert c is not None and (c.definite, c.covered) == (86, ())


def test_a_figure_open_at_the_start_reaches_back_for_ever() -> None:
    until = figure("until-2020", "agreements", "40", "agreement", "../2020")
    entries = [until, make("old", when="1995"), make("undated", when="[..2018]")]
    c = one(entries, "2021-01-01", "agreements", "agreement")
    assert c is not None and (c.definite, c.covered) == (40, ("undated", "old"))


def test_covering_needs_the_same_metric_and_unit() -> None:
    entries = [
        EIGHTY_FIVE,
        make("visit", "VisitMade", "2018"),
        make("agreements-in-docs", "FigureReported", "2018", partners=(), quantities=(q("agreements", "3", "document"),)),
    ]
    result = by_key(counters(entries, PARTNERS, day("2021-01-01")))
    assert result[("visits", "visit", None)].definite == 1
    assert result[("agreements", "document", None)].definite == 3
    assert result[("agreements", "agreement", None)].covered == ()


def test_a_happenings_quantity_inside_a_figure_is_covered_but_its_kind_count_is_not() -> None:
    ngo = figure("ngo-value", "aid_value", "350000000000", "VND", "2015/2020")
    aid = make("aid", "AidProvided", "2019", quantities=(q("aid_value", "1000", "VND"),))
    result = by_key(counters([ngo, aid], PARTNERS, day("2021-01-01")))
    assert result[("aid_value", "VND", None)].covered == ("aid",)
    assert result[("aid_value", "VND", None)].definite == Decimal("350000000000")
    assert result[("aid", "aid", None)].definite == 1


def test_a_figure_inside_another_figures_period_and_scope_is_covered() -> None:
    inner = figure("van-son-2016", "agreements", "7", "agreement", "2016", scope=("van-son",))
    c = one([EIGHTY_FIVE, inner, SIGNED_2018], "2021-01-01", "agreements", "agreement")
    assert c is not None
    assert c.definite == 85
    assert c.covered == ("van-son-2016", "2018-van-son-agreement")
    # Before the outer period ends, the inner figure is counted on its own.
    c = one([EIGHTY_FIVE, inner], "2017-01-01", "agreements", "agreement")
    assert c is not None and (c.definite, c.possible) == (7, 85)


def test_an_overall_figure_is_not_inside_a_scoped_one() -> None:
    scoped = figure("yunnan-all", "agreements", "50", "agreement", "2010/2022", scope=("yunnan",))
    overall = figure("overall-2016", "agreements", "20", "agreement", "2016", scope=())
    c = one([scoped, overall], "2023-01-01", "agreements", "agreement")
    assert c is not None and (c.definite, c.covered) == (70, ())


def test_two_reports_of_the_same_figure_count_once_and_the_conflict_is_surfaced() -> None:
    first = figure("a-six-districts", "twinnings", "6", "twinning", "2018/2022-07-04", scope=("china",))
    second = figure("b-three-pairs", "twinnings", "3", "twinning", "2018/2022-07-04", scope=("china",))
    for order in ([first, second], [second, first]):
        c = one(order, "2023-01-01", "twinnings", "twinning")
        assert c is not None
        assert (c.definite, c.contributors, c.covered) == (6, ("a-six-districts",), ("b-three-pairs",))
    explained = explain([first, second], PARTNERS, day("2023-01-01"), "twinnings")
    items = {item.id: item for item in explained.contributions}
    assert items["a-six-districts"].conflicts_with == ("b-three-pairs",)
    assert items["b-three-pairs"].conflicts_with == ("a-six-districts",)
    assert items["b-three-pairs"].covered_by == "a-six-districts"


def test_equivalent_scopes_are_the_same_scope() -> None:
    wide = figure("a-wide", "twinnings", "6", "twinning", "2018", scope=("china", "yunnan"))
    narrow = figure("b-narrow", "twinnings", "6", "twinning", "2018", scope=("china",))
    c = one([narrow, wide], "2019-01-01", "twinnings", "twinning")
    assert c is not None and (c.definite, c.covered) == (6, ("b-narrow",))
    explained = explain([narrow, wide], PARTNERS, day("2019-01-01"), "twinnings")
    assert all(item.conflicts_with == () for item in explained.contributions)  # they agree


def test_the_same_entrys_quantities_can_cover_one_another() -> None:
    workers = make(
        "workers",
        "FigureReported",
        "2014/2022",
        partners=("van-son",),
        quantities=(q("workers", "2000", "worker", "2014/2022"), q("workers", "500", "worker", "2014/2016")),
    )
    c = one([workers], "2023-01-01", "workers", "worker")
    assert c is not None
    assert (c.definite, c.contributors, c.covered) == (2000, ("workers",), ("workers",))


def test_a_possible_figure_covers_nothing_but_is_counted_in_full() -> None:
    entries = [EIGHTY_FIVE, make("a", when="2015"), make("b", when="2016-05")]
    c = one(entries, "2019-01-01", "agreements", "agreement")
    assert c is not None
    assert (c.definite, c.possible, c.covered) == (2, 85, ())


# -- partner filter --------------------------------------------------------------


def test_a_partner_counts_its_descendants_and_entries_touching_it_as_actor() -> None:
    entries = [
        make("with-malipo", when="2016", partners=("malipo",)),
        make("with-guangxi", when="2016", partners=("guangxi",)),
        make("yunnan-hosted", when="2016", partners=("japan",), actors=("yunnan",)),
    ]
    c = one(entries, "2021-01-01", "agreements", "agreement", partner="yunnan")
    assert c is not None
    assert c.partner == "yunnan"
    assert set(c.contributors) == {"with-malipo", "yunnan-hosted"}
    c = one(entries, "2021-01-01", "agreements", "agreement", partner="china")
    assert c is not None and c.definite == 3


def test_figures_count_for_a_partner_by_their_scope() -> None:
    entries = [
        EIGHTY_FIVE,  # overall: no foreign partner's
        figure("china-wide", "agreements", "30", "agreement", "2015/2020", scope=("china",)),
        figure("van-son", "agreements", "4", "agreement", "2015/2020", scope=("van-son",)),
    ]
    c = one(entries, "2021-01-01", "agreements", "agreement", partner="yunnan")
    assert c is not None and (c.definite, c.contributors) == (4, ("van-son",))
    c = one(entries, "2021-01-01", "agreements", "agreement", partner="china")
    assert c is not None and (c.definite, c.contributors, c.covered) == (30, ("china-wide",), ("van-son",))


def test_a_figure_counts_for_the_home_side_actor_that_reported_it() -> None:
    c = one([EIGHTY_FIVE, SIGNED_2018], "2021-01-01", "agreements", "agreement", partner="ha-giang")
    assert c is not None and (c.definite, c.covered) == (85, ("2018-van-son-agreement",))
    assert one([EIGHTY_FIVE], "2021-01-01", "agreements", "agreement", partner="vi-xuyen") is None


def test_a_figure_that_does_not_count_for_the_partner_covers_nothing_there() -> None:
    c = one([EIGHTY_FIVE, SIGNED_2018], "2021-01-01", "agreements", "agreement", partner="van-son")
    assert c is not None and (c.definite, c.contributors, c.covered) == (1, ("2018-van-son-agreement",), ())


# -- grouping --------------------------------------------------------------------


def test_by_year_uses_the_latest_bound_or_the_earliest_for_an_open_end() -> None:
    entries = [
        make("old", when="0999"),
        make("y2018", when="2018"),
        make("span", when="2017/2019"),
        make("open", when="2016/.."),
        make("undated", when="[..2018-05]"),
    ]
    result = counters(entries, PARTNERS, day("2020-01-01"), by="year")
    assert [(c.group, c.contributors, c.possible_contributors) for c in result] == [
        ("999", ("old",), ()),
        ("2016", (), ("open",)),
        ("2018", ("undated", "y2018"), ()),
        ("2019", ("span",), ()),
    ]


def test_by_year_a_covered_entry_is_listed_in_its_own_year() -> None:
    result = by_key(counters([EIGHTY_FIVE, SIGNED_2018], PARTNERS, day("2021-01-01"), by="year"))
    assert result[("agreements", "agreement", "2018")].covered == ("2018-van-son-agreement",)
    assert result[("agreements", "agreement", "2018")].definite == 0
    assert result[("agreements", "agreement", "2020")].definite == 85


def test_by_kind() -> None:
    entries = [EIGHTY_FIVE, make("a", when="2021"), make("v", "VisitMade", "2021", quantities=(q("agreements", "2", "agreement"),))]
    result = counters(entries, PARTNERS, day("2022-01-01"), by="kind")
    assert [(c.metric, c.group, c.definite) for c in result] == [
        ("agreements", "AgreementSigned", 1),
        ("agreements", "FigureReported", 85),
        ("agreements", "VisitMade", 2),
        ("visits", "VisitMade", 1),
    ]


def test_by_partner_an_entry_counts_in_each_of_its_partners_groups() -> None:
    entries = [
        EIGHTY_FIVE,
        make("both", when="2021", partners=("van-son", "guangxi")),
        make("vs", when="2022", partners=("van-son",)),
    ]
    result = counters(entries, PARTNERS, day("2023-01-01"), by="partner")
    assert [(c.group, c.definite, c.contributors) for c in result] == [
        (None, 85, ("2015-agreements-figure",)),
        ("guangxi", 1, ("both",)),
        ("van-son", 2, ("both", "vs")),
    ]
    result = counters(entries, PARTNERS, day("2023-01-01"), partner="yunnan", by="partner")
    assert [(c.group, c.definite) for c in result] == [("van-son", 2)]


def test_an_unknown_grouping_is_refused() -> None:
    with pytest.raises(ValueError, match="decade"):
        counters([], PARTNERS, day("2020-01-01"), by="decade")


def test_results_are_sorted_by_metric_unit_and_group() -> None:
    entries = [make("v", "VisitMade", "2019"), make("a", "AidProvided", "2019", quantities=(q("aid_value", "1", "VND"), q("aid_value", "1", "USD")))]
    result = counters(entries, PARTNERS, day("2020-01-01"))
    assert [(c.metric, c.unit) for c in result] == [("aid", "aid"), ("aid_value", "USD"), ("aid_value", "VND"), ("visits", "visit")]


# -- JSON and explain ------------------------------------------------------------


def test_json_numbers_are_integers_when_integral_and_exact_strings_otherwise() -> None:
    assert json_number(Decimal("85")) == 85
    assert json_number(Decimal("85.00")) == 85
    assert json_number(Decimal("2.548E+9")) == 2548000000
    assert json_number(Decimal("12.50")) == "12.5"
    assert json_number(Decimal("1.5E-7")) == "0.00000015"


def test_counter_json_shape() -> None:
    entries = [EIGHTY_FIVE, SIGNED_2018, make("half", "AidProvided", "2019", quantities=(q("aid_value", "12.5", "USD"),))]
    data = [c.to_json() for c in counters(entries, PARTNERS, day("2021-01-01"))]
    json.dumps(data)
    agreements = next(d for d in data if d["metric"] == "agreements")
    assert agreements == {
        "metric": "agreements",
        "unit": "agreement",
        "partner": None,
        "group": None,
        "definite": 85,
        "possible": 0,
        "contributors": ["2015-agreements-figure"],
        "possible_contributors": [],
        "covered": ["2018-van-son-agreement"],
    }
    assert next(d for d in data if d["metric"] == "aid_value")["definite"] == "12.5"


def test_explain_lists_every_contribution_with_its_sources_and_coverer() -> None:
    late = make("late", when="2021-03", partners=("yunnan",))
    late.correct({"when": When.parse("2021-04")}, "the article says April", None)
    entries = [EIGHTY_FIVE, SIGNED_2018, late, make("visit", "VisitMade", "2019")]
    explained = explain(entries, PARTNERS, day("2021-04-15"), "agreements")
    assert [c.to_json()["definite"] for c in explained.counters] == [85]
    assert [(i.id, i.certainty, i.value, i.covered_by) for i in explained.contributions] == [
        ("2015-agreements-figure", "definite", 85, None),
        ("late", "possible", 1, None),
        ("2018-van-son-agreement", "covered", 1, "2015-agreements-figure"),
    ]
    assert explained.entry_ids() == ("2015-agreements-figure", "late", "2018-van-son-agreement")
    late_item = explained.contributions[1]
    assert (late_item.when, late_item.revision, late_item.kind, late_item.figure) == ("2021-04", 2, "AgreementSigned", False)
    assert late_item.sources == (Source(document="a", quote="q"),)
    data = explained.to_json()
    json.dumps(data, ensure_ascii=False)
    assert data["as_of"] == "2021-04-15"
    assert data["contributions"][0]["sources"][0]["quote"] == "q"


def test_explain_of_an_unknown_metric_is_empty() -> None:
    explained = explain([EIGHTY_FIVE], PARTNERS, day("2021-01-01"), "bananas")
    assert (explained.counters, explained.contributions) == ((), ())


def test_explain_gives_one_counter_per_unit() -> None:
    entries = [make(u, "AidProvided", "2019", quantities=(q("aid_value", "3", u),)) for u in ("VND", "USD", "CNY")]
    explained = explain(entries, PARTNERS, day("2020-01-01"), "aid_value", partner="van-son")
    assert [(c.unit, c.partner) for c in explained.counters] == [("CNY", "van-son"), ("USD", "van-son"), ("VND", "van-son")]
