"""Walking the log: each event's effect (replay) and what changed between two times (diff)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from chrono.events.entry import Entry, PartnerRecord
from chrono.interchange.shapes import plain_value
from chrono.projections.counting import Family, Part, counts, judge, parts, tally

Key = tuple[str, str]
Contribution = dict[Key, Decimal]
FAR = 99991231  # replay counts as of the far future: every closed date has passed


class _Counters:
    """The counters as of the far future while the log is walked: what each step changed.

    Only the counters an event touches are judged again (``counting``), so a
    step costs what its counters hold, not the whole chronicle.
    """

    def __init__(self) -> None:
        self.parts: dict[Key, dict[tuple[str, int], Part]] = defaultdict(dict)
        self.values: dict[Key, Decimal] = {}
        self.parents: dict[str, str | None] = {}
        self.family = Family({})

    def partner(self, record: PartnerRecord) -> Contribution:
        self.parents[record.partner.id] = record.partner.parent
        self.family = Family(self.parents)
        return self._judge(list(self.parts))  # a new place in the hierarchy can change what a figure covers

    def entry(self, before: Entry | None, after: Entry) -> Contribution:
        touched: set[Key] = set()
        for entry, keep in ((before, False), (after, True)):
            if entry is None or not counts(entry.status, entry.retracted):
                continue
            for part in parts(entry.kind, entry.slug, entry.facts):
                touched.add(part.key)
                if keep:
                    self.parts[part.key][(part.entry, part.index)] = part
                else:
                    self.parts[part.key].pop((part.entry, part.index), None)
        return self._judge(sorted(touched))

    def _judge(self, keys: Iterable[Key]) -> Contribution:
        changes: Contribution = {}
        for key in keys:
            made = tally(judge(self.parts[key].values(), FAR, self.family))
            value = made.definite + made.possible
            change = value - self.values.get(key, Decimal(0))
            self.values[key] = value
            if change:
                changes[key] = change
        return changes


@attrs.frozen
class FieldChange:
    """One corrected field: its value just before the correction and the one it set, as the
    entry holds them (a ``When``, ``Names``, quantities), for the views to word and JSON to give as data."""

    field: str
    before: Any
    after: Any

    def to_json(self) -> dict[str, Any]:
        return {"from": plain_value(self.before), "to": plain_value(self.after)}


@attrs.frozen
class Amendment:
    """What a correction changed, field by field, and why."""

    fields: tuple[FieldChange, ...]
    reason: str
    source: str | None

    @classmethod
    def of(cls, event: Any, before: Entry) -> Amendment:
        fields = tuple(FieldChange(field, getattr(before.facts, field, None), value) for field, value in event.changes.items())
        return cls(fields, event.reason, event.source.document if event.source else None)

    def to_json(self) -> dict[str, Any]:
        return {"fields": {f.field: f.to_json() for f in self.fields}, "reason": self.reason, "source": self.source}


@attrs.frozen
class Step:
    """One event of the log and what it did.

    Attributes:
        position: its notification id.
        recorded_at: its recording time.
        event: the event class name.
        subject: the entry or partner id.
        effect: a one-line account for people.
        timeline: how many live entries the timeline holds after it.
        counters: how each (metric, unit) changed: its definite and possible
            value as of the far future just after the event, less just before.
        amendment: a correction's fields before and after, and its reason;
            ``effect`` is then only "corrected" (the views word the rest).
    """

    position: int
    recorded_at: datetime
    event: str
    subject: str
    effect: str
    timeline: int
    counters: Contribution
    amendment: Amendment | None = None

    def to_json(self, effect: str) -> dict[str, Any]:
        """The step as JSON, with its ``effect`` as a view words it; a correction adds its fields as data."""
        return {
            "position": self.position, "recorded_at": self.recorded_at.isoformat(), "event": self.event,
            "subject": self.subject, "effect": effect, "timeline": self.timeline,
            "counters": [{"metric": m, "unit": u, "change": str(v)} for (m, u), v in self.counters.items()],
            **(self.amendment.to_json() if self.amendment else {}),
        }  # fmt: skip


def _effect(event: Any, before: Any, after: Any) -> str:
    name = type(event).__name__
    if isinstance(after, PartnerRecord):
        return f"partner {after.partner.id} ({after.partner.level}) registered"
    if before is None:
        return f"added: {after.facts.title.en} ({after.facts.when.edtf})"
    if name == "Corrected":
        return "corrected"  # the fields and the reason are the step's amendment
    if name == "Retracted":
        return f"retracted: {event.reason}"
    if name == "SourceCited":
        return f"cited {event.source.document}"
    if name == "OutcomeRecorded":
        return f"outcome: {event.outcome}"
    return name


def replay(events: Iterable[tuple[int, Any]], until: int | None = None) -> Iterator[Step]:
    """Each event in log order with its effect, up to position ``until``."""
    aggregates: dict[Any, Any] = {}
    live = 0
    counters = _Counters()
    for position, event in events:
        if until is not None and position > until:
            return
        before = aggregates.get(event.originator_id)
        snapshot = _copy(before)
        after = event.mutate(before)
        aggregates[event.originator_id] = after
        subject = after.slug if isinstance(after, Entry) else after.partner.id
        if isinstance(after, Entry):
            live += int(not after.retracted) - int(snapshot is not None and not snapshot.retracted)
        changed = counters.entry(snapshot, after) if isinstance(after, Entry) else counters.partner(after)
        amendment = Amendment.of(event, snapshot) if isinstance(event, Entry.Corrected) and snapshot is not None else None
        yield Step(position, event.timestamp, type(event).__name__, subject, _effect(event, snapshot, after), live, changed, amendment)


def _copy(aggregate: Any) -> Any:
    import copy

    return copy.copy(aggregate) if aggregate is not None else None


@attrs.frozen
class Change:
    """What happened to one entry between two recording times."""

    id: str
    change: str  # added, corrected, retracted, cited, outcome
    details: dict[str, Any]
    amendment: Amendment | None = None  # a correction's fields, reason and source

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "change": self.change, **self.details, **(self.amendment.to_json() if self.amendment else {})}


def diff(events: Iterable[tuple[int, Any]], since: datetime, until: datetime) -> list[Change]:
    """Entries added, corrected, retracted, cited or concluded after ``since`` up to ``until``."""
    aggregates: dict[Any, Any] = {}
    changes: list[Change] = []
    for _, event in events:
        if event.timestamp > until:
            break
        before = _copy(aggregates.get(event.originator_id))
        after = event.mutate(aggregates.get(event.originator_id))
        aggregates[event.originator_id] = after
        if event.timestamp <= since or not isinstance(after, Entry):
            continue
        changes.append(_change(event, before, after))
    return changes


def _change(event: Any, before: Entry | None, after: Entry) -> Change:
    name = type(event).__name__
    recorded = {"recorded_at": event.timestamp.isoformat()}
    if before is None:
        return Change(after.slug, "added", {**recorded, "kind": after.kind, "when": after.facts.when.edtf, "title": after.facts.title.en})
    if name == "Corrected":
        return Change(after.slug, "corrected", recorded, Amendment.of(event, before))
    if name == "Retracted":
        return Change(after.slug, "retracted", {**recorded, "reason": event.reason})
    if name == "SourceCited":
        return Change(after.slug, "cited", {**recorded, "document": event.source.document})
    return Change(after.slug, "outcome", {**recorded, "outcome": getattr(event, "outcome", name)})
