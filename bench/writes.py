"""The write side's figures: ``chrono import`` and ``chrono rebuild`` beside their baselines.

- The import is ``chrono import FILE`` of the whole chronicle, one process.
  If it fails (or times out), the failure is recorded and the store is
  filled by ``chrono import`` of pieces of the file, one process each, so
  that the queries can still be measured.
- Its baseline is eventsourcing's own ``Application.save`` of the same
  events: the events the import stored, read back and decoded (untimed),
  saved in batches into a fresh store by a plain eventsourcing application
  that knows chrono's transcodings and nothing else of chrono.
- The rebuild is ``chrono rebuild``, one process; its baseline reads and
  decodes the log alone, in a process of its own (``--child decode``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder

PAGE = 5000


class PlainSave(Application[Any]):
    """eventsourcing alone: chrono's value transcodings, eventsourcing's recorder and ``save``."""

    name = "plainsave"

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        from chrono.events.transcodings import register_transcodings

        super().register_transcodings(transcoder)
        register_transcodings(transcoder)


def plain_env(url: str) -> dict[str, str]:
    """eventsourcing's settings for a fresh store at ``url`` (an SQLite path or a postgresql:// URL with ``schema``)."""
    if not url.startswith("postgresql://"):
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(Path(url).resolve())}
    parts = urlsplit(url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")),
        "POSTGRES_HOST": parts.hostname or "127.0.0.1", "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"), "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_SCHEMA": parse_qs(parts.query)["schema"][0],
    }  # fmt: skip


def stored_events(app: Any) -> Iterator[list[Any]]:
    """The events of chrono's store ``app``, decoded, in pages of the log."""
    start = 1
    while True:
        page = app.recorder.select_notifications(start=start, limit=PAGE)
        if page:
            yield [app.mapper.to_domain_event(notification) for notification in page]
        if len(page) < PAGE:
            return
        start = page[-1].id + 1


def measure_save(source: str, target: str, batch: int) -> dict[str, float]:
    """Save the events of ``source`` into a fresh store at ``target`` with ``Application.save``, ``batch`` events a call."""
    from chrono.store import open_store

    app = PlainSave(env=plain_env(target))
    seconds, events, pending = 0.0, 0, []

    def save(todo: list[Any]) -> float:
        started = time.perf_counter()
        app.save(*todo)
        return time.perf_counter() - started

    source_app = open_store(source)
    for page in stored_events(source_app):
        pending += page
        while len(pending) >= batch:
            seconds += save(pending[:batch])
            events += batch
            pending = pending[batch:]
    if pending:
        seconds += save(pending)
        events += len(pending)
    app.close()
    source_app.close()
    return {"seconds": seconds, "events": events}


def pieces(chronicle: Path, lines: int, workdir: Path) -> Iterator[Path]:
    """The chronicle in files of ``lines`` records each."""
    with chronicle.open("rb") as file:
        number = 0
        while True:
            block = [line for _, line in zip(range(lines), file, strict=False)]
            if not block:
                return
            number += 1
            piece = workdir / f"{chronicle.stem}-part{number}.jsonl"
            piece.write_bytes(b"".join(block))
            yield piece


def count_entries(path: Path) -> int:
    with path.open("rb") as file:
        return sum(1 for line in file if b'"type":"entry"' in line)


def apply_changes(url: str, changes: Path) -> dict[str, float]:
    """The corrections and retractions, one write each, as ``chrono correct`` and ``chrono retract`` make them."""
    from chrono.events.commands import Origin
    from chrono.interchange.changes import parse_changes
    from chrono.store import open_store

    app = open_store(url)
    started = time.perf_counter()
    count = 0
    with changes.open(encoding="utf-8") as file:
        for line in file:
            change = json.loads(line)
            if change["op"] == "retract":
                app.retract(change["id"], change["reason"])
            else:
                entry = app.entry(change["id"])
                assignments = parse_changes(entry.kind, entry.facts, change["set"], Origin("changes"))
                app.correct(change["id"], assignments, change["reason"], None)
            count += 1
    seconds = time.perf_counter() - started
    app.close()
    return {"seconds": seconds, "changes": count}


def parse(path: str) -> dict[str, float]:
    """Read and check the chronicle file alone, as the import does before it saves anything: the
    part of the import its baseline (a save of events already made) does not do; run in a process of its own."""
    from chrono.interchange.reading import stream_file
    from chrono.interchange.records import parse_record

    started = time.perf_counter()
    commands = sum(len(parse_record(record, origin)) for record, origin in stream_file(Path(path)))
    return {"seconds": time.perf_counter() - started, "commands": commands}


def decode(url: str) -> dict[str, float]:
    """Read and decode the whole log (the rebuild's baseline); run in a process of its own."""
    from chrono.store import open_store

    app = open_store(url)
    started = time.perf_counter()
    events = sum(len(page) for page in stored_events(app))
    return {"seconds": time.perf_counter() - started, "events": events}
