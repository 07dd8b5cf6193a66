"""Several writers and readers at once, in processes of their own, on one store.

Four writer processes record entries of their own, all record the same
shared entries, and all correct those shared entries at the same time (each
to its own date, so that their saves really conflict); two more writers do
the same through ``python -m chrono``. Every round, the four writers also
race on purpose: each reads the same version of one entry, they wait for
each other, and all save a correction; the store must take exactly one.
Three reader processes catch the read model up over and over meanwhile. On
SQLite (one file) and PostgreSQL.

What must hold: no event is lost or doubled (the log holds exactly the
events the writers were told were recorded), every recorded id is there, a
write is either done or refused with a clear message (no traceback, no
other exception), and every reader ends at the same position
with the same read model, which the audit finds equal to a fold of the log.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import traceback
from collections import Counter
from typing import Any

import pendulum
import pytest

from chrono.errors import ChronoError
from chrono.events.commands import Origin
from chrono.interchange.records import parse_record
from chrono.interchange.shapes import entry_json
from chrono.projections import answers
from chrono.projections.audit import audit
from chrono.projections.readmodel import ReadModel, fresh
from chrono.projections.results import Axes
from chrono.store import open_store
from chrono.when import When
from tests.factories import PARTNERS, entry

pytestmark = pytest.mark.slow

WRITERS = 4
CLI_WRITERS = 2
READERS = 3
ROUNDS = 10
SHARED = tuple(f"shared-{n}" for n in range(3))
RACE = "race"
CLEAR = ("run the command again", "locked", "already recorded")


def _commands(record: dict[str, Any]) -> list[Any]:
    return parse_record(record, Origin("worker"))


def writer(url: str, index: int, start: Any, rounds: Any) -> dict[str, Any]:
    """Record, re-record and correct; return what the store said (runs in a child process)."""
    outcome: dict[str, Any] = {"recorded": [], "corrected": Counter(), "refused": [], "failures": [], "lost": 0}
    try:
        app = open_store(url)
        start.wait()
        for n in range(ROUNDS):
            _race(app, index, n, rounds, outcome)
            shared = SHARED[n % len(SHARED)]
            _attempt(outcome, lambda: outcome["recorded"].extend(app.submit(_commands(entry(f"w{index}-{n}", when=f"{2000 + n}"))).recorded))  # noqa: B023
            _attempt(outcome, lambda: outcome["recorded"].extend(app.submit(_commands(entry(shared, when="2019"))).recorded))  # noqa: B023
            when = When.parse(f"20{10 + index}-{1 + n % 9:02d}")
            _attempt(outcome, lambda: outcome["corrected"].update(app.correct(shared, {"when": when}, f"writer {index}", None).recorded))  # noqa: B023
            _attempt(outcome, lambda: ReadModel(app).catch_up())
    except Exception:  # anything escaping _attempt is a failure of the test's own making
        outcome["failures"].append(traceback.format_exc())
    return outcome


def _race(app: Any, index: int, n: int, rounds: Any, outcome: dict[str, Any]) -> None:
    """All writers read the same version of RACE, wait for each other, then save a correction.

    Exactly one save can win; the others must fail on the log's unique key
    (chrono's own writes never race so: each holds the log's write lock from
    its first read to its commit).
    """
    from eventsourcing.persistence import IntegrityError

    raced = app.entry(RACE)
    rounds.wait()
    raced.correct({"when": When.parse(f"20{10 + index}-{1 + n % 9:02d}")}, f"race {n}", None)
    try:
        app.save(raced)
    except IntegrityError:
        outcome["lost"] += 1
    else:
        outcome["corrected"][RACE] += 1
    rounds.wait()


def _attempt(outcome: dict[str, Any], action: Any) -> None:
    try:
        action()
    except ChronoError as error:
        outcome["refused"].append(str(error))
    except Exception:
        outcome["failures"].append(traceback.format_exc())


def cli_writer(url: str, index: int, start: Any) -> dict[str, Any]:
    """The same through the command line: exit 0, or 2 with a one-line reason."""
    outcome: dict[str, Any] = {"recorded": [], "corrected": Counter(), "refused": [], "failures": []}
    start.wait()
    env = {**os.environ, "COLUMNS": "160"}
    for n in range(3):
        slug = f"cli{index}-{n}"
        record = [
            "record", "VisitMade", "--id", slug, "--when", f"2024-0{n + 1}", "--title", "Delegation", "--partner", "van-son",
            "--actor", "ha-giang", "--source", "minutes.txt", "--quote", "Đoàn đại biểu.",
        ]  # fmt: skip
        correct = ["correct", SHARED[n % len(SHARED)], "--set", f"when=203{index}-0{n + 1}", "--reason", f"cli writer {index}"]
        for args, kind in ((record, "record"), (correct, "correct")):
            done = subprocess.run([sys.executable, "-m", "chrono", "--store", url, *args], capture_output=True, text=True, env=env, timeout=120, check=False)
            if done.returncode == 0 and "nothing new" not in done.stderr:
                if kind == "record":
                    outcome["recorded"].append(slug)
                else:
                    outcome["corrected"][args[1]] += 1
            elif done.returncode == 2 and "Traceback" not in done.stderr and done.stderr.strip():
                outcome["refused"].append(done.stderr.strip().splitlines()[-1])
            elif done.returncode != 0:
                outcome["failures"].append(f"exit {done.returncode}: {done.stderr}")
    return outcome


def reader(url: str, done: Any) -> dict[str, Any]:
    """Catch the read model up until the writers are done, then once more; return what it holds."""
    try:
        app = open_store(url)
        rounds = 0
        while not done.is_set() or rounds == 0:
            ReadModel(app).catch_up()
            rounds += 1
        model = fresh(app)
        partners = model.partners()
        counters = answers.counters(model, Axes(pendulum.Date(2030, 1, 1))).counters
        return {
            "position": model.position(), "rounds": rounds, "head": str(model.head()),
            "documents": {e.slug: entry_json(e, partners) for e in model.entries()},
            "counters": [c.to_json() for c in counters], "failures": [],
        }  # fmt: skip
    except Exception:
        return {"failures": [traceback.format_exc()]}


def _prepared(url: str) -> None:
    app = open_store(url)
    app.submit([c for record in PARTNERS for c in _commands(record)])
    app.submit(_commands(entry(RACE)))
    fresh(app)


def _run_all(url: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    context = multiprocessing.get_context("spawn")
    manager = context.Manager()
    done, start, rounds = manager.Event(), manager.Barrier(WRITERS + CLI_WRITERS), manager.Barrier(WRITERS)
    with context.Pool(WRITERS + CLI_WRITERS + READERS) as pool:
        readers = [pool.apply_async(reader, (url, done)) for _ in range(READERS)]
        writers = [pool.apply_async(writer, (url, index, start, rounds)) for index in range(WRITERS)]
        writers += [pool.apply_async(cli_writer, (url, index, start)) for index in range(CLI_WRITERS)]
        written = [result.get(timeout=600) for result in writers]
        done.set()
        read = [result.get(timeout=600) for result in readers]
    return written, read


def test_concurrent_writers_and_readers_agree(store_url: str) -> None:
    _prepared(store_url)
    written, read = _run_all(store_url)

    failures = [f for outcome in [*written, *read] for f in outcome["failures"]]
    assert not failures, failures[0]
    refused = [message for outcome in written for message in outcome["refused"]]
    assert all(any(clear in message for clear in CLEAR) for message in refused), refused
    # Each round of the race, one save won and every other one was refused by the store.
    assert sum(outcome.get("lost", 0) for outcome in written) == ROUNDS * (WRITERS - 1)

    app = open_store(store_url)
    recorded = [slug for outcome in written for slug in outcome["recorded"]]
    corrected: Counter[str] = sum((outcome["corrected"] for outcome in written), Counter())
    assert len(recorded) == len(set(recorded))  # a shared entry is recorded by one writer only
    assert set(SHARED) <= set(recorded)
    events = sum(1 for _ in app.stored_notifications())
    assert corrected[RACE] == ROUNDS
    assert events == len(PARTNERS) + 1 + len(recorded) + sum(corrected.values())  # nothing lost, nothing doubled
    for slug in [*recorded, RACE]:
        assert app.entry(slug).version == 1 + corrected[slug]

    head = app.head_position()
    assert {r["position"] for r in read} == {head}
    assert len({r["head"] for r in read}) == 1
    assert all(r["documents"] == read[0]["documents"] and r["counters"] == read[0]["counters"] for r in read)
    state = app.snapshot()
    assert read[0]["documents"] == {slug: entry_json(e, state.partners) for slug, e in state.entries.items()}
    report = audit(app)
    assert report.ok, report.problems
    assert str(report.head) == read[0]["head"]


def opener(url: str, start: Any) -> str:
    """Open a store that no one has made yet, at the same moment as the others (child process)."""
    try:
        start.wait()
        app = open_store(url)
        try:
            return f"{app.head_position()}"
        finally:
            app.close()
    except Exception as error:  # reported to the test, which names it
        return f"{type(error).__name__}: {error}"


def test_processes_opening_a_new_postgres_store_at_once_all_succeed(postgres_url: str) -> None:
    # eventsourcing's table creation races with itself (CREATE TYPE): the
    # first opens of a new store take turns under an advisory lock.
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Barrier(WRITERS)
        with context.Pool(WRITERS) as pool:
            outcomes = pool.starmap(opener, [(postgres_url, start)] * WRITERS)
    assert outcomes == ["0"] * WRITERS
