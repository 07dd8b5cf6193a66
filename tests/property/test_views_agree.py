"""Every view that shows a number agrees with a plain reference fold (tests/reference.py).

Random chronicles (hypothesis) with happenings, flows and stocks, competing
claims, every qualifier, plans, corrections and retractions, on SQLite and
PostgreSQL: the counters (overall and for a partner), explain, the partner
panel, the state and the replay's running sum, for random as-of dates and
recording times.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chrono.events.application import Chronicle
from chrono.events.commands import Origin
from chrono.interchange.changes import parse_changes
from chrono.interchange.importing import import_files
from chrono.projections import answers
from chrono.projections.queries import counts as queries_counts
from chrono.projections.queries.filters import Filter
from chrono.projections.queries.parts import family
from chrono.projections.readmodel import fresh
from chrono.projections.replay import replay
from chrono.projections.results import Axes, Counter
from chrono.store import open_store
from tests.factories import entry, jsonl
from tests.faults.helpers import postgres_schema
from tests.reference import Fold, Value
from tests.strategies import edtf

PARTNERS = [
    {"type": "partner", "id": pid, "name": {"en": pid, "vi": pid}, "level": level, "parent": parent, "country": country}
    for pid, level, parent, country in (
        ("china", "country", None, "CN"), ("yunnan", "province", "china", "CN"), ("van-son", "prefecture", "yunnan", "CN"),
        ("guangxi", "province", "china", "CN"), ("japan", "country", None, "JP"),
        ("vietnam", "country", None, "VN"), ("ha-giang", "province", "vietnam", "VN"),
    )
]  # fmt: skip
PARENTS = {p["id"]: p["parent"] for p in PARTNERS}
FOREIGN = ["china", "yunnan", "van-son", "guangxi", "japan"]
QUALIFIERS = ["exact", "about", "at_least", "at_most"]
SETTINGS = settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def quantity(draw: st.DrawFn, figure: bool) -> dict[str, Any]:
    metric, unit = draw(st.sampled_from([("agreements", "agreement"), ("aid_value", "VND"), ("visits", "visit")]))
    record: dict[str, Any] = {"metric": metric, "unit": unit, "value": str(draw(st.integers(1, 40))), "qualifier": draw(st.sampled_from(QUALIFIERS))}
    measure = draw(st.sampled_from(["period", "observed", None] if figure else [None, None, "period"]))
    if measure is not None:
        record[measure] = draw(edtf())
    return record


@st.composite
def record(draw: st.DrawFn, number: int) -> dict[str, Any]:
    figure = draw(st.integers(0, 2)) == 0
    kind = "FigureReported" if figure else draw(st.sampled_from(["AgreementSigned", "VisitMade", "AidProvided"]))
    quantities = draw(st.lists(quantity(figure), min_size=1 if figure else 0, max_size=2))
    partners = sorted(set(draw(st.lists(st.sampled_from(FOREIGN), max_size=2))))
    status = "happened" if figure else draw(st.sampled_from(["happened", "happened", "planned"]))
    return entry(f"e{number}", kind=kind, when=draw(edtf()), partners=partners, actors=["ha-giang"], quantities=quantities, status=status)


@st.composite
def chronicle(draw: st.DrawFn) -> list[dict[str, Any]]:
    records = [draw(record(n)) for n in range(draw(st.integers(1, 14)))]
    # Competing claims: a figure reported again, by another source, with another value.
    for number, original in enumerate([r for r in records if r["kind"] == "FigureReported"][:2]):
        if draw(st.booleans()):
            quantities = [{**q, "value": str(int(q["value"]) + draw(st.integers(-1, 5)) or 1)} for q in original["quantities"]]
            records.append({**original, "id": f"claim{number}", "quantities": quantities})
    return records


@st.composite
def changes(draw: st.DrawFn, slugs: list[str]) -> list[tuple[str, str, Any]]:
    picked = draw(st.lists(st.sampled_from(slugs), max_size=4)) if slugs else []
    return [(slug, draw(st.sampled_from(["retract", "when", "partners"])), draw(edtf())) for slug in picked]


@contextmanager
def sqlite_store() -> Iterator[str]:
    folder = tempfile.mkdtemp(prefix="chrono-agree-")
    try:
        yield folder + "/store.sqlite"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def build(app: Chronicle, records: list[dict[str, Any]], edits: list[tuple[str, str, Any]]) -> list[datetime]:
    """Import the chronicle, then apply the edits one by one; the recording times between the writes."""
    import_files(app, [(jsonl([*PARTNERS, *records]), "chronicle.jsonl")])
    moments = [datetime.now(UTC)]
    for slug, change, value in edits:
        time.sleep(0.001)
        current = app.entry(slug)
        if current.retracted:
            continue
        if change == "retract":
            app.retract(slug, "test")
        else:
            assignment = f"when={value}" if change == "when" else f"partners={','.join(p for p in FOREIGN if p in value) or 'japan'}"
            app.correct(slug, parse_changes(current.kind, current.facts, [assignment], Origin("test")), "test", None)
        moments.append(datetime.now(UTC))
    return moments


def bare(answer: Any) -> list[Counter]:
    """The counters without their id lists (running totals count the entries but do not list them)."""
    keep = {"contributors", "possible_contributors", "covered"}
    return [attrs.evolve(c, **{name: attrs.evolve(getattr(c, name), ids=()) for name in keep}) for c in answer.counters]


def seen(counter: Counter) -> Value:
    conflicts = frozenset(frozenset(c.entries) for c in counter.conflicts)
    return Value(counter.definite, counter.possible, counter.high, counter.approximate, conflicts)


def check(app: Chronicle, moments: list[datetime], days: list[date], partner: str) -> None:
    model = fresh(app)
    for known_at in (None, moments[0]):
        known = model.entries(known_at)
        for day in days:
            axes = Axes(day, known_at)
            key = day.year * 10000 + day.month * 100 + day.day
            expected = Fold(known, PARENTS).counters(key)
            got = answers.counters(model, axes)
            assert {(c.metric, c.unit): seen(c) for c in got.counters} == expected, (day, known_at)
            listed = answers.counters(model, axes, ids=True)
            assert [(c.metric, c.contributors.total, c.possible_contributors.total, c.covered.total) for c in listed.counters] == [
                (c.metric, c.contributors.total, c.possible_contributors.total, c.covered.total) for c in got.counters
            ]
            for by in ("year", "kind", "partner"):
                assert bare(answers.counters(model, axes, by=by)) == bare(answers.counters(model, axes, by=by, ids=True)), by
            for_partner = Fold(known, PARENTS, partner).counters(key)
            got_partner = answers.counters(model, axes, partner)
            assert {(c.metric, c.unit): seen(c) for c in got_partner.counters} == for_partner, (day, known_at, partner)
            panel = answers.history(model, axes, partner).relationship.agreements
            assert (seen(panel) if panel else None) == for_partner.get(("agreements", "agreement")), "partner panel"
            explained = answers.explain(model, axes, "agreements", size=1000)
            assert {(c.metric, c.unit): seen(c) for c in explained.counters} == {k: v for k, v in expected.items() if k[0] == "agreements"}
            if known_at is None:  # the kept segments list what working them out from the rows lists
                later = answers.explain(model, Axes(day, datetime.now(UTC)), "agreements", size=1000)
                assert explained.contributions == later.contributions and explained.page.total == later.page.total
                second = answers.explain(model, axes, "agreements", page=2, size=2)
                assert second.contributions == explained.contributions[2:4]
            counted = sum((item.low for item in explained.contributions if item.certainty == "definite"), Decimal(0))
            assert counted == sum((v.definite for k, v in expected.items() if k[0] == "agreements"), Decimal(0)), "explain's items"
            state = answers.state(model, axes)
            assert {(c.metric, c.unit): seen(c) for c in state.counters.counters} == expected, "state"
            for held in state.relationships:  # the dashboard's relationships are the partner panels' (but for listing mechanisms)
                alone = Fold(known, PARENTS, held.partner).counters(key).get(("agreements", "agreement"))
                assert (seen(held.agreements) if held.agreements else None) == alone, ("state", held.partner)
                panel = answers.history(model, axes, held.partner).relationship
                assert attrs.evolve(held, mechanisms=attrs.evolve(held.mechanisms, ids=())) == attrs.evolve(
                    panel, mechanisms=attrs.evolve(panel.mechanisms, ids=())
                )
    for known_at in moments:  # a timeline's count as known at each recording time: what changed since, against the rows
        for day in days:
            key = day.year * 10000 + day.month * 100 + day.day
            for flt in (
                Filter(),
                Filter(begun_by=key),
                Filter(kinds=frozenset({"FigureReported"}), retracted=True),
                Filter(partners=family(model, known_at).of(partner), scope=partner, begun_by=key),
                Filter(partners=family(model, None).of(partner), scope=partner, statuses=frozenset({"planned"})),
            ):
                assert queries_counts.kinds(model, flt, known_at) == queries_counts.counted(model, flt, known_at), (flt, known_at)
    far = Fold(model.entries(), PARENTS).counters(99991231)
    running: dict[tuple[str, str], Decimal] = {}
    for step in replay(app.domain_events()):
        for counter_key, change in step.counters.items():
            running[counter_key] = running.get(counter_key, Decimal(0)) + change
    assert {k: v for k, v in running.items() if v} == {k: v.definite + v.possible for k, v in far.items() if v.definite + v.possible}


def _scenario() -> Any:
    return st.tuples(chronicle(), st.data(), st.lists(st.dates(date(2013, 1, 1), date(2024, 12, 31)), min_size=1, max_size=3), st.sampled_from(FOREIGN))


@SETTINGS
@given(_scenario())
def test_every_view_agrees_with_the_reference_fold_on_sqlite(scenario: Any) -> None:
    records, data, days, partner = scenario
    edits = data.draw(changes([r["id"] for r in records]))
    with sqlite_store() as url:
        app = open_store(url)
        try:
            moments = build(app, records, edits)
            check(app, moments, days, partner)
        finally:  # a failing example must not keep its connections (the server has a hundred)
            app.close()


@pytest.mark.postgres
@settings(SETTINGS, max_examples=8)
@given(_scenario())
def test_every_view_agrees_with_the_reference_fold_on_postgres(scenario: Any) -> None:
    records, data, days, partner = scenario
    edits = data.draw(changes([r["id"] for r in records]))
    with postgres_schema("chrono_agree") as url:
        app = open_store(url)
        try:
            moments = build(app, records, edits)
            check(app, moments, days, partner)
        finally:  # a failing example must not keep its connections (the server has a hundred)
            app.close()


def test_the_reference_sums_no_competing_claims() -> None:
    """The fold's own rule, pinned on an example: three and six districts in one period are 3 to 6, never 9."""
    from tests.unit.render_kit import make_entry, quantity

    six = make_entry("six", "2015/2020", kind="FigureReported", partners=(), quantities=(quantity("twinnings", "6", "district", period="2015/2020"),))
    three = make_entry("three", "2015/2020", kind="FigureReported", partners=(), quantities=(quantity("twinnings", "3", "district", period="2015/2020"),))
    value = Fold([six, three], PARENTS).counters(20211231)[("twinnings", "district")]
    assert (value.definite, value.high, value.conflicts) == (3, 6, frozenset({frozenset({"six", "three"})}))
