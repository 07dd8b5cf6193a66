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
from chrono.events.records import (
    Origin,
    RecordProblems,
    parse_changes,
    parse_quantity_text,
    parse_record,
    source_from_record,
)
from chrono.render import shapes, tables
from chrono.store import open_store
from chrono.timeaxes import parse_as_of, parse_known_at

COMMAND_LINE = Origin("command line")


def console() -> Console:
    from chrono.render.theme import CHRONO_THEME

    return Console(highlight=False, theme=CHRONO_THEME)


def err(message: str) -> None:
    print(f"chrono: {message}", file=sys.stderr)


def _open(args: argparse.Namespace) -> Chronicle:
    return open_store(args.store, notice=err)


def _print_json(data: Any) -> None:
    sys.stdout.write(shapes.dumps(data) + "\n")


def _report(app: Chronicle, report: Report) -> int:
    from chrono.projections.readmodel import fresh

    head = fresh(app).head()
    if report.recorded:
        err(f"recorded {len(report.recorded)}, already there {len(report.unchanged)}")
    else:
        err(f"nothing new: all {len(report.unchanged)} record(s) were already recorded")
    err(f"head {head}")
    return 0


class Reading:
    """What a query command reads: the store's read model at the asked times."""

    def __init__(self, args: argparse.Namespace) -> None:
        from chrono.projections.readmodel import fresh

        self.app = _open(args)
        self.model = fresh(self.app)
        self.known_at = parse_known_at(getattr(args, "known_at", None))
        self.as_of_text = getattr(args, "as_of", None)
        self.as_of = parse_as_of(self.as_of_text)
        self.partners = self.model.partners(self.known_at)

    def entries(self, partner_ids: Any = None) -> list[Any]:
        return self.model.entries(self.known_at, partner_ids)

    def header(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "known_at": self.known_at.isoformat() if self.known_at else None}


def _dated_json(dated: Any, partners: Any) -> dict[str, Any]:
    return {**shapes.entry_json(dated.entry, partners), "certainty": dated.certainty}


def cmd_timeline(args: argparse.Namespace) -> int:
    from chrono.projections.memory import TimelineQuery
    from chrono.projections.views import timeline

    reading = Reading(args)
    query = TimelineQuery.from_args(args, reading.partners)
    rows = timeline(reading.entries(query.partners), query, reading.as_of, strict=reading.as_of_text is not None)
    if args.limit:
        rows = rows[: args.limit]
    if args.format == "json":
        _print_json({**reading.header(), "entries": [_dated_json(d, reading.partners) for d in rows]})
    else:
        console().print(tables.timeline_table(rows, reading.partners, args.lang))
    return 0


def cmd_partners(args: argparse.Namespace) -> int:
    reading = Reading(args)
    if args.format == "json":
        _print_json({"partners": [p.to_json() for p in reading.partners.values()]})
    else:
        console().print(tables.partner_tree(reading.partners, args.lang))
    return 0


def cmd_partner(args: argparse.Namespace) -> int:
    from chrono.projections.hierarchy import descendants, find_partner
    from chrono.projections.views import history

    reading = Reading(args)
    partner = find_partner(args.partner, reading.partners)
    ids = {partner.id} if args.exact else descendants(partner.id, reading.partners)
    found = history(partner.id, reading.entries(ids), reading.partners, reading.as_of, exact=args.exact,
                    strict=reading.as_of_text is not None)  # fmt: skip
    if args.format == "json":
        first, latest = found.first_contact, found.latest_contact
        _print_json({
            "partner": partner.to_json(), **reading.header(),
            "lineage": [p.id for p in found.lineage],
            "first_contact": shapes.entry_brief(first) if first else None,
            "latest_contact": shapes.entry_brief(latest) if latest else None,
            "state": found.state, "counts": found.counts,
            "entries": [_dated_json(d, reading.partners) for d in found.entries],
        })  # fmt: skip
    else:
        console().print(tables.history_view(found, reading.partners, args.lang))
    return 0


def _counter_partner(args: argparse.Namespace, reading: Reading) -> str | None:
    from chrono.projections.hierarchy import find_partner

    return find_partner(args.partner, reading.partners).id if args.partner else None


