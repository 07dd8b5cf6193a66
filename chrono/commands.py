"""The command handlers behind ``chrono.cli``: call the application, render.

Each ``cmd_*`` takes the parsed arguments and returns the exit code.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from chrono.errors import Rejected
from chrono.render import shapes
from chrono.store import open_store
from chrono.timeaxes import parse_as_of, parse_known_at

if TYPE_CHECKING:
    from rich.console import Console

    from chrono.events.application import Chronicle, Report
    from chrono.events.records import Origin

# Each command imports what it uses when it runs: the command line's cold
# start (DESIGN.md section 9) pays only for the command asked. The parsing of
# records, for one, is for the commands that write.


def _command_line_origin() -> Origin:
    """Where a record typed on the command line comes from, for its problems."""
    from chrono.events.records import Origin

    return Origin("command line")


def console() -> Console:
    from chrono.render.safe import safe_console
    from chrono.render.theme import CHRONO_THEME

    # Data is shown as text: no Rich markup, no terminal escapes (render.safe).
    return safe_console(theme=CHRONO_THEME)


def err(message: str) -> None:
    print(f"chrono: {message}", file=sys.stderr)


def _open(args: argparse.Namespace) -> Chronicle:
    return open_store(args.store, notice=err)


def _print_json(data: Any) -> None:
    sys.stdout.write(shapes.dumps(data) + "\n")


def _show(args: argparse.Namespace, renderable: Any) -> None:
    """Print a view; with ``--svg FILE`` also save it as a picture."""
    from chrono.render.output import show

    show(renderable, getattr(args, "svg", None), title=_command_line(args))


def _command_line(args: argparse.Namespace) -> str:
    """The command as typed, without ``--svg FILE``: the title of its picture."""
    import shlex

    words = list(getattr(args, "argv", None) or [args.command])
    kept = [w for i, w in enumerate(words) if not w.startswith("--svg") and not (i and words[i - 1] == "--svg")]
    return "chrono " + shlex.join(kept)


def _rows_out(args: argparse.Namespace, title: str, columns: Any, rows: Any, meta: Any = ()) -> None:
    """A tabular view as ``--format csv`` or ``md``."""
    from chrono.render.output import write_table

    write_table(args.format, title, meta, columns, rows)


def _meta(reading: Reading) -> list[str]:
    """The time axes of a query, for the line under a Markdown report's title."""
    meta = [f"as of {reading.as_of.isoformat()}"]
    if reading.known_at is not None:
        meta.append(f"known at {reading.known_at.isoformat()}")
    return meta


def _report(app: Chronicle, report: Report) -> int:
    from chrono.projections.readmodel import ReadModel
    from chrono.render.progress import progress

    model = ReadModel(app)
    with progress("updating the read model", max(0, app.head_position() - model.position())) as tracker:
        model.catch_up(tracker)
    head = model.head()
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
    from chrono.render.timeline import grouping, paginate

    found = timeline(reading.entries(query.partners), query, reading.as_of, strict=reading.as_of_text is not None)
    rows, page = paginate(found, args.page, args.limit)
    if args.format == "json":
        paging = {"page": {"number": page.number, "size": page.size, "total": page.total}} if page else {}
        _print_json({**reading.header(), **paging, "entries": [_dated_json(d, reading.partners) for d in rows]})
    elif args.format in ("csv", "md"):
        from chrono.render.timeline import TIMELINE_COLUMNS, timeline_rows

        _rows_out(args, "Timeline", TIMELINE_COLUMNS, timeline_rows(rows, reading.partners, args.lang), _meta(reading))
    else:
        from chrono.render.timeline import TimelineView

        by = grouping([d.entry.facts.when for d in found])
        _show(args, TimelineView(rows, reading.partners, args.lang, as_of=reading.as_of, known_at=reading.known_at, page=page, by=by))
    return 0


