"""One transaction for a write of any size, the read model following in it.

A write holds the store's write lock from its start (``chrono.store``'s
recorders take it), so that what it reads of the log (which ids are stored,
the entry it corrects) is still so when it writes, and no other write comes
between: there is nothing to retry. Commands are added a chunk at a time and
each chunk is saved at once, so that an import holds one chunk of a file, not
the file. A projector (the read model) is given each chunk's stored events
and domain events in the same transaction, as Marten's inline projections
are: it never reads back and decodes what was just written.

A command that names a partner neither the store nor the records before it
define waits for the end of the write (a file may define its partners after
their use) and is refused then if the partner is still unknown. Any problem
rolls the whole write back: all or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper, Notification, StoredEvent

from chrono.errors import Problem, Rejected, UnknownPartnerId
from chrono.events.batch import Batch, referenced
from chrono.events.entry import entry_uuid, partner_uuid
from chrono.events.values import Partner

if TYPE_CHECKING:
    from chrono.events.commands import Command

CHUNK = 2000  # commands saved at a time


class Recorder(Protocol):
    """What chrono's recorders (``chrono.store``) add to eventsourcing's."""

    def writing(self) -> AbstractContextManager[Any]:
        """A cursor in a transaction holding the log's write lock."""

    def insert_in(self, cursor: Any, stored_events: Sequence[StoredEvent]) -> Sequence[int]:
        """Insert the events in the open transaction; their notification ids."""

    def stored_ids_in(self, cursor: Any, ids: Sequence[UUID]) -> set[UUID]:
        """Which of ``ids`` have events in the log."""

    def events_in(self, cursor: Any, originator_id: UUID) -> list[StoredEvent]:
        """An aggregate's stored events, in version order."""


class Projector(Protocol):
    """What follows every write in its transaction (the read model)."""

    def begin(self) -> None:
        """A write starts."""

    def project(self, cursor: Any, written: Sequence[Notification], events: Sequence[Any]) -> None:
        """Take the events just written (stored and as domain events) in the write's transaction."""

    def settle(self, cursor: Any) -> None:
        """The write is about to commit: finish what was gathered over its chunks."""

    def committed(self) -> None:
        """The write's transaction committed (work that runs in a transaction of its own)."""

    def partners(self) -> Mapping[str, Partner]:
        """The partner registry as committed (to name the partner nearest an unknown id)."""


