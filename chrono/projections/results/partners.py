"""``chrono partner``: a partner's relationship with the chronicle's side, its history and activity."""

from __future__ import annotations

from typing import Any

import attrs

from chrono.projections.results.common import IdPage
from chrono.projections.results.counters import Counter
from chrono.projections.results.entries import Timeline


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
        listed: the entries of ``mechanisms.ids``, where they were read (the panel shows their
            dates and titles); not compared, and not in the JSON, which lists the ids.
    """

    partner: str
    relations_since: Since | None
    twinned_since: Since | None
    agreements: Counter | None
    mechanisms: IdPage
    counts: dict[str, int]
    listed: tuple[Any, ...] = attrs.field(default=(), eq=False, repr=False)

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
