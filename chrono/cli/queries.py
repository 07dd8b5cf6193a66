"""Query commands: what the store says, as of a date and as known at a time."""

from __future__ import annotations

import argparse
from typing import Any

from chrono.cli.present import Rows, present
from chrono.cli.reading import Reading, open_chronicle
from chrono.render import shapes
from chrono.when.axes import parse_known_at


def _dated_json(dated: Any, partners: Any) -> dict[str, Any]:
    return {**shapes.entry_json(dated.entry, partners), "certainty": dated.certainty}


def _timeline_rows(title: str, rows: Any, reading: Reading, lang: str) -> Rows:
    from chrono.render.timeline import TIMELINE_COLUMNS, timeline_rows

    return Rows(title, TIMELINE_COLUMNS, timeline_rows(rows, reading.partners, lang), reading.meta())


def cmd_timeline(args: argparse.Namespace) -> int:
    from chrono.projections.memory import TimelineQuery
    from chrono.projections.views import timeline
    from chrono.render.timeline import grouping, paginate

    reading = Reading(args)
    query = TimelineQuery.from_args(args, reading.partners)
    found = timeline(reading.entries(query.partners), query, reading.as_of, strict=reading.as_of_text is not None)
    rows, page = paginate(found, args.page, args.limit)

    def json() -> Any:
        paging = {"page": {"number": page.number, "size": page.size, "total": page.total}} if page else {}
        return {**reading.header(), **paging, "entries": [_dated_json(d, reading.partners) for d in rows]}

    def view() -> Any:
        from chrono.render.timeline import TimelineView

        by = grouping([d.entry.facts.when for d in found])
        return TimelineView(rows, reading.partners, args.lang, as_of=reading.as_of, known_at=reading.known_at, page=page, by=by)

    present(args, json=json, view=view, rows=lambda: _timeline_rows("Timeline", rows, reading, args.lang))
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
    from chrono.projections.hierarchy import descendants, find_partner
    from chrono.projections.views import history
    from chrono.render.timeline import paginate

    reading = Reading(args)
    partner = find_partner(args.partner, reading.partners)
    ids = {partner.id} if args.exact else descendants(partner.id, reading.partners)
    found = history(partner.id, reading.entries(ids), reading.partners, reading.as_of, exact=args.exact,
                    strict=reading.as_of_text is not None)  # fmt: skip
    rows, page = paginate(found.entries, args.page, args.limit)

    def json() -> Any:
        first, latest = found.first_contact, found.latest_contact
        return {
            "partner": partner.to_json(), **reading.header(),
            "lineage": [p.id for p in found.lineage],
            "first_contact": shapes.entry_brief(first) if first else None,
            "latest_contact": shapes.entry_brief(latest) if latest else None,
            "state": found.state, "counts": found.counts,
            "entries": [_dated_json(d, reading.partners) for d in rows],
        }  # fmt: skip

    def view() -> Any:
        from chrono.render.partner import PartnerHistoryView

        return PartnerHistoryView(found, reading.partners, args.lang, as_of=reading.as_of, known_at=reading.known_at, rows=rows, page=page)

    title = f"{partner.name.get(args.lang)} ({partner.id})"
    present(args, json=json, view=view, rows=lambda: _timeline_rows(title, rows, reading, args.lang))
    return 0


def _counter_partner(args: argparse.Namespace, reading: Reading) -> str | None:
    from chrono.projections.hierarchy import find_partner

    return find_partner(args.partner, reading.partners).id if args.partner else None


def cmd_counters(args: argparse.Namespace) -> int:
    from chrono.projections.sqlcounters import counters

    reading = Reading(args)
    partner = _counter_partner(args, reading)
    # The grouped table shows no entry ids, so it is answered without listing them.
    listed = not (args.by and args.format == "table")
    found = counters(reading.model, reading.as_of, reading.known_at, partner, args.by, ids=listed)

    def rows() -> Rows:
        from chrono.render.counters import COUNTER_COLUMNS, counter_rows

        return Rows("Counters", COUNTER_COLUMNS, counter_rows(found), reading.meta())

    def view() -> Any:
        from chrono.render.counters import CountersView

        return CountersView(found, reading.partners, args.lang, by=args.by, as_of=reading.as_of, known_at=reading.known_at, partner=partner)

    present(args, json=lambda: {**reading.header(), "counters": [row.to_json() for row in found]}, view=view, rows=rows)
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

    def rows() -> Rows:
        from chrono.render.counters import EXPLAIN_COLUMNS, explain_rows

        return Rows(f"Behind {args.metric}", EXPLAIN_COLUMNS, explain_rows(data), reading.meta())

    def view() -> Any:
        from chrono.render.counters import ExplainView

        return ExplainView(data, reading.partners, args.lang, known_at=reading.known_at)

    present(args, json=lambda: data, view=view, rows=rows)
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

    def markdown() -> str:
        from chrono.render.state import state_markdown

        return state_markdown(data, reading.partners, args.lang)

    def view() -> Any:
        from chrono.render.state import StateView

        return StateView(data, reading.partners, args.lang, known_at=reading.known_at)

    present(args, json=lambda: data, view=view, markdown=markdown)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    app = open_chronicle(args)
    known_at = parse_known_at(args.known_at)
    entry = app.entry(args.id, known_at)
    state = app.snapshot()
    revisions = [event for event in app.revisions(args.id) if known_at is None or event.timestamp <= known_at]

    def json() -> Any:
        from chrono.render.entry import revision_json

        return {**shapes.entry_json(entry, state.partners), "revisions": [revision_json(event) for event in revisions]}

    def markdown() -> str:
        from chrono.render.report import entry_report

        return entry_report(entry, revisions, state.partners, args.lang)

    def view() -> Any:
        from chrono.render.entry import entry_panel

        return entry_panel(entry, revisions, state.partners, args.lang)

    present(args, json=json, view=view, markdown=markdown)
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    app = open_chronicle(args)
    events = list(app.domain_events(parse_known_at(args.known_at)))

    def json() -> Any:
        from chrono.render.entry import log_json, subjects

        names = subjects(events)
        return {"events": [log_json(position, event, names) for position, event in events]}

    def rows() -> Rows:
        from chrono.render.entry import LOG_COLUMNS, log_rows

        return Rows("Event log", LOG_COLUMNS, log_rows(events))

    def view() -> Any:
        from chrono.render.entry import log_table

        return log_table(events, args.lang)

    present(args, json=json, view=view, rows=rows)
    return 0
