"""Running totals moved by a change equal running totals made again in full.

A stateful test against a plain model: the totals of several facets
(everything, a partner's family, groupings) are made once, then the
chronicle changes one command at a time (entries recorded, corrected,
retracted; figures reported or corrected; partners registered). After each
change the totals are moved where they can be (only happenings changed)
and made again where they cannot, and must answer as
the reference counters do and hold the same running totals as a full pass.
"""

from __future__ import annotations

import tempfile
import uuid
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pendulum
import psycopg
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from psycopg import sql

from chrono.events.commands import Origin
from chrono.interchange.records import parse_record
from chrono.projections import counters as reference
from chrono.projections import running, totals, totals_moved
from chrono.projections.readmodel import NAME, TOTALS, ReadModel, fresh
from chrono.projections.running import EVERYTHING, Facet
from chrono.projections.schema import COLUMNS
from chrono.store import open_store
from chrono.when import When
from tests.conftest import POSTGRES_SKIP, POSTGRES_URL
from tests.property.test_counter_properties import ESpec, QSpec, edtf, entry_spec, values, world
from tests.property.test_sql_counters import DATES, PARTNER_RECORDS, record

FACETS = [Facet(), Facet("yunnan"), Facet(None, "year"), Facet("china", "partner"), Facet("ha-giang", "kind"), Facet(None, "partner")]


def positions(model: ReadModel) -> dict[str, int]:
    return {str(row["name"]): int(row["position"]) for row in model.rows("SELECT name, position FROM {t:tracking}", [])}


def running_totals(rows: list[Any]) -> dict[tuple[str, ...], dict[int, tuple[Decimal, int]]]:
    """Each axis's running totals, as day -> (total, count)."""
    out: dict[tuple[str, ...], dict[int, tuple[Decimal, int]]] = defaultdict(dict)
    for facet, group, metric, unit, axis, day, total, count in rows:
        out[(str(facet), str(group), str(metric), str(unit), str(axis))][int(day)] = (Decimal(str(total)), int(count))
    return out


def at(series: dict[int, tuple[Decimal, int]], day: int) -> tuple[Decimal, int]:
    """The running total on ``day``: that of the last step on or before it."""
    earlier = [d for d in series if d <= day]
    return series[max(earlier)] if earlier else (Decimal(0), 0)


def same_functions(moved: dict[Any, dict[int, Any]], pending: dict[Any, dict[int, Any]], made: dict[Any, dict[int, Any]]) -> None:
    """Running totals plus pending steps hold the same total on every day as those made in full."""
    for key in {*moved, *pending, *made}:
        steps = pending.get(key, {})
        for day in {*moved.get(key, {}), *steps, *made.get(key, {})}:
            total, count = at(moved.get(key, {}), day)
            for step_day, (value, number) in steps.items():
                if step_day <= day:
                    total, count = total + value, count + number
            assert (total, count) == at(made.get(key, {}), day), (key, day)


