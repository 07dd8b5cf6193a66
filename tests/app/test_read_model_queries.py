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
from chrono.projections import answers, upkeep
from chrono.projections.hierarchy import descendants
from chrono.projections.queries.filters import Filter
from chrono.projections.readmodel import ReadModel, fresh
from chrono.projections.results import Axes
from chrono.store import open_store
from tests.factories import PARTNERS, entry, jsonl
from tests.reference import Fold

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


def ordered(entries: list) -> list:
    return sorted(entries, key=lambda e: (e.facts.when.sort_key, e.slug))


def test_history_pages_are_the_timeline_in_order(model: ReadModel) -> None:
    partners = model.partners()
    axes = Axes(pendulum.Date(2030, 1, 1))
    for pid in ("china", "cn-p1", "cn-p2-f3", "cn-p1-f1-c1-t1", "japan", "home-d2", "org-3"):
        family = descendants(pid, partners)
        expected = [e.slug for e in ordered(model.entries(partners=family)) if not e.retracted]
        pages: list[str] = []
        number = 1
        while True:
            page = answers.timeline(model, axes, Filter(partners=frozenset(family)), page=number, limit=7)
            pages += [d.entry.slug for d in page.entries]
            assert page.total == len(expected), pid
            if len(page.entries) < 7:
                break
            number += 1
        assert pages == expected, pid
        assert [d.entry.slug for d in answers.timeline(model, axes, Filter(partners=frozenset(family)), limit=50).entries] == expected[:50]


