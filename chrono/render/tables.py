"""Rich renderables for entries, partners and the log.

Builders return renderables; only the command line prints them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from chrono.events.entry import Entry
from chrono.events.values import Partner

LABELS = {
    "en": {"date": "Date", "kind": "Kind", "partners": "Partners", "title": "Title", "status": "Status",
           "sources": "Sources", "revisions": "Revisions", "none": "No entries match.", "event": "Event",
           "recorded": "Recorded", "position": "#", "entry": "Entry", "details": "Details"},
    "vi": {"date": "Thời gian", "kind": "Loại", "partners": "Đối tác", "title": "Tiêu đề", "status": "Trạng thái",
           "sources": "Nguồn", "revisions": "Các lần ghi", "none": "Không có mục nào.", "event": "Sự kiện",
           "recorded": "Ghi lúc", "position": "#", "entry": "Mục", "details": "Chi tiết"},
}  # fmt: skip


def _names(ids: Sequence[str], partners: Mapping[str, Partner], lang: str) -> str:
    return ", ".join(partners[pid].name.get(lang) if pid in partners else pid for pid in ids)


def _status(entry: Entry) -> Text:
    if entry.retracted:
        return Text("retracted", style="chrono.retracted")
    style = f"chrono.{entry.status}" if entry.status != "happened" else "chrono.muted"
    marker = " (corrected)" if entry.facts != entry.original else ""
    return Text(entry.status + marker, style=style)


def timeline_table(rows: Sequence[Any], partners: Mapping[str, Partner], lang: str = "en") -> RenderableType:
    """Dated entries in date order as a table."""
    labels = LABELS[lang]
    if not rows:
        return Text(labels["none"], style="chrono.muted")
    table = Table(show_lines=False, expand=False)
    table.add_column(labels["date"], style="chrono.date", no_wrap=False)
    table.add_column(labels["kind"], style="chrono.kind")
    table.add_column(labels["partners"], style="chrono.partner")
    table.add_column(labels["title"], style="chrono.title", ratio=1)
    table.add_column(labels["status"])
    for row in rows:
        entry = row.entry
        facts = entry.facts
        status = _status(entry)
        if row.certainty == "possible":
            status.append(" · possible", style="chrono.possible")
        table.add_row(
            Text(facts.when.display(lang)),
            Text(entry.kind),
            Text(_names(facts.partners, partners, lang)),
            Text(facts.title.get(lang)),
            status,
        )
    return table


def history_view(found: Any, partners: Mapping[str, Partner], lang: str = "en") -> RenderableType:
    """A partner's place in the hierarchy, relationship state and history."""
    lineage = " > ".join(p.name.get(lang) for p in found.lineage)
    state = Table.grid(padding=(0, 2))
    state.add_column(style="bold")
    state.add_column()
    state.add_row("hierarchy", lineage)
    for key, value in found.state.items():
        state.add_row(key.replace("_", " "), Text(str(value if value not in (None, []) else "—")))
    first, latest = found.first_contact, found.latest_contact
    state.add_row("first contact", Text(f"{first.facts.when.display(lang)}: {first.facts.title.get(lang)}" if first else "—"))
    state.add_row("latest contact", Text(f"{latest.facts.when.display(lang)}: {latest.facts.title.get(lang)}" if latest else "—"))
    state.add_row("counts", Text(", ".join(f"{k} {v}" for k, v in found.counts.items()) or "—"))
    title = Text(f"{found.partner.name.get(lang)} ({found.partner.level})", style="chrono.partner")
    return Group(Panel(state, title=title, title_align="left"), timeline_table(found.entries, partners, lang))


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def counters_table(rows: Sequence[Any], partners: Mapping[str, Partner], lang: str = "en") -> RenderableType:
    """Counters with their definite value and the range the possible ones allow."""
    if not rows:
        return Text(LABELS[lang]["none"], style="chrono.muted")
    table = Table()
    for column in ("metric", "unit", "partner", "group"):
        table.add_column(column)
    table.add_column("definite", justify="right", style="chrono.definite")
    table.add_column("range with possible", justify="right", style="chrono.possible")
    table.add_column("covered", justify="right", style="chrono.muted")
    for row in rows:
        data = row.to_json()
        partner = partners[row.partner].name.get(lang) if row.partner in partners else (row.partner or "all")
        upper = row.definite + row.possible
        span = f"{_number(data['definite'])}–{upper:,}" if row.possible else ""
        table.add_row(row.metric, row.unit, partner, str(row.group or ""), _number(data["definite"]), span, str(len(row.covered) or ""))
    return table