class MovingTotals(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.app = open_store(self.open())
        self.happenings: list[str] = []
        self.figures: list[str] = []
        self.count = 0
        self.partners = ["china", "yunnan", "van-son", "guangxi"]
        self.movable = True  # whether only happenings changed since the totals were last made or moved
        self.model: ReadModel

    def open(self) -> str:
        self.directory = tempfile.TemporaryDirectory()
        return str(Path(self.directory.name) / "s.sqlite")

    def teardown(self) -> None:
        self._restore()
        self.app.close()
        self.directory.cleanup()

    def _restore(self) -> None:
        if hasattr(self, "fold"):
            totals_moved.FOLD, totals_moved.PERIODS = self.fold, self.periods

    def _submit(self, *records: dict[str, Any]) -> None:
        self.app.submit([c for r in records for c in parse_record(r, Origin("t"))])

    def _note(self, spec: ESpec) -> None:
        (self.figures if spec.kind == "FigureReported" else self.happenings).append(spec.slug)
        self.movable = self.movable and spec.kind != "FigureReported"

    @initialize(specs=world(), fold=st.sampled_from([0, 4, totals_moved.FOLD]), periods=st.sampled_from([0, totals_moved.PERIODS]))
    def fill(self, specs: list[ESpec], fold: int, periods: int) -> None:
        # Pending steps are folded into the running totals beyond ``FOLD`` of them: at once, soon, or not in this run.
        self.fold, totals_moved.FOLD = totals_moved.FOLD, fold
        # The figures that could cover the moved rows: asked per period, or as one range holding them all.
        self.periods, totals_moved.PERIODS = totals_moved.PERIODS, periods
        self._submit(*PARTNER_RECORDS, *map(record, [s._replace(outcome=None, retracted=False) for s in specs]))
        for spec in specs:
            (self.figures if spec.kind == "FigureReported" else self.happenings).append(spec.slug)
        self.model = fresh(self.app)
        for facet in FACETS:
            totals.refresh(self.model, facet)

    @rule(data=st.data())
    def record_one(self, data: st.DataObject) -> None:
        self.count += 1
        spec = data.draw(entry_spec(100 + self.count))
        self._submit(record(spec._replace(outcome=None, retracted=False)))
        self._note(spec)

    @precondition(lambda self: self.happenings)
    @rule(index=st.integers(0, 99), when=edtf(), partners=st.lists(st.integers(0, 99), max_size=2, unique=True))
    def correct_a_happening(self, index: int, when: str, partners: list[int]) -> None:
        slug = self.happenings[index % len(self.happenings)]
        ids = tuple(dict.fromkeys(self.partners[i % len(self.partners)] for i in partners))
        self.app.correct(slug, {"when": When.parse(when), "partners": ids}, "test", None)

    @precondition(lambda self: self.happenings)
    @rule(index=st.integers(0, 99))
    def retract_a_happening(self, index: int) -> None:
        self.app.retract(self.happenings[index % len(self.happenings)], "test")

    @precondition(lambda self: self.figures)
    @rule(index=st.integers(0, 99), value=values)
    def correct_a_figure(self, index: int, value: Decimal) -> None:
        slug = self.figures[index % len(self.figures)]
        entry = next(e for e in self.app.snapshot().entries.values() if e.slug == slug)
        quantities = tuple(q.__class__(q.metric, value, q.unit, period=q.period) for q in entry.facts.quantities)
        self.app.correct(slug, {"quantities": quantities}, "test", None)
        self.movable = False

    @rule(parent=st.sampled_from(["china", "yunnan", "van-son", "guangxi"]))
    def register_a_partner(self, parent: str) -> None:
        # Partners are only ever registered, so existing closures only grow by partners nothing names yet.
        pid = f"county-{len(self.partners)}"
        self._submit({"type": "partner", "id": pid, "name": {"en": pid}, "level": "county", "parent": parent})
        self.partners.append(pid)

    @invariant()
    def totals_answer_as_a_full_pass(self) -> None:
        if not hasattr(self, "model"):
            return
        self.model.catch_up()
        entries, partners = self.model.entries(), self.model.partners()
        for facet in FACETS:
            seen = positions(self.model)
            if facet.tracking in seen and seen[facet.tracking] != seen[NAME]:
                assert totals_moved.move(self.model, facet, seen[facet.tracking], seen[NAME]) is self.movable, facet
            totals.refresh(self.model, facet)  # made in full where they were not moved
            assert positions(self.model)[facet.tracking] == seen[NAME]
            _, made = totals._made(self.model, facet)
            moved, pending = (
                running_totals([tuple(row[c] for c in COLUMNS["totals"]) for row in self.model.rows("SELECT * FROM {t:totals} WHERE facet = ?", [name])])
                for name in (facet.name, running.pending(facet.name))
            )
            same_functions(moved, {(facet.name, *key[1:]): steps for key, steps in pending.items()}, running_totals(made))
            # Each key keeps its last running total (an as-of date after it needs no seek); pending-only keys none yet.
            stored = self.model.rows("SELECT * FROM {t:totals} WHERE facet = ?", [facet.name])
            finals = self.model.rows("SELECT * FROM {t:totals_keys} WHERE facet = ? AND last_day IS NOT NULL", [facet.name])
            assert sorted(tuple(row[c] for c in COLUMNS["totals_keys"]) for row in finals) == running.finals(
                tuple(row[c] for c in COLUMNS["totals"]) for row in stored
            )
            for day in DATES:
                expected = reference.counters(entries, partners, day, partner=facet.partner, by=facet.by)
                got = totals.counters(self.model, day, facet.partner, facet.by)
                assert [(c.metric, c.unit, c.group, c.definite, c.possible) for c in got] == [
                    (c.metric, c.unit, c.group, c.definite, c.possible) for c in expected
                ], (facet, day)
        self.movable = True  # (and a correction that changes nothing records no event)


MovingTotals.TestCase.settings = settings(max_examples=25, stateful_step_count=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
test_moved_totals_equal_a_full_pass = MovingTotals.TestCase


class MovingTotalsOnPostgres(MovingTotals):
    def open(self) -> str:
        self.schema = f"chrono_moved_{uuid.uuid4().hex[:12]}"
        return f"{POSTGRES_URL}{'&' if '?' in POSTGRES_URL else '?'}schema={self.schema}"

    def teardown(self) -> None:
        self._restore()
        self.app.close()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(self.schema)))


