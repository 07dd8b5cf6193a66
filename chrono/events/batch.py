"""What a list of commands creates or changes, checked against what the store holds.

The rules of a write live here: a partner's parent and an entry's partners
must be known, a record given again must match what is stored (as first
recorded or as it is now), a correction changes only what differs, an
outcome is only for a planned entry. ``chrono.events.writing`` feeds the
batches; the store is read through the ids and the loader it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import Aggregate

from chrono.errors import Problem, UnknownPartnerId
from chrono.events.entry import Entry, PartnerRecord, entry_uuid, partner_uuid

if TYPE_CHECKING:
    from chrono.events.commands import Citation, Command, Correction, Draft, Origin, Outcome, PartnerDraft, Retraction


class Batch:
    """The aggregates a list of commands creates or changes, and its problems."""

    def __init__(self, stored: set[UUID], load: Callable[[UUID], Aggregate | None]) -> None:
        self.stored = stored  # the ids of the aggregates the commands name that the store holds
        self.load = load  # an aggregate as the store holds it (None if it has no events)
        self.changed: dict[UUID, Aggregate] = {}
        self.recorded: list[str] = []
        self.unchanged: list[str] = []
        self.problems: list[Problem] = []

    def fail(self, origin: Origin, field: str, message: str) -> None:
        self.problems.append(Problem(origin.file, origin.line, field, message))

    def unknown(self, origin: Origin, field: str, pid: str, message: str | None = None) -> None:
        """``pid`` names no partner: refused, the nearest known one named when the write is (``Writing``)."""
        self.problems.append(UnknownPartnerId(origin.file, origin.line, field, pid, message))

    def add(self, command: Command) -> None:
        from chrono.events.commands import Citation, Correction, Draft, PartnerDraft, Retraction

        if isinstance(command, PartnerDraft):
            self.add_partner(command)
        elif isinstance(command, Draft):
            self.add_entry(command)
        elif isinstance(command, Citation):
            self.add_citation(command)
        elif isinstance(command, Correction):
            self.add_correction(command)
        elif isinstance(command, Retraction):
            self.add_retraction(command)
        else:
            self.add_outcome(command)

    def _get(self, aggregate_id: UUID) -> Aggregate | None:
        if aggregate_id in self.changed:
            return self.changed[aggregate_id]
        if aggregate_id not in self.stored:
            return None
        return self.load(aggregate_id)

    def known_partner(self, pid: str) -> bool:
        # Partner ids have a namespace of their own, and partners are only
        # ever registered: one that is stored is known, without loading it.
        uid = partner_uuid(pid)
        return uid in self.changed or uid in self.stored

    def add_partner(self, draft: PartnerDraft) -> None:
        partner = draft.partner
        if partner.parent and not self.known_partner(partner.parent):
            self.unknown(draft.origin, "parent", partner.parent, f"unknown partner {partner.parent!r} (define it first)")
            return
        existing = self._get(partner_uuid(partner.id))
        if isinstance(existing, PartnerRecord):
            if existing.partner == partner:
                self.unchanged.append(partner.id)
            else:
                self.fail(draft.origin, "id", f"partner {partner.id!r} is already recorded with other details")
            return
        self.changed[partner_uuid(partner.id)] = PartnerRecord.register(partner)
        self.recorded.append(partner.id)

    def add_entry(self, draft: Draft) -> None:
        for field, ids in (("partners", draft.facts.partners), ("actors", draft.facts.actors)):
            for pid in ids:
                if not self.known_partner(pid):
                    self.unknown(draft.origin, field, pid)
        slug, existing = draft.slug, self._get(entry_uuid(draft.slug))
        if existing is None and draft.earlier is not None:
            slug, existing = draft.earlier, self._get(entry_uuid(draft.earlier))  # recorded under the id an earlier chrono derived
        if isinstance(existing, Entry):
            if same_entry(existing, draft):
                self.unchanged.append(slug)
            else:
                self.fail(draft.origin, "id", f"entry {slug!r} is already recorded with different content")
            return
        self.changed[entry_uuid(draft.slug)] = Entry.record(draft.kind, draft.slug, draft.facts, draft.sources)
        self.recorded.append(draft.slug)

    def _target(self, slug: str, origin: Origin) -> Entry | None:
        entry = self._get(entry_uuid(slug))
        if not isinstance(entry, Entry):
            self.fail(origin, "id", f"no entry with id {slug!r}")
            return None
        return entry

    def add_citation(self, citation: Citation) -> None:
        entry = self._target(citation.slug, citation.origin)
        if entry is None:
            return
        if citation.source in entry.sources:
            self.unchanged.append(citation.slug)
            return
        entry.cite(citation.source)
        self._record(entry, citation.slug)

    def _record(self, entry: Entry, slug: str) -> None:
        """``entry`` has a new event to save, recorded under ``slug``."""
        self.changed[entry.id] = entry
        self.recorded.append(slug)

    def add_correction(self, correction: Correction) -> None:
        from chrono.events.kinds import KINDS

        entry = self._target(correction.slug, correction.origin)
        if entry is None:
            return
        effective = entry.facts.differences(entry.facts.changed(correction.changes))
        if not effective:
            self.unchanged.append(correction.slug)
            return
        before = len(self.problems)
        for field in ("partners", "actors"):
            for pid in effective.get(field, ()):
                if not self.known_partner(pid):
                    self.unknown(correction.origin, f"set.{field}", pid)
        cameo = effective.get("cameo")
        if cameo and cameo not in KINDS[entry.kind].cameo:
            self.fail(correction.origin, "set.cameo", f"CAMEO code {cameo!r} does not fit {entry.kind}")
        if len(self.problems) > before:
            return
        entry.correct(effective, correction.reason, correction.source)
        self._record(entry, correction.slug)

    def add_retraction(self, retraction: Retraction) -> None:
        entry = self._target(retraction.slug, retraction.origin)
        if entry is None:
            return
        if entry.retracted:
            self.unchanged.append(retraction.slug)
            return
        entry.retract(retraction.reason)
        self._record(entry, retraction.slug)

    def add_outcome(self, outcome: Outcome) -> None:
        entry = self._target(outcome.slug, outcome.origin)
        if entry is None:
            return
        if entry.facts.status != "planned":
            self.fail(outcome.origin, "outcome", f"entry {outcome.slug!r} was not planned")
            return
        if entry.outcome == outcome.outcome:
            self.unchanged.append(outcome.slug)
            return
        entry.record_outcome(outcome.outcome, outcome.when, outcome.source)
        self._record(entry, outcome.slug)


def referenced(commands: Iterable[Command]) -> Iterator[UUID]:
    """The ids of every aggregate the commands create, change or refer to."""
    from chrono.events.commands import Correction, Draft, PartnerDraft

    partners: set[str] = set()  # a few hundred, named again by most entries
    for command in commands:
        if isinstance(command, PartnerDraft):
            partners.add(command.partner.id)
            if command.partner.parent:
                partners.add(command.partner.parent)
        elif isinstance(command, Draft):
            yield entry_uuid(command.slug)
            if command.earlier is not None:
                yield entry_uuid(command.earlier)
            partners.update(command.facts.partners)
            partners.update(command.facts.actors)
        else:
            yield entry_uuid(command.slug)
            if isinstance(command, Correction):
                partners.update(command.changes.get("partners") or ())
                partners.update(command.changes.get("actors") or ())
    for pid in sorted(partners):
        yield partner_uuid(pid)


def same_entry(entry: Entry, draft: Draft) -> bool:
    """A re-imported record matches the entry as first recorded or as it is now."""
    if entry.kind != draft.kind:
        return False
    same_sources = set(draft.sources) <= set(entry.sources)
    return same_sources and draft.facts in (entry.original, entry.facts)