def cmd_partners(args: argparse.Namespace) -> int:
    reading = Reading(args)
    if args.format == "json":
        _print_json({"partners": [p.to_json() for p in reading.partners.values()]})
    elif args.format in ("csv", "md"):
        from chrono.render.partner import PARTNER_COLUMNS, partner_rows

        _rows_out(args, "Partners", PARTNER_COLUMNS, partner_rows(reading.partners))
    else:
        from chrono.render.partner import PartnerTreeView

        _show(args, PartnerTreeView(reading.partners, args.lang))
    return 0


def cmd_partner(args: argparse.Namespace) -> int:
    from chrono.projections.hierarchy import descendants, find_partner
    from chrono.projections.views import history

    reading = Reading(args)
    partner = find_partner(args.partner, reading.partners)
    ids = {partner.id} if args.exact else descendants(partner.id, reading.partners)
    found = history(partner.id, reading.entries(ids), reading.partners, reading.as_of, exact=args.exact,
                    strict=reading.as_of_text is not None)  # fmt: skip
    from chrono.render.timeline import paginate

    rows, page = paginate(found.entries, args.page, args.limit)
    if args.format == "json":
        first, latest = found.first_contact, found.latest_contact
        _print_json({
            "partner": partner.to_json(), **reading.header(),
            "lineage": [p.id for p in found.lineage],
            "first_contact": shapes.entry_brief(first) if first else None,
            "latest_contact": shapes.entry_brief(latest) if latest else None,
            "state": found.state, "counts": found.counts,
            "entries": [_dated_json(d, reading.partners) for d in rows],
        })  # fmt: skip
    elif args.format in ("csv", "md"):
        from chrono.render.timeline import TIMELINE_COLUMNS, timeline_rows

        title = f"{partner.name.get(args.lang)} ({partner.id})"
        _rows_out(args, title, TIMELINE_COLUMNS, timeline_rows(rows, reading.partners, args.lang), _meta(reading))
    else:
        from chrono.render.partner import PartnerHistoryView

        view = PartnerHistoryView(found, reading.partners, args.lang, as_of=reading.as_of, known_at=reading.known_at, rows=rows, page=page)
        _show(args, view)
    return 0


def _counter_partner(args: argparse.Namespace, reading: Reading) -> str | None:
    from chrono.projections.hierarchy import find_partner

    return find_partner(args.partner, reading.partners).id if args.partner else None


def cmd_counters(args: argparse.Namespace) -> int:
    from chrono.projections.sqlcounters import counters

    reading = Reading(args)
    partner = _counter_partner(args, reading)
    # From the store's tables, the same answers as projections.counters over every entry.
    # The grouped table shows no entry ids, so it is answered without listing them
    # (from the running totals, a few lookups once the question has been asked).
    listed = not (args.by and args.format == "table")
    rows = counters(reading.model, reading.as_of, reading.known_at, partner, args.by, ids=listed)
    if args.format == "json":
        _print_json({**reading.header(), "counters": [row.to_json() for row in rows]})
    elif args.format in ("csv", "md"):
        from chrono.render.counters import COUNTER_COLUMNS, counter_rows

        _rows_out(args, "Counters", COUNTER_COLUMNS, counter_rows(rows), _meta(reading))
    else:
        from chrono.render.counters import CountersView

        _show(args, CountersView(rows, reading.partners, args.lang, by=args.by, as_of=reading.as_of, known_at=reading.known_at, partner=partner))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from chrono.projections.counters import explain
    from chrono.render.entry import revision_json

    reading = Reading(args)
    partner = _counter_partner(args, reading)
    entries = reading.entries()
    explanation = explain(entries, reading.partners, reading.as_of, args.metric, partner=partner)
    by_id = {entry.slug: entry for entry in entries}
    data = {**reading.header(), **explanation.to_json()}
    data["entries"] = {
        slug: {
            **shapes.entry_json(by_id[slug], reading.partners),
            "corrections": [revision_json(e) for e in reading.app.revisions(slug) if type(e).__name__ == "Corrected"
                            and (reading.known_at is None or e.timestamp <= reading.known_at)],
        }
        for slug in explanation.entry_ids()
    }  # fmt: skip
    if args.format == "json":
        _print_json(data)
    elif args.format in ("csv", "md"):
        from chrono.render.counters import EXPLAIN_COLUMNS, explain_rows

        _rows_out(args, f"Behind {args.metric}", EXPLAIN_COLUMNS, explain_rows(data), _meta(reading))
    else:
        from chrono.render.counters import ExplainView

        _show(args, ExplainView(data, reading.partners, args.lang, known_at=reading.known_at))
    return 0


