"""One entry with its revisions (``chrono show``), and the event log (``chrono log``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from chrono.events.entry import Entry
from chrono.events.kinds import KINDS
from chrono.events.values import Names, Partner, Quantity
from chrono.interchange.shapes import plain_value
from chrono.render.labels import kind_label, label, status_label
from chrono.render.text import cell, data_table, names, plain, quantity_text, status_text
from chrono.render.theme import kind_style
from chrono.when import When


def revision_json(event: Any) -> dict[str, Any]:
    """One revision of an entry (its event) as plain JSON."""
    data: dict[str, Any] = {
        "revision": event.originator_version,
        "event": type(event).__name__,
        "recorded_at": event.timestamp.isoformat(),
    }
    for key in ("reason", "outcome"):
        if hasattr(event, key):
            data[key] = getattr(event, key)
    if hasattr(event, "changes"):
        data["changes"] = {k: plain_value(v) for k, v in event.changes.items()}
    return data


def change_text(field: str, value: Any, lang: str) -> str:
    """A corrected field's new value as a person reads it: a date in words, each quantity as the
    entry shows it ("district_twinnings 6 twinning (as of 4 July 2022)"), a title in both languages."""
    if isinstance(value, When):
        return value.display(lang)
    if isinstance(value, Quantity):
        return f"{value.metric} {quantity_text(value, lang)}"
    if isinstance(value, Names):
        return " / ".join(dict.fromkeys(name for name in (value.get(lang), value.en, value.vi) if name))
    if isinstance(value, list | tuple):
        return ", ".join(change_text(field, item, lang) for item in value) or "—"
    if field == "status":
        return status_label(str(value), lang)
    return "—" if value is None or value == "" else str(value)


def changes_text(changes: Mapping[str, Any], lang: str) -> str:
    """A correction's changed fields in one line: "when: 4 July 2022; quantities: ..."."""
    return "; ".join(f"{k}: {change_text(k, v, lang)}" for k, v in changes.items())


def shifts_text(fields: Iterable[Any], lang: str) -> str:
    """Corrected fields from what they were to what they became, each side as ``change_text``
    words it: "when: 2018 – 4 July 2022 → 4 July 2022; quantities: ... → ..."."""
    return "; ".join(f"{f.field}: {change_text(f.field, f.before, lang)} → {change_text(f.field, f.after, lang)}" for f in fields)


def revision_details(event: Any, lang: str = "en") -> str:
    """What a revision did, in one line: each changed field as a person reads it, then the reason."""
    if hasattr(event, "changes"):
        return f"{changes_text(event.changes, lang)} — {event.reason}"
    if hasattr(event, "outcome"):
        return str(event.outcome)
    if hasattr(event, "reason"):
        return str(event.reason)
    if getattr(event, "source", None) is not None:
        return str(event.source.document)
    return ""


def _details(entry: Entry, partners: Mapping[str, Partner], lang: str) -> Table:
    facts = entry.facts
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="chrono.heading", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(label(lang, "id"), plain(entry.slug, "chrono.id"))
    grid.add_row(label(lang, "kind"), plain(kind_label(entry.kind, lang), kind_style(entry.kind)))
    date = plain(facts.when.display(lang), "chrono.date")
    if date.plain != facts.when.edtf:
        date.append(f"  {facts.when.edtf}", style="chrono.muted")
    grid.add_row(label(lang, "date"), date)
    grid.add_row(label(lang, "status"), status_text(entry, None, lang))
    if facts != entry.original and entry.original.when != facts.when:
        grid.add_row(label(lang, "original"), plain(entry.original.when.display(lang), "chrono.muted"))
    grid.add_row(label(lang, "partners"), plain(names(facts.partners, partners, lang) or "—", "chrono.partner"))
    if facts.actors:
        grid.add_row(label(lang, "actors"), plain(names(facts.actors, partners, lang), "chrono.actor"))
    for quantity in facts.quantities:
        grid.add_row(plain(quantity.metric), plain(quantity_text(quantity, lang)))
    info = KINDS.get(entry.kind)
    codes = f"CAMEO {facts.cameo or (info.cameo[0] if info and info.cameo else '—')} · PLOVER {(info.plover if info else None) or '—'}"
    grid.add_row(label(lang, "codes"), plain(codes, "chrono.muted"))
    if facts.note:
        grid.add_row(label(lang, "note"), plain(facts.note))
    if entry.retracted:
        grid.add_row(label(lang, "reason"), plain(entry.retraction_reason, "chrono.retracted"))
    return grid


def _sources(entry: Entry, lang: str) -> Table:
    sources = Table.grid(padding=(0, 1))
    sources.add_column(overflow="fold")
    for source in entry.sources:
        line = plain(source.document, "chrono.heading")
        for extra in (source.publisher, source.published.display(lang) if source.published else ""):
            if extra:
                line.append(f", {extra}", style="chrono.muted")
        sources.add_row(line)
        sources.add_row(plain(f"“{source.quote}”", "chrono.quote"))
    return sources


