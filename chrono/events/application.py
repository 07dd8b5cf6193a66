"""The chronicle application: the write side's service layer.

Commands come in as validated drafts (see ``records``), are checked against
what the store already holds, and are saved together: one call of ``submit``
is one transaction, so an import writes everything or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, StoredEvent
from eventsourcing.utils import Environment, EnvType

from chrono.errors import Conflict, Problem, Rejected, StoreDamaged, UnknownEntry
from chrono.events.entry import Entry, PartnerRecord, entry_uuid, partner_uuid
from chrono.events.transcodings import register_transcodings
from chrono.events.values import Facts, Partner, Source

if TYPE_CHECKING:
    # The drafts are the writes' input: records (and their parsing) are
    # imported by the methods that take them, not by every reader.
    from chrono.events.commands import Citation, Command, Correction, Draft, Origin, Outcome, PartnerDraft, Retraction

RETRIES = 3
PAGE = 500


@attrs.frozen
class Report:
    """What a write did.

    Attributes:
        recorded: ids of entries and partners newly recorded or changed.
        unchanged: ids whose records were already in the store as given.
        position: the log's last notification id after the write.
    """

    recorded: tuple[str, ...]
    unchanged: tuple[str, ...]
    position: int


class Chronicle(Application[UUID]):
    """An event-sourced chronicle of dated happenings."""

    name = "chrono"

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        # chrono.store configures the store completely. eventsourcing would
        # also read the process environment (PERSISTENCE_MODULE, CIPHER_TOPIC,
        # CHRONO_SQLITE_DBNAME, ...), letting a stray variable redirect,
        # re-encode or un-encrypt the store.
        return Environment(name, dict(env or {}))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)

    # -- writing ---------------------------------------------------------

    def submit(self, commands: Sequence[Command]) -> Report:
        """Check ``commands`` against the store and save them in one transaction.

        Raises ``Rejected`` with every problem found, having written nothing.
        A concurrent writer's conflicting save is retried from a fresh read.
        """
        from chrono.events.commands import PartnerDraft

        # Partners first, so that a file may define them after their use.
        ordered = sorted(commands, key=lambda command: not isinstance(command, PartnerDraft))
        for _ in range(RETRIES):
            batch = _Batch(self, self.stored_ids(_referenced(ordered)))
            for command in ordered:
                batch.add(command)
            if batch.problems:
                raise Rejected(batch.problems)
            try:
                self._put(batch.changed.values())
            except IntegrityError:
                continue
            return Report(tuple(batch.recorded), tuple(batch.unchanged), self.head_position())
        raise Conflict("another writer changed the same entries at the same time; run the command again")

    def _put(self, aggregates: Iterable[Aggregate]) -> None:
        """Store the aggregates' new events in one transaction.

        What ``Application.save`` does for this application (no snapshots, no
        cache, no followers), without its per-object runtime Protocol checks,
        which cost more than encoding the events on Python 3.11.
        """
        pending = [event for aggregate in aggregates for event in aggregate.collect_events()]
        if pending:
            self.events.put(pending)

    def correct(self, slug: str, changes: dict[str, Any], reason: str, source: Source | None) -> Report:
        """Record a correction of some of an entry's facts."""
        return self._change(slug, lambda entry: self._correction(entry, changes, reason, source))

    def retract(self, slug: str, reason: str) -> Report:
        """Record that an entry should not have been recorded."""

        def retract(entry: Entry) -> bool:
            if entry.retracted:
                return False
            entry.retract(reason)
            return True

        return self._change(slug, retract)

    def _correction(self, entry: Entry, changes: dict[str, Any], reason: str, source: Source | None) -> bool:
        effective = entry.facts.differences(entry.facts.changed(changes))
        if not effective:
            return False
        missing = self.missing_partners([*effective.get("partners", ()), *effective.get("actors", ())])
        if missing:
            problems = [Problem("command line", 0, "partners", f"unknown partner {pid!r}") for pid in missing]
            raise Rejected(problems)
        entry.correct(effective, reason, source)
        return True

    def _change(self, slug: str, change: Any) -> Report:
        for _ in range(RETRIES):
            entry = self.entry(slug)
            if not change(entry):
                return Report((), (slug,), self.head_position())
            try:
                self.save(entry)
            except IntegrityError:
                continue
            return Report((slug,), (), self.head_position())
        raise Conflict(f"another writer changed {slug!r} at the same time; run the command again")

    def load_stored(self, stored: Sequence[StoredEvent]) -> Report:
        """Write a full-fidelity event export into this (empty) store, as is."""
        if self.head_position():
            problem = Problem("events", 0, "", "an event log can only be imported into an empty store")
            raise Rejected([problem])
        try:
            self.recorder.insert_events(stored)
        except IntegrityError:
            raise Rejected([Problem("events", 0, "", "the log holds the same event twice")]) from None
        return Report(tuple(str(s.originator_id) for s in stored), (), self.head_position())

    # -- reading ---------------------------------------------------------

    def entry(self, slug: str, known_at: datetime | None = None) -> Entry:
        """The entry with id ``slug``, as recorded now or as known at a time."""
        try:
            if known_at is None:
                found: Any = self.repository.get(entry_uuid(slug))
                if not isinstance(found, Entry):  # its events make no entry: the store was changed by hand
                    raise StoreDamaged(f"the store is damaged: the events of {slug!r} do not make an entry (a creation event removed?); run chrono audit")
                return found
        except AggregateNotFoundError:
            raise UnknownEntry(slug) from None
        except AssertionError:  # eventsourcing's check that a history begins with its creation event
            raise StoreDamaged(f"the store is damaged: the events of {slug!r} do not begin with its creation event; run chrono audit") from None
        events: Iterable[Any] = self.events.get(entry_uuid(slug))
        folded = fold_events(e for e in events if e.timestamp <= known_at)
        if not folded:
            raise UnknownEntry(slug)
        entry = folded[entry_uuid(slug)]
        assert isinstance(entry, Entry)
        return entry

    def revisions(self, slug: str) -> list[Aggregate.Event]:
        """Every event of an entry, oldest first."""
        events = list(self.events.get(entry_uuid(slug)))
        if not events:
            raise UnknownEntry(slug)
        return events  # type: ignore[return-value]

    def partner(self, pid: str) -> Partner | None:
        try:
            record: Any = self.repository.get(partner_uuid(pid))
        except AggregateNotFoundError:
            return None
        assert isinstance(record, PartnerRecord)
        return record.partner

    def missing_partners(self, ids: Iterable[str]) -> list[str]:
        wanted = list(dict.fromkeys(ids))
        stored = self.stored_ids(partner_uuid(pid) for pid in wanted)
        return [pid for pid in wanted if partner_uuid(pid) not in stored]

    def stored_ids(self, ids: Iterable[UUID]) -> set[UUID]:
        """Which of ``ids`` have events in the store: one query per page of ids, in one transaction."""
        wanted = list(dict.fromkeys(ids))
        found: set[UUID] = set()
        if not wanted:
            return found
        datastore: Any = self.recorder.datastore  # type: ignore[attr-defined]
        postgres = hasattr(datastore, "schema")
        query = self._stored_ids_sql(datastore)
        with datastore.transaction(commit=False) as cursor:
            if postgres:
                # A log filled in one go has no planner statistics yet, and
                # PostgreSQL then scans all of it for every page of ids; past
                # a few hundred thousand events it also starts parallel
                # workers for these few index probes (16 ms a page, not 1.5).
                for setting in ("enable_seqscan = off", "max_parallel_workers_per_gather = 0", "jit = off"):
                    cursor.execute(f"SET LOCAL {setting}")
            for start in range(0, len(wanted), PAGE):
                page = wanted[start : start + PAGE]
                if postgres:
                    cursor.execute(query, (page,))
                    found.update(row["originator_id"] for row in cursor.fetchall())
                else:
                    marks = ", ".join("?" for _ in page)
                    cursor.execute(query + f" ({marks})", [uid.hex for uid in page])
                    found.update(UUID(row["originator_id"]) for row in cursor.fetchall())
        return found

    def _stored_ids_sql(self, datastore: Any) -> str:
        table = self.recorder.events_table_name  # type: ignore[attr-defined]
        if hasattr(datastore, "schema"):
            return f"SELECT DISTINCT originator_id FROM {datastore.schema}.{table} WHERE originator_id = ANY(%s)"
        return f"SELECT DISTINCT originator_id FROM {table} WHERE originator_id IN"

    def head_position(self) -> int:
        """The notification id of the last stored event (0 for an empty log)."""
        return self.recorder.max_notification_id() or 0

    def domain_events(self, known_at: datetime | None = None, start: int = 1) -> Iterator[tuple[int, Any]]:
        """Every stored event in log order with its position, streamed in pages."""
        for notification in self.stored_notifications(start):
            event: Any = self.mapper.to_domain_event(notification)
            if known_at is None or event.timestamp <= known_at:
                yield notification.id, event

    def stored_notifications(self, start: int = 1) -> Iterator[Any]:
        """The stored events as the store holds them, in log order."""
        while True:
            page = self.recorder.select_notifications(start=start, limit=PAGE)
            yield from page
            if len(page) < PAGE:
                return
            start = page[-1].id + 1

    def snapshot(self, known_at: datetime | None = None) -> State:
        """All entries and partners, folded from the log (as known at a time)."""
        aggregates = fold_events(event for _, event in self.domain_events(known_at))
        entries = {a.slug: a for a in aggregates.values() if isinstance(a, Entry)}
        partners = {a.partner.id: a.partner for a in aggregates.values() if isinstance(a, PartnerRecord)}
        return State(entries=entries, partners=partners)


