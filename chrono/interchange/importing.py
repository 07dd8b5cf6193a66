"""Importing files: one transaction, all their records or nothing."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from chrono.collector import cycles_collected_after
from chrono.errors import Problem, Rejected
from chrono.events.application import Chronicle, Report
from chrono.events.commands import Command, Origin
from chrono.events.writing import CHUNK, Writing
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

    Records are read, parsed and saved a chunk at a time (JSON Lines and CSV
    files are read as they go), so that memory holds one chunk, whatever the
    size of the files. A full-fidelity event export (records of type
    ``event``) goes into an empty store as it was stored, so that its hash
    chain is the same. ``progress`` hears ``(stage, done, total)``: stages
    ``read`` (files), ``save`` (records so far; total 0 when unknown) and
    ``finish`` (the deferred indexes, the entry counts and the commit).
    """
    with cycles_collected_after():
        return _import_files(app, list(files), progress or _silent)


def _records(file: File) -> Iterator[Record]:
    if isinstance(file, Path):
        return stream_file(file)
    return stream_records(*file)


def _all_records(chosen: list[File], step: Callable[[str, int, int], None]) -> Iterator[Record]:
    for done, file in enumerate(chosen):
        step("read", done, len(chosen))
        yield from _records(file)


def _is_event(record: Any) -> bool:
    return isinstance(record, dict) and record.get("type") == "event"


def _import_files(app: Chronicle, chosen: list[File], step: Callable[[str, int, int], None]) -> Report:
    records = _all_records(chosen, step)
    first = next(records, None)
    if first is None:
        return app.submit([])
    if _is_event(first[0]):
        return _import_log(app, [first, *records])
    with app.writing() as session:
        problems = _save_records(session, itertools.chain([first], records), step)
        if problems:  # a record that cannot be read or parsed: the store's checks are not shown
            raise Rejected(problems)
        step("finish", 0, 0)  # the deferred indexes, the entry counts and the commit
        session.finish()
    return Report(tuple(session.recorded), tuple(session.unchanged), app.head_position())


def _save_records(session: Writing, records: Iterator[Record], step: Callable[[str, int, int], None]) -> list[Problem]:
    """Parse and save ``records`` a chunk at a time; the problems of parsing them (saving stops at the first)."""
    chunk: list[Command] = []
    problems: list[Problem] = []
    step("save", 0, 0)
    for done, (record, origin) in enumerate(records, start=1):
        if _is_event(record):
            raise Rejected([_mixed(origin)])
        _parse_into(chunk, problems, record, origin)
        if len(chunk) >= CHUNK:
            if not problems:
                session.add(chunk)
            chunk = []
            step("save", done, 0)
    if not problems:
        session.add(chunk)
    return problems


def _import_log(app: Chronicle, events: list[Record]) -> Report:
    """A full-fidelity event export, whole, into an empty store."""
    for record, origin in events:
        if not _is_event(record):
            raise Rejected([_mixed(origin)])
    stored = checked_events(app, [(stored_event(data, origin), origin) for data, origin in events])
    return app.load_stored(stored)


def _mixed(origin: Origin) -> Problem:
    return Problem(origin.file, 0, "type", "an event log cannot be mixed with other records")


def _silent(stage: str, done: int, total: int) -> None:
    """No one is listening to the import's progress."""
