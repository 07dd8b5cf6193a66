"""Running totals made by two processes, each making some partners' facets and some of a large
family's counters (``shares``, ``beside``), are the rows one process makes: from the tables standing
or as they stood, on SQLite and PostgreSQL; where the second process fails or reads another
position, this one makes them all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chrono.projections import answers, beside, earlier, facetcheck, fingerprints, seals, shares, stood, totals, totals_rows
from chrono.projections.facets import Facet
from chrono.projections.queries.parts import family_in, sizes
from chrono.projections.readmodel import ReadModel
from chrono.projections.results import Axes
from chrono.projections.schema import COLUMNS
from chrono.store import open_store
from tests.app.test_fingerprints import _fill
from tests.faults.helpers import cli
from tests.faults.test_tampering import tampered

FACETS = [Facet(), Facet(by="year"), Facet(by="partner"), Facet(partner="yunnan"), Facet(partner="van-son", by="kind")]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    for url, _ in tampered(request.param, tmp_path, _fill, "chrono_apart"):
        yield url


def _made(model: ReadModel) -> dict[Facet, Any]:
    """Each facet's position and rows, in an order of their own (two processes make them in two parts)."""
    return {facet: (made[0], *(sorted(rows) for rows in made[1:])) for facet, made in totals.facets_rows(model, FACETS)}


def _started(monkeypatch: pytest.MonkeyPatch, wrap: Callable[[str, Any], Any] | None = None) -> list[str]:
    """Count the second processes started (their work changed by ``wrap``, if given)."""
    calls: list[str] = []
    real = beside.started

    def counted(work: str, args: Any) -> Any:
        calls.append(work)
        return (wrap or real)(work, args)

    monkeypatch.setattr(beside, "started", counted)
    return calls