def cmd_counters(args: argparse.Namespace) -> int:
    from chrono.projections.counters import counters

    reading = Reading(args)
    partner = _counter_partner(args, reading)
    rows = counters(reading.entries(), reading.partners, reading.as_of, partner=partner, by=args.by)
    if args.format == "json":
        _print_json({**reading.header(), "counters": [row.to_json() for row in rows]})
    else:
        console().print(tables.counters_table(rows, reading.partners, args.lang))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from chrono.projections.counters import explain

    reading = Reading(args)
    partner = _counter_partner(args, reading)
    entries = reading.entries()
    explanation = explain(entries, reading.partners, reading.as_of, args.metric, partner=partner)
    by_id = {entry.slug: entry for entry in entries}
    data = {**reading.header(), **explanation.to_json()}
    data["entries"] = {
        slug: {
            **shapes.entry_json(by_id[slug], reading.partners),
            "corrections": [tables.revision_json(e) for e in reading.app.revisions(slug) if type(e).__name__ == "Corrected"
                            and (reading.known_at is None or e.timestamp <= reading.known_at)],
        }
        for slug in explanation.entry_ids()
    }  # fmt: skip
    if args.format == "json":
        _print_json(data)
    else:
        console().print(tables.explain_view(data, args.lang))
    return 0


def cmd_state(args: argparse.Namespace) -> int:
    from chrono.projections.counters import counters
    from chrono.projections.memory import TimelineQuery
    from chrono.projections.views import history, overdue, timeline

    reading = Reading(args)
    entries = reading.entries()
    dated = timeline(entries, TimelineQuery(), reading.as_of, strict=True)
    top = [p for p in reading.partners.values() if p.country != "VN" and p.parent is None]
    relationships = {}
    for partner in sorted(top, key=lambda p: p.id):
        found = history(partner.id, entries, reading.partners, reading.as_of, strict=True)
        if found.entries:
            relationships[partner.id] = {**found.state, "counts": found.counts}
    data = {
        **reading.header(),
        "relationships": relationships,
        "counters": [c.to_json() for c in counters(entries, reading.partners, reading.as_of)],
        "latest": [_dated_json(d, reading.partners) for d in dated[-args.latest:]],
        "overdue": [shapes.entry_brief(e) for e in entries if not e.retracted and overdue(e, reading.as_of)],
    }
    if args.format == "json":
        _print_json(data)
    else:
        console().print(tables.state_view(data, reading.partners, args.lang))
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    from chrono.projections.readmodel import ReadModel

    app = _open(args)
    done = ReadModel(app).rebuild()
    err(f"rebuilt the read model from {done} events; head at position {app.head_position()}")
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
    app = _open(args)
    return _report(app, app.submit(commands))


def cmd_import(args: argparse.Namespace) -> int:
    from chrono.importing import import_files

    files = []
    for path in args.files:
        try:
            files.append((path.read_bytes(), str(path)))
        except OSError as error:
            raise Rejected([_file_problem(str(path), error.strerror or str(error))]) from None
    app = _open(args)
    return _report(app, import_files(app, files))


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
    return _report(app, app.correct(args.id, changes, args.reason, source))


def cmd_retract(args: argparse.Namespace) -> int:
    app = _open(args)
    return _report(app, app.retract(args.id, args.reason))


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


def cmd_audit(args: argparse.Namespace) -> int:
    from chrono.projections.audit import audit
    from chrono.projections.chain import Digest

    try:
        expect = Digest.parse(args.expect) if args.expect else None
    except ValueError as error:
        raise Rejected([_file_problem("--expect", str(error))]) from None
    report = audit(_open(args), expect)
    if args.format == "json":
        _print_json(report.to_json())
    else:
        console().print(tables.audit_view(report))
    return 0 if report.ok else 1


def cmd_replay(args: argparse.Namespace) -> int:
    from chrono.projections.replay import replay

    app = _open(args)
    steps = replay(app.domain_events(parse_known_at(args.known_at)), until=args.until)
    if args.format == "json":
        _print_json({"steps": [step.to_json() for step in steps]})
        return 0
    out = console()
    for step in steps:
        out.print(tables.replay_line(step))
        if args.step:
            input()
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from chrono.projections.replay import diff

    if len(args.known_at) != 2:
        raise Rejected([_file_problem("--known-at", "give --known-at twice: the earlier and the later recording time")])
    since, until = (parse_known_at(text) for text in args.known_at)
    assert since is not None and until is not None
    if since > until:
        since, until = until, since
    changes = diff(_open(args).domain_events(), since, until)
    if args.format == "json":
        _print_json({"from": since.isoformat(), "to": until.isoformat(), "changes": [c.to_json() for c in changes]})
    else:
        console().print(tables.diff_table(changes))
    return 0