def cmd_state(args: argparse.Namespace) -> int:
    from chrono.projections.counters import counters
    from chrono.projections.memory import TimelineQuery
    from chrono.projections.views import activity, history, overdue, timeline

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
        "latest": [_dated_json(d, reading.partners) for d in dated[-args.latest :]],
        "overdue": [shapes.entry_brief(e) for e in entries if not e.retracted and overdue(e, reading.as_of)],
        "activity": activity(dated).to_json(),
    }
    if args.format == "json":
        _print_json(data)
    elif args.format == "md":
        from chrono.render.state import state_markdown

        sys.stdout.write(state_markdown(data, reading.partners, args.lang))
    else:
        from chrono.render.state import StateView

        _show(args, StateView(data, reading.partners, args.lang, known_at=reading.known_at))
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    from chrono.projections.readmodel import ReadModel
    from chrono.render.progress import progress

    app = _open(args)
    with progress("rebuilding the read model", app.head_position()) as tracker:
        done = ReadModel(app).rebuild(tracker)
    err(f"rebuilt the read model from {done} events; head at position {app.head_position()}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    app = _open(args)
    known_at = parse_known_at(args.known_at)
    entry = app.entry(args.id, known_at)
    state = app.snapshot()
    revisions = [event for event in app.revisions(args.id) if known_at is None or event.timestamp <= known_at]
    if args.format == "json":
        from chrono.render.entry import revision_json

        data = shapes.entry_json(entry, state.partners)
        data["revisions"] = [revision_json(event) for event in revisions]
        _print_json(data)
    elif args.format == "md":
        from chrono.render.exporters import entry_report

        sys.stdout.write(entry_report(entry, revisions, state.partners, args.lang))
    else:
        from chrono.render.entry import entry_panel

        _show(args, entry_panel(entry, revisions, state.partners, args.lang))
    return 0


def _commands_from(record: dict[str, Any]) -> list[Any]:
    from chrono.events.records import RecordProblems, parse_record

    try:
        return parse_record(record, _command_line_origin())
    except RecordProblems as error:
        raise Rejected(error.problems) from None


def cmd_record(args: argparse.Namespace) -> int:
    from chrono.events.records import parse_quantity_text

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
    from chrono.render.progress import progress

    app = _open(args)
    with progress("importing") as tracker:
        report = import_files(app, files, progress=tracker.step)
    return _report(app, report)


def _file_problem(name: str, message: str) -> Any:
    from chrono.errors import Problem

    return Problem(name, 0, "", message)


def cmd_correct(args: argparse.Namespace) -> int:
    from chrono.events.records import RecordProblems, parse_changes, source_from_record

    app = _open(args)
    entry = app.entry(args.id)
    try:
        changes = parse_changes(entry.kind, entry.facts, args.changes, _command_line_origin())
    except RecordProblems as error:
        raise Rejected(error.problems) from None
    source = None
    if args.source or args.quote:
        try:
            source = source_from_record({"document": args.source, "quote": args.quote}, _command_line_origin())
        except RecordProblems as error:
            raise Rejected(error.problems) from None
    return _report(app, app.correct(args.id, changes, args.reason, source))


def cmd_retract(args: argparse.Namespace) -> int:
    app = _open(args)
    return _report(app, app.retract(args.id, args.reason))


def cmd_update_chronicle(args: argparse.Namespace) -> int:
    from chrono.bundled import update
    from chrono.render.update import UpdateView

    app = _open(args)
    result = update(app, dry_run=args.dry_run)
    if args.format == "json":
        _print_json(result.to_json())
    else:
        _show(args, UpdateView(result, args.lang))
    return 0 if result.report is None else _report(app, result.report)


def cmd_log(args: argparse.Namespace) -> int:
    app = _open(args)
    events = list(app.domain_events(parse_known_at(args.known_at)))
    if args.format == "json":
        from chrono.render.entry import log_json, subjects

        names = subjects(events)
        _print_json({"events": [log_json(position, event, names) for position, event in events]})
    elif args.format in ("csv", "md"):
        from chrono.render.entry import LOG_COLUMNS, log_rows

        _rows_out(args, "Event log", LOG_COLUMNS, log_rows(events))
    else:
        from chrono.render.entry import log_table

        _show(args, log_table(events, args.lang))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    app = _open(args)
    out = sys.stdout
    if args.format == "events":
        for notification in app.stored_notifications():
            out.write(shapes.dumps(shapes.stored_event_json(notification)) + "\n")
        return 0
    state = app.snapshot()
    entries = [e for e in sorted(state.entries.values(), key=lambda e: (e.facts.when.sort_key, e.slug)) if not e.retracted]
    if args.format in ("csv", "md"):
        from chrono.render import exporters

        if args.format == "csv":
            exporters.chronicle_csv(entries, out)
        else:
            out.write(exporters.chronicle_markdown(entries, state.partners, args.lang))
        return 0
    for partner in state.partners.values():
        out.write(shapes.dumps(shapes.partner_json(partner)) + "\n")
    for entry in entries:
        out.write(shapes.dumps(shapes.entry_json(entry, state.partners)) + "\n")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from chrono.projections.audit import audit
    from chrono.projections.chain import Digest

    try:
        expect = Digest.parse(args.expect) if args.expect else None
    except ValueError as error:
        raise Rejected([_file_problem("--expect", str(error))]) from None
    from chrono.render.progress import progress

    app = _open(args)
    with progress("auditing", 4) as tracker:
        report = audit(app, expect, progress=lambda stage: tracker.step(stage, AUDIT_STAGES.index(stage), len(AUDIT_STAGES)))
    if args.format == "json":
        _print_json(report.to_json())
    elif args.format in ("csv", "md"):
        from chrono.render.audit import AUDIT_COLUMNS, audit_rows

        verdict = f"{'passed' if report.ok else 'FAILED'}; head {report.head} after {report.events} events"
        _rows_out(args, "Audit", AUDIT_COLUMNS, audit_rows(report), [verdict])
    else:
        from chrono.render.audit import audit_view

        _show(args, audit_view(report, args.lang))
    return 0 if report.ok else 1


AUDIT_STAGES = ("chain", "decode", "projections", "chronicle")


def cmd_replay(args: argparse.Namespace) -> int:
    from chrono.projections.replay import replay
    from chrono.render.progress import progress

    app = _open(args)
    steps = replay(app.domain_events(parse_known_at(args.known_at)), until=args.until)
    if args.step:
        from chrono.render.audit import replay_line
        from chrono.render.output import make_console

        out = make_console()
        for step in steps:
            out.print(replay_line(step))
            input()
        return 0
    walked = []
    with progress("replaying the log", min(app.head_position(), args.until or app.head_position())) as tracker:
        for step in steps:
            walked.append(step)
            tracker(1)
    if args.format == "json":
        _print_json({"steps": [step.to_json() for step in walked]})
    elif args.format in ("csv", "md"):
        from chrono.render.audit import REPLAY_COLUMNS, replay_rows

        _rows_out(args, "Replay", REPLAY_COLUMNS, replay_rows(walked))
    else:
        from chrono.render.audit import ReplayView

        _show(args, ReplayView(walked, args.lang))
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
    elif args.format in ("csv", "md"):
        from chrono.render.audit import DIFF_COLUMNS, diff_rows

        _rows_out(args, "Changes", DIFF_COLUMNS, diff_rows(changes), [f"from {since.isoformat()} to {until.isoformat()}"])
    else:
        from chrono.render.audit import DiffView

        _show(args, DiffView(changes, since, until, args.lang))
    return 0
