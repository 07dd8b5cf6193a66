"""TimelineJS3 JSON (the format of timeline.knightlab.com's JSON data documentation).

Each entry is a slide: ``start_date`` and ``end_date`` carry only the date
parts its precision knows (the year alone for a year, year and month for a
month or a quarter), and ``display_date`` says in words how sure the date is
("2019 (uncertain)", "late March 2024", "4 July 2022 or earlier",
"... (planned)"), which TimelineJS shows instead of its own formatting.
Intervals and ongoing relations are also eras, which TimelineJS draws as
labelled spans; an era still running ends on the export's as-of date.
Relations known only to be in place by some date ("1991 or earlier") are an
era from that date; planned ones are none.

An entry known only to have happened by some date (an open start) is placed
on that date, its latest possible one. TimelineJS reads ``headline`` and
``text`` as HTML: the data is escaped, so it shows as written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any, TextIO

from chrono.events.entry import Entry
from chrono.events.values import Partner
from chrono.interchange.base import ExportOptions, Key, Tally, Written, cut, display, lane, name, parts, phrase
from chrono.when import Precision, When

# TimelineJS's human scale is JavaScript's Date range; beyond it only the cosmological scale works.
HUMAN_YEARS = range(-271820, 275760)
UNPLACED = "a date with no bound at all; a slide needs a place"


def date_object(key: Key, precision: Precision, time: str | None = None) -> dict[str, int]:
    """A TimelineJS date object with the parts ``precision`` knows (and the time of a date-time)."""
    known = cut(key, precision)
    obj = dict(zip(("year", "month", "day"), known, strict=False))
    if time is not None and len(known) == 3:
        obj.update(hour=int(time[0:2]), minute=int(time[3:5]), second=int(time[6:8]))
    return obj


def span(when: When) -> tuple[dict[str, int], dict[str, int] | None] | None:
    """``start_date`` and ``end_date`` (None when the date is one point at its precision);
    None for a date with no bound at all (a one-of set open at both ends), which has no place."""
    if when.is_interval:
        start, end = parts(when)
        first = date_object(start.earliest_key, start.precision) if start and start.earliest_key else None
        last = date_object(end.latest_key, end.precision) if end and end.latest_key else None
    else:
        first = date_object(when.earliest_key, when.precision, when.time) if when.earliest_key else None
        last = date_object(when.latest_key, when.precision, when.time) if when.latest_key else None
    if first is None:
        # Known only by its end ("by 4 July 2022"): placed there; display_date says the rest.
        return None if last is None else (last, None)
    return first, (last if last is not None and last != first else None)


def event(entry: Entry, partners: Mapping[str, Partner], options: ExportOptions) -> dict[str, Any] | None:
    """One slide, or None for an entry whose date has no bound to place it by."""
    found = span(entry.facts.when)
    if found is None:
        return None
    start, end = found
    slide: dict[str, Any] = {"unique_id": entry.slug, "start_date": start}
    if end is not None:
        slide["end_date"] = end
    slide["display_date"] = display(entry.facts.when, entry.status, options)
    slide["text"] = {"headline": escape(entry.facts.title.get(options.lang)), "text": text(entry, partners, options)}
    slide["group"] = lane(entry, partners, options)
    slide["autolink"] = False
    return slide


def text(entry: Entry, partners: Mapping[str, Partner], options: ExportOptions) -> str:
    """The slide's HTML: kind and partners, each source's quote and citation, the editor's note."""
    lang = options.lang
    facts = entry.facts
    who = ", ".join(name(pid, partners, lang) for pid in (*facts.partners, *facts.actors))
    html = [f"<p>{escape(options.words.kind(entry.kind, lang))}{' · ' + escape(who) if who else ''}</p>"]
    for source in entry.sources:
        cite = ", ".join(part for part in (source.document, source.publisher, source.published.display(lang) if source.published else "") if part)
        html.append(f"<blockquote>{escape(source.quote)}</blockquote><p>— {escape(cite)}</p>")
    if facts.note:
        html.append(f"<p><em>{escape(facts.note)}</em></p>")
    return "".join(html)


def era(entry: Entry, options: ExportOptions) -> dict[str, Any] | None:
    """An era for an interval or an ongoing relation; one still running ends on the as-of date."""
    when = entry.facts.when
    title = entry.facts.title.get(options.lang)
    if when.is_interval:
        start, end = parts(when)
        if start is None or when.earliest_key is None:
            return None
        first = date_object(when.earliest_key, start.precision)
        if end is not None and when.latest_key is not None:
            return {"start_date": first, "end_date": date_object(when.latest_key, end.precision), "text": {"headline": escape(title)}}
        began = when.earliest_key
    elif entry.kind == "RelationsEstablished" and entry.status in ("happened", "held"):
        # Relations established "in 1991 or earlier" certainly held from 1991 on: the era starts at
        # the earliest bound, or at the latest where only that is known.
        known = when.earliest_key or when.latest_key
        if known is None:
            return None
        began, first = known, date_object(known, when.precision)
    else:
        return None
    until = options.until
    if (until.year, until.month, until.day) < began:
        return None
    last = {"year": until.year, "month": until.month, "day": until.day}
    return {"start_date": first, "end_date": last, "text": {"headline": escape(f"{title} ({phrase('ongoing', options.lang)})")}}


def write(entries: Iterable[Entry], partners: Mapping[str, Partner], options: ExportOptions, out: TextIO) -> Written:
    """The entries as one TimelineJS3 JSON document, slides streamed as they come."""
    title = {"text": {"headline": escape(phrase("chronicle", options.lang)), "text": escape(_subtitle(options))}}
    out.write('{"title": ' + _dumps(title) + ',\n"events": [')
    eras: list[dict[str, Any]] = []
    human = True
    tally = Tally()
    for entry, slide in tally.each(entries, lambda entry: event(entry, partners, options), lambda _: UNPLACED):
        out.write(("\n" if tally.written == 1 else ",\n") + _dumps(slide))
        human = human and all(d["year"] in HUMAN_YEARS for d in (slide["start_date"], slide.get("end_date") or slide["start_date"]))
        found = era(entry, options)
        if found is not None:
            eras.append(found)
    out.write('\n],\n"eras": [' + ",\n".join(_dumps(e) for e in eras) + "],\n")
    out.write(f'"scale": "{"human" if human else "cosmological"}"}}\n')
    return tally.summary()


def _subtitle(options: ExportOptions) -> str:
    return " · ".join(options.axes(options.lang))


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)
