"""Running totals moved by later writes equal totals made again from scratch, and the reference fold."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chrono.events.commands import Origin
from chrono.interchange.changes import parse_changes
from chrono.interchange.importing import import_files
from chrono.projections import answers
from chrono.projections.readmodel import NAME, fresh
from chrono.projections.results import Axes
from chrono.store import open_store
from tests.factories import entry, jsonl
from tests.property.test_views_agree import FOREIGN, PARENTS, PARTNERS, chronicle, seen, sqlite_store
from tests.reference import Fold
from tests.strategies import edtf

FACETS = [(None, None), ("yunnan", None), (None, "year"), ("china", "kind")]


@st.composite
def later(draw: st.DrawFn, slugs: list[str]) -> list[tuple[str, Any]]:
    """Writes after the totals were made: new happenings, corrections and retractions."""
    out: list[tuple[str, Any]] = []
    for number in range(draw(st.integers(1, 6))):
        choice = draw(st.integers(0, 3))
        if choice == 0 or not slugs:
            partners = sorted(set(draw(st.lists(st.sampled_from(FOREIGN), max_size=2))))
            out.append(("record", entry(f"new{number}", kind=draw(st.sampled_from(["AgreementSigned", "VisitMade"])), when=draw(edtf()),
                                         partners=partners, actors=["ha-giang"])))  # fmt: skip
        elif choice == 1:
            out.append(("retract", draw(st.sampled_from(slugs))))
        else:
            out.append(("when", (draw(st.sampled_from(slugs)), draw(edtf()))))
    return out


def apply(app: Any, writes: list[tuple[str, Any]]) -> None:
    for action, value in writes:
        if action == "record":
            import_files(app, [(jsonl([value]), "later.jsonl")])
            continue
        slug = value if action == "retract" else value[0]
        current = app.entry(slug)
        if current.retracted:
            continue
        if action == "retract":
            app.retract(slug, "test")
        else:
            app.correct(slug, parse_changes(current.kind, current.facts, [f"when={value[1]}"], Origin("test")), "test", None)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(chronicle(), st.data(), st.dates(date(2013, 1, 1), date(2024, 12, 31)))
def test_moved_totals_are_the_totals_made_again(records: list[dict[str, Any]], data: st.DataObject, day: date) -> None:
    writes = data.draw(later([r["id"] for r in records]))
    with sqlite_store() as url:
        app = open_store(url)
        import_files(app, [(jsonl([*PARTNERS, *records]), "chronicle.jsonl")])
        model = fresh(app)
        axes = Axes(day)
        for partner, by in FACETS:
            answers.counters(model, axes, partner, by)  # made now
        time.sleep(0.001)
        apply(app, writes)
        model.catch_up()
        moved = [answers.counters(model, axes, partner, by) for partner, by in FACETS]
        model.rows("SELECT 1 AS x", [])
        with model.datastore.transaction(commit=True) as cursor:
            cursor.execute(model.sql("DELETE FROM {t:tracking} WHERE name LIKE ?"), (f"{NAME}/totals/%",))
        made = [answers.counters(model, axes, partner, by) for partner, by in FACETS]
        assert moved == made
        key = day.year * 10000 + day.month * 100 + day.day
        for partner, (_, by) in zip(("", "yunnan"), FACETS[:2], strict=True):
            expected = Fold(model.entries(), PARENTS, partner or None).counters(key)
            found = moved[0 if not partner else 1]
            assert by is None
            assert {(c.metric, c.unit): seen(c) for c in found.counters} == expected
        app.close()


def test_a_corrected_happening_moves_the_totals_and_a_corrected_figure_makes_them_again(tmp_path: Any) -> None:
    app = open_store(str(tmp_path / "store.sqlite"))
    figure = entry("figure", kind="FigureReported", when="2015/2020", partners=[],
                   quantities=[{"metric": "agreements", "value": "5", "unit": "agreement", "period": "2015/2020"}])  # fmt: skip
    import_files(app, [(jsonl([*PARTNERS, figure, entry("a", when="2016", partners=["yunnan"]), entry("b", when="2022", partners=["yunnan"])]), "c.jsonl")])
    model = fresh(app)
    axes = Axes(date(2023, 12, 31))
    assert answers.counters(model, axes).counters[0].definite == 6
    app.correct("b", parse_changes("AgreementSigned", app.entry("b").facts, ["when=2018"], Origin("test")), "test", None)
    model.catch_up()
    assert answers.counters(model, axes).counters[0].definite == 5  # now inside the figure's period
    assert model.rows("SELECT COUNT(*) AS n FROM {t:totals_pending}", [])[0]["n"] > 0
    quantities = '[{"metric": "agreements", "value": "3", "unit": "agreement", "period": "2015/2020"}]'
    app.correct("figure", parse_changes("FigureReported", app.entry("figure").facts, [f"quantities={quantities}"], Origin("test")), "test", None)
    model.catch_up()
    assert answers.counters(model, axes).counters[0].definite == 3
    assert model.rows("SELECT COUNT(*) AS n FROM {t:totals_pending}", [])[0]["n"] == 0  # made again
