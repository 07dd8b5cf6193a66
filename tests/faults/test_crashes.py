"""Crashes: a process killed with SIGKILL at any moment leaves nothing half-done.

An import is one transaction: killed at a random moment it has written all
of the file or none of it, and running it again completes it. A rebuild of
the read model is cut off in the middle of its catch-up: the next catch-up
resumes from the tracked position and ends where a clean rebuild ends.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from chrono.interchange.importing import commands
from chrono.interchange.reading import read_records
from chrono.projections.audit import audit
from chrono.projections.readmodel import ReadModel, fresh
from chrono.store import open_store
from chrono.when import When
from tests.factories import PARTNERS, jsonl
from tests.faults.helpers import chrono, chrono_popen, postgres_schema, records, write_jsonl

ENTRIES = 8_000
SEED = random.randrange(1_000_000)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("crash") / "big.jsonl", records(ENTRIES))


@pytest.fixture(scope="module")
def import_seconds(big: Path, tmp_path_factory: pytest.TempPathFactory) -> float:
    """How long a whole import of ``big`` takes here, start to exit."""
    store = str(tmp_path_factory.mktemp("calibrate") / "s.sqlite")
    seed(store)
    started = time.monotonic()
    result = chrono("--store", store, "import", str(big))
    assert result.returncode == 0, result.stderr
    return time.monotonic() - started


def seed(store: str) -> None:
    app = open_store(store)
    try:
        app.submit(commands(read_records(jsonl(PARTNERS), "partners.jsonl")))
    finally:
        app.close()


def kill_after(args: list[str], delay: float) -> int:
    """Start ``chrono ARGS``, SIGKILL it after ``delay`` seconds; its exit code."""
    process = chrono_popen(*args)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    return process.returncode


def state(store: str) -> tuple[int, int, bool]:
    """The log's length, how many entries the read model shows, the audit's verdict.

    (The length is counted: PostgreSQL's notification ids have gaps where a
    killed transaction had drawn them.)
    """
    app = open_store(store)
    try:
        model = fresh(app)
        return sum(1 for _ in app.stored_notifications()), len(model.entries()), audit(app).ok
    finally:
        app.close()


@pytest.mark.slow
@pytest.mark.parametrize("fraction", [0.2, 0.55, 0.9])
def test_an_import_killed_at_any_moment_wrote_all_or_nothing(big: Path, import_seconds: float, tmp_path: Path, fraction: float) -> None:
    # The moments spread over the whole run (start-up, reading, the save,
    # the read model's catch-up), jittered by a seed printed on failure.
    delay = import_seconds * fraction * random.Random(SEED + int(fraction * 100)).uniform(0.8, 1.2)
    store = str(tmp_path / "s.sqlite")
    seed(store)
    code = kill_after(["--store", store, "import", str(big)], delay)
    events, shown, ok = state(store)
    assert events in (len(PARTNERS), len(PARTNERS) + ENTRIES), f"half an import: {events} events (seed {SEED}, exit {code})"
    assert ok and shown == events - len(PARTNERS)
    again = chrono("--store", store, "import", str(big))
    assert again.returncode == 0, again.stderr
    assert state(store) == (len(PARTNERS) + ENTRIES, ENTRIES, True)


@pytest.mark.slow
@pytest.mark.postgres
def test_an_import_killed_on_postgres_wrote_all_or_nothing(big: Path, import_seconds: float) -> None:
    with postgres_schema() as url:
        seed(url)
        kill_after(["--store", url, "import", str(big)], import_seconds * random.Random(SEED).uniform(0.3, 0.7))
        events, shown, ok = state(url)
        assert events in (len(PARTNERS), len(PARTNERS) + ENTRIES), f"half an import: {events} events (seed {SEED})"
        assert ok and shown == events - len(PARTNERS)
        assert chrono("--store", url, "import", str(big)).returncode == 0
        assert state(url) == (len(PARTNERS) + ENTRIES, ENTRIES, True)


@pytest.fixture(scope="module")
def corrected_store(big: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store with ``big`` imported and some of it corrected and retracted."""
    store = str(tmp_path_factory.mktemp("rebuild") / "s.sqlite")
    seed(store)
    assert chrono("--store", store, "import", str(big)).returncode == 0
    app = open_store(store)
    try:
        for n in range(0, ENTRIES, 400):
            app.correct(f"e-{n}", {"when": When.parse("2001-05")}, "crash test", None)
        for n in range(7, ENTRIES, 900):
            app.retract(f"e-{n}", "crash test")
    finally:
        app.close()
    return store


def tracked(store: str) -> int | None:
    """The read model's tracked position, read without taking a lock."""
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=0.05) as connection:
            row = connection.execute("SELECT position FROM chrono_tracking").fetchone()
    except sqlite3.Error:
        return None
    return int(row[0]) if row else None


def snapshot(model: ReadModel) -> tuple[Any, ...]:
    entries = sorted((e.slug, e.version, e.facts.when.edtf, e.retracted) for e in model.entries())
    # the entry counts too: a rebuild writes them once, at its end, so one killed before has them made from the rows
    counts = sorted(tuple(row) for row in model.rows("SELECT scope, side, kind, status, retracted, year, n FROM {t:tallies} WHERE n <> 0", []))
    return model.head(), list(model.links()), entries, sorted(model.partners()), counts


def kill_mid_rebuild(store: str, head: int) -> int:
    """Kill ``chrono rebuild`` once it has tracked part, not all, of the log."""
    process = chrono_popen("--store", store, "rebuild", "--force")
    position = None
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        position = tracked(store)
        if position is not None and 0 < position < head:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    process.communicate()
    return position or 0


@pytest.mark.slow
def test_a_rebuild_killed_mid_catch_up_resumes_to_the_same_read_model(corrected_store: str) -> None:
    app = open_store(corrected_store)
    head = app.head_position()
    app.close()
    position = kill_mid_rebuild(corrected_store, head)
    if not 0 < position < head:
        pytest.fail(f"the rebuild was not caught mid-way (tracked {position} of {head}): make the store larger")
    app = open_store(corrected_store)
    try:
        model = ReadModel(app)
        assert model.position() == position  # where the killed process left it
        model.catch_up()
        resumed = snapshot(model)
        assert audit(app).ok
        model.rebuild()
        assert snapshot(model) == resumed
    finally:
        app.close()


class _Stopped(Exception):
    """Raised from a rebuild's progress callback: the rebuild stops there, as a killed one does."""


def test_a_rebuild_stopped_after_its_first_page_resumes_to_the_same_counts(sqlite_url: str) -> None:
    from chrono.events.commands import Origin
    from chrono.interchange.records import parse_record
    from chrono.projections.readmodel import PAGE
    from tests.factories import PARTNERS, entry

    app = open_store(sqlite_url)
    try:
        records = [*PARTNERS, *(entry(f"e-{n}", when=str(1950 + n % 70)) for n in range(PAGE + 500))]
        app.submit([c for record in records for c in parse_record(record, Origin("t"))])
        model = ReadModel(app)
        model.catch_up()
        whole = snapshot(model)

        def stop(done: int) -> None:
            raise _Stopped

        with pytest.raises(_Stopped):
            model.rebuild(stop)
        resumed = ReadModel(app)
        assert 0 < resumed.position() < app.head_position()
        resumed.catch_up()
        assert snapshot(resumed) == whole
    finally:
        app.close()