def explain_view(data: Mapping[str, Any], lang: str = "en") -> RenderableType:
    """The entries behind a counter, with their quotes and corrections."""
    parts: list[RenderableType] = []
    for slug, entry in data["entries"].items():
        body = Table.grid(padding=(0, 1))
        body.add_row(Text(f"{entry['when']['edtf']} · {entry['kind']} · {entry['title'][lang] or entry['title']['en']}", style="bold"))
        for source in entry["sources"]:
            body.add_row(Text(f"{source['document']}: “{source['quote']}”", style="chrono.quote"))
        for correction in entry["corrections"]:
            body.add_row(Text(f"corrected {correction['recorded_at']}: {correction.get('changes')} — {correction.get('reason')}", style="chrono.corrected"))
        parts.append(Panel(body, title=slug, title_align="left"))
    summary = Table()
    for column in ("metric", "unit", "definite", "possible"):
        summary.add_column(column)
    for counter in data.get("counters", []):
        summary.add_row(counter["metric"], counter["unit"], str(counter["definite"]), str(counter["possible"]))
    return Group(summary, *parts)


def state_view(data: Mapping[str, Any], partners: Mapping[str, Partner], lang: str = "en") -> RenderableType:
    """The state as of a date: relationships, counters, latest and overdue entries."""
    relations = Table(title="relationships")
    for column in ("partner", "relations since", "twinned since", "agreements", "mechanisms"):
        relations.add_column(column)
    for pid, state in data["relationships"].items():
        name = partners[pid].name.get(lang) if pid in partners else pid
        agreements = state["agreements"]
        relations.add_row(name, state["relations_since"] or "—", state["twinned_since"] or "—",
                          f"{agreements['definite']} (+{agreements['possible']} possible)", str(len(state["mechanisms"])))  # fmt: skip
    counters = Table(title="counters")
    for column in ("metric", "unit", "definite", "possible"):
        counters.add_column(column)
    for counter in data["counters"]:
        counters.add_row(counter["metric"], counter["unit"], str(counter["definite"]), str(counter["possible"]))
    latest = Table(title="latest happenings")
    latest.add_column("date")
    latest.add_column("title")
    for entry in data["latest"]:
        latest.add_row(entry["when"]["edtf"], entry["title"][lang] or entry["title"]["en"])
    overdue = Text(", ".join(e["id"] for e in data["overdue"]) or "none", style="chrono.planned")
    header = Text(f"as of {data['as_of']}" + (f", known at {data['known_at']}" if data["known_at"] else ""), style="bold")
    return Group(header, relations, counters, latest, Text.assemble(("planned, date passed, no outcome: ", "bold"), overdue))


def partner_tree(partners: Mapping[str, Partner], lang: str = "en") -> RenderableType:
    """The partner registry as a hierarchy."""
    root = Tree(Text("partners", style="bold"))
    children: dict[str | None, list[Partner]] = {}
    for partner in partners.values():
        parent = partner.parent if partner.parent in partners else None
        children.setdefault(parent, []).append(partner)

    def grow(node: Tree, parent: str | None) -> None:
        for partner in sorted(children.get(parent, []), key=lambda p: p.id):
            label = Text.assemble((partner.name.get(lang), "chrono.partner"), f"  {partner.id} · {partner.level}")
            grow(node.add(label), partner.id)

    grow(root, None)
    return root


def revision_json(event: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "revision": event.originator_version,
        "event": type(event).__name__,
        "recorded_at": event.timestamp.isoformat(),
    }
    for key in ("reason", "outcome"):
        if hasattr(event, key):
            data[key] = getattr(event, key)
    if hasattr(event, "changes"):
        data["changes"] = {k: _plain(v) for k, v in event.changes.items()}
    return data


def _plain(value: Any) -> Any:
    if hasattr(value, "edtf"):
        return value.edtf
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "to_json"):
        return value.to_json()
    return str(value) if not isinstance(value, str | int | float | bool | None) else value


