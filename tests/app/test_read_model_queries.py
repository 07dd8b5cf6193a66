"""The read model's SQL answers agree with the plain computations over entries.

On a synthetic chronicle from the benchmark's generator (a partner hierarchy
of hundreds, every kind and date precision, figures, corrections and
retractions), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import json

import pendulum
import pytest

from bench.generate import generate
from chrono.events.commands import Origin
from chrono.interchange.changes import parse_changes
from chrono.interchange.importing import import_files
from chrono.projections import counters as reference
from chrono.projections import readmodel, sqlcounters
from chrono.projections.hierarchy import descendants
from chrono.projections.readmodel import ReadModel, fresh
from chrono.projections.views import ordered
from chrono.store import open_store
from tests.factories import PARTNERS, entry, jsonl

SIZE = 600


@pytest.fixture
def model(store_url: str) -> ReadModel:
    chronicle, changes = io.StringIO(), io.StringIO()
    generate(SIZE, 7, chronicle, changes)
    app = open_store(store_url)
    import_files(app, [(chronicle.getvalue().encode(), "synthetic.jsonl")])
    for line in changes.getvalue().splitlines():
        change = json.loads(line)
        if change["op"] == "retract":
            app.retract(change["id"], change["reason"])
        else:
            entry = app.entry(change["id"])
            app.correct(change["id"], parse_changes(entry.kind, entry.facts, change["set"], Origin("changes")), change["reason"], None)
    return fresh(app)


def test_history_pages_are_the_timeline_in_order(model: ReadModel) -> None:
    partners = model.partners()
    for pid in ("china", "cn-p1", "cn-p2-f3", "cn-p1-f1-c1-t1", "japan", "home-d2", "org-3"):
        family = descendants(pid, partners)
        expected = [e.slug for e in ordered(model.entries(partners=family)) if not e.retracted]
        pages: list[str] = []
        after = None
        while True:
            page = model.page(family, limit=7, after=after)
            pages += [e.slug for e in page]
            if len(page) < 7:
                break
            after = model.key(page[-1])
        assert pages == expected, pid
        assert [e.slug for e in model.page(family, limit=50)] == expected[:50]


def test_sql_counters_agree_on_a_synthetic_chronicle(model: ReadModel) -> None:
    entries, partners = model.entries(), model.partners()
    for day in ("1999-12-31", "2021-12-31", "2026-01-01"):
        as_of = pendulum.Date.fromisoformat(day)
        for partner, by in ((None, None), (None, "year"), ("cn-p1", None), ("china", "partner"), ("home", "kind")):
            expected = reference.counters(entries, partners, as_of, partner=partner, by=by)
            assert sqlcounters.counters(model, as_of, None, partner, by) == expected, (day, partner, by)
            numbers = [(c.metric, c.unit, c.group, c.definite, c.possible) for c in expected]
            got = sqlcounters.counters(model, as_of, None, partner, by, ids=False)  # the running totals when ungrouped
            assert [(c.metric, c.unit, c.group, c.definite, c.possible) for c in got] == numbers, (day, partner, by)


def test_a_rebuild_gives_the_same_answers(model: ReadModel) -> None:
    as_of = pendulum.Date(2021, 12, 31)
    before = sqlcounters.counters(model, as_of, by="year")
    family = descendants("cn-p3", model.partners())
    page = [e.slug for e in model.page(family)]
    model.rebuild()
    assert sqlcounters.counters(model, as_of, by="year") == before
    assert [e.slug for e in model.page(family)] == page


@pytest.mark.parametrize("by", ["year", "kind", "partner"])
def test_grouped_tables_look_the_same_without_contributor_lists(model: ReadModel, by: str) -> None:
    # `chrono counters --by X` asks for no lists (its table shows no ids): it must print the same table.
    from chrono.render.counters import CountersView
    from tests.unit.render_kit import render

    as_of, partners = pendulum.Date(2021, 12, 31), model.partners()
    for partner in (None, "cn-p1"):
        listed = sqlcounters.counters(model, as_of, None, partner, by)
        bare = sqlcounters.counters(model, as_of, None, partner, by, ids=False)
        assert bare != listed  # the lists are gone ...
        view = [render(CountersView(rows, partners, by=by, as_of=as_of, partner=partner), 120) for rows in (listed, bare)]
        assert view[0] == view[1]  # ... and the table does not show them


def _statistics(model: ReadModel) -> tuple[int, int | None]:
    """How many columns of the partners' history table PostgreSQL has statistics of, and where they were gathered."""
    schema = model.datastore.schema
    stats = model.rows("SELECT count(*) AS n FROM pg_stats WHERE schemaname = ? AND tablename = 'chrono_revision_partners'", [schema])
    analysed = model.rows("SELECT position FROM {t:tracking} WHERE name = ?", [readmodel.ANALYSED])
    return int(stats[0]["n"]), (int(analysed[0]["position"]) if analysed else None)


@pytest.mark.postgres
def test_postgres_planner_statistics_are_gathered_as_the_log_grows(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # A server without autovacuum (this one) never gathers them: the
    # planner then reads a family's history from the wrong index.
    app = open_store(postgres_url)
    import_files(app, [(jsonl([*PARTNERS, *(entry(f"e-{n}") for n in range(40))]), "first.jsonl")])
    model = fresh(app)
    assert _statistics(model)[1] is None  # fewer than RESTATE events: left to autovacuum
    monkeypatch.setattr(readmodel, "RESTATE", 30)
    import_files(app, [(jsonl([entry("e-next")]), "next.jsonl")])
    model.catch_up()
    columns, analysed = _statistics(model)
    assert columns > 0
    assert analysed == model.position() == app.head_position()
    import_files(app, [(jsonl([entry("e-last")]), "last.jsonl")])
    model.catch_up()
    assert _statistics(model) == (columns, analysed)  # one event is not a tenth, nor RESTATE
