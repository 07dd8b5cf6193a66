"""What each event writes to the read model: the rows of one page of events.

``chrono.projections.readmodel`` runs the catch-up, the inline projection of
a write and the rebuild; this module holds the rows they make of each entry
or partner revision, and how a page of them is written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from chrono.events.entry import Entry, PartnerRecord
from chrono.projections.counting.rule import counts, day_key, parts, year_of
from chrono.projections.schema import order_key
from chrono.projections.veil import Veil
from chrono.when import When


def time_key(moment: datetime) -> str:
    """A recording time as fixed-width UTC text, so that text order is time order."""
    if moment.tzinfo is not UTC:  # the log's own times are UTC already: isoformat is much cheaper than strftime
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")[:26]  # without its offset, which is UTC's


date_key = day_key  # a (year, month, day) bound as one integer, yyyymmdd


def whole(value: Decimal) -> int | None:
    """``value`` as an int when it is whole and fits 64 bits, else None."""
    if value != value.to_integral_value():
        return None
    number = int(value)
    return number if -(2**63) < number < 2**63 else None


class Rows:
    """The rows one page of events adds, and the revisions it supersedes (metrics, units and
    values hidden by ``veil``, the read model's codec)."""

    def __init__(self, veil: Veil) -> None:
        self.veil = veil
        self.revisions: list[tuple[Any, ...]] = []
        self.links: list[tuple[Any, ...]] = []
        self.contributions: list[tuple[Any, ...]] = []
        self.partners: list[tuple[Any, ...]] = []
        self.superseded_entries: list[tuple[str, str, int]] = []
        self.superseded_partners: list[tuple[str, str, int]] = []

    def tables(self) -> tuple[list[tuple[Any, ...]], ...]:
        """The rows alone, to be sent to another process (``offload``) and made ``Rows`` again there (``of``)."""
        return self.revisions, self.links, self.contributions, self.partners, self.superseded_entries, self.superseded_partners

    @classmethod
    def of(cls, veil: Veil, tables: tuple[list[tuple[Any, ...]], ...]) -> Rows:
        rows = cls(veil)
        rows.revisions, rows.links, rows.contributions, rows.partners, rows.superseded_entries, rows.superseded_partners = tables
        return rows

    def add(self, other: Rows, *, partners: bool = True) -> None:
        """Add the rows ``other`` derived of other events of the same page (without its partners' unless ``partners``)."""
        self.revisions += other.revisions
        self.links += other.links
        self.contributions += other.contributions
        self.superseded_entries += other.superseded_entries
        if partners:
            self.partners += other.partners
            self.superseded_partners += other.superseded_partners

    def entry(self, entry: Entry, position: int, recorded: str, topic: str | None, state: bytes | None) -> None:
        aggregate, revision, slug, when = entry.id.hex, entry.version, entry.slug, entry.facts.when
        key = key_of(when)
        earliest, latest = date_key(when.earliest_key), date_key(when.latest_key)
        self.revisions.append((
            aggregate, revision, slug, recorded, entry.kind, entry.status, int(entry.retracted),
            earliest, latest, key, position, topic, state,
        ))  # fmt: skip
        links = {(pid, "partner") for pid in entry.facts.partners} | {(pid, "actor") for pid in entry.facts.actors}
        self.links.extend(
            (aggregate, revision, pid, role, slug, key, int(entry.retracted), entry.kind, entry.status, earliest, latest, recorded)
            for pid, role in sorted(links)
        )
        live = int(counts(entry.status, entry.retracted))
        hide, sealed = self.veil.hide, self.veil.sealed
        for part in parts(entry.kind, slug, entry.facts):
            high = None if part.high is None else hide(str(part.high))
            # ``whole`` is read by no query: a sealed store keeps no value in the clear, so it holds NULL there.
            number = None if sealed else whole(part.low)
            self.contributions.append((
                aggregate, revision, part.index, slug, entry.kind, hide(part.metric), hide(part.unit), hide(str(part.low)), number,
                high, int(part.approximate), part.measure, part.earliest, part.latest,
                year_of(part.earliest, part.latest), live, ",".join(part.scope), part.when.edtf, key_of(part.when) + key, recorded,
            ))  # fmt: skip

    def partner(self, record: PartnerRecord, recorded: str, topic: str | None, state: bytes | None) -> None:
        partner = record.partner
        self.partners.append((record.id.hex, record.version, partner.id, partner.parent, recorded, topic, state))

    def write(self, cursor: Any, model: Any) -> None:  # a ReadModel
        for table, rows in (
            ("revisions", self.revisions), ("revision_partners", self.links),
            ("contributions", self.contributions), ("partners", self.partners),
        ):  # fmt: skip
            model.insert(cursor, table, rows)
        if model.rebuilding:
            return  # supersession is settled in one statement per table once the keys are indexed
        update = "UPDATE {t:%s} SET superseded_at = ? WHERE aggregate = ? AND revision = ?"
        for table in ("revisions", "revision_partners", "contributions"):
            if self.superseded_entries:
                cursor.executemany(model.sql(update % table), self.superseded_entries)
        if self.superseded_partners:
            cursor.executemany(model.sql(update % "partners"), self.superseded_partners)


@lru_cache(maxsize=1 << 16)
def key_of(when: When) -> str:
    return order_key(when.sort_key)
