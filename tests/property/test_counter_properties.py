"""Properties of the counters over random chronicles (hypothesis).

Worlds are drawn as plain specs and turned into entry aggregates, so that a
spec can be changed (figures made consistent) before anything is built.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

import pendulum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chrono.events.entry import Entry
from chrono.events.kinds import KINDS
from chrono.events.values import Facts, Names, Partner, Quantity, Source
from chrono.projections.counters import Counter, counters, explain
from chrono.when import When

PARTNERS = {
    p.id: p
    for p in (
        Partner("china", Names("China", "Trung Quốc"), "country"),
        Partner("yunnan", Names("Yunnan", "Vân Nam"), "province", "china"),
        Partner("van-son", Names("Wenshan", "Văn Sơn"), "prefecture", "yunnan"),
        Partner("guangxi", Names("Guangxi", "Quảng Tây"), "province", "china"),
        Partner("ha-giang", Names("Ha Giang", "Hà Giang"), "province"),
    )
}
FOREIGN = ["china", "yunnan", "van-son", "guangxi"]
KEYS = [("agreements", "agreement"), ("visits", "visit"), ("aid_value", "VND"), ("aid_value", "USD")]
HAPPENINGS = ["AgreementSigned", "VisitMade", "AidProvided"]
PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

years = st.integers(2014, 2022)
months = st.integers(1, 12)


@st.composite
def interval(draw: st.DrawFn) -> str:
    a, b = sorted((draw(years), draw(years)))
    if draw(st.booleans()):
        return f"{a}/{b}"
    m1, m2 = draw(months), draw(months)
    if (a, m1) > (b, m2):
        m1, m2 = m2, m1
    return f"{a}-{m1:02d}/{b}-{m2:02d}"


@st.composite
def edtf(draw: st.DrawFn) -> str:
    y = draw(years)
    form = draw(st.integers(0, 12))
    if form == 0:
        return str(y)
    if form == 1:
        return f"{y}-{draw(months):02d}"
    if form == 2:
        return f"{y}-{draw(months):02d}-{draw(st.integers(1, 28)):02d}"
    if form in (3, 4, 5):
        return draw(interval())
    return [f"{y}/..", f"{y}/", f"../{y}", f"/{y}", f"{y}?", f"{str(y)[:3]}X", f"[..{y}]", f"{y}-21"][form - 6]


class QSpec(NamedTuple):
    metric: str
    unit: str
    value: Decimal
    period: str | None


class ESpec(NamedTuple):
    slug: str
    kind: str
    when: str
    partners: tuple[str, ...]
    actors: tuple[str, ...]
    quantities: tuple[QSpec, ...]
    status: str
    outcome: str | None
    retracted: bool


# Figures mostly cover a period, often a wide one, so that covering happens.
wide = st.tuples(st.integers(2014, 2017), st.integers(2018, 2022)).map(lambda t: f"{t[0]}/{t[1]}")
periods = st.one_of(wide, interval(), edtf(), st.integers(2016, 2020).map(lambda y: f"../{y}"))
values = st.one_of(st.integers(0, 60).map(Decimal), st.sampled_from([Decimal("2.5"), Decimal("0.25"), Decimal("1000000")]))


@st.composite
def quantity(draw: st.DrawFn, key: tuple[str, str], figure: bool) -> QSpec:
    period = draw(st.one_of(st.none(), periods)) if figure or draw(st.booleans()) else None
    return QSpec(key[0], key[1], draw(values), period)


@st.composite
def entry_spec(draw: st.DrawFn, n: int, figures: bool = True) -> ESpec:
    kind = draw(st.sampled_from([*HAPPENINGS, "AgreementSigned", "FigureReported", "FigureReported"] if figures else HAPPENINGS))
    figure = kind == "FigureReported"
    # Mostly agreements, so that figures meet the entries they may cover.
    keys = draw(st.lists(st.sampled_from([KEYS[0]] * 4 + KEYS), unique=True, min_size=1 if figure else 0, max_size=2))
    status, outcome = draw(
        st.sampled_from([("happened", None)] * 8 + [("planned", None), ("planned", "held"), ("planned", "postponed"), ("planned", "cancelled")])
    )
    return ESpec(
        slug=f"e{n:02d}",
        kind=kind,
        when=draw(periods if figure else edtf()),
        partners=tuple(draw(st.one_of(st.just([]), st.lists(st.sampled_from(FOREIGN), unique=True, max_size=2)))),
        actors=tuple(draw(st.sampled_from([(), ("ha-giang",)]))),
        quantities=tuple(draw(quantity(key, figure)) for key in keys),
        status=status,
        outcome=outcome,
        retracted=draw(st.integers(0, 9)) == 0,
    )


@st.composite
def world(draw: st.DrawFn, figures: bool = True) -> list[ESpec]:
    size = draw(st.integers(0, 10))
    specs = [draw(entry_spec(n, figures)) for n in range(size)]
    if figures and draw(st.booleans()):
        # A figure of agreements over a wide period, as in DESIGN.md, overall or scoped.
        period = draw(wide)
        value = draw(values)
        scope = draw(st.sampled_from([(), (), ("china",), ("yunnan",), ("van-son", "guangxi")]))
        agreements = QSpec("agreements", "agreement", value, None)
        specs.append(ESpec("z-figure", "FigureReported", period, scope, ("ha-giang",), (agreements,), "happened", None, False))
    figures_drawn = [s for s in specs if s.kind == "FigureReported"]
    if figures_drawn and draw(st.booleans()):
        # A second report of one of them, agreeing or not: a conflict to resolve.
        again = draw(st.sampled_from(figures_drawn))
        quantities = tuple(q._replace(value=draw(values)) for q in again.quantities)
        specs.append(again._replace(slug=f"{again.slug}-again", quantities=quantities, partners=again.partners[::-1]))
    return specs


@st.composite
def two_dates(draw: st.DrawFn) -> tuple[pendulum.Date, pendulum.Date]:
    a, b = sorted(draw(st.dates(pendulum.Date(2012, 1, 1), pendulum.Date(2026, 12, 31))) for _ in range(2))
    return pendulum.Date(a.year, a.month, a.day), pendulum.Date(b.year, b.month, b.day)


def build(specs: Sequence[ESpec]) -> list[Entry]:
    out = []
    for s in specs:
        facts = Facts(
            status=s.status,
            title=Names(s.slug, s.slug),
            when=When.parse(s.when),
            partners=s.partners,
            actors=s.actors,
            quantities=tuple(Quantity(q.metric, q.value, q.unit, period=When.parse(q.period) if q.period else None) for q in s.quantities),
        )
        entry = Entry.record(s.kind, s.slug, facts, (Source(document="d", quote="q"),))
        if s.outcome:
            entry.record_outcome(s.outcome, None, None)
        if s.retracted:
            entry.retract("test")
        out.append(entry)
    return out


def by_key(result: list[Counter]) -> dict[tuple[str, str], Counter]:
    assert len({(c.metric, c.unit) for c in result}) == len(result)
    return {(c.metric, c.unit): c for c in result}


def covered_value(entries: list[Entry], as_of: pendulum.Date, partner: str | None) -> dict[tuple[str, str], Decimal]:
    out: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for metric in {m for m, _ in KEYS} | {info.metric for info in KINDS.values()}:
        for item in explain(entries, PARTNERS, as_of, metric, partner=partner).contributions:
            if item.certainty == "covered":
                out[(metric, item.unit)] += item.value
    return out


# -- a model of "strictly inside", to make figures consistent -------------------


def _closure(ids: Sequence[str]) -> set[str]:
    out = set(ids)
    changed = True
    while changed:
        grown = {p.id for p in PARTNERS.values() if p.parent in out} - out
        changed = bool(grown)
        out |= grown
    return out


def _scope_within(inner: Sequence[str], outer: Sequence[str]) -> bool:
    return not outer or (bool(inner) and set(inner) <= _closure(outer))


def _within(inner: When, outer: When) -> bool:
    lo_ok = outer.earliest_key is None or (inner.earliest_key is not None and inner.earliest_key >= outer.earliest_key)
    hi_ok = outer.latest_key is None or (inner.latest_key is not None and inner.latest_key <= outer.latest_key)
    return lo_ok and hi_ok


class Part(NamedTuple):
    index: int  # entry position
    q: int  # quantity position, -1 for the kind count
    key: tuple[str, str]
    when: When
    scope: tuple[str, ...]
    figure: bool


def _parts(specs: Sequence[ESpec]) -> list[Part]:
    out = []
    for i, s in enumerate(specs):
        figure = s.kind == "FigureReported"
        for j, q in enumerate(s.quantities):
            out.append(Part(i, j, (q.metric, q.unit), When.parse(q.period or s.when), s.partners, figure))
        info = KINDS[s.kind]
        if not figure and (info.metric, info.unit) not in {(q.metric, q.unit) for q in s.quantities}:
            out.append(Part(i, -1, (info.metric, info.unit), When.parse(s.when), s.partners, False))
    return out


def consistent(specs: list[ESpec]) -> list[ESpec]:
    """The same world with each figure at least the sum of what it may cover."""
    parts = _parts(specs)
    value: dict[tuple[int, int], Decimal] = {}

    def v(p: Part) -> Decimal:
        if not p.figure:
            s = specs[p.index]
            return Decimal(1) if p.q < 0 else s.quantities[p.q].value
        if (p.index, p.q) not in value:
            total = Decimal(1)
            for y in parts:
                if y == p or y.key != p.key or not _within(y.when, p.when) or not _scope_within(y.scope, p.scope):
                    continue
                if y.figure and _within(p.when, y.when) and _scope_within(p.scope, y.scope):
                    continue  # equivalent: two reports of one figure
                total += v(y)
            value[(p.index, p.q)] = total
        return value[(p.index, p.q)]

    out = list(specs)
    for p in parts:
        if p.figure:
            s = out[p.index]
            qs = list(s.quantities)
            qs[p.q] = qs[p.q]._replace(value=v(p))
            out[p.index] = s._replace(quantities=tuple(qs))
    return out


# -- properties ------------------------------------------------------------------


@PROPERTY
@given(world(), two_dates(), st.sampled_from([None, "year", "kind", "partner"]), st.sampled_from([None, "yunnan", "china", "ha-giang"]))
def test_counters_are_non_negative_and_each_entry_is_in_one_list(
    specs: list[ESpec], dates: tuple[pendulum.Date, pendulum.Date], by: str | None, partner: str | None
) -> None:
    entries = build(specs)
    result = counters(entries, PARTNERS, dates[0], partner=partner, by=by)
    keys = [(c.metric, c.unit, c.partner or "", c.group) for c in result]
    assert len(set(keys)) == len(keys)
    for c in result:
        assert c.definite >= 0 and c.possible >= 0
        assert c.definite <= c.definite + c.possible
        assert c.partner == partner
        lists = [c.contributors, c.possible_contributors, c.covered]
        ids = [i for ids in lists for i in ids]
        assert len(ids) == len(set(ids)), c  # in exactly one list
        assert ids, c  # no counter without an entry behind it
        if not c.contributors:
            assert c.definite == 0
        if not c.possible_contributors:
            assert c.possible == 0


@PROPERTY
@given(world(), two_dates(), st.sampled_from([None, "yunnan", "china"]))
def test_explain_adds_up_to_the_counters(specs: list[ESpec], dates: tuple[pendulum.Date, pendulum.Date], partner: str | None) -> None:
    entries = build(specs)
    as_of = dates[1]
    result = by_key(counters(entries, PARTNERS, as_of, partner=partner))
    for metric in {m for m, _ in result}:
        explained = explain(entries, PARTNERS, as_of, metric, partner=partner)
        assert list(explained.counters) == [c for (m, _), c in result.items() if m == metric]
        for c in explained.counters:
            items = [i for i in explained.contributions if i.unit == c.unit]
            assert sum((i.value for i in items if i.certainty == "definite"), Decimal(0)) == c.definite
            assert sum((i.value for i in items if i.certainty == "possible"), Decimal(0)) == c.possible
            scope = {s.slug: s.partners for s in specs}
            for item in items:
                if item.certainty == "covered":
                    assert item.covered_by in c.contributors
                    coverers = [i for i in items if i.id == item.covered_by and i.figure and i.certainty == "definite"]
                    assert any(_within(When.parse(item.when), When.parse(i.when)) for i in coverers)
                    assert _scope_within(scope[item.id], scope[item.covered_by])


@PROPERTY
@given(world(), two_dates(), st.sampled_from([None, "china"]))
def test_nothing_counted_as_definite_lies_inside_a_definite_figure(specs: list[ESpec], dates: tuple[pendulum.Date, pendulum.Date], partner: str | None) -> None:
    # Never double count, checked against a model: the definite contributions
    # of a counter form an antichain under "within the period and scope of".
    entries = build(specs)
    scope = {s.slug: s.partners for s in specs}
    for metric in {m for m, _ in KEYS}:
        items = [i for i in explain(entries, PARTNERS, dates[1], metric, partner=partner).contributions if i.certainty == "definite"]
        for fig in (i for i in items if i.figure):
            for other in items:
                if other is fig or other.unit != fig.unit:
                    continue
                inside = _within(When.parse(other.when), When.parse(fig.when)) and _scope_within(scope[other.id], scope[fig.id])
                assert not inside, (other.id, fig.id)


@PROPERTY
@given(world(), two_dates(), st.sampled_from(["year", "kind"]))
def test_year_and_kind_groups_add_up_to_the_total(specs: list[ESpec], dates: tuple[pendulum.Date, pendulum.Date], by: str) -> None:
    entries = build(specs)
    total = by_key(counters(entries, PARTNERS, dates[0]))
    sums: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for c in counters(entries, PARTNERS, dates[0], by=by):
        sums[(c.metric, c.unit)][0] += c.definite
        sums[(c.metric, c.unit)][1] += c.possible
    assert {k: [c.definite, c.possible] for k, c in total.items()} == dict(sums)


@PROPERTY
@given(world(), two_dates(), st.randoms(use_true_random=False), st.sampled_from([None, "year", "partner"]))
def test_results_do_not_depend_on_the_order_of_the_entries(
    specs: list[ESpec], dates: tuple[pendulum.Date, pendulum.Date], rnd: random.Random, by: str | None
) -> None:
    entries = build(specs)
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    assert counters(entries, PARTNERS, dates[0], by=by) == counters(shuffled, PARTNERS, dates[0], by=by)
    assert explain(entries, PARTNERS, dates[1], "agreements") == explain(shuffled, PARTNERS, dates[1], "agreements")


@PROPERTY
@given(world(), two_dates(), st.sampled_from([None, "china"]))
def test_counted_and_covered_together_never_decrease(specs: list[ESpec], dates: tuple[pendulum.Date, pendulum.Date], partner: str | None) -> None:
    # definite + possible alone may drop when a figure's period ends and it
    # absorbs the entries it covers; adding back what is covered never drops.
    entries = build(specs)
    d1, d2 = dates
    before = by_key(counters(entries, PARTNERS, d1, partner=partner))
    after = by_key(counters(entries, PARTNERS, d2, partner=partner))
    covered = covered_value(entries, d2, partner)
    for key, c in before.items():
        later = after[key]
        assert later.definite + later.possible + covered[key] >= c.definite + c.possible


@PROPERTY
@given(world(), two_dates(), st.sampled_from([None, "yunnan", "china"]))
def test_definite_never_decreases_when_figures_hold_what_they_cover(
    specs: list[ESpec], dates: tuple[pendulum.Date, pendulum.Date], partner: str | None
) -> None:
    entries = build(consistent(specs))
    d1, d2 = dates
    before = by_key(counters(entries, PARTNERS, d1, partner=partner))
    after = by_key(counters(entries, PARTNERS, d2, partner=partner))
    for key, c in before.items():
        assert after[key].definite >= c.definite


@PROPERTY
@given(world(figures=False), two_dates(), st.sampled_from([None, "yunnan"]))
def test_without_figures_definite_and_the_upper_bound_never_decrease(
    specs: list[ESpec], dates: tuple[pendulum.Date, pendulum.Date], partner: str | None
) -> None:
    entries = build(specs)
    d1, d2 = dates
    before = by_key(counters(entries, PARTNERS, d1, partner=partner))
    after = by_key(counters(entries, PARTNERS, d2, partner=partner))
    for key, c in before.items():
        assert c.covered == ()
        assert after[key].definite >= c.definite
        assert after[key].definite + after[key].possible >= c.definite + c.possible


def test_the_upper_bound_can_drop_when_a_figure_absorbs_its_entries() -> None:
    # The documented exception to monotonicity, pinned down.
    specs = [
        ESpec("fig", "FigureReported", "2015/2020", (), (), (QSpec("agreements", "agreement", Decimal(85), None),), "happened", None, False),
        ESpec("one", "AgreementSigned", "2018", ("yunnan",), (), (), "happened", None, False),
    ]
    entries = build(specs)
    before = by_key(counters(entries, PARTNERS, pendulum.Date(2018, 12, 31)))[("agreements", "agreement")]
    after = by_key(counters(entries, PARTNERS, pendulum.Date(2021, 1, 1)))[("agreements", "agreement")]
    assert before.definite + before.possible == 86
    assert after.definite + after.possible == 85
    assert after.definite >= before.definite