@pytest.mark.parametrize("walk", [0, 10**9])
def test_a_familys_pages_walked_along_the_chronicle_or_merged_from_its_partners_are_the_same(
    model: ReadModel, walk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chrono.projections.queries import counts
    from chrono.projections.queries import timeline as queries_timeline

    monkeypatch.setattr(counts, "WALK", walk)  # 0: always each partner's range; 10**9: always the chronicle's order
    partners = model.partners()
    for pid in ("china", "cn-p1", "japan", "org-3"):
        family = frozenset(descendants(pid, partners))
        live = ordered([e for e in model.entries(partners=family) if not e.retracted])
        for day, kinds in ((20301231, frozenset()), (20051231, frozenset()), (20301231, frozenset({"VisitMade"}))):
            flt = Filter(partners=family, scope=pid, kinds=kinds, begun_by=day)
            expected = [
                e for e in live if (not kinds or e.kind in kinds) and (e.facts.when.earliest_key is None or e.facts.when.earliest_key <= divmod_day(day))
            ]
            found = [model.revisions_of([key])[0].slug for key in queries_timeline.keys(model, flt, None, 3, 9)]
            assert found == [e.slug for e in expected][3:12], (pid, day, kinds, walk)
            latest = [model.revisions_of([key])[0].slug for key in queries_timeline.keys(model, flt, None, 0, 4, backwards=True)]
            assert latest == [e.slug for e in reversed(expected)][:4], (pid, day, kinds, walk)
            streamed = [e.slug for e in queries_timeline.stream(model, flt, None, chunk=5)]
            assert streamed == [e.slug for e in expected], (pid, day, kinds, walk)
            firsts = queries_timeline.firsts(model, {pid: family, "japan-too": frozenset(descendants("japan", partners))}, flt, None)
            first = [model.revisions_of([firsts[pid]])[0].slug] if pid in firsts else []
            assert first == [e.slug for e in expected][:1], (pid, day, kinds, walk)


def divmod_day(day: int) -> tuple[int, int, int]:
    year, rest = divmod(day, 10000)
    return (year, *divmod(rest, 100))


def test_timeline_filters_are_the_plain_filter(model: ReadModel) -> None:
    day = 20051231
    axes = Axes(pendulum.Date(2005, 12, 31))
    everything = ordered([e for e in model.entries() if not e.retracted])
    found = answers.timeline(model, axes, Filter(kinds=frozenset({"VisitMade", "TalksHeld"}), begun_by=day))
    expected = [
        e.slug
        for e in everything
        if e.kind in ("VisitMade", "TalksHeld") and (e.facts.when.earliest_key is None or e.facts.when.earliest_key <= (2005, 12, 31))
    ]
    assert [d.entry.slug for d in found.entries] == expected and found.total == len(expected)
    planned = answers.timeline(model, axes, Filter(statuses=frozenset({"planned"}), start=20230101), page=2, limit=3)
    expected = [e.slug for e in everything if e.status == "planned" and (e.facts.when.latest_key is None or e.facts.when.latest_key >= (2023, 1, 1))]
    assert [d.entry.slug for d in planned.entries] == expected[3:6] and planned.total == len(expected)


def test_counters_agree_with_the_reference_fold_on_a_synthetic_chronicle(model: ReadModel) -> None:
    entries, parents = model.entries(), {pid: p.parent for pid, p in model.partners().items()}
    for day in ("1999-12-31", "2021-12-31", "2026-01-01"):
        as_of = pendulum.Date.fromisoformat(day)
        key = as_of.year * 10000 + as_of.month * 100 + as_of.day
        for partner in (None, "cn-p1", "china", "home"):
            expected = Fold(entries, parents, partner).counters(key)
            got = answers.counters(model, Axes(as_of), partner).counters
            assert {(c.metric, c.unit): (c.definite, c.possible, c.high) for c in got} == {k: v[:3] for k, v in expected.items()}, (day, partner)


def test_grouped_counters_add_up_to_the_ungrouped_ones(model: ReadModel) -> None:
    axes = Axes(pendulum.Date(2021, 12, 31))
    whole = {(c.metric, c.unit): c.definite for c in answers.counters(model, axes).counters}
    for by in ("year", "kind"):
        sums: dict[tuple[str, str], object] = {}
        for c in answers.counters(model, axes, by=by).counters:
            sums[(c.metric, c.unit)] = sums.get((c.metric, c.unit), 0) + c.definite  # type: ignore[operator]
        assert sums == whole, by


def test_a_rebuild_gives_the_same_answers(model: ReadModel) -> None:
    axes = Axes(pendulum.Date(2021, 12, 31))
    before = answers.counters(model, axes, by="year")
    family = frozenset(descendants("cn-p3", model.partners()))
    page = [d.entry.slug for d in answers.timeline(model, axes, Filter(partners=family), limit=20).entries]
    model.rebuild()
    assert answers.counters(model, axes, by="year") == before
    assert [d.entry.slug for d in answers.timeline(model, axes, Filter(partners=family), limit=20).entries] == page


def _statistics(model: ReadModel) -> tuple[int, int | None]:
    """How many columns of the partners' history table PostgreSQL has statistics of, and where they were gathered."""
    schema = model.datastore.schema
    stats = model.rows("SELECT count(*) AS n FROM pg_stats WHERE schemaname = ? AND tablename = 'chrono_revision_partners'", [schema])
    analysed = model.rows("SELECT position FROM {t:tracking} WHERE name = ?", [upkeep.ANALYSED])
    return int(stats[0]["n"]), (int(analysed[0]["position"]) if analysed else None)


@pytest.mark.postgres
def test_postgres_planner_statistics_are_gathered_as_the_log_grows(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # A server without autovacuum (this one) never gathers them: the
    # planner then reads a family's history from the wrong index.
    app = open_store(postgres_url)
    import_files(app, [(jsonl([*PARTNERS, *(entry(f"e-{n}") for n in range(40))]), "first.jsonl")])
    model = fresh(app)
    assert _statistics(model)[1] is None  # fewer than RESTATE events: left to autovacuum
    monkeypatch.setattr(upkeep, "RESTATE", 30)
    import_files(app, [(jsonl([entry("e-next")]), "next.jsonl")])
    model.catch_up()
    columns, analysed = _statistics(model)
    assert columns > 0
    assert analysed == model.position() == app.head_position()
    import_files(app, [(jsonl([entry("e-last")]), "last.jsonl")])
    model.catch_up()
    assert _statistics(model) == (columns, analysed)  # one event is not a tenth, nor RESTATE


def _counts_both_ways(model: ReadModel, pid: str | None, **fields: object) -> tuple[int, int]:
    """A filter's total from the kept counts, and by counting its rows (no scope: the counts cannot be used)."""
    from chrono.projections.queries import counts

    partners = frozenset(descendants(pid, model.partners())) if pid else None
    kept = counts.count(model, Filter(partners=partners, scope=pid or "", **fields), None)  # type: ignore[arg-type]
    rows = counts.counted(model, Filter(partners=partners, **fields), None)  # type: ignore[arg-type]
    return kept, sum(rows.values())


@pytest.mark.parametrize("pid", [None, "china", "cn-p2", "cn-p1-f1-c1", "japan", "home", "home-d3"])
def test_kept_counts_equal_counting_the_rows(model: ReadModel, pid: str | None) -> None:
    for fields in ({}, {"begun_by": 20050615}, {"begun_by": 19991231, "kinds": frozenset({"VisitMade"})},
                   {"statuses": frozenset({"happened", "held"}), "end": 20201231}, {"retracted": True, "begun_by": 20240101}):  # fmt: skip
        kept, counted = _counts_both_ways(model, pid, **fields)
        assert kept == counted, (pid, fields)


def test_counts_are_made_again_when_a_partner_moves(model: ReadModel) -> None:
    import attrs

    from chrono.events.entry import PartnerRecord, partner_uuid

    app = model.app
    before = _counts_both_ways(model, "cn-p1")
    # No command moves a partner yet; the aggregate can, and the counts must follow.
    record = app.repository.get(partner_uuid("cn-p2-f1"))
    record.trigger_event(PartnerRecord.Amended, partner=attrs.evolve(record.partner, parent="cn-p1"))
    app.save(record)
    model.catch_up()
    after = _counts_both_ways(model, "cn-p1")
    assert after[0] == after[1] > before[0]


def test_the_foreign_side_is_told_the_same_from_the_kept_counts_and_from_the_rows(model: ReadModel) -> None:
    from datetime import UTC, datetime

    from chrono.projections.queries import timeline as queries

    now = datetime.now(UTC)
    tops = [pid for pid, partner in model.partners().items() if partner.parent is None]
    seen = queries.foreign(model, tops, None)  # the kept counts of all of them, read at once
    assert seen == queries.foreign(model, tops, now)  # each family's rows as known at a time
    assert "china" in seen and "vietnam" not in seen  # the synthetic home side only ever acts
    assert queries.foreign(model, [], None) == []
