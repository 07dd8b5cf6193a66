"""What every export format shares: its options, its words, and dates cut to the precision known.

An exporter is a function over an iterable of entries (the ``Entry``
aggregate), the partner registry and an ``ExportOptions``, writing to a text
stream and returning a ``Written`` summary. Nothing here opens a store or
reads the command line; the labels of kinds and statuses come in through
``Words``, so that this layer needs nothing from the views above it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import attrs

from chrono.events.entry import Entry
from chrono.events.values import Partner
from chrono.when import Precision, When
from chrono.when.parsing import parts_of

Key = tuple[int, int, int]

# The few words the formats print besides the data, in each language.
PHRASES: dict[str, dict[str, str]] = {
    "en": {"no_partner": "no partner", "ongoing": "ongoing", "entries": "{n} entries", "as_of": "as of {date}",
           "known_at": "as known at {time}", "chronicle": "Chronicle",
           "latest_only": "Bounded on one side only ({date}): its latest possible date is known, its earliest is not; shown on that bound, {bound}.",
           "earliest_only": "Bounded on one side only ({date}): its earliest possible date is known, its latest is not; shown on that bound, {bound}."},
    "vi": {"no_partner": "không có đối tác", "ongoing": "đang tiếp diễn", "entries": "{n} mục",
           "as_of": "tính đến {date}", "known_at": "theo dữ liệu ghi đến {time}", "chronicle": "Biên niên",
           "latest_only": "Chỉ biết một phía của ngày ({date}): biết thời điểm muộn nhất có thể, không biết sớm nhất; ghi vào mốc đó, {bound}.",
           "earliest_only": "Chỉ biết một phía của ngày ({date}): biết thời điểm sớm nhất có thể, không biết muộn nhất; ghi vào mốc đó, {bound}."},
}  # fmt: skip


def phrase(key: str, lang: str, **values: object) -> str:
    """One of ``PHRASES`` in ``lang`` (English when missing), filled with ``values``."""
    return PHRASES.get(lang, PHRASES["en"])[key].format(**values)


@attrs.frozen
class Words:
    """Names of kinds and statuses in each language, as the views print them.

    Attributes:
        kinds: language -> kind -> label; a kind missing here keeps its event name.
        statuses: language -> status -> label; a status missing here is written as is.
    """

    kinds: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    statuses: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)

    def kind(self, kind: str, lang: str) -> str:
        return self.kinds.get(lang, {}).get(kind, kind)

    def status(self, status: str, lang: str) -> str:
        return self.statuses.get(lang, {}).get(status, status)


QID = re.compile(r"Q[1-9][0-9]*")


@attrs.frozen
class Qids:
    """Wikidata item ids a person has given for partners, kinds and source documents.

    The partner registry holds no Wikidata ids, and chrono never guesses
    one: whatever is not given here is written for a person to resolve.

    Attributes:
        partners: partner id -> Q-id.
        kinds: entry kind -> Q-id of the class its entries are instances of.
        documents: source document name -> Q-id of the document ("stated in").
    """

    partners: Mapping[str, str] = attrs.field(factory=dict)
    kinds: Mapping[str, str] = attrs.field(factory=dict)
    documents: Mapping[str, str] = attrs.field(factory=dict)

    @classmethod
    def from_json(cls, data: Any) -> Qids:
        """From ``{"partners": {...}, "kinds": {...}, "documents": {...}}``; ValueError naming what is wrong."""
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object with 'partners', 'kinds' and/or 'documents'")
        unknown = sorted(set(data) - {"partners", "kinds", "documents"})
        if unknown:
            raise ValueError(f"unknown key {unknown[0]!r} (known: partners, kinds, documents)")
        found: dict[str, dict[str, str]] = {}
        for group in ("partners", "kinds", "documents"):
            table = data.get(group) or {}
            if not isinstance(table, dict):
                raise ValueError(f"{group}: expected an object of name -> Q-id")
            for name, qid in table.items():
                if not isinstance(qid, str) or not QID.fullmatch(qid):
                    raise ValueError(f"{group}.{name}: {qid!r} is not a Wikidata item id like Q1234")
            found[group] = dict(table)
        return cls(**found)


@attrs.frozen
class ExportOptions:
    """How an export is written.

    Attributes:
        lang: language of titles, names and dates (``en`` or ``vi``).
        as_of: the real-world date asked with ``--as-of``, or None.
        known_at: the recording time asked with ``--known-at``, or None (all recorded).
        today: the date an export without ``--as-of`` is made on (ongoing
            eras end there; the HTML page's as-of slider starts there).
        group: what groups entries in lanes: ``partner`` or ``kind``.
        root: the partner the export was filtered to (lanes then go one
            level below it), or None.
        words: names of kinds and statuses.
        qids: Wikidata ids a person has given.
    """

    lang: str = "en"
    as_of: date | None = None
    known_at: datetime | None = None
    today: date = attrs.field(factory=date.today)
    group: str = "partner"
    root: str | None = None
    words: Words = attrs.field(factory=Words)
    qids: Qids = attrs.field(factory=Qids)

    def axes(self, lang: str, *, as_of: bool = True) -> list[str]:
        """The time axes asked, in words: "as of 2018-12-31", "as known at 2026-01-01 12:00:00 UTC"."""
        said = [phrase("as_of", lang, date=self.as_of.isoformat())] if self.as_of and as_of else []
        if self.known_at is not None:
            said.append(phrase("known_at", lang, time=self.known_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")))
        return said

    @property
    def until(self) -> date:
        """The date ongoing things are drawn up to: the as-of date, else today."""
        return self.as_of or self.today


@attrs.frozen
class Written:
    """What an export wrote, for the line the command prints on stderr.

    Attributes:
        written: entries written.
        left_out: entries the format cannot hold, with why, e.g.
            ``{"an open or unknown bound": 25}``.
        notes: anything else a person should know (partners to resolve, ...).
    """

    written: int
    left_out: Mapping[str, int] = attrs.field(factory=dict)
    notes: tuple[str, ...] = ()


T = TypeVar("T")


@attrs.define
class Tally:
    """What a format has written so far, and what it left out and why."""

    written: int = 0
    left_out: Counter[str] = attrs.field(factory=Counter)

    def each(self, entries: Iterable[Entry], convert: Callable[[Entry], T | None], why: Callable[[Entry], str]) -> Iterator[tuple[Entry, T]]:
        """Each entry with what ``convert`` made of it; one it makes nothing of is counted under ``why(entry)``."""
        for entry in entries:
            found = convert(entry)
            if found is None:
                self.left_out[why(entry)] += 1
                continue
            self.written += 1
            yield entry, found

    def summary(self, notes: tuple[str, ...] = ()) -> Written:
        return Written(self.written, dict(self.left_out), notes)


# -- dates --------------------------------------------------------------


def parts(when: When) -> tuple[When | None, When | None]:
    """An interval's two ends as Whens (None where open or unknown); a single date is its own start and end."""
    if not when.is_interval:
        return when, when
    left, right = when.edtf.split("/")
    return (When.parse(left) if left not in ("", "..") else None, When.parse(right) if right not in ("", "..") else None)


def known_bound(when: When) -> When | None:
    """The one date a date is bounded by when its other side is open or unknown, as a date of its own:
    4 July 2022 for "[..2022-07-04]", 2024 for "[2024..]", March 2024 for "../2024-03"; None unless
    exactly one side is known."""
    if (when.earliest_key is None) == (when.latest_key is None):
        return None
    found = parts_of(when.edtf)
    if when.is_interval:
        point = found.start or found.end
    elif when.latest_key is None:
        point = min((m.first for m in found.members), key=lambda p: p.lo)
    else:
        point = max((m.last for m in found.members), key=lambda p: p.hi)
    return When.parse(point.text) if point is not None else None


def date_of(key: Key | None) -> date | None:
    """A key as a date, or None when open or outside years 1..9999."""
    if key is None or not 1 <= key[0] <= 9999:
        return None
    return date(*key)


# How many parts of a date a precision knows: year, month, day.
KNOWN_PARTS = {Precision.DAY: 3, Precision.MONTH: 2, Precision.SEASON: 2, Precision.QUARTER: 2, Precision.QUADRIMESTER: 2, Precision.HALF: 2}


def known_parts(precision: Precision) -> int:
    """1 (the year), 2 (year and month) or 3 (the day): what a date at ``precision`` can be written with."""
    return KNOWN_PARTS.get(precision, 1)


def cut(key: Key, precision: Precision) -> tuple[int, ...]:
    """``key`` with only the parts ``precision`` knows: (2019,) for a year, (2016, 3) for a month."""
    return key[: known_parts(precision)]


def display(when: When, status: str, options: ExportOptions) -> str:
    """The date as chrono prints it, with the status when it is not a plain happening: "late March 2024 (planned)"."""
    text = when.display(options.lang)
    return text if status == "happened" else f"{text} ({options.words.status(status, options.lang)})"


# -- partners -----------------------------------------------------------


def chain(pid: str, partners: Mapping[str, Partner]) -> list[str]:
    """The ids from the top of the hierarchy down to ``pid``."""
    found: list[str] = []
    current: str | None = pid
    while current and current not in found:
        found.append(current)
        current = partners[current].parent if current in partners else None
    return found[::-1]


def name(pid: str, partners: Mapping[str, Partner], lang: str) -> str:
    partner = partners.get(pid)
    return partner.name.get(lang) if partner else pid


def country_of(pid: str, partners: Mapping[str, Partner]) -> Partner | None:
    """The country-level partner above (or at) ``pid``, if the registry has one."""
    return next((partners[p] for p in chain(pid, partners) if p in partners and partners[p].level == "country"), None)


def lane(entry: Entry, partners: Mapping[str, Partner], options: ExportOptions) -> str:
    """The group an entry is drawn in: its kind, or the partner just below the
    export's root (the top of the hierarchy without one) on the way to its first partner."""
    if options.group == "kind":
        return options.words.kind(entry.kind, options.lang)
    for pid in entry.facts.partners:
        path = chain(pid, partners)
        if options.root is None:
            return name(path[0], partners, options.lang)
        if options.root in path:
            below = path[min(path.index(options.root) + 1, len(path) - 1)]
            return name(below, partners, options.lang)
    return phrase("no_partner", options.lang)
