"""Wikidata QuickStatements, version 1 (tab-separated commands, one a line).

Each entry becomes a new item (``CREATE``, then ``LAST`` statements): its
titles as labels, and its date as "point in time" (P585) or "start time" and
"end time" (P580, P582), each at the finest Wikidata precision that holds the
date's bounds (11 day, 10 month, 9 year, 8 decade, 7 century, 6 millennium),
with "earliest date" and "latest date" (P1319, P1326) qualifiers wherever the
bounds are narrower or other than that precision says ("late March 2024" is
March 2024 with earliest 21 and latest 31 March). A date known only by one
bound is "some value" with that bound as a qualifier; an open end is left
out (still running), an unknown one is "some value". Every statement carries
its sources as references: "stated in" (S248) where a person gave the
document's item, "reference URL" (S854) where the document is a URL, and the
verbatim "quotation" (S1683).

Partners are "participants" (P710) only where a person gave their item id
(``Qids``): the registry holds none, and a partner without one is written as
a comment for a person to resolve, never guessed. Whatever Wikidata cannot
hold as it is (an uncertain or approximate date, a plan) is said in a
comment line, which QuickStatements reads as no command.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Iterator, Mapping
from typing import TextIO

from chrono.events.entry import Entry
from chrono.events.values import Partner, Source
from chrono.interchange.base import ExportOptions, Key, Written, name, parts
from chrono.when import When

# Wikidata's limits on a label and on a string or monolingual text value.
MAX_LABEL, MAX_TEXT = 250, 1500
TAB = "\t"


def time_value(key: Key, precision: int) -> str:
    """A QuickStatements time, e.g. ``+2018-00-00T00:00:00Z/9``: parts finer than the precision are 00."""
    year, month, day = key
    month, day = (month if precision >= 10 else 0), (day if precision >= 11 else 0)
    sign = "-" if year < 0 else "+"
    return f"{sign}{abs(year):04d}-{month:02d}-{day:02d}T00:00:00Z/{precision}"


def _same(lo: Key, hi: Key, width: int) -> bool:
    # Wikidata counts decades from year 0 (the 2010s) and centuries and millennia from year 1.
    shift = 0 if width == 10 else 1
    return (lo[0] - shift) // width == (hi[0] - shift) // width


def point(lo: Key | None, hi: Key | None) -> tuple[str, list[str]]:
    """The value (or ``somevalue``) and the qualifiers that date a span of days from ``lo`` to ``hi``."""
    bounds = [*(["P1319", time_value(lo, 11)] if lo else []), *(["P1326", time_value(hi, 11)] if hi else [])]
    if lo is None or hi is None:
        return "somevalue", bounds
    if lo == hi:
        return time_value(lo, 11), []
    if lo[:2] == hi[:2]:
        exact = lo[2] == 1 and hi[2] == monthrange(hi[0], hi[1])[1]
        return time_value(lo, 10), [] if exact else bounds
    if lo[0] == hi[0]:
        return time_value(lo, 9), [] if (lo[1:], hi[1:]) == ((1, 1), (12, 31)) else bounds
    for width, precision in ((10, 8), (100, 7), (1000, 6)):
        if _same(lo, hi, width):
            return time_value(hi, precision), [] if width == 10 and _whole_decade(lo, hi) else bounds
    return "somevalue", bounds


def _whole_decade(lo: Key, hi: Key) -> bool:
    return lo[0] % 10 == 0 and lo[1:] == (1, 1) and hi == (lo[0] + 9, 12, 31)


def string(text: str) -> str:
    """A string value: on one line (QuickStatements splits commands at line ends and values at tabs)."""
    return '"' + " ".join(text.split()) + '"'


def comment(text: str) -> str:
    """A line QuickStatements reads as no command."""
    flat = " ".join(text.split()).replace("*/", "* /").replace("/*", "/ *")
    return f"/* {flat} */"


def quote_language(text: str) -> str:
    """``vi`` for text with Vietnamese letters, else ``und`` (undetermined): the registry does not say."""
    return "vi" if any(c in "ăâđêôơưĂÂĐÊÔƠƯ" or "\u1ea0" <= c <= "\u1ef9" for c in text) else "und"


def references(sources: Iterable[Source], options: ExportOptions) -> list[str]:
    """The S-columns of every source, each source a reference group of its own."""
    columns: list[str] = []
    for source in sources:
        group: list[str] = []
        qid = options.qids.documents.get(source.document)
        if qid:
            group += ["S248", qid]
        if source.document.startswith(("http://", "https://")):
            group += ["S854", string(source.document)]
        quote = " ".join(source.quote.split())
        if len(quote) <= MAX_TEXT:
            group += ["S1683", f"{quote_language(quote)}:{string(quote)}"]
        if group:
            group[0] = ("!S" if columns else "S") + group[0][1:]
            columns += group
    return columns


def dated(when: When) -> Iterator[tuple[str, str, list[str]]]:
    """(property, value, qualifiers) for a date: P585, or P580 and P582 for an interval."""
    if not when.is_interval:
        yield ("P585", *point(when.earliest_key, when.latest_key))
        return
    start, end = parts(when)
    if start is not None:
        yield ("P580", *point(start.earliest_key, start.latest_key))
    elif when.unknown_start:
        yield ("P580", "somevalue", [])
    if end is not None:
        yield ("P582", *point(end.earliest_key, end.latest_key))
    elif when.unknown_end:
        yield ("P582", "somevalue", [])


def entry_lines(entry: Entry, partners: Mapping[str, Partner], options: ExportOptions) -> tuple[list[str], int]:
    """The commands for one entry, and how many of its partners were left for a person to resolve."""
    facts = entry.facts
    lines = [comment(f"chrono {entry.slug}: {entry.kind}, {facts.when.display('en')} (EDTF {facts.when.edtf}), {entry.status}")]
    lines.append("CREATE")
    for lang, written in (("en", facts.title.en), ("vi", facts.title.vi)):
        title = " ".join(written.split())
        if not title:
            continue
        lines.append(TAB.join(("LAST", f"L{lang}", string(title))) if len(title) <= MAX_LABEL else comment(f"label {lang} too long: {title}"))
        lines.append(TAB.join(("LAST", f"D{lang}", string(f"{options.words.kind(entry.kind, lang)} ({facts.when.display(lang)})"))))
    kind_qid = options.qids.kinds.get(entry.kind)
    lines.append(TAB.join(("LAST", "P31", kind_qid)) if kind_qid else comment(f"P31 (instance of): no Wikidata class given for kind {entry.kind}"))
    refs = references(entry.sources, options)
    for prop, value, qualifiers in dated(facts.when):
        lines.append(TAB.join(("LAST", prop, value, *qualifiers, *refs)))
    if facts.when.qualifiers:
        lines.append(comment(f"the date is {' and '.join(sorted(facts.when.qualifiers))} in the source (EDTF {facts.when.edtf})"))
    unresolved = 0
    for pid in (*facts.partners, *facts.actors):
        qid = options.qids.partners.get(pid)
        if qid:
            lines.append(TAB.join(("LAST", "P710", qid, *refs)))
        else:
            unresolved += 1
            lines.append(comment(f"P710 (participant): partner {pid} ({name(pid, partners, 'en')}) has no Wikidata id; resolve it and add LAST P710 Q..."))
    return lines, unresolved


def write(entries: Iterable[Entry], partners: Mapping[str, Partner], options: ExportOptions, out: TextIO) -> Written:
    """The entries as QuickStatements V1 commands, one entry after another."""
    count = unresolved = 0
    for entry in entries:
        lines, left = entry_lines(entry, partners, options)
        out.write("\n".join(lines) + "\n")
        count += 1
        unresolved += left
    notes = (f"{unresolved} participant statement(s) left as comments: no Wikidata id given for those partners (--qids FILE)",) if unresolved else ()
    return Written(count, notes=notes)
