"""Typed answers to the questions people ask (``answers``), as views and exports take them.

Each has ``to_json`` in the shapes of DESIGN.md section 8. Numbers in JSON are
integers when whole, else decimal strings in plain notation: a currency sum
must not lose digits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs


@attrs.frozen
class Axes:
    """The two time axes of a question.

    Attributes:
        as_of: the real-world date (its last day counts).
        known_at: the recording time: what the store held then (None: now).
    """

    as_of: date
    known_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "known_at": self.known_at.isoformat() if self.known_at else None}


def json_number(value: Decimal | None) -> int | str | None:
    """A Decimal for JSON: an int when integral, else its plain decimal string."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return format(value.normalize(), "f")


@attrs.frozen
class IdPage:
    """A page of entry ids from a longer list.

    Attributes:
        ids: the ids shown, in order (none unless asked for).
        total: how many contributions there are in all (an entry stating
            two amounts of one counter is two).
    """

    ids: tuple[str, ...] = ()
    total: int = 0


@attrs.frozen
class Conflict:
    """Competing claims: reports of one number that disagree.

    Attributes:
        entries: the reporting entries' ids.
        values: the value each states.
    """

    entries: tuple[str, ...]
    values: tuple[Decimal, ...]

    def to_json(self) -> dict[str, Any]:
        return {"entries": list(self.entries), "values": [json_number(v) for v in self.values]}


@attrs.frozen
class Counter:
    """One counter as of a date (DESIGN.md sections 6 and 8).

    Attributes:
        metric: what is counted or summed.
        unit: the unit of the sum (never mixed with another).
        partner: the partner asked for (its descendants included), None overall.
        group: the year, kind or partner id when grouped, else None.
        definite: what certainly counts by then, on lower value bounds.
        possible: what only possibly does (dates straddling the day), on lower bounds.
        high: the most the sources allow, possible ones included; None when open.
        approximate: whether an approximate value is in it.
        conflicts: the competing claims counted in it.
        contributors: the entries counted as definite.
        possible_contributors: the entries counted as possible.
        covered: the entries a reported figure covers (not added).
    """

    metric: str
    unit: str
    partner: str | None
    group: str | None
    definite: Decimal
    possible: Decimal
    high: Decimal | None
    approximate: bool = False
    conflicts: tuple[Conflict, ...] = ()
    contributors: IdPage = IdPage()
    possible_contributors: IdPage = IdPage()
    covered: IdPage = IdPage()

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric, "unit": self.unit, "partner": self.partner, "group": self.group,
            "definite": json_number(self.definite), "possible": json_number(self.possible), "high": json_number(self.high),
            "approximate": self.approximate, "conflicts": [c.to_json() for c in self.conflicts],
            "contributors": list(self.contributors.ids), "contributors_total": self.contributors.total,
            "possible_contributors": list(self.possible_contributors.ids),
            "possible_contributors_total": self.possible_contributors.total,
            "covered": list(self.covered.ids), "covered_total": self.covered.total,
        }  # fmt: skip


@attrs.frozen
class Counters:
    """``chrono counters``: every counter as of a date, known at a time.

    Attributes:
        as_of: the real-world date.
        known_at: the recording time (None: now).
        partner: the partner asked for, or None.
        by: the grouping (year, kind, partner) or None.
        counters: sorted by metric, unit and group.
    """

    as_of: date
    known_at: datetime | None
    partner: str | None
    by: str | None
    counters: tuple[Counter, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(), "known_at": self.known_at.isoformat() if self.known_at else None,
            "partner": self.partner, "by": self.by, "counters": [c.to_json() for c in self.counters],
        }  # fmt: skip


@attrs.frozen
class Contribution:
    """One entry's contribution to a counter, as ``explain`` lists it.

    Attributes:
        entry: the entry's id.
        kind: its kind.
        unit: the counter's unit.
        measure: ``event``, ``flow`` or ``stock``.
        low: what it adds to the low value (0 when covered, or outweighed by an overlapping figure).
        high: what it adds to the high value (None: open).
        value: the value its source states.
        certainty: ``definite``, ``possible`` or ``covered``.
        when: the EDTF date it is dated by.
        covered_by: the entry whose figure covers it, if covered.
        conflict: the competing claims it is one of, if any.
    """

    entry: str
    kind: str
    unit: str
    measure: str
    low: Decimal
    high: Decimal | None
    value: Decimal
    certainty: str
    when: str
    covered_by: str | None = None
    conflict: Conflict | None = None

    @property
    def figure(self) -> bool:
        return self.measure != "event"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.entry, "kind": self.kind, "unit": self.unit, "measure": self.measure, "figure": self.figure,
            "value": json_number(self.value), "low": json_number(self.low), "high": json_number(self.high),
            "certainty": self.certainty, "when": self.when, "covered_by": self.covered_by,
            "conflicts_with": [] if self.conflict is None else [e for e in self.conflict.entries if e != self.entry],
        }  # fmt: skip