def entry_panel(entry: Entry, revisions: Sequence[Any], partners: Mapping[str, Partner], lang: str = "en") -> RenderableType:
    """One entry with its sources and every revision."""
    labels = LABELS[lang]
    facts = entry.facts
    details = Table.grid(padding=(0, 2))
    details.add_column(style="bold")
    details.add_column()
    details.add_row("id", entry.slug)
    details.add_row(labels["kind"], Text(entry.kind, style="chrono.kind"))
    details.add_row(labels["date"], Text(f"{facts.when.display(lang)}  [{facts.when.edtf}]", style="chrono.date"))
    details.add_row(labels["status"], _status(entry))
    details.add_row(labels["partners"], Text(_names(facts.partners, partners, lang), style="chrono.partner"))
    if facts.actors:
        details.add_row("actors", Text(_names(facts.actors, partners, lang), style="chrono.actor"))
    for quantity in facts.quantities:
        period = f" ({quantity.period.display(lang)})" if quantity.period else ""
        details.add_row(quantity.metric, Text(f"{quantity.qualifier} {quantity.value} {quantity.unit}{period}"))
    if facts.note:
        details.add_row("note", Text(facts.note))
    sources = Table.grid(padding=(0, 1))
    for source in entry.sources:
        published = f", {source.published.display(lang)}" if source.published else ""
        sources.add_row(Text(f"{source.document}{published}", style="bold"))
        sources.add_row(Text(f"“{source.quote}”", style="chrono.quote"))
    history = Table(show_header=True)
    history.add_column("rev")
    history.add_column(labels["event"])
    history.add_column(labels["recorded"])
    history.add_column(labels["details"])
    for event in revisions:
        history.add_row(str(event.originator_version), type(event).__name__, event.timestamp.isoformat(timespec="seconds"), Text(_revision_details(event)))
    body = Group(details, Text(""), Text(labels["sources"], style="bold underline"), sources, Text(""), history)
    return Panel(body, title=Text(facts.title.get(lang)), title_align="left")


def _revision_details(event: Any) -> str:
    if hasattr(event, "changes"):
        changed = ", ".join(f"{k}={_plain(v)}" for k, v in event.changes.items())
        return f"{changed} — {event.reason}"
    if hasattr(event, "outcome"):
        return event.outcome
    if hasattr(event, "reason"):
        return str(event.reason)
    if hasattr(event, "source") and event.source is not None:
        return event.source.document
    return ""


def log_json(position: int, event: Any) -> dict[str, Any]:
    data = revision_json(event)
    data["position"] = position
    data["entry"] = getattr(event, "slug", None) or str(event.originator_id)
    return data


def log_table(events: Sequence[tuple[int, Any]], lang: str = "en") -> RenderableType:
    labels = LABELS[lang]
    table = Table()
    table.add_column(labels["position"], justify="right")
    table.add_column(labels["recorded"])
    table.add_column(labels["event"], style="chrono.kind")
    table.add_column("rev", justify="right")
    table.add_column(labels["details"])
    for position, event in events:
        subject = getattr(event, "slug", "") or (event.partner.id if hasattr(event, "partner") else "")
        table.add_row(str(position), event.timestamp.isoformat(timespec="seconds"), type(event).__name__,
                      str(event.originator_version), Text(subject or _revision_details(event)))  # fmt: skip
    return table


def audit_view(report: Any) -> RenderableType:
    """The audit's verdict, its problems and its findings."""
    verdict = Text("audit passed" if report.ok else "audit FAILED", style="bold green" if report.ok else "bold red")
    head = Text(f"head {report.head} after {report.events} events")
    parts: list[RenderableType] = [verdict, head]
    for title, items in (("problems", report.problems), ("findings", report.findings)):
        if not items:
            continue
        table = Table(title=title, title_justify="left")
        for column in ("check", "where", "message"):
            table.add_column(column)
        for item in items:
            where = str(item.position) if item.position is not None else (item.id or "")
            table.add_row(item.check, where, Text(item.message))
        parts.append(table)
    return Group(*parts)


def replay_line(step: Any) -> RenderableType:
    counters = ", ".join(f"{metric} {'+' if value > 0 else ''}{value}" for (metric, _), value in step.counters.items())
    return Text.assemble(
        (f"{step.position:>6} ", "chrono.muted"), (f"{step.event:<22} ", "chrono.kind"), (f"{step.subject}: ", "bold"),
        step.effect, (f"  [timeline {step.timeline}{'; ' + counters if counters else ''}]", "chrono.muted"),
    )  # fmt: skip


def diff_table(changes: Sequence[Any]) -> RenderableType:
    if not changes:
        return Text("No changes.", style="chrono.muted")
    table = Table()
    for column in ("recorded", "entry", "change", "details"):
        table.add_column(column)
    for change in changes:
        details = {k: v for k, v in change.details.items() if k != "recorded_at"}
        table.add_row(change.details["recorded_at"][:19], change.id, change.change, Text(str(details)))
    return table