def test_running_totals_made_by_two_processes_are_the_rows_one_makes(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_store(store)
    try:
        model = ReadModel(app)
        alone = _made(model)
        calls = _started(monkeypatch)
        monkeypatch.setattr(shares, "APART_FROM", 0)
        assert _made(model) == alone
        assert calls == ["running totals"]  # one second process for every partner's facets
        assert any(made[1] for made in alone.values())
    finally:
        app.close()


@contextmanager
def _visited_since(store: str) -> Iterator[tuple[Any, stood.StoodAt]]:
    """The store after a later visit to Yunnan, and its tables as they stood before it."""
    app = open_store(store)
    before = app.head_position()
    app.close()
    assert cli("--store", store, "record", "VisitMade", "--title", "A later visit", "--when", "2024-05", "--partner", "yunnan",
               "--source", "minutes", "--quote", "a visit")[0] == 0  # fmt: skip
    app = open_store(store)
    try:
        then = stood.near(app, before, earlier._partners(app))
        assert then is not None and then.touched
        yield app, then
    finally:
        app.close()


def test_running_totals_as_the_tables_stood_made_by_two_processes_are_the_rows_one_makes(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with _visited_since(store) as (app, then):
        alone = _made(then)
        assert alone != _made(ReadModel(app))  # the visit since counts now, not then
        calls = _started(monkeypatch)
        monkeypatch.setattr(shares, "APART_FROM", 0)
        assert _made(then) == alone
        assert calls


def test_a_family_read_by_testing_each_contribution_makes_the_rows_read_from_its_entries(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A family that holds most entries is read by testing each contribution (SQLite; PostgreSQL plans
    the join itself): the same rows, from the tables standing and as they stood before a later visit."""
    with _visited_since(store) as (app, then):
        for model in (ReadModel(app), then):
            monkeypatch.setattr(shares, "most_of", lambda read, partner: False)
            from_entries = _made(model)
            monkeypatch.setattr(shares, "most_of", lambda read, partner: partner is not None)
            assert _made(model) == from_entries
            assert all(from_entries[facet][1] for facet in FACETS if facet.partner is not None)


def _failing(work: str, args: Any) -> Any:
    env, spec, jobs = args
    return _real_started(work, (env, spec, [(["not a facet"], None), *jobs]))  # the second process fails on its first job


@contextmanager
def _moved_on(work: str, args: Any) -> Iterator[Iterator[Any]]:
    with _real_started(work, args) as answers:
        # As if a write came between: the parts of a facet made in two disagree, its rows changed.
        yield ({facet: (made[0] + 1, [], [], []) for facet, made in found.items()} for found in answers)


_real_started = beside.started


@pytest.mark.parametrize("wrap", [_failing, _moved_on], ids=["failed", "another position"])
def test_where_the_second_process_fails_or_reads_another_position_this_one_makes_the_facets_again(
    store: str, monkeypatch: pytest.MonkeyPatch, wrap: Callable[[str, Any], Any]
) -> None:  # fmt: skip
    """A facet made in two parts read at two positions is made again here, as is every one the second
    process did not send (the first parts it sent are kept: each was made in one read)."""
    facets = [Facet(), Facet(by="year")]  # one family: each facet made in two parts
    app = open_store(store)
    try:
        model = ReadModel(app)
        alone = {facet: (made[0], *(sorted(rows) for rows in made[1:])) for facet, made in totals.facets_rows(model, facets)}
        calls = _started(monkeypatch, wrap)
        monkeypatch.setattr(shares, "APART_FROM", 0)
        made = list(totals.facets_rows(model, facets))
        assert sorted(facet.name for facet, _ in made) == sorted(facet.name for facet in facets)  # each once
        assert {facet: (part[0], *(sorted(rows) for rows in part[1:])) for facet, part in made} == alone
        assert calls
    finally:
        app.close()


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(1, 10**6), max_size=20), st.sampled_from([0.5, totals.STORING, 0.3]))
def test_the_halves_take_each_key_once_and_the_first_its_part_within_the_heaviest(weights: dict[str, int], first: float) -> None:
    mine, theirs = shares.halves(weights, first)
    assert sorted(mine + theirs) == sorted(weights)
    sums = [sum(weights[key] for key in half) for half in (mine, theirs)]
    assert abs(sums[0] - first * sum(sums)) <= max(weights.values(), default=0)


def test_the_first_set_takes_its_part_of_many_equal_weights() -> None:
    mine, theirs = shares.halves({key: 10 for key in range(20)}, totals.STORING)
    assert (len(mine), len(theirs)) == (8, 12)


def test_a_large_family_is_made_in_two_jobs_and_small_ones_whole(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_store(store)
    try:
        model = ReadModel(app)
        groups = [[Facet(), Facet(by="year")], [Facet(partner="van-son")], [Facet(partner="yunnan")]]
        with model.reads() as read:
            everything = sum(sizes(read, None).values())
        monkeypatch.setattr(shares, "APART_FROM", everything)  # only the whole chronicle is large
        planned = shares.plan(model, groups)
        assert planned is not None
        mine, theirs = planned
        jobs = mine + theirs
        split = [metrics for facets, metrics in jobs if facets == groups[0]]
        assert len(split) == 2 and all(split) and not set(split[0]) & set(split[1])  # its metrics in two halves
        assert sorted((facets[0].partner or "", metrics) for facets, metrics in jobs if facets != groups[0]) == [("van-son", None), ("yunnan", None)]
    finally:
        app.close()


def test_the_facets_a_query_asks_for_at_once_are_made_as_one_piece_of_work(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``state`` asks for one facet per relationship: never made, they are made together and stored as one process makes them."""
    facets = [Facet(partner=partner) for partner in ("yunnan", "van-son", "guangxi", "ha-giang")]
    app = open_store(store)
    try:
        model = ReadModel(app)
        alone = {facet: sorted(made[1]) for facet, made in totals.facets_rows(model, facets)}
        calls = _started(monkeypatch)
        monkeypatch.setattr(shares, "APART_FROM", 0)
        totals.read_many(model, facets, 20241231)
        assert calls == ["running totals"]
        columns = COLUMNS["totals"]
        for facet in facets:
            stored = model.rows(f"SELECT {', '.join(columns)} FROM {{t:totals}} WHERE facet = ?", [facet.name])
            assert sorted(tuple(row[column] for column in columns) for row in stored) == alone[facet]
        assert any(alone.values())
    finally:
        app.close()


def test_state_makes_every_facet_it_reads_in_one_piece_of_work(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each relationship's running totals, everything's and by year: asked for at once, everything's two
    from one pass (one group), and nothing made again for the answer; a second ``state`` makes none."""
    made: list[list[Facet]] = []
    real = totals._remake

    def remade(model: ReadModel, facets: Any, positions: Any, tables: Any = None) -> None:
        made.append(list(facets))
        real(model, facets, positions, tables)

    monkeypatch.setattr(totals, "_remake", remade)
    app = open_store(store)
    try:
        model = ReadModel(app)
        first = answers.state(model, Axes(date(2021, 12, 31)))
        asked = [facet for facets in made for facet in facets]
        assert [facets for facets in made if facets] == [asked]
        assert {Facet(), Facet(by="year")} < set(asked)
        assert any({Facet(), Facet(by="year")} <= set(group) for group in totals_rows.groups_of(model, asked))
        assert {relation.partner for relation in first.relationships} == {facet.partner for facet in asked} - {None}
        made.clear()
        assert answers.state(model, Axes(date(2021, 12, 31))) == first
        assert not any(made)
    finally:
        app.close()


def test_a_family_is_split_over_every_metric_of_the_store_and_made_whole(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The work is weighed from the kept entry counts (no scan per family): a family split by metric is
    split over every metric of the store, those it lacks included, and its facets are the rows one makes."""
    app = open_store(store)
    try:
        model = ReadModel(app)
        facet = Facet(partner="van-son", by="kind")
        alone = {f: (made[0], *(sorted(rows) for rows in made[1:])) for f, made in totals.facets_rows(model, [facet])}
        monkeypatch.setattr(shares, "APART_FROM", 0)
        planned = shares.plan(model, [[facet]])
        assert planned is not None
        split = [set(metrics or ()) for _, metrics in planned[0] + planned[1]]
        with model.reads() as read:
            everything, own = set(sizes(read, None)), set(sizes(read, family_in(read).of("van-son")))
        assert len(split) == 2 and not split[0] & split[1] and split[0] | split[1] == everything
        assert own < everything  # the family lacks some of the metrics its jobs were given
        assert {f: (made[0], *(sorted(rows) for rows in made[1:])) for f, made in totals.facets_rows(model, [facet])} == alone
    finally:
        app.close()


def test_the_audit_s_fingerprints_of_running_totals_made_by_two_processes_are_those_of_one_process_s_rows(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # fmt: skip
    """Each job's facets are reduced to their fingerprints where they are made (``facetcheck``): the
    fingerprints two processes send are those of the rows one process makes, and a failed second
    process leaves the rest to this one."""
    key = bytes(range(32))
    app = open_store(store)
    try:
        model = ReadModel(app)
        rows, digests = fingerprints.Sums(key), {}
        for facet, (_, made, keys, clashes) in totals.facets_rows(model, FACETS):
            tables = (("totals", made), ("totals_keys", keys), ("conflicts", totals_rows.merged_clashes(clashes)))
            for table, got in tables:
                rows.fold(table, map(seals.as_stored, got))
            digests[facet.tracking] = sum(seals.row_sum(table, got) for table, got in tables) % seals.MODULUS  # as ``totals._store`` seals them

        def both(sums: Any) -> Any:
            return sums[0].to_plain(), sums[1]

        alone = both(facetcheck.totals_sums(model, FACETS, key))
        assert alone == (rows.to_plain(), digests) and alone[0]["totals"][0] > 0
        calls = _started(monkeypatch)
        monkeypatch.setattr(shares, "APART_FROM", 0)
        assert both(facetcheck.totals_sums(model, FACETS, key)) == alone
        assert calls == [facetcheck.WORK]
        monkeypatch.setattr(beside, "started", lambda work, args: _real_started(work, (*args[:2], [(["not a facet"], None), *args[2]], *args[3:])))
        assert both(facetcheck.totals_sums(model, FACETS, key)) == alone
    finally:
        app.close()


def test_facets_of_several_families_made_from_one_read_are_those_made_a_family_at_a_time(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``totals_rows.groups_of``: the facets of several partners made together, from one read of every
    contribution handed to the families each entry touches, are the rows each partner's facets make
    from its family's contributions alone."""
    app = open_store(store)
    try:
        model = ReadModel(app)
        monkeypatch.setattr(shares, "together", lambda model, partners: True)
        assert len(totals_rows.groups_of(model, FACETS)) == 1
        together = _made(model)
        monkeypatch.setattr(shares, "together", lambda model, partners: False)
        assert len(totals_rows.groups_of(model, FACETS)) == 3
        apart = _made(model)
        assert apart == together and any(made[1] for made in apart.values())
    finally:
        app.close()
