"""Plain records (from a file or the command line) into validated commands.

Each parser collects every problem of a record before giving up, so that one
run reports all that is wrong with a file instead of the first thing only.
Entries, most of any file, first go through a plain reader
(``chrono.interchange.fastpath``) that stops at the first thing out of the
ordinary and hands the record to the checking parser.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, TypeVar

from chrono.errors import Problem
from chrono.events.commands import Citation, Command, Correction, Draft, Origin, Outcome, PartnerDraft, Retraction
from chrono.events.slugs import SLUG, derived_ids
from chrono.events.values import LEVELS, OUTCOMES, Facts, Partner
from chrono.interchange.fastpath import plain_entry
from chrono.interchange.fields import (
    EXPECTED,
    Checker,
    RecordProblems,
    absent,
    choice_field,
    correction_status,
    edtf_field,
    ids_field,
    parse_names,
    parse_source,
    read_cameo,
    read_kind,
    read_quantities,
    read_sources,
    read_status,
    shown,
    text_field,
)  # fmt: skip
from chrono.interchange.schema import unknown_fields

C = TypeVar("C", bound=Command)


def parse_entry(data: Mapping[str, Any], origin: Origin) -> Draft:
    """A validated entry draft; raises ``RecordProblems`` listing every problem.

    A well-formed record is read by ``plain_entry``; anything else by
    ``checked_entry``, which finds every problem (fields the shape does not
    have among them). Both make the same draft.
    """
    try:
        return plain_entry(data, origin)
    except EXPECTED:
        return strict_entry(data, origin)


def strict_entry(data: Mapping[str, Any], origin: Origin) -> Draft:
    """``checked_entry`` with the fields the entry shape does not have reported first."""
    return _checked(checked_entry, data, origin, "entry")


def _checked(parser: Callable[[Mapping[str, Any], Origin], C], data: Mapping[str, Any], origin: Origin, record_type: str) -> C:
    """``parser``'s command, or every problem: the fields the shape does not have, then the parser's."""
    unknown = [Problem(origin.file, origin.line, field, why) for field, why in unknown_fields(data, record_type)]
    try:
        command = parser(data, origin)
    except RecordProblems as error:
        raise RecordProblems(unknown + error.problems) from None
    if unknown:
        raise RecordProblems(unknown)
    return command


def checked_entry(data: Mapping[str, Any], origin: Origin) -> Draft:
    """``parse_entry`` field by field, collecting every problem."""
    check = Checker(origin)
    kind = check.check("kind", lambda: read_kind(data))
    title = check.check("title", lambda: parse_names(data.get("title")))
    when = check.check("when", lambda: edtf_field(data.get("when")))
    status = check.check("status", lambda: read_status(data))
    partners = check.check("partners", lambda: ids_field(data.get("partners")))
    actors = check.check("actors", lambda: ids_field(data.get("actors")))
    note = check.check("note", lambda: text_field(data, "note", required=False))
    cameo = check.check("codes.cameo", lambda: read_cameo(kind, data)) if kind else None
    quantities = read_quantities(data, check)
    sources = read_sources(data, check)
    slug = data.get("id")
    if slug is not None and (not isinstance(slug, str) or not SLUG.match(slug)):
        check.fail("id", f"{shown(slug)} is not a readable id (lowercase letters, digits and hyphens)")
    if data.get("retracted") is not None and data.get("retracted") is not False:
        check.fail("retracted", "an import records entries, it does not retract them (chrono retract ID --reason ...)")
    if check.problems:
        raise RecordProblems(check.problems)
    assert kind and title and when and status is not None
    facts = Facts(
        status=status, title=title, when=when, partners=partners or (), actors=actors or (),
        quantities=quantities, cameo=cameo or "", note=note or "",
    )  # fmt: skip
    if slug:
        return Draft(slug=slug, kind=kind, facts=facts, sources=sources, origin=origin)
    derived, earlier = derived_ids(kind, when, title)
    return Draft(slug=derived, kind=kind, facts=facts, sources=sources, origin=origin, earlier=earlier)


def parse_partner(data: Mapping[str, Any], origin: Origin) -> PartnerDraft:
    check = Checker(origin)
    pid = data.get("id")
    if not isinstance(pid, str) or not SLUG.match(pid):
        check.fail("id", f"{shown(pid)} is not a partner id (lowercase letters, digits and hyphens)")
    names = check.check("name", lambda: parse_names(data.get("name")))
    level = check.check("level", lambda: choice_field(data.get("level"), tuple(sorted(LEVELS)), ""))
    if level == "":
        check.fail("level", f"is required: one of {', '.join(sorted(LEVELS))}")
    parent = None if absent(data.get("parent")) else data.get("parent")
    if parent is not None and (not isinstance(parent, str) or not SLUG.match(parent)):
        check.fail("parent", f"{shown(parent)} is not a partner id")
    country = check.check("country", lambda: text_field(data, "country", required=False))
    if check.problems:
        raise RecordProblems(check.problems)
    assert isinstance(pid, str) and names is not None
    partner = Partner(id=pid, name=names, level=str(level), parent=parent, country=country or "")
    return PartnerDraft(partner=partner, origin=origin)


def _target(data: Mapping[str, Any], check: Checker) -> str:
    slug = data.get("id")
    if not isinstance(slug, str) or not SLUG.match(slug):
        check.fail("id", f"{shown(slug)} is not an entry id")
        return ""
    return slug


def parse_citation(data: Mapping[str, Any], origin: Origin) -> Citation:
    check = Checker(origin)
    slug = _target(data, check)
    source = parse_source(data.get("source"), check, "source")
    if check.problems or source is None:
        raise RecordProblems(check.problems)
    return Citation(slug=slug, source=source, origin=origin)


def parse_outcome(data: Mapping[str, Any], origin: Origin) -> Outcome:
    check = Checker(origin)
    slug = _target(data, check)
    outcome = check.check("outcome", lambda: choice_field(data.get("outcome"), OUTCOMES, ""))
    if outcome == "":
        check.fail("outcome", f"is required: one of {', '.join(OUTCOMES)}")
    raw_when = data.get("when")
    when = None if absent(raw_when) else check.check("when", lambda: edtf_field(raw_when))
    source = None if absent(data.get("source")) else parse_source(data["source"], check, "source")
    if check.problems:
        raise RecordProblems(check.problems)
    return Outcome(slug=slug, outcome=str(outcome), when=when, source=source, origin=origin)


# A ``correct`` record's ``set``: each field and how its value is read.
SETTABLE: dict[str, Callable[[Any], Any]] = {
    "when": edtf_field,
    "status": correction_status,
    "title": parse_names,
    "partners": ids_field,
    "actors": ids_field,
    "note": lambda value: text_field({"note": value}, "note", required=False),
    "cameo": lambda value: text_field({"cameo": value}, "cameo", required=False),
}


def parse_correction(data: Mapping[str, Any], origin: Origin) -> Correction:
    """A ``correct`` record: ``set`` maps fields to their new values, as an entry record gives them.

    (A field ``set`` does not have is refused by the import shapes, ``schema``.)
    """
    check = Checker(origin)
    slug = _target(data, check)
    fields = data.get("set")
    changes: dict[str, Any] = {}
    if not isinstance(fields, Mapping) or not fields:
        check.fail("set", "must be an object of the fields to change and their new values")
        fields = {}
    for field, value in fields.items():
        if field == "quantities":
            changes[field] = read_quantities({"quantities": value}, check) if isinstance(value, list) else None
            if changes[field] is None:
                check.fail("set.quantities", "must be a list ([] for none)")
        elif field in SETTABLE:
            changes[field] = check.check(f"set.{field}", partial(SETTABLE[field], value))
    reason = check.check("reason", lambda: text_field(data, "reason"))
    source = None if absent(data.get("source")) else parse_source(data["source"], check, "source")
    if check.problems:
        raise RecordProblems(check.problems)
    return Correction(slug=slug, changes=changes, reason=reason or "", source=source, origin=origin)


def parse_retraction(data: Mapping[str, Any], origin: Origin) -> Retraction:
    """A ``retract`` record: the entry's id and why it should not have been recorded."""
    check = Checker(origin)
    slug = _target(data, check)
    reason = check.check("reason", lambda: text_field(data, "reason"))
    if check.problems:
        raise RecordProblems(check.problems)
    return Retraction(slug=slug, reason=reason or "", origin=origin)


