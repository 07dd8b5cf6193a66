"""``chrono counters`` and ``chrono explain``: counters with their bounds, competing claims and contributions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from chrono.projections.results.common import Correction, IdPage, Page, json_number


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
