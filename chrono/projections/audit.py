"""The audit: is the log unchanged, are the projections right, is the chronicle sound?

Failures (the chain or the projections disagree with the log, a digest noted
earlier no longer holds, an entry lacks a quote) make the audit fail.
Findings about the chronicle itself (conflicting sources, plans whose date
passed without an outcome, entries dated after their source, partners never
referenced) are reported beside them: a chronicle keeps conflicts on purpose.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from itertools import zip_longest
from typing import Any

import attrs

from chrono.events.application import Chronicle, fold_events
from chrono.events.entry import Entry, PartnerRecord
from chrono.events.values import Partner
from chrono.projections import chain
from chrono.projections.readmodel import ReadModel, time_key


@attrs.frozen
class Finding:
    """One thing the audit found.

    Attributes:
        check: which check found it (chain, expect, projection, sources, conflict, ...).
        message: what is wrong, for a person.
        position: the log position it concerns, if any.
        id: the entry or partner it concerns, if any.
    """

    check: str
    message: str
    position: int | None = None
    id: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"check": self.check, "message": self.message}
        if self.position is not None:
            data["position"] = self.position
        if self.id is not None:
            data["id"] = self.id
        return data


@attrs.frozen
class AuditReport:
    head: chain.Digest
    problems: tuple[Finding, ...]
    findings: tuple[Finding, ...]
    events: int

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "head": self.head.to_json(),
            "events": self.events,
            "problems": [p.to_json() for p in self.problems],
            "findings": [f.to_json() for f in self.findings],
        }


def check_chain(app: Chronicle, model: ReadModel, expect: chain.Digest | None = None) -> tuple[list[Finding], chain.Digest, int]:
    """Recompute the chain from the stored events and compare it with the stored one.

    Reports the first position where they part, and whether the link at a
    digest noted earlier (``expect``) still holds.
    """
    problems: list[Finding] = []
    head = chain.Digest(0, chain.GENESIS.hex())
    count = 0
    broken: Finding | None = None
    at_expected: str | None = chain.GENESIS.hex() if expect is not None and expect.position == 0 else None
    for computed, stored in zip_longest(chain.walk(app.stored_notifications()), model.links()):
        if computed is not None:
            count += 1
            head = chain.Digest(computed[0], computed[1].hex())
            if expect is not None and computed[0] == expect.position:
                at_expected = computed[1].hex()
        if broken is None:
            broken = _chain_mismatch(computed, stored)
    if broken is not None:
        problems.append(broken)
    if expect is not None and at_expected is None:
        problems.append(Finding("expect", f"position {expect.position} is not in the log (events removed?)", expect.position))
    elif expect is not None and at_expected != expect.hash:
        problems.append(Finding("expect", f"the log up to position {expect.position} has changed since {expect} was noted", expect.position))
    return problems, head, count


def _chain_mismatch(computed: tuple[int, bytes] | None, stored: tuple[int, str] | None) -> Finding | None:
    if computed is None and stored is not None:
        return Finding("chain", f"the chain records position {stored[0]} but the log has no such event (removed?)", stored[0])
    if computed is not None and stored is None:
        return None  # written after the last catch-up; the chain is extended by the next one
    assert computed is not None and stored is not None
    if computed[0] != stored[0]:
        position = min(computed[0], stored[0])
        return Finding("chain", f"the log and the chain part ways at position {position} (an event removed or inserted)", position)
    if computed[1].hex() != stored[1]:
        return Finding("chain", f"the stored event at position {computed[0]} differs from the one the chain recorded", computed[0])
    return None


def decoded_events(app: Chronicle, problems: list[Finding]) -> list[Any]:
    """The log's events; those that no longer decode are reported, not raised."""
    events = []
    for notification in app.stored_notifications():
        try:
            events.append(app.mapper.to_domain_event(notification))
        except Exception as error:  # a damaged event may fail in many ways
            problems.append(Finding("decode", f"the stored event at position {notification.id} cannot be read ({type(error).__name__})", notification.id))
    return events


def check_projections(events: list[Any], model: ReadModel) -> list[Finding]:
    """Rebuild every revision in memory and compare with the stored rows."""
    expected: dict[tuple[str, int], tuple[str, str | None, Any]] = {}
    aggregates: dict[Any, Any] = {}
    for event in events:
        try:
            aggregate = event.mutate(aggregates.get(event.originator_id))
        except Exception as error:  # an event that no longer fits its aggregate
            return [Finding("projection", f"event {event.originator_version} of {event.originator_id} does not apply ({error})")]
        aggregates[event.originator_id] = aggregate
        key = (event.originator_id.hex, event.originator_version)
        previous = (event.originator_id.hex, event.originator_version - 1)
        if previous in expected:
            recorded, _, document = expected[previous]
            expected[previous] = (recorded, time_key(event.timestamp), document)
        expected[key] = (time_key(event.timestamp), None, _document(aggregate))
    problems = []
    stored = {(a, r): (rec, sup, _document(agg)) for a, r, rec, sup, agg in model.revisions()}
    for key in sorted(set(expected) | set(stored), key=lambda k: (k[0], k[1])):
        if expected.get(key) != stored.get(key):
            name = _name(expected.get(key) or stored.get(key))
            problems.append(Finding("projection", f"revision {key[1]} of {name} differs from the log", id=name))
    return problems[:20]