def revisions_table(revisions: Sequence[Any], lang: str) -> Table:
    table = data_table()
    table.add_column(label(lang, "rev"), justify="right")
    table.add_column(label(lang, "event"), overflow="fold")
    table.add_column(label(lang, "recorded"), overflow="fold")
    table.add_column(label(lang, "details"), overflow="fold", ratio=1)
    for event in revisions:
        name = type(event).__name__
        table.add_row(str(event.originator_version), plain(name, kind_style(name) if name in KINDS else "chrono.corrected"),
                      event.timestamp.isoformat(timespec="seconds"), plain(revision_details(event, lang)))  # fmt: skip
    return table


def entry_panel(entry: Entry, revisions: Sequence[Any], partners: Mapping[str, Partner], lang: str = "en") -> RenderableType:
    """``chrono show``: one entry, its sources, and every revision."""
    # The title goes inside, where it wraps: a panel's border would cut a long one short.
    title = plain(entry.facts.title.get(lang), "chrono.retracted" if entry.retracted else "chrono.title")
    body = Group(
        title, Text(""), _details(entry, partners, lang), Text(""),
        Text(label(lang, "sources"), style="chrono.heading"), _sources(entry, lang), Text(""),
        Text(label(lang, "revisions"), style="chrono.heading"), revisions_table(revisions, lang),
    )  # fmt: skip
    return Panel(body, title=plain(entry.slug, "chrono.id"), title_align="left", border_style="chrono.gutter")


REVISION_COLUMNS = ("revision", "event", "recorded_at", "details")


def revision_rows(revisions: Sequence[Any], lang: str = "en") -> list[tuple[str, ...]]:
    return [tuple(cell(v) for v in (e.originator_version, type(e).__name__, e.timestamp.isoformat(), revision_details(e, lang))) for e in revisions]


def subjects(events: Iterable[tuple[int, Any]]) -> dict[Any, str]:
    """Each aggregate's readable id, from the events that created it.

    Only creation events carry the id; later ones (corrections, retractions)
    are named by the aggregate's UUID, which says nothing to a reader.
    """
    found: dict[Any, str] = {}
    for _, event in events:
        subject = _subject(event)
        if subject:
            found.setdefault(event.originator_id, subject)
    return found


def log_json(position: int, event: Any, names: Mapping[Any, str] | None = None) -> dict[str, Any]:
    data = revision_json(event)
    data["position"] = position
    data["entry"] = _subject(event) or (names or {}).get(event.originator_id) or str(event.originator_id)
    return data


def _subject(event: Any) -> str:
    return str(getattr(event, "slug", "") or (event.partner.id if hasattr(event, "partner") else ""))


def log_table(events: Sequence[tuple[int, Any]], lang: str = "en", names: Mapping[Any, str] | None = None, page: Any = None,
              *, title: bool = True) -> RenderableType:  # fmt: skip
    """``chrono log``: events in recording order, named by the entry or partner they concern."""
    if not events:
        return Text(label(lang, "none"), style="chrono.muted")
    names = subjects(events) if names is None else names
    table = data_table(label(lang, "log") if title else None)
    table.add_column(label(lang, "position"), justify="right")
    table.add_column(label(lang, "recorded"), overflow="fold")
    table.add_column(label(lang, "event"), overflow="fold")
    table.add_column(label(lang, "rev"), justify="right")
    table.add_column(label(lang, "details"), overflow="fold", ratio=1)
    for position, event in events:
        name = type(event).__name__
        subject = plain(names.get(event.originator_id, str(event.originator_id)), "chrono.id")
        details = revision_details(event, lang)
        if details:
            subject.append(f": {details}")
        table.add_row(str(position), event.timestamp.isoformat(timespec="seconds"), plain(name, kind_style(name)),
                      str(event.originator_version), subject)  # fmt: skip
    if page is None:
        return table
    note = Text(label(lang, "page_events", first=page.first, last=page.last, total=page.total, page=page.number, pages=page.pages), style="chrono.muted")
    return Group(table, note)


LOG_COLUMNS = ("position", "recorded_at", "event", "revision", "subject", "details")


def log_rows(events: Sequence[tuple[int, Any]], names: Mapping[Any, str] | None = None, lang: str = "en") -> list[tuple[str, ...]]:
    names = subjects(events) if names is None else names
    return [
        tuple(cell(v) for v in (position, event.timestamp.isoformat(), type(event).__name__, event.originator_version,
                                names.get(event.originator_id, str(event.originator_id)), revision_details(event, lang)))
        for position, event in events
    ]  # fmt: skip