@attrs.frozen
class State:
    """The whole chronicle at one recording time."""

    entries: dict[str, Entry]
    partners: dict[str, Partner]


def fold_events(events: Iterable[Any]) -> dict[UUID, Aggregate]:
    """Aggregates rebuilt from events, in the order given."""
    aggregates: dict[UUID, Aggregate] = {}
    for event in events:
        aggregate = event.mutate(aggregates.get(event.originator_id))
        aggregates[event.originator_id] = aggregate
    return aggregates


class _Batch:
    """The aggregates a list of commands creates or changes, and its problems."""

    def __init__(self, app: Chronicle, stored: set[UUID]) -> None:
        self.app = app
        self.stored = stored  # the ids of the aggregates the commands name that the store holds
        self.changed: dict[UUID, Aggregate] = {}
        self.recorded: list[str] = []
        self.unchanged: list[str] = []
        self.problems: list[Problem] = []

    def fail(self, origin: Origin, field: str, message: str) -> None:
        self.problems.append(Problem(origin.file, origin.line, field, message))

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
        try:
            return self.app.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def known_partner(self, pid: str) -> bool:
        # Partner ids have a namespace of their own, and partners are only
        # ever registered: one that is stored is known, without loading it.
        uid = partner_uuid(pid)
        return uid in self.changed or uid in self.stored

    def add_partner(self, draft: PartnerDraft) -> None:
        partner = draft.partner
        if partner.parent and not self.known_partner(partner.parent):
            self.fail(draft.origin, "parent", f"unknown partner {partner.parent!r} (define it first)")
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
                    self.fail(draft.origin, field, f"unknown partner {pid!r}")
        existing = self._get(entry_uuid(draft.slug))
        if isinstance(existing, Entry):
            if _same_entry(existing, draft):
                self.unchanged.append(draft.slug)
            else:
                self.fail(draft.origin, "id", f"entry {draft.slug!r} is already recorded with different content")
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
                    self.fail(correction.origin, f"set.{field}", f"unknown partner {pid!r}")
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


def _referenced(commands: Iterable[Command]) -> Iterator[UUID]:
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
            partners.update(command.facts.partners)
            partners.update(command.facts.actors)
        else:
            yield entry_uuid(command.slug)
            if isinstance(command, Correction):
                partners.update(command.changes.get("partners") or ())
                partners.update(command.changes.get("actors") or ())
    for pid in sorted(partners):
        yield partner_uuid(pid)


def _same_entry(entry: Entry, draft: Draft) -> bool:
    """A re-imported record matches the entry as first recorded or as it is now."""
    if entry.kind != draft.kind:
        return False
    same_sources = set(draft.sources) <= set(entry.sources)
    return same_sources and draft.facts in (entry.original, entry.facts)


__all__ = ["Chronicle", "Facts", "Report", "State", "fold_events"]