MovingTotalsOnPostgres.TestCase.settings = settings(max_examples=8, stateful_step_count=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
test_moved_totals_equal_a_full_pass_on_postgres = pytest.mark.postgres(
    pytest.mark.skipif(POSTGRES_SKIP is not None, reason=POSTGRES_SKIP or "")(MovingTotalsOnPostgres.TestCase)
)


def test_corrections_and_new_partners_move_the_totals_and_a_figure_makes_them_again(store_url: str) -> None:
    app = open_store(store_url)
    spec = ESpec("e1", "AgreementSigned", "2016-05", ("yunnan",), (), (), "happened", None, False)
    app.submit([c for r in [*PARTNER_RECORDS, record(spec)] for c in parse_record(r, Origin("t"))])
    model = fresh(app)
    as_of = pendulum.Date(2021, 12, 31)
    assert [c.definite for c in totals.counters(model, as_of)] == [1]
    app.correct("e1", {"when": When.parse("2022-01")}, "later than we thought", None)
    model.catch_up()
    seen = positions(model)
    assert totals_moved.move(model, EVERYTHING, seen[TOTALS], seen[NAME])
    assert [(c.definite, c.possible) for c in totals.counters(model, as_of)] == []
    assert [(c.definite, c.possible) for c in totals.counters(model, pendulum.Date(2022, 1, 31))] == [(1, 0)]
    app.submit(parse_record({"type": "partner", "id": "lao-cai", "name": {"en": "Lao Cai"}, "level": "province"}, Origin("t")))
    model.catch_up()
    seen = positions(model)
    assert totals_moved.move(model, EVERYTHING, seen[TOTALS], seen[NAME])  # a new partner changes no one's closure
    figure = ESpec("f1", "FigureReported", "2015/2022", (), (), (QSpec("agreements", "agreement", Decimal(4), None),), "happened", None, False)
    app.submit(parse_record(record(figure), Origin("t")))
    model.catch_up()
    seen = positions(model)
    assert not totals_moved.move(model, EVERYTHING, seen[TOTALS], seen[NAME])  # a figure changes what others' days are
    assert [(c.definite, c.possible) for c in totals.counters(model, pendulum.Date(2023, 1, 31))] == [(4, 0)]  # e1 covered


def test_only_the_most_recently_moved_facets_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(totals, "MAX_FACETS", 2)
    app = open_store(str(tmp_path / "s.sqlite"))
    spec = ESpec("e1", "AgreementSigned", "2016-05", ("van-son",), ("ha-giang",), (), "happened", None, False)
    app.submit([c for r in [*PARTNER_RECORDS, record(spec)] for c in parse_record(r, Origin("t"))])
    model = fresh(app)
    as_of = pendulum.Date(2021, 12, 31)
    for partner in ("yunnan", "china", "van-son"):
        assert [(c.partner, c.definite) for c in totals.counters(model, as_of, partner)] == [(partner, 1)]
    kept = {name.removeprefix(f"{TOTALS}/") for name in positions(model) if name.startswith(f"{TOTALS}/")}
    assert len(kept) == 2 and "partner=van-son" in kept  # the one made last, and one of the two before (same position)
    stored = {row["facet"] for row in model.rows("SELECT DISTINCT facet FROM {t:totals}", [])}
    assert stored == kept
    assert [(c.partner, c.definite) for c in totals.counters(model, as_of, "guangxi")] == []


@pytest.mark.parametrize("periods", [0, totals_moved.PERIODS])
@pytest.mark.parametrize(
    ("moved_to", "covered"), [("2018-12", True), ("2018", True), ("2015", True), ("2019-01", False), ("../2018-06", False), ("2014-12", False)]
)
def test_a_moved_entry_is_covered_by_a_figure_whose_period_holds_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, periods: int, moved_to: str, covered: bool
) -> None:
    # The edges of "holds": the same end day, the same start day, the month
    # after its end, an open start (held only by a figure with one) and the
    # month before its start.
    monkeypatch.setattr(totals_moved, "PERIODS", periods)
    app = open_store(str(tmp_path / "s.sqlite"))
    happening = ESpec("e1", "AgreementSigned", "2010-05", ("yunnan",), (), (), "happened", None, False)
    figure = ESpec("f1", "FigureReported", "2015/2018", (), (), (QSpec("agreements", "agreement", Decimal(4), None),), "happened", None, False)
    app.submit([c for r in [*PARTNER_RECORDS, record(happening), record(figure)] for c in parse_record(r, Origin("t"))])
    model = fresh(app)
    later = pendulum.Date(2030, 1, 1)
    assert [c.definite for c in totals.counters(model, later)] == [5]  # e1 (2010) lies outside the figure's period
    app.correct("e1", {"when": When.parse(moved_to)}, "redated", None)
    model.catch_up()
    seen = positions(model)
    assert totals_moved.move(model, EVERYTHING, seen[TOTALS], seen[NAME])
    assert [c.definite for c in totals.counters(model, later)] == [4 if covered else 5]
    assert [c.definite for c in reference.counters(model.entries(), model.partners(), later)] == [4 if covered else 5]
