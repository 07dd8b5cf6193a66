"""The command handlers behind ``chrono.cli``: call the application, render.

Each ``cmd_*`` takes the parsed arguments and returns the exit code.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.console import Console

from chrono.errors import Rejected
from chrono.events.application import Chronicle, Report
from chrono.events.records import Origin, RecordProblems, parse_changes, parse_quantity_text, parse_record, source_from_record
from chrono.render import shapes, tables
from chrono.store import open_store
from chrono.timeaxes import parse_known_at

COMMAND_LINE = Origin("command line")


def console() -> Console:
    return Console(highlight=False)


def err(message: str) -> None:
    print(f"chrono: {message}", file=sys.stderr)


def _open(args: argparse.Namespace) -> Chronicle:
    return open_store(args.store, notice=err)


def _print_json(data: Any) -> None:
    sys.stdout.write(shapes.dumps(data) + "\n")


def _report(report: Report) -> int:
    if report.recorded:
        err(f"recorded {len(report.recorded)}, already there {len(report.unchanged)}; head at position {report.position}")
    else:
        err(f"nothing new: all {len(report.unchanged)} record(s) were already recorded; head at position {report.position}")
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    from chrono.projections.memory import TimelineQuery, timeline

    app = _open(args)
    state = app.snapshot(parse_known_at(args.known_at))
    query = TimelineQuery.from_args(args, state.partners)
    entries = timeline(state, query)
    if args.format == "json":
        _print_json({"as_of": None, "known_at": args.known_at, "entries": [shapes.entry_json(e, state.partners) for e in entries]})
    else:
        console().print(tables.timeline_table(entries, state.partners, args.lang))
    return 0


def cmd_partners(args: argparse.Namespace) -> int:
    state = _open(args).snapshot()
    if args.format == "json":
        _print_json({"partners": [p.to_json() for p in state.partners.values()]})
    else:
        console().print(tables.partner_tree(state.partners, args.lang))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    app = _open(args)
    known_at = parse_known_at(args.known_at)
    entry = app.entry(args.id, known_at)
    state = app.snapshot()
    revisions = [event for event in app.revisions(args.id) if known_at is None or event.timestamp <= known_at]
    if args.format == "json":
        data = shapes.entry_json(entry, state.partners)
        data["revisions"] = [tables.revision_json(event) for event in revisions]
        _print_json(data)
    else:
        console().print(tables.entry_panel(entry, revisions, state.partners, args.lang))
    return 0


def _commands_from(record: dict[str, Any]) -> list[Any]:
    try:
        return parse_record(record, COMMAND_LINE)
    except RecordProblems as error:
        raise Rejected(error.problems) from None


def cmd_record(args: argparse.Namespace) -> int:
    source = {"document": args.source, "quote": args.quote, "publisher": args.publisher, "published": args.published}
    record = {
        "type": "entry", "id": args.id, "kind": args.kind, "status": args.status, "when": args.when,
        "title": {"en": args.title, "vi": args.title_vi}, "partners": args.partner, "actors": args.actor,
        "quantities": [parse_quantity_text(text) for text in args.quantity],
        "sources": [source], "codes": {"cameo": args.cameo} if args.cameo else {}, "note": args.note,
    }  # fmt: skip
    commands = _commands_from(record)
    return _report(_open(args).submit(commands))


def cmd_import(args: argparse.Namespace) -> int:
    from chrono.importing import import_files

    files = []
    for path in args.files:
        try:
            files.append((path.read_bytes(), str(path)))
        except OSError as error:
            raise Rejected([_file_problem(str(path), error.strerror or str(error))]) from None
    return _report(import_files(_open(args), files))


def _file_problem(name: str, message: str) -> Any:
    from chrono.errors import Problem

    return Problem(name, 0, "", message)


def cmd_correct(args: argparse.Namespace) -> int:
    app = _open(args)
    entry = app.entry(args.id)
    try:
        changes = parse_changes(entry.kind, entry.facts, args.changes, COMMAND_LINE)
    except RecordProblems as error:
        raise Rejected(error.problems) from None
    source = None
    if args.source or args.quote:
        try:
            source = source_from_record({"document": args.source, "quote": args.quote}, COMMAND_LINE)
        except RecordProblems as error:
            raise Rejected(error.problems) from None
    return _report(app.correct(args.id, changes, args.reason, source))


def cmd_retract(args: argparse.Namespace) -> int:
    return _report(_open(args).retract(args.id, args.reason))


def cmd_log(args: argparse.Namespace) -> int:
    app = _open(args)
    events = list(app.domain_events(parse_known_at(args.known_at)))
    if args.format == "json":
        _print_json({"events": [tables.log_json(position, event) for position, event in events]})
    else:
        console().print(tables.log_table(events, args.lang))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    app = _open(args)
    out = sys.stdout
    if args.format == "events":
        for notification in app.stored_notifications():
            out.write(shapes.dumps(shapes.stored_event_json(notification)) + "\n")
        return 0
    state = app.snapshot()
    for partner in state.partners.values():
        out.write(shapes.dumps(shapes.partner_json(partner)) + "\n")
    for entry in sorted(state.entries.values(), key=lambda e: (e.facts.when.sort_key, e.slug)):
        if not entry.retracted:
            out.write(shapes.dumps(shapes.entry_json(entry, state.partners)) + "\n")
    return 0
