"""Answers to the questions people ask: timeline, partner history, state.

Each takes entries already read as known at a recording time and a real-world
as-of date, and returns plain data; rendering is elsewhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import attrs

from chrono.events.entry import Entry
from chrono.events.values import Partner
from chrono.projections.hierarchy import ancestry, descendants
from chrono.projections.memory import TimelineQuery

DEFINITE = "definite"
POSSIBLE = "possible"
FUTURE = "future"


def certainty(entry: Entry, as_of: date) -> str:
    """Whether an entry had certainly, possibly or not yet happened by ``as_of``."""
    when = entry.facts.when
    if when.ends_on_or_before(as_of):
        return DEFINITE
    if when.starts_on_or_before(as_of):
        return POSSIBLE
    return FUTURE


def ordered(entries: Iterable[Entry]) -> list[Entry]:
    """Entries in the chronicle's total order: their dates, then their ids."""
    return sorted(entries, key=lambda entry: (entry.facts.when.sort_key, entry.slug))


@attrs.frozen
class Dated:
    """An entry with its certainty as of the date asked."""

    entry: Entry
    certainty: str


def timeline(entries: Iterable[Entry], query: TimelineQuery, as_of: date, *, strict: bool) -> list[Dated]:
    """The entries ``query`` accepts, in order; with ``strict`` only those begun by ``as_of``."""
    chosen = [Dated(entry, certainty(entry, as_of)) for entry in ordered(entries) if query.accepts(entry)]
    return [dated for dated in chosen if not strict or dated.certainty != FUTURE]


def overdue(entry: Entry, as_of: date) -> bool:
    """A planned happening whose date has passed with no outcome recorded."""
    return entry.status == "planned" and entry.facts.when.ends_on_or_before(as_of)


@attrs.frozen
class History:
    """A partner's history as of a date."""

    partner: Partner
    lineage: tuple[Partner, ...]
    entries: tuple[Dated, ...]
    state: dict[str, Any]
    counts: dict[str, int]

    @property
    def first_contact(self) -> Entry | None:
        return self.entries[0].entry if self.entries else None

    @property
    def latest_contact(self) -> Entry | None:
        begun = [d.entry for d in self.entries if d.certainty != FUTURE and d.entry.status != "planned"]
        return max(begun, key=lambda e: (e.facts.when.latest_key or (9999, 12, 31), e.slug)) if begun else None


def relationship(entries: Iterable[Dated]) -> dict[str, Any]:
    """The state of a relationship from its entries: since when, what holds."""
    happened = [d for d in entries if d.certainty != FUTURE and d.entry.status in ("happened", "held")]

    def since(kind: str) -> str | None:
        dates = [d.entry.facts.when for d in happened if d.entry.kind == kind]
        return min(dates).edtf if dates else None

    return {
        "relations_since": since("RelationsEstablished"),
        "twinned_since": since("TwinningSigned"),
        "agreements": {
            DEFINITE: sum(1 for d in happened if d.entry.kind == "AgreementSigned" and d.certainty == DEFINITE),
            POSSIBLE: sum(1 for d in happened if d.entry.kind == "AgreementSigned" and d.certainty == POSSIBLE),
        },
        "mechanisms": [d.entry.slug for d in happened if d.entry.kind == "MechanismEstablished"],
    }


def history(
    pid: str, entries: Iterable[Entry], partners: Mapping[str, Partner], as_of: date,
    *, exact: bool = False, strict: bool = False,
) -> History:  # fmt: skip
    """The history of partner ``pid`` (with its descendants unless ``exact``)."""
    ids = frozenset({pid} if exact else descendants(pid, partners))
    dated = timeline(entries, TimelineQuery(partners=ids), as_of, strict=strict)
    counts = Counter(d.entry.kind for d in dated)
    return History(
        partner=partners[pid],
        lineage=tuple(ancestry(pid, partners)),
        entries=tuple(dated),
        state=relationship(dated),
        counts=dict(sorted(counts.items())),
    )


@attrs.frozen
class Activity:
    """How many happenings began in each year, definite and possible.

    Attributes:
        years: year -> (definite, possible) counts, every year from the first to the last.
        undated: happenings with an open start, which no year can hold.
    """

    years: dict[int, tuple[int, int]]
    undated: int

    def to_json(self) -> dict[str, Any]:
        return {
            "years": [{"year": year, DEFINITE: d, POSSIBLE: p} for year, (d, p) in self.years.items()],
            "undated": self.undated,
        }


def activity(dated: Iterable[Dated]) -> Activity:
    """Happenings per start year: reported figures, plans and retracted entries are not activity."""
    definite: Counter[int] = Counter()
    possible: Counter[int] = Counter()
    undated = 0
    for row in dated:
        entry = row.entry
        if entry.retracted or entry.kind == "FigureReported" or entry.status not in ("happened", "held") or row.certainty == FUTURE:
            continue
        start = entry.facts.when.earliest_key
        if start is None:
            undated += 1
            continue
        (definite if row.certainty == DEFINITE else possible)[start[0]] += 1
    years = sorted({*definite, *possible})
    span = range(years[0], years[-1] + 1) if years else range(0)
    return Activity({year: (definite[year], possible[year]) for year in span}, undated)
