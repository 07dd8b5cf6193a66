"""The entry aggregate: one happening or reported figure, and its history.

An entry is created by one event whose class is its kind (``TwinningSigned``,
``FigureReported``, ...). Later events never rewrite that first one: they
correct fields, cite more sources, retract the entry or record the outcome of
a planned happening, and each of them is kept with its recording time.
"""

from __future__ import annotations

import inspect
from functools import lru_cache
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from chrono.events.values import Facts, Partner, Source
from chrono.when import When

# uuid5(NAMESPACE_URL, "https://chrono.invalid/ids"), written out: computing it
# at import would load hashlib for commands that never make an id.
NAMESPACE = UUID("911166e0-6ea5-533e-8308-9a6c45a97d80")


@lru_cache(maxsize=1 << 16)
def entry_uuid(slug: str) -> UUID:
    """The aggregate id of the entry with readable id ``slug``."""
    return uuid5(NAMESPACE, "entry:" + slug)


@lru_cache(maxsize=1 << 12)
def partner_uuid(slug: str) -> UUID:
    """The aggregate id of the partner with readable id ``slug``."""
    return uuid5(NAMESPACE, "partner:" + slug)


def _reuse_dataclass(cls: type) -> None:
    """Let an event class that declares no fields reuse its base's dataclass.

    eventsourcing makes every event class a frozen dataclass, generating and
    compiling its methods, unless the class already holds dataclass fields.
    A kind (``TwinningSigned``, ...) adds no field to ``Recorded``, so the
    methods it would get are the ones it inherits; making them again was
    most of the time this module takes to import, which every command pays.
    """
    if not inspect.get_annotations(cls):
        cls.__dataclass_fields__ = cls.__dataclass_fields__  # type: ignore[attr-defined]


class Entry(Aggregate):
    """A happening (or an observation) in the chronicle."""

    # The event classes derive from the aggregate's own base event class, as
    # eventsourcing would otherwise redefine each one as a subclass of it:
    # the same classes (names, topics, fields), made once instead of twice,
    # which is a good part of the time a command takes to start.
    class Event(Aggregate.Event):
        """Base of the entry's events."""

        def __init_subclass__(cls, **kwargs: Any) -> None:
            super().__init_subclass__(**kwargs)
            _reuse_dataclass(cls)

    class Recorded(Aggregate.Created, Event):
        """Base of the creation events; the subclass names the kind."""

        slug: str
        facts: Facts
        sources: tuple[Source, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate._kind = type(self).__name__

    class RelationsEstablished(Recorded):
        pass

    class TwinningSigned(Recorded):
        pass

    class AgreementSigned(Recorded):
        pass

    class MechanismEstablished(Recorded):
        pass

    class TalksHeld(Recorded):
        pass

    class ConferenceHeld(Recorded):
        pass

    class VisitMade(Recorded):
        pass

    class AidProvided(Recorded):
        pass

    class CooperationCarriedOut(Recorded):
        pass

    class FigureReported(Recorded):
        pass

    def __init__(self, slug: str, facts: Facts, sources: tuple[Source, ...]) -> None:
        self.slug = slug
        self.facts = facts
        self.sources = tuple(sources)
        self.original = facts
        self.retracted = False
        self.retraction_reason = ""
        self.outcome = ""

    @property
    def kind(self) -> str:
        """The name of the event class that created this entry."""
        return self._kind

    @classmethod
    def record(cls, kind: str, slug: str, facts: Facts, sources: tuple[Source, ...]) -> Entry:
        """Create an entry of ``kind``; its id derives from ``slug``."""
        event_class = CREATION_EVENTS[kind]
        return cls._create(event_class, id=entry_uuid(slug), slug=slug, facts=facts, sources=sources)

    # The kind is set by the creation event, so that an entry knows its kind
    # whether it was just created or rebuilt from the store.
    _kind = ""

    class Corrected(Event):
        """Some fields were wrong; ``changes`` maps each to its new value."""

        changes: dict[str, Any]
        reason: str
        source: Source | None

        def apply(self, aggregate: Any) -> None:
            aggregate.facts = aggregate.facts.changed(self.changes)
            if self.source is not None and self.source not in aggregate.sources:
                aggregate.sources = (*aggregate.sources, self.source)

    class Retracted(Event):
        """The entry should not have been recorded; it stays in the log."""

        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.retracted = True
            aggregate.retraction_reason = self.reason

    class SourceCited(Event):
        """Another source supports the same entry."""

        source: Source

        def apply(self, aggregate: Any) -> None:
            aggregate.sources = (*aggregate.sources, self.source)

    class OutcomeRecorded(Event):
        """A planned happening was held, postponed or cancelled."""

        outcome: str
        when: When | None
        source: Source | None

        def apply(self, aggregate: Any) -> None:
            aggregate.outcome = self.outcome
            if self.when is not None:
                aggregate.facts = aggregate.facts.changed({"when": self.when})
            if self.source is not None and self.source not in aggregate.sources:
                aggregate.sources = (*aggregate.sources, self.source)

    def correct(self, changes: dict[str, Any], reason: str, source: Source | None) -> None:
        self.trigger_event(self.Corrected, changes=changes, reason=reason, source=source)

    def retract(self, reason: str) -> None:
        self.trigger_event(self.Retracted, reason=reason)

    def cite(self, source: Source) -> None:
        self.trigger_event(self.SourceCited, source=source)

    def record_outcome(self, outcome: str, when: When | None, source: Source | None) -> None:
        self.trigger_event(self.OutcomeRecorded, outcome=outcome, when=when, source=source)

    @property
    def status(self) -> str:
        """``happened``, ``planned``, or the outcome of a planned entry."""
        return self.outcome or self.facts.status


CREATION_EVENTS: dict[str, type[Entry.Recorded]] = {cls.__name__: cls for cls in Entry.Recorded.__subclasses__()}


class PartnerRecord(Aggregate):
    """A partner in the registry, so that the store is self-contained."""

    class Event(Aggregate.Event):
        """Base of the partner's events (see ``Entry.Event``)."""

    class Registered(Aggregate.Created, Event):
        partner: Partner

    class Amended(Event):
        partner: Partner

        def apply(self, aggregate: Any) -> None:
            aggregate.partner = self.partner

    def __init__(self, partner: Partner) -> None:
        self.partner = partner

    @classmethod
    def register(cls, partner: Partner) -> PartnerRecord:
        return cls._create(cls.Registered, id=partner_uuid(partner.id), partner=partner)
