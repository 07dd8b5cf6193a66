"""The audit: is the log unchanged, are the projections right, is the chronicle sound?

Failures (the chain or the projections disagree with the log, a digest noted
earlier no longer holds, an entry lacks a quote) make the audit fail.
Findings about the chronicle itself (conflicting sources, plans whose date
passed without an outcome, entries dated after their source, partners never
referenced) are reported beside them: a chronicle keeps conflicts on purpose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

import attrs

from chrono.errors import StoreDamaged
from chrono.events.application import Chronicle
from chrono.projections import chain
from chrono.projections.audit_anchors import check_anchors, excused
from chrono.projections.findings import ChronicleCheck, Finding, unchecked
from chrono.projections.rawlog import dialect_of, later_versions, raw_log, stored_links, streamed, tracked
from chrono.projections.readmodel import ReadModel, fresh
from chrono.projections.witness import Witnessed
from chrono.store.failures import describe_failure


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


class _Walk:
    """The recomputed chain, noting the head, the count and the links at the positions asked for as it goes."""

    def __init__(self, app: Chronicle, wanted: set[int]) -> None:
        self.links = chain.walk(raw_log(app))
        self.wanted = wanted
        self.seen: dict[int, str] = {0: chain.GENESIS.hex()}
        self.head = chain.EMPTY
        self.count = 0

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        for position, digest in self.links:
            self.count += 1
            self.head = chain.Digest(position, digest.hex())
            if position in self.wanted:
                self.seen[position] = self.head.hash
            yield position, digest

    def finish(self) -> None:
        for _ in self:
            pass


def check_chain(
    app: Chronicle, expect: chain.Digest | None = None, witnessed: Sequence[Witnessed] = (),
) -> tuple[list[Finding], chain.Digest, int]:  # fmt: skip
    """Recompute the chain from the stored events and compare it with the stored one.

    Reports the first position where they part, and whether the link at a
    digest noted earlier (``expect``, and each digest of a witness) still holds.
    """
    problems: list[Finding] = []
    walk = _Walk(app, {noted.digest.position for noted in witnessed} | ({expect.position} if expect else set()))
    parting = chain.first_difference(walk, stored_links(app))
    walk.finish()
    if parting is not None:
        problems.append(Finding("chain", parting.message, parting.position))
    if expect is not None:
        problems += _noted(expect, walk.seen.get(expect.position), "expect", f"since {expect} was noted")
    for noted in witnessed:
        problems += _noted(noted.digest, walk.seen.get(noted.digest.position), "witness", f"since {noted.digest} was witnessed at {noted.at}")
    return problems, walk.head, walk.count


def _noted(digest: chain.Digest, found: str | None, check: str, since: str) -> list[Finding]:
    if found is None:
        return [Finding(check, f"position {digest.position} is not in the log (events removed?)", digest.position)]
    if found != digest.hash:
        return [Finding(check, f"the log up to position {digest.position} has changed {since}", digest.position)]
    return []


def _behind(app: Chronicle, problems: list[Finding]) -> int | None:
    """Where the read model stands when it could not be brought up to the log (its tables are
    compared with the log up to there: a read model behind is not one that differs), else None."""
    from chrono.projections.schema import NAME

    position, head = tracked(app, NAME), app.head_position()
    if position is None or position == head:
        return None
    if position > head:
        problems.append(Finding("read model", f"the read model says it has read up to position {position}, beyond the log's last ({head})", position))
        return None
    problems.append(Finding("read model", f"the read model is at position {position} of {head}: its tables are compared with the log up to there", position))
    return position


def check_tables(
    app: Chronicle, problems: list[Finding], progress: Callable[[int], None] | None, chronicle: ChronicleCheck, until: int | None = None,
    *, meanwhile: Callable[[], None] | None = None,
) -> None:  # fmt: skip
    """Every read-model table against one made from the log; ``chronicle`` is shown every entry as it
    is made (the log's truth), and then the partners of the one made. ``meanwhile`` runs while the
    log is being derived. Tables whose fingerprints agree with the log's are the log's
    (``tablecheck``); else a reference is made and compared row by row (``reference.reference``)."""
    from chrono.projections import audit_tables, reference, tablecheck

    if tablecheck.check(app, progress, until, chronicle, meanwhile) == ():
        chronicle.read_partners(ReadModel(app))  # the stored registry: the log's, as its fingerprints say
        return
    try:
        with reference.reference(app, progress, until, chronicle, meanwhile) as scratch:
            for difference in audit_tables.differences(app, scratch):
                problems.append(Finding("table", difference.message, id=f"chrono_{difference.table}"))
            chronicle.read_partners(ReadModel(scratch))
    except reference.Unreadable as error:
        problems.append(Finding("projection", f"the log cannot be made into a read model ({error})"))


@attrs.define
class _ChainChecks:
    """The checks of the log against its chain, its noted digests and its re-anchorings: run while the
    reference read model is made (in a second process, on a long log), or on their own."""

    app: Chronicle
    expect: chain.Digest | None
    witnessed: Sequence[Witnessed]
    accepted: Sequence[chain.Digest]
    problems: list[Finding] = attrs.field(factory=list)
    findings: list[Finding] = attrs.field(factory=list)
    head: chain.Digest = chain.EMPTY
    count: int = 0
    ran: bool = False

    def __call__(self) -> None:
        if self.ran:
            return
        self.ran = True
        problems: list[Finding] = []
        app, witnessed = self.app, self.witnessed
        chain_problems, self.head, self.count = _guarded("read", problems, lambda: check_chain(app, self.expect, witnessed), ([], chain.EMPTY, 0))
        anchor_problems, anchor_findings = _guarded("anchor", problems, lambda: check_anchors(app, self.accepted, witnessed), ([], []))
        chain_problems, forgiven = excused(chain_problems, witnessed, [f for f in anchor_findings if f.check == "anchor"], app)
        self.problems = chain_problems + anchor_problems + problems
        self.findings = anchor_findings + forgiven


def audit(
    app: Chronicle, expect: chain.Digest | None = None, today: date | None = None, *,
    progress: Callable[[str], None] | None = None, witnessed: Sequence[Witnessed] = (),
    accepted: Sequence[chain.Digest] = (), tick: Callable[[int], None] | None = None,
) -> AuditReport:  # fmt: skip
    """Run every check on ``app``'s store; ``progress`` hears the name of each stage as it starts,
    ``tick`` the number of events the reference read model has taken in as it goes.

    The tables are read as the checks go, by more than one read (and process): a write that lands
    meanwhile (a ``record``, a query making its running totals) made them differ from the log as it
    stood when the check began, and the audit reported tampering. So the store's writes are noted
    before and after (``_stamp``); where any came between, the audit runs again, and after
    ``ATTEMPTS`` says that the store was being written, not that it differs from its log.
    """
    step = progress or (lambda stage: None)
    runs: list[tuple[Any, AuditReport, Any]] = []
    while len(runs) < ATTEMPTS:
        problems: list[Finding] = []
        step("chain" if not runs else "chain, again: the store was written meanwhile")
        _guarded("read model", problems, lambda: fresh(app), None)  # the audit's own write: before the stamp
        before = _stamp(app)
        report = _checked(app, problems, expect=expect, today=today, step=step, witnessed=witnessed, accepted=accepted, tick=tick)
        runs.append((before, report, _stamp(app)))
        if runs[-1][2] == before:
            return report
    return _written_meanwhile(runs)


ATTEMPTS = 3  # audits of a store written meanwhile, before the audit says so


def _stamp(app: Chronicle) -> tuple[Any, ...] | None:
    """What every write of chrono changes: the log's head, and the tracking rows (the read model's
    position, each facet's); None where they cannot be read (the checks say why)."""
    try:
        rows = streamed(app, dialect_of(app), "SELECT name, position FROM {t:tracking} ORDER BY name")
        return app.head_position(), tuple(tuple(row) for row in rows)
    except Exception:
        return None


def _written_meanwhile(runs: list[tuple[Any, AuditReport, Any]]) -> AuditReport:
    first, last = runs[0][0], runs[-1][2]
    heads = f"the log's head at {first[0]}, then {last[0]}" if first is not None and last is not None else "its tables moved"
    message = (f"the store was written while it was audited, on each of {len(runs)} attempts ({heads}): its tables could not be "
               "compared with the log as they stood, and no difference is reported; run chrono audit again when no write is running")  # fmt: skip
    report = runs[-1][1]
    return AuditReport(head=report.head, problems=(Finding("store", message),), findings=report.findings, events=report.events)


def _checked(
    app: Chronicle, problems: list[Finding], *, expect: chain.Digest | None, today: date | None, step: Callable[[str], None],
    witnessed: Sequence[Witnessed], accepted: Sequence[chain.Digest], tick: Callable[[int], None] | None,
) -> AuditReport:  # fmt: skip
    """One audit of the store as it stands (its read model brought up to the log)."""
    until = _behind(app, problems)
    finals = _guarded("chronicle", problems, lambda: later_versions(app, until), None)
    chronicle = ChronicleCheck(today or date.today(), finals or {})
    chained = _ChainChecks(app, expect, witnessed, accepted)
    tables: list[Finding] = []

    def chain_then_tables() -> None:
        chained()
        step("tables")

    _guarded("table", tables, lambda: check_tables(app, tables, tick, chronicle, until, meanwhile=chain_then_tables), None)
    chained()  # if the tables could not be checked at all
    problems = chained.problems + problems + tables
    findings = list(chained.findings)
    step("chronicle")
    if finals is not None:
        found, noted = _guarded("chronicle", problems, chronicle.result, ([], []))
        problems.extend(found)
        findings.extend(noted)
    return AuditReport(head=chained.head, problems=tuple(problems), findings=tuple(findings), events=chained.count)


def _guarded(check: str, problems: list[Finding], run: Any, fallback: Any) -> Any:
    """Run a check; a store damaged in ways it cannot read is a problem, not a crash."""
    try:
        return run()
    except StoreDamaged as error:
        problems.append(Finding(check, str(error), error.position))
    except Exception as error:  # damaged data can break a check anywhere
        failure = describe_failure(error)
        if failure is not None:  # a full disk, a lost connection, a lock: named as such
            problems.append(Finding(check, failure))
        else:
            problems.append(Finding(check, unchecked(error)))
    return fallback