@attrs.frozen
class Page:
    """Which slice of a long answer is shown: page ``number`` of ``size`` items out of ``total``."""

    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1

    @property
    def last(self) -> int:
        return min(self.number * self.size, self.total)

    def to_json(self) -> dict[str, int]:
        return {"number": self.number, "size": self.size, "total": self.total}


@attrs.frozen
class Correction:
    """A correction applied to an entry: when, which fields to what (as the event holds them:
    dates, quantities, names), and why."""

    recorded_at: datetime
    changes: dict[str, Any]
    reason: str

    def to_json(self) -> dict[str, Any]:
        from chrono.interchange.shapes import plain_value

        changes = {k: plain_value(v) for k, v in self.changes.items()}
        return {"recorded_at": self.recorded_at.isoformat(), "changes": changes, "reason": self.reason}


@attrs.frozen
class Explanation:
    """``chrono explain``: the counters of one metric and a page of what makes them up.

    Attributes:
        metric: the metric explained.
        partner: the partner asked for, or None.
        as_of: the real-world date.
        known_at: the recording time (None: now).
        counters: one ungrouped counter per unit.
        contributions: the page shown: per unit, definite, then possible, then covered, in date order.
        page: which page of how many contributions in all.
        entries: the entries on the page (``Entry`` aggregates), by id.
        corrections: the corrections applied to each entry on the page, by id.
        partners: the partner registry, for names.
    """

    metric: str
    partner: str | None
    as_of: date
    known_at: datetime | None
    counters: tuple[Counter, ...]
    contributions: tuple[Contribution, ...]
    page: Page
    entries: dict[str, Any]
    corrections: dict[str, tuple[Correction, ...]]
    partners: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        from chrono.interchange.shapes import entry_json

        return {
            "metric": self.metric, "partner": self.partner, "as_of": self.as_of.isoformat(),
            "known_at": self.known_at.isoformat() if self.known_at else None,
            "counters": [c.to_json() for c in self.counters], "page": self.page.to_json(),
            "contributions": [c.to_json() for c in self.contributions],
            "entries": {
                slug: {**entry_json(entry, self.partners), "corrections": [c.to_json() for c in self.corrections.get(slug, ())]}
                for slug, entry in self.entries.items()
            },
        }  # fmt: skip


@attrs.frozen
class Dated:
    """An entry with its certainty as of the date asked (``counting.certainty``).

    Attributes:
        entry: the entry (an ``Entry`` aggregate) as known at the time asked.
        certainty: ``definite``, ``possible`` or ``future``.
    """

    entry: Any
    certainty: str

    def to_json(self, partners: Mapping[str, Any]) -> dict[str, Any]:
        from chrono.interchange.shapes import entry_json

        return {**entry_json(self.entry, partners), "certainty": self.certainty}


@attrs.frozen
class Timeline:
    """``chrono timeline``: a page of entries in the chronicle's order.

    Attributes:
        axes: the date and recording time asked.
        entries: the entries shown (a page, or all of them).
        page: which page, when paging; None when every entry is shown.
        total: how many entries the filter holds in all.
        by: ``year`` or ``decade``: how the entries are grouped when shown.
        partners: the partner registry, for names.
    """

    axes: Axes
    entries: tuple[Dated, ...]
    page: Page | None
    total: int
    by: str
    partners: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        paging = {"page": self.page.to_json()} if self.page else {}
        return {**self.axes.to_json(), "total": self.total, **paging, "entries": [d.to_json(self.partners) for d in self.entries]}


@attrs.frozen
class Since:
    """The earliest entry that supports a state of a relationship, with its certainty.

    Attributes:
        entry: the entry (an ``Entry`` aggregate).
        certainty: ``definite`` or ``possible`` as of the date asked.
    """

    entry: Any
    certainty: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.entry.slug, "when": self.entry.facts.when.edtf, "certainty": self.certainty}