def _document(aggregate: Any) -> Any:
    if isinstance(aggregate, Entry):
        return ("entry", aggregate.slug, aggregate.kind, aggregate.facts, tuple(aggregate.sources), aggregate.retracted, aggregate.outcome)
    if isinstance(aggregate, PartnerRecord):
        return ("partner", aggregate.partner.id, aggregate.partner)
    return None


def _name(row: Any) -> str:
    return str(row[2][1]) if row and row[2] else "?"


def check_chronicle(entries: Iterable[Entry], partners: Mapping[str, Partner], today: date) -> tuple[list[Finding], list[Finding]]:
    """Problems (a source without a quote) and findings about the chronicle."""
    problems: list[Finding] = []
    findings: list[Finding] = []
    live = [e for e in entries if not e.retracted]
    referenced: set[str] = set()
    for entry in live:
        referenced |= {*entry.facts.partners, *entry.facts.actors}
        if not entry.sources or any(not s.quote.strip() for s in entry.sources):
            problems.append(Finding("sources", "an entry without a quoted source", id=entry.slug))
        if entry.status == "planned" and entry.facts.when.ends_on_or_before(today):
            findings.append(Finding("overdue", f"planned for {entry.facts.when.edtf}, no outcome recorded", id=entry.slug))
        findings.extend(_dated_after_source(entry))
    findings.extend(_conflicts(live))
    ancestors = _ancestors(referenced, partners)
    for pid in sorted(set(partners) - referenced - ancestors):
        findings.append(Finding("unreferenced", "a partner no entry refers to", id=pid))
    return problems, findings


def _dated_after_source(entry: Entry) -> Iterator[Finding]:
    """Happenings dated after a source that reports them (plans excepted)."""
    start = entry.facts.when.earliest_key
    for source in entry.sources:
        published = source.published
        if entry.status == "planned" or published is None or not published.latest_key or not start:
            continue
        if start > published.latest_key:
            message = f"dated {entry.facts.when.edtf}, after its source {source.document} ({published.edtf})"
            yield Finding("dated-after-source", message, id=entry.slug)


def _ancestors(ids: set[str], partners: Mapping[str, Partner]) -> set[str]:
    found: set[str] = set()
    for pid in ids:
        parent = partners[pid].parent if pid in partners else None
        while parent and parent not in found:
            found.add(parent)
            parent = partners[parent].parent if parent in partners else None
    return found


def _conflicts(entries: Iterable[Entry]) -> Iterator[Finding]:
    """Figures of the same metric, unit and scope for the same period or observed date that disagree."""
    groups: dict[tuple[str, str, tuple[str, ...]], list[tuple[Entry, Any]]] = defaultdict(list)
    for entry in entries:
        if entry.kind != "FigureReported":
            continue
        for quantity in entry.facts.quantities:
            key = (quantity.metric, quantity.unit, tuple(sorted(entry.facts.partners)))
            groups[key].append((entry, quantity))
    for (metric, unit, _), items in sorted(groups.items()):
        for index, (first, q1) in enumerate(items):
            for second, q2 in items[index + 1 :]:
                p1 = q1.observed or q1.period or first.facts.when
                p2 = q2.observed or q2.period or second.facts.when
                # Competing claims (DESIGN.md section 6) are about the same period or the same observed
                # date: a total over years and one year inside it are a whole and its part.
                same = q1.stock == q2.stock and (p1.earliest_key, p1.latest_key) == (p2.earliest_key, p2.latest_key)
                if first.slug != second.slug and q1.value != q2.value and same and "planned" not in (first.status, second.status):
                    yield Finding(
                        "conflict",
                        f"{metric} ({unit}): {q1.value} for {p1.edtf} in {first.slug} vs {q2.value} for {p2.edtf} in {second.slug}",
                        id=first.slug,
                    )


def _guarded(check: str, problems: list[Finding], run: Any, fallback: Any) -> Any:
    """Run a check; a log damaged in ways it cannot read is a problem, not a crash."""
    try:
        return run()
    except Exception as error:  # damaged data can break a check anywhere
        problems.append(Finding(check, f"could not be checked on this log ({type(error).__name__}: {error})"))
        return fallback


def audit(
    app: Chronicle, expect: chain.Digest | None = None, today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> AuditReport:  # fmt: skip
    """Run every check on ``app``'s store; ``progress`` hears the name of each stage as it starts."""
    step = progress or (lambda stage: None)
    problems: list[Finding] = []
    model = ReadModel(app)
    step("chain")
    _guarded("projection", problems, model.catch_up, 0)
    chain_problems, head, count = check_chain(app, model, expect)
    problems = chain_problems + problems
    step("decode")
    events = decoded_events(app, problems)
    step("projections")
    problems += _guarded("projection", problems, lambda: check_projections(events, model), [])
    step("chronicle")
    state = _guarded("chronicle", problems, lambda: fold_events(events), {})
    day = today or date.today()
    chronicle_problems, findings = _guarded("chronicle", problems, lambda: _check_state(state, day), ([], []))
    return AuditReport(head=head, problems=tuple(problems + chronicle_problems), findings=tuple(findings), events=count)


def _check_state(state: dict[Any, Any], today: date) -> tuple[list[Finding], list[Finding]]:
    # A damaged state can decode to the wrong types: that raises here, inside the guard.
    entries = [a for a in state.values() if isinstance(a, Entry)]
    partners = {a.partner.id: a.partner for a in state.values() if isinstance(a, PartnerRecord)}
    return check_chronicle(entries, partners, today)
