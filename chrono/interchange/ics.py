"""iCalendar (RFC 5545), written with the ``icalendar`` library.

One all-day VEVENT per dated entry: DTSTART is its earliest possible day,
DTEND the day after its latest (RFC 5545's end is exclusive), so a year is a
year-long event and "late March 2024" spans the 21st to the 31st. A calendar
event needs both ends: an entry with an open or unknown bound ("on or before
4 July 2022", "since 2012"), or one beyond the years iCalendar writes, is
left out and counted, never given an invented end. The UID is the entry's aggregate id (a UUID derived from its readable
id), so that a calendar re-importing the export updates events instead of
duplicating them; a planned happening is TENTATIVE.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import TextIO

from chrono.events.entry import Entry, entry_uuid
from chrono.events.values import Partner
from chrono.interchange.base import ExportOptions, Tally, Written, date_of, display, name

PRODID = "-//chrono//chrono export//EN"
STATUS = {"happened": "CONFIRMED", "held": "CONFIRMED", "planned": "TENTATIVE", "postponed": "TENTATIVE", "cancelled": "CANCELLED"}
CRLF = "\r\n"
UNHELD = "no start or end a calendar can hold (open, unknown, or beyond years 1-9999)"


def vevent(entry: Entry, partners: Mapping[str, Partner], options: ExportOptions) -> str | None:
    """The entry as one VEVENT's text, or None when it lacks a bound."""
    from icalendar import Event

    facts = entry.facts
    first, last = date_of(facts.when.earliest_key), date_of(facts.when.latest_key)
    if first is None or last is None or last == date.max:
        return None
    lang = options.lang
    event = Event()
    event.add("uid", str(entry_uuid(entry.slug)))
    event.add("dtstamp", entry.modified_on)
    event.add("created", entry.created_on)
    event.add("last-modified", entry.modified_on)
    event.add("sequence", entry.version - 1)
    event.add("dtstart", first)
    event.add("dtend", last + timedelta(days=1))
    event.add("summary", facts.title.get(lang))
    event.add("status", STATUS.get(entry.status, "CONFIRMED"))
    event.add("transp", "TRANSPARENT")
    event.add("categories", [options.words.kind(entry.kind, lang)])
    event.add("description", description(entry, partners, options))
    event.add("x-chrono-edtf", facts.when.edtf)
    event.add("x-chrono-id", entry.slug)
    return str(event.to_ical().decode("utf-8"))


def description(entry: Entry, partners: Mapping[str, Partner], options: ExportOptions) -> str:
    """The date as chrono says it, who took part, every source with its quote, the note."""
    lang = options.lang
    facts = entry.facts
    lines = [f"{display(facts.when, entry.status, options)} [{facts.when.edtf}]"]
    who = ", ".join(name(pid, partners, lang) for pid in (*facts.partners, *facts.actors))
    if who:
        lines.append(who)
    for source in entry.sources:
        cite = ", ".join(part for part in (source.document, source.publisher, source.published.edtf if source.published else "") if part)
        lines += ["", f"“{source.quote}”", f"— {cite}"]
    if facts.note:
        lines += ["", facts.note]
    return "\n".join(lines)


def write(entries: Iterable[Entry], partners: Mapping[str, Partner], options: ExportOptions, out: TextIO) -> Written:
    """The entries as one VCALENDAR, events streamed as they come."""
    out.write(CRLF.join(("BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "")))
    tally = Tally()
    for _, text in tally.each(entries, lambda entry: vevent(entry, partners, options), lambda _: UNHELD):
        out.write(text)
    out.write("END:VCALENDAR" + CRLF)
    return tally.summary()
