"""The chronicle's own soundness, as the audit finds it: each finding, and the checks that read every entry.

Failures (a source without a quote) make the audit fail; findings about the
chronicle itself (conflicting sources, plans whose date passed without an
outcome, entries dated after their source, partners never referenced) are
reported beside them: a chronicle keeps conflicts on purpose.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from chrono.events.entry import Entry
from chrono.events.values import Partner
from chrono.store.failures import first_line

if TYPE_CHECKING:
    from chrono.projections.readmodel import ReadModel


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


class ChronicleCheck:
    """Problems (a source without a quote) and findings about the chronicle, one entry at a time.

    Shown every revision as the audit's reference read model projects it
    (``see``), it checks the last of each entry: ``finals`` holds the last
    version of each aggregate with more than one. The log is decoded once for
    the tables and the chronicle alike.
    """

    def __init__(self, today: date, finals: Mapping[str, int]) -> None:
        self.today, self.finals = today, finals
        self.problems: list[Finding] = []
        self.findings: list[Finding] = []
        self.referenced: set[str] = set()
        self.claims = _Claims()
        self.partners: Mapping[str, Partner] | None = None
        self.error: str | None = None

    def see(self, aggregate: Any) -> None:
        if self.error is not None or not isinstance(aggregate, Entry) or aggregate.version < self.finals.get(aggregate.id.hex, 1):
            return
        try:
            self.check(aggregate)
        except Exception as error:  # damaged data can break a check anywhere: the audit says so once
            # Kept as words: the exception's frames would hold the reference store's reads open past its closing.
            self.error = unchecked(error)

    def take_over(self, other: ChronicleCheck) -> None:
        """Take what ``other``, a copy of this check shown the log in another process (``offload``), found."""
        self.problems, self.findings, self.referenced, self.claims, self.error = other.problems, other.findings, other.referenced, other.claims, other.error

    def merge(self, other: ChronicleCheck) -> None:
        """Add what ``other``, a copy of this check shown the other entries of the log, found (``tablecheck``)."""
        self.problems += other.problems
        self.findings += other.findings
        self.referenced |= other.referenced
        self.claims.merge(other.claims)
        self.error = self.error or other.error

    def read_partners(self, model: ReadModel) -> None:
        """The registry of the read model made from the log (read while it is open)."""
        try:
            self.partners = model.partners()
        except Exception as error:
            self.error = self.error or unchecked(error)

    def check(self, entry: Entry) -> None:
        if entry.retracted:
            return
        self.referenced |= {*entry.facts.partners, *entry.facts.actors}
        if not entry.sources or any(not s.quote.strip() for s in entry.sources):
            self.problems.append(Finding("sources", "an entry without a quoted source", id=entry.slug))
        if entry.status == "planned" and entry.facts.when.ends_on_or_before(self.today):
            self.findings.append(Finding("overdue", f"planned for {entry.facts.when.edtf}, no outcome recorded", id=entry.slug))
        self.findings.extend(_dated_after_source(entry))
        self.claims.add(entry)

    def result(self) -> tuple[list[Finding], list[Finding]]:
        """The problems and the findings, once every entry was seen."""
        if self.error is not None:
            return [Finding("chronicle", self.error)], []
        if self.partners is None:
            return [], []  # no read model could be made from the log: the audit says why
        partners = self.partners
        findings = [*sorted(self.findings, key=_order), *self.claims.conflicts()]
        ancestors = _ancestors(self.referenced, partners)
        findings += [Finding("unreferenced", "a partner no entry refers to", id=pid) for pid in sorted(set(partners) - self.referenced - ancestors)]
        return sorted(self.problems, key=_order), findings


def _order(finding: Finding) -> tuple[str, str, str]:
    """Findings in the order of their entries' ids, whichever order (or process) saw the entries."""
    return finding.id or "", finding.check, finding.message


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


class _Claims:
    """Figures grouped by what they claim: metric, unit, scope, stock or flow, and the period or
    observed date. A group whose figures give more than one value is a conflict (DESIGN.md
    section 6): found by grouping, never by comparing pairs. A total over years and one year
    inside it are a whole and its part, not a conflict (their periods differ)."""

    def __init__(self) -> None:
        self.groups: dict[tuple[Any, ...], dict[Any, set[str]]] = defaultdict(dict)
        self.periods: dict[tuple[Any, ...], str] = {}

    def add(self, entry: Entry) -> None:
        if entry.kind != "FigureReported" or entry.status == "planned":
            return
        for quantity in entry.facts.quantities:
            period = quantity.observed or quantity.period or entry.facts.when
            key = (quantity.metric, quantity.unit, tuple(sorted(entry.facts.partners)), quantity.stock, period.earliest_key, period.latest_key)
            self._period(key, period.edtf)
            self.groups[key].setdefault(quantity.value, set()).add(entry.slug)

    def _period(self, key: tuple[Any, ...], edtf: str) -> None:
        """How a group's period is written: the least of the ways its figures write it, whatever order they came in."""
        known = self.periods.get(key)
        if known is None or edtf < known:
            self.periods[key] = edtf

    def merge(self, other: _Claims) -> None:
        """Add the figures ``other`` grouped (of other entries)."""
        for key, by_value in other.groups.items():
            self._period(key, other.periods[key])
            mine = self.groups[key]
            for value, slugs in by_value.items():
                mine.setdefault(value, set()).update(slugs)

    def conflicts(self) -> Iterator[Finding]:
        for key, by_value in sorted(self.groups.items(), key=lambda item: repr(item[0])):
            entries = {slug for slugs in by_value.values() for slug in slugs}
            if len(by_value) < 2 or len(entries) < 2:
                continue
            metric, unit, edtf = key[0], key[1], self.periods[key]
            claims = "; ".join(f"{value} in {', '.join(sorted(slugs))}" for value, slugs in sorted(by_value.items(), key=lambda item: min(item[1])))
            yield Finding("conflict", f"{metric} ({unit}) for {edtf}: {claims}", id=min(entries))


def unchecked(error: Exception) -> str:
    """What a check that damaged data broke says."""
    return f"could not be checked on this store ({type(error).__name__}: {first_line(error)})"
