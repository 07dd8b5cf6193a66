"""The long work a query's read model does first is shown as it goes (``ReadModel.working``): a
catch-up of more than a page of the log, the running totals it makes, the segments it explains. The
command line draws these as bars on a terminal (tests/e2e/test_terminal.py); here a recording
``working`` holds what was said, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs
import pytest

from chrono.events.application import Chronicle
from chrono.events.commands import Origin
from chrono.interchange.records import parse_record
from chrono.projections import members, readmodel, totals
from chrono.projections.facets import Facet
from chrono.projections.readmodel import fresh
from chrono.projections.working import Advance
from chrono.store import open_store
from tests.factories import PARTNERS, counted, entry


@attrs.define
class Shown:
    """What a piece of long work said: what it is, how much there was, and each step told."""

    description: str
    total: int | None
    steps: list[int] = attrs.field(factory=list)
    closed: bool = False


@attrs.define
class Recorder:
    """A ``working`` that keeps what it is told instead of drawing it."""

    shown: list[Shown] = attrs.field(factory=list)

    @contextmanager
    def __call__(self, description: str, total: int | None) -> Iterator[Advance]:
        work = Shown(description, total)
        self.shown.append(work)
        yield work.steps.append
        work.closed = True


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Chronicle]:
    url = str(tmp_path / "s.sqlite") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    opened = open_store(url)
    opened.submit([command for record in PARTNERS for command in parse_record(record, Origin("p"))])
    yield opened
    opened.close()


def _write(app: Chronicle, count: int) -> None:
    """``count`` entries written one by one, no read model following them."""
    for n in range(count):
        app.submit(parse_record(entry(f"e-{n}", when=str(1950 + n)), Origin("t")))


def test_a_catch_up_of_more_than_a_page_is_shown_to_its_end(app: Chronicle, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh(app)  # the partners' rows, caught up before the backlog
    _write(app, 11)
    monkeypatch.setattr(readmodel, "PAGE", 4)
    recorder = Recorder()
    model = fresh(app, recorder)
    assert [(work.description, work.total) for work in recorder.shown] == [("catching up the read model", 11)]
    assert recorder.shown[0].steps == [4, 4, 3] and recorder.shown[0].closed
    assert model.position() == app.head_position()


def test_a_catch_up_of_less_than_a_page_is_not_shown(app: Chronicle, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh(app)
    _write(app, 3)
    monkeypatch.setattr(readmodel, "PAGE", 4)
    recorder = Recorder()
    model = fresh(app, recorder)
    assert recorder.shown == []
    assert model.position() == app.head_position()


def test_running_totals_made_are_counted_as_each_is_stored_and_not_when_read(app: Chronicle) -> None:
    app.submit([command for record in counted("work") for command in parse_record(record, Origin("t"))])
    recorder = Recorder()
    model = fresh(app, recorder)
    facets = [Facet(), Facet(by="year"), Facet(partner="van-son")]
    totals.refresh_all(model, facets)
    assert [(work.description, work.total, work.steps, work.closed) for work in recorder.shown] == [("making running totals", 3, [1, 1, 1], True)]
    totals.refresh_all(model, facets)  # made already: read, nothing shown
    assert len(recorder.shown) == 1


def test_explained_segments_are_counted_as_they_are_written(app: Chronicle) -> None:
    app.submit([command for record in counted("work") for command in parse_record(record, Origin("t"))])
    recorder = Recorder()
    model = fresh(app, recorder)
    members.refresh(model, Facet().name, None, "grant_work")
    [work] = recorder.shown
    assert (work.description, work.total, work.closed) == ("explaining grant_work", None, True)
    written = model.rows("SELECT COUNT(*) AS n FROM {t:members}", [])[0]["n"]
    assert sum(work.steps) == written > 0
