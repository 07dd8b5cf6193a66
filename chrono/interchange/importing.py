"""Importing files: one transaction, all their records or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from chrono.collector import cycles_collected_after
from chrono.errors import Problem, Rejected
from chrono.events.application import Chronicle, Report
from chrono.events.commands import Command, Origin
from chrono.interchange.eventlog import checked_events, stored_event
from chrono.interchange.fields import RecordProblems
from chrono.interchange.reading import Record, stream_file, stream_records
from chrono.interchange.records import parse_record

File = Path | tuple[bytes, str]  # a file to read as it goes, or a file's bytes and name


def commands(records: Iterable[Record]) -> list[Command]:
    """Parse every record; raise ``Rejected`` with all their problems."""
    parsed: list[Command] = []
    problems: list[Problem] = []
    for data, origin in records:
        _parse_into(parsed, problems, data, origin)
    if problems:
        raise Rejected(problems)
    return parsed


def _parse_into(parsed: list[Command], problems: list[Problem], data: Any, origin: Origin) -> None:
    try:
        parsed.extend(parse_record(data, origin))
    except RecordProblems as error:
        problems.extend(error.problems)


def import_files(app: Chronicle, files: Iterable[File], progress: Callable[[str, int, int], None] | None = None) -> Report:
    """Import files as one transaction: all their records, or nothing.

    A full-fidelity event export (records of type ``event``) goes into an
    empty store as it was stored, so that its hash chain is the same.
    ``progress`` hears ``(stage, done, total)`` as the work goes: stages
    ``read`` (files), ``parse`` (records) and ``save`` (one transaction).
    """
    with cycles_collected_after():
        return _import_files(app, list(files), progress or _silent)


def _records(file: File) -> Iterator[Record]:
    if isinstance(file, Path):
        return stream_file(file)
    return stream_records(*file)


def _import_files(app: Chronicle, chosen: list[File], step: Callable[[str, int, int], None]) -> Report:
    events: list[Record] = []
    parsed: list[Command] = []
    problems: list[Problem] = []
    others = 0
    # Each record is parsed as it is read (see stream_records); a file that
    # cannot be read is rejected whatever problems the records before it had.
    for done, file in enumerate(chosen):
        step("read", done, len(chosen))
        for record, origin in _records(file):
            if isinstance(record, dict) and record.get("type") == "event":
                events.append((record, origin))
            else:
                others += 1
                _parse_into(parsed, problems, record, origin)
    step("parse", len(events) + others, len(events) + others)
    if events:
        if others:
            raise Rejected([Problem(events[0][1].file, 0, "type", "an event log cannot be mixed with other records")])
        stored = checked_events(app, [(stored_event(data, origin), origin) for data, origin in events])
        step("save", 0, 1)
        return app.load_stored(stored)
    if problems:
        raise Rejected(problems)
    step("save", 0, 1)
    return app.submit(parsed)


def _silent(stage: str, done: int, total: int) -> None:
    """No one is listening to the import's progress."""
