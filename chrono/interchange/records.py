"""Plain records (from a file or the command line) into validated commands.

Each parser collects every problem of a record before giving up, so that one
run reports all that is wrong with a file instead of the first thing only.
Entries, most of any file, first go through a plain reader
(``chrono.interchange.fastpath``) that stops at the first thing out of the
ordinary and hands the record to the checking parser.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from chrono.errors import Problem
from chrono.events.commands import Citation, Command, Draft, Origin, Outcome, PartnerDraft
from chrono.events.slugs import SLUG, derive_slug
from chrono.events.values import LEVELS, OUTCOMES, Facts, Partner
from chrono.interchange.fastpath import plain_entry
from chrono.interchange.fields import (
    EXPECTED,
    Checker,
    RecordProblems,
    edtf_field,
    ids_field,
    parse_names,
    parse_source,
    read_cameo,
    read_kind,
    read_quantities,
    read_sources,
    read_status,
    text_field,
)  # fmt: skip


def parse_entry(data: Mapping[str, Any], origin: Origin) -> Draft:
    """A validated entry draft; raises ``RecordProblems`` listing every problem.

    A well-formed record is read by ``plain_entry``; anything else by
    ``checked_entry``, which finds every problem. Both make the same draft.
    """
    try:
        return plain_entry(data, origin)
    except EXPECTED:
        return checked_entry(data, origin)


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
        check.fail("id", f"{slug!r} is not a readable id (lowercase letters, digits and hyphens)")
    if check.problems:
        raise RecordProblems(check.problems)
    assert kind and title and when and status is not None
    facts = Facts(
        status=status, title=title, when=when, partners=partners or (), actors=actors or (),
        quantities=quantities, cameo=cameo or "", note=note or "",
    )  # fmt: skip
    return Draft(slug=slug or derive_slug(kind, when, title), kind=kind, facts=facts, sources=sources, origin=origin)


def parse_partner(data: Mapping[str, Any], origin: Origin) -> PartnerDraft:
    check = Checker(origin)
    pid = data.get("id")
    if not isinstance(pid, str) or not SLUG.match(pid):
        check.fail("id", f"{pid!r} is not a partner id (lowercase letters, digits and hyphens)")
    names = check.check("name", lambda: parse_names(data.get("name")))
    level = data.get("level")
    if not isinstance(level, str) or level not in LEVELS:
        check.fail("level", f"{level!r} is not one of {', '.join(sorted(LEVELS))}")
    parent = data.get("parent")
    if parent is not None and (not isinstance(parent, str) or not SLUG.match(parent)):
        check.fail("parent", f"{parent!r} is not a partner id")
    country = check.check("country", lambda: text_field(data, "country", required=False))
    if check.problems:
        raise RecordProblems(check.problems)
    assert isinstance(pid, str) and names is not None
    partner = Partner(id=pid, name=names, level=str(level), parent=parent, country=country or "")
    return PartnerDraft(partner=partner, origin=origin)


def _target(data: Mapping[str, Any], check: Checker) -> str:
    slug = data.get("id")
    if not isinstance(slug, str) or not SLUG.match(slug):
        check.fail("id", f"{slug!r} is not an entry id")
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
    outcome = data.get("outcome")
    if outcome not in OUTCOMES:
        check.fail("outcome", f"{outcome!r} is not one of {', '.join(OUTCOMES)}")
    raw_when = data.get("when")
    when = check.check("when", lambda: edtf_field(raw_when)) if raw_when else None
    source = parse_source(data["source"], check, "source") if data.get("source") else None
    if check.problems:
        raise RecordProblems(check.problems)
    return Outcome(slug=slug, outcome=str(outcome), when=when, source=source, origin=origin)


PARSERS: dict[str, Callable[[Mapping[str, Any], Origin], Command]] = {
    "entry": parse_entry,
    "partner": parse_partner,
    "cite": parse_citation,
    "outcome": parse_outcome,
}


def parse_record(data: Any, origin: Origin) -> list[Command]:
    """The commands a plain record stands for; raises ``RecordProblems``.

    An exported entry whose planned happening has an outcome (status
    ``held``, ``postponed``, ``cancelled``) stands for the entry and its outcome.
    """
    if not isinstance(data, Mapping):
        raise RecordProblems([Problem(origin.file, origin.line, "", "a record must be an object")])
    record_type = data.get("type") or "entry"
    parser = PARSERS.get(record_type) if isinstance(record_type, str) else None
    if parser is None:
        problem = Problem(origin.file, origin.line, "type", f"unknown record type {record_type!r}")
        raise RecordProblems([problem])
    command = parser(data, origin)
    status = data.get("status")
    if isinstance(command, Draft) and status in OUTCOMES:
        return [command, Outcome(slug=command.slug, outcome=status, when=None, source=None, origin=origin)]
    return [command]