@attrs.frozen
class Relationship:
    """The state of a relationship with a partner (and those below it) as of a date.

    Attributes:
        partner: the partner's id.
        relations_since: the earliest counted RelationsEstablished entry begun by then.
        twinned_since: the earliest counted TwinningSigned entry begun by then.
        agreements: the agreements counter, as ``counters --partner`` gives it.
        mechanisms: the counted MechanismEstablished entries begun by then.
        counts: counted entries begun by then, by kind.
    """

    partner: str
    relations_since: Since | None
    twinned_since: Since | None
    agreements: Counter | None
    mechanisms: IdPage
    counts: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "partner": self.partner,
            "relations_since": self.relations_since.to_json() if self.relations_since else None,
            "twinned_since": self.twinned_since.to_json() if self.twinned_since else None,
            "agreements": self.agreements.to_json() if self.agreements else None,
            "mechanisms": list(self.mechanisms.ids),
            "mechanisms_total": self.mechanisms.total,
            "counts": self.counts,
        }


@attrs.frozen
class History:
    """``chrono partner``: a partner's place, relationship and history as of a date.

    Attributes:
        partner: the partner (a ``Partner``).
        lineage: its ancestors from the top down to it.
        children: the partners directly below it, each with how many entries touch it and those below it.
        relationship: the state of the relationship.
        first_contact: the first entry in the chronicle's order, if any.
        latest_contact: the last counted entry begun by the date, if any.
        timeline: the page of its history shown.
    """

    partner: Any
    lineage: tuple[Any, ...]
    children: tuple[tuple[Any, int], ...]
    relationship: Relationship
    first_contact: Any | None
    latest_contact: Any | None
    timeline: Timeline

    def head_json(self) -> dict[str, Any]:
        """The answer but its entries: what a streamed history writes before them."""
        from chrono.interchange.shapes import entry_brief

        return {
            "partner": self.partner.to_json(), **self.timeline.axes.to_json(),
            "lineage": [p.id for p in self.lineage],
            "first_contact": entry_brief(self.first_contact) if self.first_contact else None,
            "latest_contact": entry_brief(self.latest_contact) if self.latest_contact else None,
            "state": self.relationship.to_json(), "total": self.timeline.total,
        }  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        paging = {"page": self.timeline.page.to_json()} if self.timeline.page else {}
        return {**self.head_json(), **paging, "entries": [d.to_json(self.timeline.partners) for d in self.timeline.entries]}


@attrs.frozen
class Activity:
    """How many counted happenings fall in each year, definite and possible.

    Attributes:
        years: (year, definite, possible), every year from the first to the last with any.
        undated: happenings with no year (open dates).
    """

    years: tuple[tuple[int, int, int], ...]
    undated: int

    def to_json(self) -> dict[str, Any]:
        return {"years": [{"year": y, "definite": d, "possible": p} for y, d, p in self.years], "undated": self.undated}


@attrs.frozen
class State:
    """``chrono state``: everything as of a date.

    Attributes:
        axes: the date and recording time asked.
        relationships: the state of each top-level foreign partner's relationship that has entries.
        counters: the overall counters.
        latest: the latest entries begun by the date, latest last.
        overdue: planned entries whose date passed with no outcome recorded.
        activity: happenings per year.
        partners: the partner registry, for names.
    """

    axes: Axes
    relationships: tuple[Relationship, ...]
    counters: Counters
    latest: tuple[Dated, ...]
    overdue: tuple[Any, ...]
    activity: Activity
    partners: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        from chrono.interchange.shapes import entry_brief

        return {
            **self.axes.to_json(), "relationships": {r.partner: r.to_json() for r in self.relationships},
            "counters": [c.to_json() for c in self.counters.counters],
            "latest": [d.to_json(self.partners) for d in self.latest],
            "overdue": [entry_brief(e) for e in self.overdue], "activity": self.activity.to_json(),
        }  # fmt: skip


@attrs.frozen
class Log:
    """``chrono log``: events in recording order.

    Attributes:
        events: (position, event) pairs: a page, or (with no page) every event, streamed.
        names: each aggregate's readable id (entry or partner), by its UUID.
        page: which page, when paging; None when every event is shown.
        total: how many events the log holds (as known at the time asked).
    """

    events: Any
    names: Mapping[Any, str]
    page: Page | None
    total: int
