"""Query commands: what the store says, as of a date and as known at a time."""

from __future__ import annotations

import argparse
from typing import Any

from chrono.cli import choices
from chrono.cli.filters import timeline_filter
from chrono.cli.present import Rows, present
from chrono.cli.reading import Reading
from chrono.interchange import shapes


def _timeline_rows(title: str, rows: Any, reading: Reading, lang: str) -> Rows:
    from chrono.render.timeline import TIMELINE_COLUMNS, timeline_rows

    return Rows(title, TIMELINE_COLUMNS, timeline_rows(rows, reading.partners, lang), reading.meta())


def cmd_timeline(args: argparse.Namespace) -> int:
    from chrono.projections import answers

    reading = Reading(args)
    flt = timeline_filter(args, reading.partners, reading.as_of if reading.as_of_text is not None else None)
    found = answers.timeline(reading.model, reading.axes, flt, page=args.page, limit=args.limit, stream=True)
    if not isinstance(found.entries, tuple):  # every entry asked for: written as they are read
        from chrono.cli.streams import stream_timeline

        stream_timeline(args, found)
        return 0

    def view() -> Any:
        from chrono.render.timeline import TimelineView

        return TimelineView(found.entries, reading.partners, args.lang, as_of=reading.as_of, known_at=reading.known_at, page=found.page,
                            by=found.by, total=found.total, ids=args.ids)  # fmt: skip

    present(args, json=found.to_json, view=view, rows=lambda: _timeline_rows("Timeline", found.entries, reading, args.lang))
    return 0


def cmd_partners(args: argparse.Namespace) -> int:
    reading = Reading(args)

    def rows() -> Rows:
        from chrono.render.partner import PARTNER_COLUMNS, partner_rows

        return Rows("Partners", PARTNER_COLUMNS, partner_rows(reading.partners))

    def view() -> Any:
        from chrono.render.partner import PartnerTreeView

        return PartnerTreeView(reading.partners, args.lang)

    present(args, json=lambda: {"partners": [p.to_json() for p in reading.partners.values()]}, view=view, rows=rows)
    return 0


def cmd_partner(args: argparse.Namespace) -> int:
    from chrono.projections import answers
    from chrono.projections.hierarchy import find_partner

    reading = Reading(args)
    partner = find_partner(args.partner, reading.partners)
    found = answers.history(reading.model, reading.axes, partner.id, exact=args.exact, strict=reading.as_of_text is not None,
                            page=args.page, limit=args.limit, stream=True)  # fmt: skip
    if not isinstance(found.timeline.entries, tuple):  # every entry asked for: written as they are read
        from chrono.cli.streams import stream_timeline
        from chrono.render.partner import PartnerHistoryView

        stream_timeline(args, found.timeline, head=found.head_json(), before=PartnerHistoryView(found, args.lang, timeline=False))
        return 0

    def view() -> Any:
        from chrono.render.partner import PartnerHistoryView

        return PartnerHistoryView(found, args.lang)

    title = f"{partner.name.get(args.lang)} ({partner.id})"
    present(args, json=found.to_json, view=view, rows=lambda: _timeline_rows(title, found.timeline.entries, reading, args.lang))
    return 0


def _counter_partner(args: argparse.Namespace, reading: Reading) -> str | None:
    from chrono.projections.hierarchy import find_partner

    # ``--partner ""`` is a partner asked for that matches none, not no partner asked for.
    return find_partner(args.partner, reading.partners).id if args.partner is not None else None


def cmd_counters(args: argparse.Namespace) -> int:
    from chrono.projections import answers

    reading = Reading(args)
    partner = _counter_partner(args, reading)
    found = answers.counters(reading.model, reading.axes, partner, args.by, ids=args.ids, limit=args.limit or None)

    def rows() -> Rows:
        from chrono.render.counters import COUNTER_COLUMNS, counter_rows

        return Rows("Counters", COUNTER_COLUMNS, counter_rows(found), reading.meta())

    def view() -> Any:
        from chrono.render.counters import CountersView

        return CountersView(found, reading.partners, args.lang)

    present(args, json=found.to_json, view=view, rows=rows)
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from chrono.projections import answers

    reading = Reading(args)
    partner = _counter_partner(args, reading)
    found = answers.explain(reading.model, reading.axes, args.metric, partner, page=args.page or 1, size=args.limit or answers.LIST_LIMIT)
    choices.metric(reading.model, args.metric, found)

    def rows() -> Rows:
        from chrono.render.counters import EXPLAIN_COLUMNS, explain_rows

        return Rows(f"Behind {args.metric}", EXPLAIN_COLUMNS, explain_rows(found), reading.meta())

    def view() -> Any:
        from chrono.render.counters import ExplainView

        return ExplainView(found, args.lang)

    present(args, json=found.to_json, view=view, rows=rows)
    return 0


def cmd_state(args: argparse.Namespace) -> int:
    from chrono.projections import answers

    reading = Reading(args)
    found = answers.state(reading.model, reading.axes, latest=args.latest)

    def markdown() -> str:
        from chrono.render.state import state_markdown

        return state_markdown(found, args.lang)

    def view() -> Any:
        from chrono.render.state import StateView

        return StateView(found, args.lang)

    present(args, json=found.to_json, view=view, markdown=markdown)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    reading = Reading(args)
    app, known_at = reading.app, reading.known_at
    entry = app.entry(args.id, known_at)
    revisions = [event for event in app.revisions(args.id) if known_at is None or event.timestamp <= known_at]

    def json() -> Any:
        from chrono.render.entry import revision_json

        return {**shapes.entry_json(entry, reading.partners), "revisions": [revision_json(event) for event in revisions]}

    def markdown() -> str:
        from chrono.render.report import entry_report

        return entry_report(entry, revisions, reading.partners, args.lang)

    def view() -> Any:
        from chrono.render.entry import entry_panel

        return entry_panel(entry, revisions, reading.partners, args.lang)

    present(args, json=json, view=view, markdown=markdown)
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    from chrono.projections import answers

    reading = Reading(args)
    found = answers.log(reading.model, reading.known_at, page=args.page, limit=args.limit)
    if not args.page and not args.limit:  # every event: streamed, never held whole
        from chrono.cli.streams import stream_log

        stream_log(args, found)
        return 0

    def json() -> Any:
        from chrono.render.entry import log_json

        return {"total": found.total, "page": found.page.to_json() if found.page else None,
                "events": [log_json(position, event, found.names) for position, event in found.events]}  # fmt: skip

    def rows() -> Rows:
        from chrono.render.entry import LOG_COLUMNS, log_rows

        return Rows("Event log", LOG_COLUMNS, log_rows(found.events, found.names, args.lang))

    def view() -> Any:
        from chrono.render.entry import log_table

        return log_table(found.events, args.lang, found.names, found.page)

    present(args, json=json, view=view, rows=rows)
    return 0