PARSERS: dict[str, Callable[[Mapping[str, Any], Origin], Command]] = {
    "entry": parse_entry,
    "partner": parse_partner,
    "cite": parse_citation,
    "outcome": parse_outcome,
    "correct": parse_correction,
    "retract": parse_retraction,
}
# Review notes that ``chrono draft`` writes beside a record's fields: taken
# off before the record is read, never stored, so a reviewed draft imports
# as it stands (docs/records.md, "Drafts").
DRAFT_NOTES = "draft"


def parse_record(data: Any, origin: Origin) -> list[Command]:
    """The commands a plain record stands for; raises ``RecordProblems``.

    An exported entry whose planned happening has an outcome (status
    ``held``, ``postponed``, ``cancelled``) stands for the entry and its outcome.
    """
    if not isinstance(data, Mapping):
        raise RecordProblems([Problem(origin.file, origin.line, "", "a record must be an object")])
    if DRAFT_NOTES in data:
        data = {key: value for key, value in data.items() if key != DRAFT_NOTES}
    record_type = "entry" if absent(data.get("type")) else data["type"]
    parser = PARSERS.get(record_type) if isinstance(record_type, str) else None
    if parser is None:
        near = difflib.get_close_matches(str(record_type)[:100], list(PARSERS), n=1, cutoff=0.6) if isinstance(record_type, str) else []
        hint = f"; did you mean {near[0]!r}?" if near else f" (known: {', '.join(PARSERS)})"
        raise RecordProblems([Problem(origin.file, origin.line, "type", f"unknown record type {shown(record_type)}{hint}")])
    # An entry's fast path checks its fields as it reads them (the import's most records).
    command = parser(data, origin) if record_type == "entry" else _checked(parser, data, origin, record_type)
    status = data.get("status")
    if isinstance(command, Draft) and status in OUTCOMES:
        return [command, Outcome(slug=command.slug, outcome=status, when=None, source=None, origin=origin)]
    return [command]
