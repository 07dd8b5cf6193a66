"""The chronicle application: the write side's service layer.

Commands come in as validated drafts (see ``records``), are checked against
what the store already holds, and are saved together: one call of ``submit``
is one transaction, so an import writes everything or nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, StoredEvent
from eventsourcing.utils import Environment, EnvType

from chrono.errors import Problem, Rejected, StoreDamaged, UnknownEntry, UnknownPartnerId
from chrono.events.entry import Entry, PartnerRecord, entry_uuid, partner_uuid
from chrono.events.transcodings import register_transcodings
from chrono.events.values import Facts, Partner, Source
from chrono.events.writing import Projector, Writing, hinted

if TYPE_CHECKING:
    # The drafts are the writes' input: records (and their parsing) are
    # imported by the methods that take them, not by every reader.
    from chrono.events.commands import Command

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
    projector: Projector | None = None  # see follow()

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        # chrono.store configures the store completely. eventsourcing would
        # also read the process environment (PERSISTENCE_MODULE, CIPHER_TOPIC,
        # CHRONO_SQLITE_DBNAME, ...), letting a stray variable redirect,
        # re-encode or un-encrypt the store.
        return Environment(name, dict(env or {}))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)

    def __del__(self) -> None:
        # A chronicle nobody closed may be collected on one of the connection
        # pool's own threads, where closing the pool cannot join that thread:
        # there is no one left to tell then.
        with contextlib.suppress(Exception):
            self.close()

    # -- writing ---------------------------------------------------------

    def follow(self, projector: Projector | None) -> None:
        """Have ``projector`` (the read model) take every write in the write's own transaction."""
        self.projector = projector

    @contextmanager
    def writing(self) -> Iterator[Writing]:
        """One transaction holding the log's write lock: all that is added to it, or nothing."""
        projector = self.projector
        if projector is not None:
            projector.begin()
        session: Writing | None = None
        try:
            with self.recorder.writing() as cursor:  # type: ignore[attr-defined]  # chrono.store's recorders
                session = Writing(self.mapper, self.recorder, cursor, projector)  # type: ignore[arg-type]
                yield session
                if projector is not None:
                    projector.settle(cursor)
        except Rejected as error:
            # Rolled back by now: the nearest known partner to each unknown id is
            # looked up in the registry as committed, and among the write's own.
            raise hinted(error, projector, session.defined if session is not None else {}) from None
        if projector is not None:
            projector.committed()

    def submit(self, commands: Sequence[Command]) -> Report:
        """Check ``commands`` against the store and save them in one transaction.

        Raises ``Rejected`` with every problem found, having written nothing.
        """
        with self.writing() as session:
            session.add(commands)
            session.finish()
        return Report(tuple(session.recorded), tuple(session.unchanged), self.head_position())

    def correct(self, slug: str, changes: dict[str, Any], reason: str, source: Source | None) -> Report:
        """Record a correction of some of an entry's facts."""
        return self._change(slug, lambda entry, session: self._correction(entry, session, changes, reason, source))

    def retract(self, slug: str, reason: str) -> Report:
        """Record that an entry should not have been recorded."""

        def retract(entry: Entry, _: Writing) -> bool:
            if entry.retracted:
                return False
            entry.retract(reason)
            return True

        return self._change(slug, retract)

    def _correction(self, entry: Entry, session: Writing, changes: dict[str, Any], reason: str, source: Source | None) -> bool:
        effective = entry.facts.differences(entry.facts.changed(changes))
        if not effective:
            return False
        named = [*effective.get("partners", ()), *effective.get("actors", ())]
        known = session.known_partners(named)
        missing = [pid for pid in dict.fromkeys(named) if pid not in known]
        if missing:
            problems: list[Problem] = [UnknownPartnerId("command line", 0, "partners", pid) for pid in missing]
            raise Rejected(problems)
        entry.correct(effective, reason, source)
        return True

    def _change(self, slug: str, change: Callable[[Entry, Writing], bool]) -> Report:
        with self.writing() as session:
            entry = session.load_entry(slug)
            if not isinstance(entry, Entry):
                raise UnknownEntry(slug)
            changed = change(entry, session)
            session.put([entry])
        return Report((slug,) if changed else (), () if changed else (slug,), self.head_position())

    def load_stored(self, stored: Sequence[StoredEvent]) -> Report:
        """Write a full-fidelity event export into this (empty) store, as is."""
        with self.writing() as session:
            if self.head_position():
                raise Rejected([Problem("events", 0, "", "an event log can only be imported into an empty store")])
            try:
                session.insert(stored)
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

    def stored_ids(self, ids: Iterable[UUID]) -> set[UUID]:
        """Which of ``ids`` have events in the store."""
        recorder: Any = self.recorder  # chrono.store's recorders
        with recorder.datastore.transaction(commit=False) as cursor:
            return set(recorder.stored_ids_in(cursor, list(dict.fromkeys(ids))))

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


__all__ = ["Chronicle", "Facts", "Report", "State", "fold_events"]