class Writing:
    """A write in progress: one transaction, any number of chunks of commands.

    Attributes:
        recorded: ids of entries and partners newly recorded or changed.
        unchanged: ids whose records were already in the store as given.
        problems: every problem found so far; any one rolls the write back.
        defined: the partners the write's records define (a registry's few), by id:
            where the nearest to an unknown id is looked for, with the store's.
    """

    def __init__(self, mapper: Mapper[UUID], recorder: Recorder, cursor: Any, projector: Projector | None) -> None:
        self.mapper = mapper
        self.recorder = recorder
        self.cursor = cursor
        self.projector = projector
        self.recorded: list[str] = []
        self.unchanged: list[str] = []
        self.problems: list[Problem] = []
        self._waiting: list[Command] = []
        self._waiting_slugs: set[str] = set()
        self.defined: dict[str, Partner] = {}

    def add(self, commands: Sequence[Command]) -> None:
        """Check and save ``commands`` (partners first); those naming a partner not yet known wait."""
        for start in range(0, len(commands), CHUNK):
            self._save(commands[start : start + CHUNK], wait=True)

    def finish(self) -> None:
        """Save the commands that waited; raise ``Rejected`` with every problem (rolling the write back)."""
        waiting, self._waiting = self._waiting, []
        self._waiting_slugs.clear()
        for start in range(0, len(waiting), CHUNK):
            self._save(waiting[start : start + CHUNK], wait=False)
        if self.problems:
            raise Rejected(self.problems)

    def _save(self, commands: Sequence[Command], *, wait: bool) -> None:
        from chrono.events.commands import PartnerDraft

        ordered = sorted(commands, key=lambda command: not isinstance(command, PartnerDraft))
        self.defined.update((command.partner.id, command.partner) for command in ordered if isinstance(command, PartnerDraft))
        batch = Batch(self.stored_ids(referenced(ordered)), self.load)
        for command in ordered:
            if wait and self._waits(batch, command):
                self._waiting.append(command)
                self._waiting_slugs.add(command.slug)  # type: ignore[union-attr]  # not a partner draft
            else:
                batch.add(command)
        self.problems += batch.problems
        self.recorded += batch.recorded
        self.unchanged += batch.unchanged
        self.put(batch.changed.values())

    def _waits(self, batch: Batch, command: Command) -> bool:
        from chrono.events.commands import Correction, Draft, PartnerDraft

        if isinstance(command, PartnerDraft):
            return False  # a parent is defined before its children
        if command.slug in self._waiting_slugs:
            return True  # what follows an entry that waits, waits with it
        named: Sequence[str] = ()
        if isinstance(command, Draft):
            named = (*command.facts.partners, *command.facts.actors)
        elif isinstance(command, Correction):
            named = (*(command.changes.get("partners") or ()), *(command.changes.get("actors") or ()))
        return not all(batch.known_partner(pid) for pid in named)

    def stored_ids(self, ids: Any) -> set[UUID]:
        return self.recorder.stored_ids_in(self.cursor, list(dict.fromkeys(ids)))

    def load(self, aggregate_id: UUID) -> Aggregate | None:
        """An aggregate as this transaction sees it (None if it has no events)."""
        aggregate: Aggregate | None = None
        for stored in self.recorder.events_in(self.cursor, aggregate_id):
            event: Any = self.mapper.to_domain_event(stored)
            aggregate = event.mutate(aggregate)
        return aggregate

    def load_entry(self, slug: str) -> Aggregate | None:
        return self.load(entry_uuid(slug))

    def known_partners(self, ids: Sequence[str]) -> set[str]:
        stored = self.stored_ids(partner_uuid(pid) for pid in ids)
        return {pid for pid in ids if partner_uuid(pid) in stored}

    def put(self, aggregates: Any) -> None:
        """Store the aggregates' new events, and project them."""
        events = [event for aggregate in aggregates for event in aggregate.collect_events()]
        if events:
            self.insert([self.mapper.to_stored_event(event) for event in events], events)

    def insert(self, stored: Sequence[StoredEvent], events: Sequence[Any] | None = None) -> None:
        """Store ``stored`` as it is; the projector hears them with their domain events (decoded if not given)."""
        ids = self.recorder.insert_in(self.cursor, stored)
        if self.projector is None:
            return
        if events is None:
            events = [self.mapper.to_domain_event(item) for item in stored]
        written = [
            Notification(id=position, originator_id=item.originator_id, originator_version=item.originator_version, topic=item.topic, state=item.state)
            for position, item in zip(ids, stored, strict=True)
        ]  # fmt: skip
        self.projector.project(self.cursor, written, events)


def hinted(error: Rejected, projector: Projector | None, defined: Mapping[str, Partner]) -> Rejected:
    """``error`` with the nearest known partner after each unknown partner id
    (the queries' hint: ``chrono.events.slugs.partner_hint``)."""
    if not any(isinstance(problem, UnknownPartnerId) for problem in error.problems):
        return error
    from chrono.events.slugs import partner_hint

    known = {**_registry(projector), **defined}
    problems = [
        UnknownPartnerId(p.file, p.line, p.field, p.pid, f"{p.message}; {partner_hint(p.pid, known)}") if isinstance(p, UnknownPartnerId) else p
        for p in error.problems
    ]  # fmt: skip
    return Rejected(problems)


def _registry(projector: Projector | None) -> Mapping[str, Partner]:
    """The committed partner registry, or none: a registry that cannot be read
    (a damaged read model) takes away the hint, never the refusal it adds to."""
    if projector is None:
        return {}
    try:
        return projector.partners()
    except Exception:
        return {}
