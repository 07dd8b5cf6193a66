"""Which entries a question holds: the filter of a timeline, a partner's history or a count, as SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from chrono.projections.schema import order_key

if TYPE_CHECKING:
    from chrono.projections.readmodel import ReadModel

Key = tuple[str, str]  # (order key, entry id): where an entry stands in the chronicle's order


@attrs.frozen
class Filter:
    """Which entries a timeline holds.

    Attributes:
        partners: ids an entry must touch (as partner or actor); None for all.
        scope: the one partner whose family ``partners`` is, if it is one
            family: the entry counts of ``projections.tallies`` are kept per family.
        kinds: kinds to keep (all when empty).
        statuses: statuses to keep (all when empty).
        start: keep entries whose dates may end on or after this day key.
        end: keep entries whose dates may start on or before this day key.
        begun_by: keep entries begun by this day key (an as-of date).
        retracted: keep retracted entries too.
    """

    partners: frozenset[str] | None = None
    scope: str | None = None
    kinds: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    start: int | None = None
    end: int | None = None
    begun_by: int | None = None
    retracted: bool = False

    def where(self, model: ReadModel, known_at: datetime | None, alias: str) -> tuple[str, list[Any]]:
        """The SQL condition (and its parameters) on ``alias`` (revisions or revision_partners)."""
        clause, params = model.known(known_at, alias)
        more, values = self.holds(alias)
        return clause + more, params + values

    def holds(self, alias: str) -> tuple[str, list[Any]]:
        """`` AND`` the conditions on a revision's own columns (``alias``: revisions or revision_partners), its partners aside."""
        clause = ""
        params: list[Any] = []
        if not self.retracted:
            clause += f" AND {alias}.retracted = 0"
        for column, values in (("kind", self.kinds), ("status", self.statuses)):
            if values:
                clause += f" AND {alias}.{column} IN ({', '.join('?' for _ in values)})"
                params += sorted(values)
        if self.start is not None:
            clause += f" AND ({alias}.latest IS NULL OR {alias}.latest >= ?)"
            params.append(self.start)
        bound = self.begins_before()
        if bound is not None:
            # Entries begun by a day are a prefix of the chronicle's order: a range of its index.
            clause += f" AND {alias}.order_key < ?"
            params.append(bound)
        return clause, params

    @property
    def last_start(self) -> int | None:
        """The last day an entry may begin on (``end`` and ``begun_by``), if any."""
        days = [day for day in (self.end, self.begun_by) if day is not None]
        return min(days) if days else None

    def begins_before(self) -> str | None:
        """The order key before which every entry begun by ``last_start`` lies."""
        return None if self.last_start is None else start_key(self.last_start + 1)


def start_key(day: int) -> str:
    """The smallest order key of an entry beginning on ``day`` (a day key; the day after a month's
    last is fine: keys of real days compare the same way)."""
    year, rest = divmod(day, 10000)
    month, date = divmod(rest, 100)
    return order_key((1, year, month, date))


def touches(model: ReadModel, ids: Sequence[str]) -> tuple[str, list[str]]:
    """`` AND`` a condition on the revision ``r`` that it names one of ``ids`` (as partner or actor), and its parameters."""
    marks = ", ".join("?" for _ in ids)
    # SQLite would probe the key once per id of the list; "+" makes it read the revision's few
    # rows and test each (PostgreSQL plans that by itself, and has no unary plus for text).
    partner = "p.partner" if model.dialect.postgres else "+p.partner"
    clause = f" AND EXISTS (SELECT 1 FROM {{t:revision_partners}} p WHERE p.aggregate = r.aggregate AND p.revision = r.revision AND {partner} IN ({marks}))"
    return clause, list(ids)


def undated(flt: Filter) -> Filter:
    return attrs.evolve(flt, start=None, end=None, begun_by=None)
