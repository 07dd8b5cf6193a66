"""Incremental projections equal a rebuild and a plain fold, on both backends.

The model is written here, independent of the aggregate: a dict of entry id
to (date, title, retracted) updated by the same random commands. Writes are
projected either inline (the read model following the write in its own
transaction, as the command line does) or later by a catch-up, switched at
random: every row the two leave must be the row a rebuild makes. The
catch-up and the rebuild take the log in pages of a few events, so that
what one page leaves to the next (an entry corrected across them) is tested.
"""

from __future__ import annotations

import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from chrono.events.application import Chronicle
from chrono.events.commands import Origin
from chrono.interchange.records import parse_record
from chrono.projections import readmodel
from chrono.projections.readmodel import ReadModel, fresh
from chrono.store import open_store
from chrono.when import When
from tests.conftest import POSTGRES_SKIP, POSTGRES_URL
from tests.factories import PARTNERS, entry

years = st.integers(1950, 2030)
edtf = st.one_of(
    years.map(str),
    st.tuples(years, st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.tuples(years, st.integers(1, 12), st.integers(1, 28)).map(lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"),
    st.tuples(years, st.integers(0, 10)).map(lambda t: f"{t[0]}/{t[0] + t[1]}"),
    years.map(lambda y: f"{y}/.."),
)
slugs = st.sampled_from([f"e-{n}" for n in range(6)])
commands = st.lists(
    st.one_of(
        st.tuples(st.just("record"), slugs, edtf),
        st.tuples(st.just("correct"), slugs, edtf),
        st.tuples(st.just("retract"), slugs, st.just("")),
        st.tuples(st.just("catch_up"), st.just(""), st.just("")),
        st.tuples(st.just("follow"), st.just(""), st.just("")),
        st.tuples(st.just("unfollow"), st.just(""), st.just("")),
    ),
    max_size=15,
)
pages = st.integers(1, 6)  # events per transaction of a catch-up or a rebuild


def run(url: str, steps: list[tuple[str, str, str]], page: int) -> None:
    app = open_store(url)
    try:
        with mock.patch.object(readmodel, "PAGE", page):
            check(app, steps)
    finally:  # a failing example must not keep its connections
        app.close()


def check(app: Chronicle, steps: list[tuple[str, str, str]]) -> None:
    app.submit([c for record in PARTNERS for c in parse_record(record, Origin("p"))])
    model = fresh(app)
    expected: dict[str, tuple[str, bool]] = {}
    stamps: list[tuple[datetime, dict[str, tuple[str, bool]]]] = []
    for action, slug, when in steps:
        if action == "record" and slug not in expected:
            app.submit(parse_record(entry(slug, when=when), Origin("t")))
            expected[slug] = (when, False)
        elif action == "correct" and slug in expected:
            app.correct(slug, {"when": When.parse(when)}, "test", None)
            expected[slug] = (when, expected[slug][1])
        elif action == "retract" and slug in expected:
            app.retract(slug, "test")
            expected[slug] = (expected[slug][0], True)
        elif action == "catch_up":
            model.catch_up()
        elif action in ("follow", "unfollow"):
            app.follow(model if action == "follow" else None)
        stamps.append((datetime.now(UTC), dict(expected)))
    model.catch_up()

    def seen(known_at: datetime | None = None) -> dict[str, tuple[str, bool]]:
        return {e.slug: (e.facts.when.edtf, e.retracted) for e in model.entries(known_at)}

    assert seen() == expected
    assert seen(datetime.now(UTC)) == expected  # known at "now" is the current state
    for moment, then in stamps:
        assert seen(moment) == then
    rows = derived_rows(model)
    model.rebuild()
    assert seen() == expected
    assert derived_rows(model) == rows
    folded = app.snapshot().entries
    assert {s: (e.facts.when.edtf, e.retracted) for s, e in folded.items()} == expected


def derived_rows(model: ReadModel) -> dict[str, list[tuple[str, ...]]]:
    """Every row of the tables each event writes, as sorted text (the chain and the entry counts included)."""
    queries = {table: f"SELECT * FROM {{t:{table}}}" for table in ("revisions", "revision_partners", "partners", "contributions", "chain")}
    queries["tallies"] = "SELECT * FROM {t:tallies} WHERE n <> 0"  # a count gone to 0 is none
    return {table: sorted(tuple(map(str, row.values() if isinstance(row, dict) else row)) for row in model.rows(query, [])) for table, query in queries.items()}


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(commands, pages)
def test_sqlite_projection_equals_rebuild_and_model(steps: list[tuple[str, str, str]], page: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        run(str(Path(directory) / "s.sqlite"), steps, page)


@pytest.mark.postgres
@pytest.mark.skipif(POSTGRES_SKIP is not None, reason=POSTGRES_SKIP or "")
@settings(max_examples=12, suppress_health_check=[HealthCheck.too_slow])
@given(commands, pages)
def test_postgres_projection_equals_rebuild_and_model(steps: list[tuple[str, str, str]], page: int) -> None:
    schema = f"chrono_prop_{uuid.uuid4().hex[:12]}"
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        run(f"{POSTGRES_URL}{separator}schema={schema}", steps, page)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@settings(max_examples=200)
@given(st.lists(edtf, min_size=1, max_size=12), st.integers(1940, 2040), st.integers(0, 30))
def test_certainty_as_of_a_date_only_grows_with_the_date(whens: list[str], year: int, gap: int) -> None:
    from chrono.projections.counting import DEFINITE, FUTURE, certainty, day_key

    early, late = year * 10000 + 630, (year + gap) * 10000 + 630
    for text in whens:
        when = When.parse(text)
        bounds = day_key(when.earliest_key), day_key(when.latest_key)
        before, after = certainty(*bounds, early), certainty(*bounds, late)
        assert before == FUTURE or after != FUTURE
        assert before != DEFINITE or after == DEFINITE
