"""The store's SQL counters agree with the reference counters, on both backends.

``projections.counters`` is the reference semantics; ``projections.sqlcounters``
answers from the read model's tables. They must agree on the bundled
chronicle and on random chronicles (figures covering entries, conflicting
reports, plans and outcomes, retractions, corrections, every grouping, a
partner filter and a recording time in the past).
"""

from __future__ import annotations

import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pendulum
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from chrono.events.commands import Origin
from chrono.interchange.bundled import import_bundled
from chrono.interchange.records import parse_record
from chrono.projections import counters as reference
from chrono.projections import sqlcounters
from chrono.projections.readmodel import ReadModel, fresh
from chrono.store import open_store
from chrono.when import When
from tests.conftest import POSTGRES_SKIP, POSTGRES_URL
from tests.property.test_counter_properties import ESpec, world

PARTNER_RECORDS = [
    {"type": "partner", "id": "china", "name": {"en": "China"}, "level": "country", "parent": None},
    {"type": "partner", "id": "yunnan", "name": {"en": "Yunnan"}, "level": "province", "parent": "china"},
    {"type": "partner", "id": "van-son", "name": {"en": "Wenshan"}, "level": "prefecture", "parent": "yunnan"},
    {"type": "partner", "id": "guangxi", "name": {"en": "Guangxi"}, "level": "province", "parent": "china"},
    {"type": "partner", "id": "ha-giang", "name": {"en": "Ha Giang"}, "level": "province", "parent": None},
]
DATES = [pendulum.Date(2015, 6, 30), pendulum.Date(2018, 12, 31), pendulum.Date(2021, 1, 1), pendulum.Date(2030, 1, 1)]
ASKED = [(None, None), (None, "year"), ("yunnan", None), ("china", "partner"), (None, "partner"), ("ha-giang", "kind")]


def record(spec: ESpec) -> dict[str, Any]:
    return {
        "type": "entry", "id": spec.slug, "kind": spec.kind, "status": spec.status, "when": spec.when,
        "title": {"en": spec.slug}, "partners": list(spec.partners), "actors": list(spec.actors),
        "quantities": [{"metric": q.metric, "value": str(q.value), "unit": q.unit, "period": q.period} for q in spec.quantities],
        "sources": [{"document": "d", "quote": "q"}],
    }  # fmt: skip


def fill(url: str, specs: list[ESpec], corrected: list[int]) -> tuple[ReadModel, datetime]:
    """A store with the specs recorded, then half of them changed after a moment returned."""
    app = open_store(url)
    commands = [c for r in [*PARTNER_RECORDS, *map(record, specs)] for c in parse_record(r, Origin("t"))]
    app.submit(commands)
    moment = datetime.now(UTC)
    for spec in specs:
        if spec.outcome:
            app.submit(parse_record({"type": "outcome", "id": spec.slug, "outcome": spec.outcome}, Origin("t")))
        if spec.retracted:
            app.retract(spec.slug, "test")
    for index in corrected:
        if index < len(specs):
            spec = specs[index]
            app.correct(spec.slug, {"when": When.parse("2019-05"), "partners": ("van-son",)}, "test", None)
    return fresh(app), moment


def assert_agree(model: ReadModel, known_at: datetime | None) -> None:
    entries, partners = model.entries(known_at), model.partners(known_at)
    for day in DATES:
        for partner, by in ASKED:
            expected = reference.counters(entries, partners, day, partner=partner, by=by)
            assert sqlcounters.counters(model, day, known_at, partner, by) == expected, (day, partner, by)
            numbers = sqlcounters.counters(model, day, known_at, partner, by, ids=False)
            assert [(c.metric, c.unit, c.group, c.definite, c.possible) for c in numbers] == [
                (c.metric, c.unit, c.group, c.definite, c.possible) for c in expected
            ]


def check(url: str, specs: list[ESpec], corrected: list[int]) -> None:
    model, moment = fill(url, specs, corrected)
    assert_agree(model, None)
    assert_agree(model, moment)


def test_the_bundled_chronicle_counts_the_same(store_url: str) -> None:
    app = open_store(store_url)
    import_bundled(app)
    model = fresh(app)
    entries, partners = model.entries(), model.partners()
    for day in ("2016-12-31", "2018-06-30", "2021-12-31", "2030-01-01"):
        as_of = pendulum.Date.fromisoformat(day)
        for partner in (None, "van-son", "yunnan", "ha-giang"):
            for by in (None, "year", "kind", "partner"):
                expected = reference.counters(entries, partners, as_of, partner=partner, by=by)
                assert sqlcounters.counters(model, as_of, None, partner, by) == expected, (day, partner, by)
                numbers = sqlcounters.counters(model, as_of, None, partner, by, ids=False)
                assert [(c.metric, c.unit, c.group, c.definite, c.possible) for c in numbers] == [
                    (c.metric, c.unit, c.group, c.definite, c.possible) for c in expected
                ]


corrections = st.lists(st.integers(0, 10), max_size=3, unique=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world(), corrections)
def test_random_chronicles_count_the_same_on_sqlite(specs: list[ESpec], corrected: list[int]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        check(str(Path(directory) / "s.sqlite"), specs, corrected)


@pytest.mark.postgres
@pytest.mark.skipif(POSTGRES_SKIP is not None, reason=POSTGRES_SKIP or "")
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world(), corrections)
def test_random_chronicles_count_the_same_on_postgres(specs: list[ESpec], corrected: list[int]) -> None:
    schema = f"chrono_sqlc_{uuid.uuid4().hex[:12]}"
    try:
        check(f"{POSTGRES_URL}{'&' if '?' in POSTGRES_URL else '?'}schema={schema}", specs, corrected)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
