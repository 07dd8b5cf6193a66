"""iCalendar (RFC 5545), written with the ``icalendar`` library.

One all-day VEVENT per dated entry: DTSTART is its earliest possible day,
DTEND the day after its latest (RFC 5545's end is exclusive), so a year is a
year-long event and "late March 2024" spans the 21st to the 31st.

A calendar event needs both ends, and an entry bounded on one side only
("4 July 2022 or earlier", "2024 or later", "until 4 July 2022") has one: it
is placed on its known bound, spanning what that bound spans (the day, the
month, the year), never given an invented other end. Its SUMMARY ends with
the date in words and its DESCRIPTION says that only one side is known, so
that a calendar showing it on 4 July 2022 does not say it happened then.
An entry beyond the years iCalendar writes (1-9999) is left out and counted.
The UID is the entry's aggregate id (a UUID derived from its readable id),
so that a calendar re-importing the export updates events instead of
duplicating them; a planned happening is TENTATIVE.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import TextIO

from chrono.events.entry import Entry, entry_uuid
from chrono.events.values import Partner
from chrono.interchange.base import ExportOptions, Tally, Written, date_of, display, known_bound, name, phrase
from chrono.when import When

PRODID = "-//chrono//chrono export//EN"
STATUS = {"happened": "CONFIRMED", "held": "CONFIRMED", "planned": "TENTATIVE", "postponed": "TENTATIVE", "cancelled": "CANCELLED"}
CRLF = "\r\n"
UNHELD = "no day a calendar can hold (no bound, or beyond years 1-9999)"


def days(when: When) -> tuple[date, date, When | None] | None:
    """The first and last day an event spans, with the one bound it stands on when the date has only one;
    None when iCalendar cannot hold them (no bound, a year beyond 1-9999)."""
    bound = known_bound(when)
    held = bound or when
    first, last = date_of(held.earliest_key), date_of(held.latest_key)
    # date.max has no day after it for DTEND.
    if first is None or last is None or last == date.max:
        return None
    return first, last, bound


def vevent(entry: Entry, partners: Mapping[str, Partner], options: ExportOptions) -> str | None:
    """The entry as one VEVENT's text, or None when a calendar cannot hold its date."""
    from icalendar import Event

    facts = entry.facts
    found = days(facts.when)
    if found is None:
        return None
    first, last, bound = found
    lang = options.lang
    title = facts.title.get(lang)
    event = Event()
    event.add("uid", str(entry_uuid(entry.slug)))
    event.add("dtstamp", entry.modified_on)
    event.add("created", entry.created_on)
    event.add("last-modified", entry.modified_on)
    event.add("sequence", entry.version - 1)
    event.add("dtstart", first)
    event.add("dtend", last + timedelta(days=1))
    # A one-sided date says so in the title a calendar shows, not only in the description.
    event.add("summary", f"{title} ({facts.when.display(lang)})" if bound else title)
    event.add("status", STATUS.get(entry.status, "CONFIRMED"))
    event.add("transp", "TRANSPARENT")
    event.add("categories", [options.words.kind(entry.kind, lang)])
    event.add("description", description(entry, partners, options, bound))
    event.add("x-chrono-edtf", facts.when.edtf)
    event.add("x-chrono-id", entry.slug)
    return str(event.to_ical().decode("utf-8"))


def description(entry: Entry, partners: Mapping[str, Partner], options: ExportOptions, bound: When | None = None) -> str:
    """The date as chrono says it (and, bounded on one side only, that it is), who took part,
    every source with its quote, the note."""
    lang = options.lang
    facts = entry.facts
    lines = [f"{display(facts.when, entry.status, options)} [{facts.when.edtf}]"]
    if bound is not None:
        side = "earliest_only" if facts.when.latest_key is None else "latest_only"
        lines.append(phrase(side, lang, date=facts.when.display(lang), bound=bound.display(lang)))
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
