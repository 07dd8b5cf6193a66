"""Bringing a store's copy of the bundled chronicle up to date.

The bundled chronicle grows by new data files (``chrono/data/chronicle/``),
never by editing old ones: a later reading of the articles adds partners,
entries and sources, and ``correct`` and ``retract`` records for what an
earlier file got wrong. A new store imports every file in one transaction
(``chrono.interchange.bundled.import_bundled``). A store filled by an older chrono
holds the earlier files only; ``update`` records what it lacks, as the
events an analyst would have recorded (``Corrected``, ``Retracted``, new
entries), so that ``--known-at`` before the update still shows what the
older chronicle said.

An update is a write the user asks for (``chrono update-chronicle``), never
a side effect of a query: queries never write, a noted head digest does not
move under an auditor, and a shared PostgreSQL store changes when its keeper
decides. It is idempotent (a second run records nothing), and a correction
of an entry whose corrected fields were changed in the store since the
bundled chronicle recorded them is left alone, and said so, rather than
overwriting someone's own correction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from chrono.errors import NotBundled, UnknownEntry
from chrono.events.commands import Citation, Command, Correction, Draft, Outcome, PartnerDraft, Retraction
from chrono.events.entry import entry_uuid, partner_uuid
from chrono.events.values import FACT_FIELDS

if TYPE_CHECKING:
    from chrono.events.application import Chronicle, Report
    from chrono.events.entry import Entry
    from chrono.events.values import Facts


@attrs.frozen
class Step:
    """One record of the bundled chronicle that an update writes (or would).

    Attributes:
        action: ``partner``, ``entry``, ``cite``, ``correct``, ``retract`` or ``outcome``.
        id: the partner's or entry's id.
        what: what it records, in one line for a person.
        origin: the bundled file and line it comes from.
    """

    action: str
    id: str
    what: str
    origin: str

    def to_json(self) -> dict[str, str]:
        return {"action": self.action, "id": self.id, "what": self.what, "origin": self.origin}


@attrs.frozen
class Update:
    """What bringing a store's bundled chronicle up to date did, or would do.

    Attributes:
        steps: the records written (or, in a dry run, to be written), in order.
        left_alone: corrections not applied: the store changed those fields since.
        dry_run: True when nothing was to be written.
        report: the write's report; None in a dry run or when nothing was to be written.
    """

    steps: tuple[Step, ...]
    left_alone: tuple[Step, ...]
    dry_run: bool
    report: Report | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "written": self.report is not None,
            "steps": [step.to_json() for step in self.steps],
            "left_alone": [step.to_json() for step in self.left_alone],
        }


def bundled_commands() -> list[Command]:
    """Every record of the bundled chronicle, parsed, in the order a new store imports them."""
    from chrono.interchange.bundled import bundled_files
    from chrono.interchange.importing import commands
    from chrono.interchange.reading import stream_records

    return commands(record for data, name in bundled_files() for record in stream_records(data, name))


def update(app: Chronicle, *, dry_run: bool = False) -> Update:
    """Record in ``app`` what the bundled chronicle holds and the store lacks, in one transaction.

    Raises ``NotBundled`` for a store that holds entries but none of the
    bundled chronicle's (an empty store is filled with all of it).
    """
    commands = bundled_commands()
    planner = _Planner(app, commands)
    chosen = [command for command in commands if planner.wanted(command)]
    steps, left_alone = tuple(planner.steps), tuple(planner.left_alone)
    if dry_run or not chosen:
        return Update(steps, left_alone, dry_run=dry_run)
    return Update(steps, left_alone, dry_run=False, report=app.submit(chosen))


class _Planner:
    """Decides, record by record and in order, what the store still lacks."""

    def __init__(self, app: Chronicle, commands: list[Command]) -> None:
        self.app = app
        entries = [entry_uuid(c.slug) for c in commands if isinstance(c, Draft)]
        partners = [partner_uuid(c.partner.id) for c in commands if isinstance(c, PartnerDraft)]
        self.stored = app.stored_ids([*entries, *partners])
        if app.head_position() and not self.stored.intersection(entries):
            raise NotBundled("this store holds entries, but none of the bundled chronicle's: there is nothing to update")
        self.expected: dict[str, Facts] = {}  # each entry as the bundled records so far make it
        self.current: dict[str, Entry | None] = {}  # stored entries as the store holds them (None: new here)
        self.now: dict[str, Facts] = {}  # a stored entry's facts once the steps so far are recorded
        self.steps: list[Step] = []
        self.left_alone: list[Step] = []

    def wanted(self, command: Command) -> bool:
        """Whether the store lacks ``command``'s record; noted as a step (or as left alone)."""
        origin = f"{command.origin.file.rsplit('/', 1)[-1]}:{command.origin.line}"
        if isinstance(command, PartnerDraft):
            partner = command.partner
            return partner_uuid(partner.id) not in self.stored and self._step("partner", partner.id, f"{partner.level} · {partner.name.en}", origin)
        if isinstance(command, Draft):
            self.expected[command.slug] = command.facts
            if entry_uuid(command.slug) in self.stored:
                return False
            self.current[command.slug] = None
            what = f"{command.kind} · {command.facts.when.edtf} · {command.facts.title.en}"
            return self._step("entry", command.slug, what, origin)
        entry = self._entry(command.slug)
        if isinstance(command, Correction):
            return self._correction(command, entry, origin)
        if isinstance(command, Citation):
            cited = entry is not None and command.source in entry.sources
            return not cited and self._step("cite", command.slug, f"another source: {command.source.document}", origin)
        if isinstance(command, Retraction):
            done = entry is not None and entry.retracted
            return not done and self._step("retract", command.slug, command.reason, origin)
        assert isinstance(command, Outcome)
        done = entry is not None and entry.outcome == command.outcome
        return not done and self._step("outcome", command.slug, command.outcome, origin)

    def _step(self, action: str, slug: str, what: str, origin: str) -> bool:
        self.steps.append(Step(action, slug, what, origin))
        return True

    def _entry(self, slug: str) -> Entry | None:
        """The stored entry (None when this update records it), loaded once."""
        if slug not in self.current:
            try:
                self.current[slug] = self.app.entry(slug)
            except UnknownEntry:
                self.current[slug] = None
        return self.current[slug]

    def _correction(self, correction: Correction, entry: Entry | None, origin: str) -> bool:
        before = self.expected[correction.slug]
        after = before.changed(correction.changes)
        self.expected[correction.slug] = after
        fields = [field for field in FACT_FIELDS if field in correction.changes]
        what = "; ".join(_changed(field, before, after) for field in fields)
        if entry is None:  # recorded by this update, as the bundled records have it
            return self._step("correct", correction.slug, what, origin)
        facts = self.now.setdefault(correction.slug, entry.facts)
        now = {field: getattr(facts, field) for field in fields}
        if all(now[field] == getattr(after, field) for field in fields):
            return False
        if any(now[field] != getattr(before, field) and now[field] != getattr(after, field) for field in fields):
            self.left_alone.append(Step("correct", correction.slug, f"{what} (changed in this store since)", origin))
            return False
        self.now[correction.slug] = facts.changed(correction.changes)
        return self._step("correct", correction.slug, what, origin)


def _changed(field: str, before: Facts, after: Facts) -> str:
    """One corrected field for a person: dates and lists of ids in full, long text by name."""
    old, new = getattr(before, field), getattr(after, field)
    if field == "when":
        return f"when {old.edtf} → {new.edtf}"
    if field in ("partners", "actors", "status"):
        return f"{field} {_ids(old)} → {_ids(new)}"
    if field == "quantities":
        return f"quantities {_amounts(old)} → {_amounts(new)}"
    return field


def _ids(value: Any) -> str:
    return ", ".join(value) if isinstance(value, tuple) else str(value or "-")


def _amounts(quantities: tuple[Any, ...]) -> str:
    return ", ".join(_amount(q) for q in quantities) or "none"


def _amount(quantity: Any) -> str:
    dated = f" observed {quantity.observed.edtf}" if quantity.observed else f" in {quantity.period.edtf}" if quantity.period else ""
    return f"{quantity.metric} {quantity.value}{dated}"
