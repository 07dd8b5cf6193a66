"""The read model and the queries over it, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pendulum
import pytest

from chrono.interchange.bundled import import_bundled
from chrono.interchange.shapes import entry_json
from chrono.projections import answers
from chrono.projections.queries.filters import Filter
from chrono.projections.readmodel import ReadModel, fresh
from chrono.projections.results import Axes
from chrono.store import open_store
from chrono.when import When


@pytest.fixture
def bundled(store_url: str):
    app = open_store(store_url)
    import_bundled(app)
    return app


def _certainty(app, slug: str, day: str) -> str | None:
    model = fresh(app)
    as_of = pendulum.Date.fromisoformat(day)
    rows = answers.timeline(model, Axes(as_of), Filter(begun_by=as_of.year * 10000 + as_of.month * 100 + as_of.day)).entries
    found = [row.certainty for row in rows if row.entry.slug == slug]
    return found[0] if found else None


def test_thien_bao_twinning_as_of_three_dates(bundled) -> None:
    slug = "2018-thien-bao-commune-twinning"
    assert _certainty(bundled, slug, "2017-12-31") is None
    assert _certainty(bundled, slug, "2018-06-30") == "possible"
    assert _certainty(bundled, slug, "2018-12-31") == "definite"


def test_van_son_history_includes_its_descendants_in_date_order(bundled) -> None:
    model = fresh(bundled)
    axes = Axes(pendulum.Date(2030, 1, 1))
    found = answers.history(model, axes, "van-son")
    slugs = [row.entry.slug for row in found.timeline.entries]
    assert "2018-thien-bao-commune-twinning" in slugs  # Thiên Bảo is under Malipo, under Văn Sơn
    keys = [(row.entry.facts.when.sort_key, row.entry.slug) for row in found.timeline.entries]
    assert keys == sorted(keys)
    exact = answers.history(model, axes, "van-son", exact=True)
    assert "2018-thien-bao-commune-twinning" not in [row.entry.slug for row in exact.timeline.entries]
    assert [p.id for p in found.lineage] == ["china", "yunnan", "van-son"]


def _documents(model: ReadModel, known_at: datetime | None = None) -> dict[str, dict]:
    partners = model.partners(known_at)
    return {e.slug: entry_json(e, partners) for e in model.entries(known_at)}


def test_incremental_catch_up_equals_a_rebuild_and_a_fold(bundled) -> None:
    model = fresh(bundled)
    bundled.correct("2018-thien-bao-commune-twinning", {"when": When.parse("2018-05")}, "test", None)
    bundled.retract("2021-border-districts-twinning-plan", "test")
    assert model.catch_up() == 2
    incremental = _documents(model)
    assert model.rebuild() == bundled.head_position()
    assert _documents(model) == incremental
    state = bundled.snapshot()
    folded = {slug: entry_json(entry, state.partners) for slug, entry in state.entries.items()}
    assert folded == incremental
    assert incremental["2018-thien-bao-commune-twinning"]["when"]["edtf"] == "2018-05"
    assert incremental["2021-border-districts-twinning-plan"]["retracted"] is True


def test_known_at_shows_what_the_records_said_then(bundled) -> None:
    model = fresh(bundled)
    before = datetime.now(UTC)
    bundled.correct("2018-thien-bao-commune-twinning", {"when": When.parse("2018-05")}, "test", None)
    model.catch_up()
    then = {e.slug: e for e in model.entries(before)}
    now = {e.slug: e for e in model.entries()}
    assert then["2018-thien-bao-commune-twinning"].facts.when.edtf == "2018"
    assert now["2018-thien-bao-commune-twinning"].facts.when.edtf == "2018-05"
    assert model.entries(datetime(2000, 1, 1, tzinfo=UTC)) == []


def test_partner_filter_uses_the_revision_links(bundled) -> None:
    model = fresh(bundled)
    slugs = {e.slug for e in model.entries(partners={"thien-bao"})}
    assert "2018-thien-bao-commune-twinning" in slugs
    assert all("thien-bao" in {*e.facts.partners, *e.facts.actors} for e in model.entries(partners={"thien-bao"}))


def test_two_readers_catch_up_to_the_same_state(store_url: str) -> None:
    app = open_store(store_url)
    import_bundled(app)
    first, second = ReadModel(app), ReadModel(open_store(store_url))
    first.catch_up()
    second.catch_up()
    assert first.position() == second.position() == app.head_position()
    assert _documents(first) == _documents(second)
