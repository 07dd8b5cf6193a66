"""Plain records (from a file or the command line) into validated commands.

Each parser collects every problem of a record before giving up, so that one
run reports all that is wrong with a file instead of the first thing only.
Entries, most of any file, first go through a plain reader that stops at the
first thing out of the ordinary and hands the record to the checking parser.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any, TypeVar

import attrs

from chrono.errors import InvalidWhen, Problem
from chrono.events.kinds import KINDS
from chrono.events.values import LEVELS, OUTCOMES, QUALIFIERS, STATUSES, Facts, Names, Partner, Quantity, Source
from chrono.when import When

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Review notes that ``chrono draft`` writes beside a record's fields: taken
# off before the record is read, never stored, so a reviewed draft imports
# as it stands (docs/records.md, "Drafts").
DRAFT_NOTES = "draft"
MAX_QUANTITY = Decimal("1e24")
MIN_QUANTITY = Decimal("1e-12")
MAX_DIGITS = 36
T = TypeVar("T")
# What reading a field raises when the field is wrong.
EXPECTED = (ValueError, TypeError, KeyError, InvalidOperation)


@attrs.frozen
class Origin:
    """Where a record came from: a file (or ``command line``) and a line."""

    file: str
    line: int = 0


@attrs.frozen
class PartnerDraft:
    partner: Partner
    origin: Origin


@attrs.frozen
class Draft:
    """An entry to record."""

    slug: str
    kind: str
    facts: Facts
    sources: tuple[Source, ...]
    origin: Origin


@attrs.frozen
class Citation:
    slug: str
    source: Source
    origin: Origin


@attrs.frozen
class Outcome:
    slug: str
    outcome: str
    when: When | None
    source: Source | None
    origin: Origin


@attrs.frozen
class Correction:
    """New values for some of an entry's facts (a ``correct`` record)."""

    slug: str
    changes: dict[str, Any] = attrs.field(hash=False)
    reason: str
    source: Source | None
    origin: Origin


@attrs.frozen
class Retraction:
    """An entry that should not have been recorded (a ``retract`` record)."""

    slug: str
    reason: str
    origin: Origin


Command = PartnerDraft | Draft | Citation | Outcome | Correction | Retraction


class _Checker:
    """Collects problems while reading the fields of one record."""

    def __init__(self, origin: Origin) -> None:
        self.origin = origin
        self.problems: list[Problem] = []

    def fail(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.origin.file, self.origin.line, field, message))

    def check(self, field: str, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except EXPECTED as error:
            self.fail(field, _reason(error))
            return None


def _reason(error: Exception) -> str:
    if isinstance(error, InvalidWhen):
        return str(error)
    if isinstance(error, KeyError):
        return f"missing {error.args[0]}"
    return str(error) or type(error).__name__


def slugify(text: str) -> str:
    """An ASCII slug of ``text``: ``Thiên Bảo twinning`` -> ``thien-bao-twinning``."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _text(data: Mapping[str, Any], key: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError("is required")
        return ""
    if not isinstance(value, str):
        raise TypeError(f"must be text, not {type(value).__name__}")
    return value


def _edtf(value: Any) -> When:
    if isinstance(value, Mapping):
        value = value.get("edtf")
    if not isinstance(value, str):
        raise TypeError("must be an EDTF date string")
    return When.parse(value)


def _ids(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list | tuple):
        raise TypeError("must be a list of partner ids")
    ids: list[str] = []
    for item in value:
        pid = item.get("id") if isinstance(item, Mapping) else item
        if not isinstance(pid, str) or not SLUG.match(pid):
            raise ValueError(f"{pid!r} is not a partner id")
        ids.append(pid)
    return tuple(ids)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise TypeError(f"{value!r} is not a number")
    text = str(value).strip()
    number = Decimal(text)
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    if number < 0:
        raise ValueError(f"{value} is negative")
    # Counters sum and print these exactly: 1e999999999 would be a number
    # with a billion digits.
    # (adjusted() is the exponent of the leading digit: no arithmetic, so no
    # decimal.Overflow on 1e999999999.)
    # (No more digits than characters: the digits are counted for long text only.)
    too_long = len(text) > MAX_DIGITS and len(number.as_tuple().digits) > MAX_DIGITS
    if (number and not MIN_QUANTITY.adjusted() <= number.adjusted() < MAX_QUANTITY.adjusted()) or too_long:
        raise ValueError(f"{str(value)[:40]} is out of range (chrono keeps {MIN_QUANTITY} to below {MAX_QUANTITY}, at most {MAX_DIGITS} digits)")
    return number


def parse_names(data: Any) -> Names:
    if not isinstance(data, Mapping):
        raise TypeError("must be an object with en and vi")
    names = Names(en=_text(data, "en"), vi=_text(data, "vi", required=False), zh=_text(data, "zh", required=False))
    return names


def parse_quantity(data: Any, check: _Checker, field: str) -> Quantity | None:
    if not isinstance(data, Mapping):
        check.fail(field, "must be an object with metric, value and unit")
        return None
    metric = check.check(f"{field}.metric", lambda: _text(data, "metric"))
    value = check.check(f"{field}.value", lambda: _decimal(data.get("value")))
    unit = check.check(f"{field}.unit", lambda: _text(data, "unit"))
    qualifier = data.get("qualifier") or "exact"
    if qualifier not in QUALIFIERS:
        check.fail(f"{field}.qualifier", f"{qualifier!r} is not one of {', '.join(QUALIFIERS)}")
    period = data.get("period")
    when = check.check(f"{field}.period", lambda: _edtf(period)) if period else None
    observed_raw = data.get("observed")
    observed = check.check(f"{field}.observed", lambda: _edtf(observed_raw)) if observed_raw else None
    if period and observed_raw:
        check.fail(f"{field}.observed", "a quantity has a period (a flow) or an observed date (a stock), not both")
        return None
    if metric is None or value is None or unit is None or (period and when is None) or (observed_raw and observed is None):
        return None
    return Quantity(metric=metric, value=value, unit=unit, qualifier=qualifier, period=when, observed=observed)


def parse_source(data: Any, check: _Checker, field: str) -> Source | None:
    if not isinstance(data, Mapping):
        check.fail(field, "must be an object with document and quote")
        return None
    document = check.check(f"{field}.document", lambda: _text(data, "document"))
    quote = check.check(f"{field}.quote", lambda: _text(data, "quote"))
    published_raw = data.get("published")
    published = check.check(f"{field}.published", lambda: _edtf(published_raw)) if published_raw else None
    publisher = check.check(f"{field}.publisher", lambda: _text(data, "publisher", required=False))
    title = check.check(f"{field}.title", lambda: _text(data, "title", required=False))
    if document is None or quote is None or (published_raw and published is None):
        return None
    return Source(document=document, quote=quote, publisher=publisher or "", title=title or "", published=published)


def source_from_record(data: Any, origin: Origin) -> Source:
    """A validated source; raises ``RecordProblems``."""
    check = _Checker(origin)
    source = parse_source(data, check, "source")
    if check.problems or source is None:
        raise RecordProblems(check.problems)
    return source


def _sources(data: Mapping[str, Any], check: _Checker) -> tuple[Source, ...]:
    raw = data.get("sources")
    if not isinstance(raw, list) or not raw:
        check.fail("sources", "at least one source with a quote is required")
        return ()
    parsed = [parse_source(item, check, f"sources.{index}") for index, item in enumerate(raw)]
    return tuple(source for source in parsed if source is not None)


def _quantities(data: Mapping[str, Any], check: _Checker) -> tuple[Quantity, ...]:
    raw = data.get("quantities") or []
    if not isinstance(raw, list):
        check.fail("quantities", "must be a list")
        return ()
    parsed = [parse_quantity(item, check, f"quantities.{index}") for index, item in enumerate(raw)]
    return tuple(quantity for quantity in parsed if quantity is not None)


def _kind(data: Mapping[str, Any]) -> str:
    kind = _text(data, "kind")
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} (known: {', '.join(KINDS)})")
    return kind


def _cameo(kind: str, data: Mapping[str, Any]) -> str:
    codes = data.get("codes") or {}
    if not isinstance(codes, Mapping):
        raise TypeError("must be an object")
    allowed = KINDS[kind].cameo
    cameo = codes.get("cameo") or (allowed[0] if allowed else "")
    if cameo and cameo not in allowed:
        raise ValueError(f"CAMEO code {cameo!r} does not fit {kind} ({', '.join(allowed) or 'none'})")
    return str(cameo)


def _status(data: Mapping[str, Any]) -> str:
    status = data.get("status") or "happened"
    if status in OUTCOMES:
        return "planned"
    if status not in STATUSES:
        raise ValueError(f"{status!r} is not one of {', '.join(STATUSES)}")
    return str(status)


def derive_slug(kind: str, when: When, title: Names) -> str:
    """The id of a record that has none: its year, kind and title."""
    year = when.edtf[:4] if when.earliest_key is None else f"{when.earliest_key[0]:04d}"
    return slugify(f"{year}-{kind}-{title.en}")[:80].strip("-")


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
    check = _Checker(origin)
    kind = check.check("kind", lambda: _kind(data))
    title = check.check("title", lambda: parse_names(data.get("title")))
    when = check.check("when", lambda: _edtf(data.get("when")))
    status = check.check("status", lambda: _status(data))
    partners = check.check("partners", lambda: _ids(data.get("partners")))
    actors = check.check("actors", lambda: _ids(data.get("actors")))
    note = check.check("note", lambda: _text(data, "note", required=False))
    cameo = check.check("codes.cameo", lambda: _cameo(kind, data)) if kind else None
    quantities = _quantities(data, check)
    sources = _sources(data, check)
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


class Unusual(ValueError):
    """Something ``plain_entry`` leaves to the checking parser."""


def _needed(value: Any) -> str:
    """Required text, as ``_text`` reads it."""
    if type(value) is str and value and not value.isspace():
        return value
    raise Unusual


def _given(value: Any) -> str:
    """Optional text, as ``_text`` reads it: empty for none or blank."""
    if type(value) is str:
        return "" if value.isspace() else value
    if value is None:
        return ""
    raise Unusual


def _plain_when(value: Any) -> When:
    if type(value) is dict:
        value = value.get("edtf")
    if type(value) is not str:
        raise Unusual
    return When.parse(value)


def _plain_ids(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if type(value) is not list:
        raise Unusual
    for pid in value:
        if type(pid) is not str or not SLUG.match(pid):
            raise Unusual
    return tuple(value)


def _plain_quantity(data: Any) -> Quantity:
    if type(data) is not dict:
        raise Unusual
    qualifier = data.get("qualifier") or "exact"
    if qualifier not in QUALIFIERS:
        raise Unusual
    period, observed = data.get("period"), data.get("observed")
    if period and observed:
        raise Unusual
    return Quantity(
        metric=_needed(data.get("metric")), value=_decimal(data.get("value")), unit=_needed(data.get("unit")),
        qualifier=qualifier, period=_plain_when(period) if period else None, observed=_plain_when(observed) if observed else None,
    )  # fmt: skip


def _plain_source(data: Any) -> Source:
    if type(data) is not dict:
        raise Unusual
    published = data.get("published")
    return Source(
        document=_needed(data.get("document")), quote=_needed(data.get("quote")),
        publisher=_given(data.get("publisher")), title=_given(data.get("title")),
        published=_plain_when(published) if published else None,
    )  # fmt: skip


def plain_entry(data: Mapping[str, Any], origin: Origin) -> Draft:
    """The draft of a well-formed entry, without collecting problems.

    Raises one of ``EXPECTED`` (most often ``Unusual``) at the first thing it
    does not take as it stands; ``checked_entry`` then reads the record.
    Whatever it accepts, ``checked_entry`` accepts as the same draft.
    """
    kind, title, status = data.get("kind"), data.get("title"), data.get("status") or "happened"
    if type(kind) is not str or kind not in KINDS or type(title) is not dict:
        raise Unusual
    status = "planned" if status in OUTCOMES else status
    codes = data.get("codes") or {}
    if status not in STATUSES or type(codes) is not dict:
        raise Unusual
    allowed = KINDS[kind].cameo
    cameo = codes.get("cameo") or (allowed[0] if allowed else "")
    quantities, sources = data.get("quantities") or [], data.get("sources")
    if (cameo and cameo not in allowed) or type(quantities) is not list or type(sources) is not list or not sources:
        raise Unusual
    names = Names(en=_needed(title.get("en")), vi=_given(title.get("vi")), zh=_given(title.get("zh")))
    when = _plain_when(data.get("when"))
    facts = Facts(
        status=str(status), title=names, when=when, partners=_plain_ids(data.get("partners")),
        actors=_plain_ids(data.get("actors")), quantities=tuple(_plain_quantity(q) for q in quantities),
        cameo=str(cameo), note=_given(data.get("note")),
    )  # fmt: skip
    slug = data.get("id")
    if slug is None:
        slug = derive_slug(kind, when, names)
    elif type(slug) is not str or not SLUG.match(slug):
        raise Unusual
    return Draft(slug=slug, kind=kind, facts=facts, sources=tuple(_plain_source(s) for s in sources), origin=origin)


def parse_partner(data: Mapping[str, Any], origin: Origin) -> PartnerDraft:
    check = _Checker(origin)
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
    country = check.check("country", lambda: _text(data, "country", required=False))
    if check.problems:
        raise RecordProblems(check.problems)
    assert isinstance(pid, str) and names is not None
    partner = Partner(id=pid, name=names, level=str(level), parent=parent, country=country or "")
    return PartnerDraft(partner=partner, origin=origin)


def _target(data: Mapping[str, Any], check: _Checker) -> str:
    slug = data.get("id")
    if not isinstance(slug, str) or not SLUG.match(slug):
        check.fail("id", f"{slug!r} is not an entry id")
        return ""
    return slug


def parse_citation(data: Mapping[str, Any], origin: Origin) -> Citation:
    check = _Checker(origin)
    slug = _target(data, check)
    source = parse_source(data.get("source"), check, "source")
    if check.problems or source is None:
        raise RecordProblems(check.problems)
    return Citation(slug=slug, source=source, origin=origin)


def parse_outcome(data: Mapping[str, Any], origin: Origin) -> Outcome:
    check = _Checker(origin)
    slug = _target(data, check)
    outcome = data.get("outcome")
    if outcome not in OUTCOMES:
        check.fail("outcome", f"{outcome!r} is not one of {', '.join(OUTCOMES)}")
    raw_when = data.get("when")
    when = check.check("when", lambda: _edtf(raw_when)) if raw_when else None
    source = parse_source(data["source"], check, "source") if data.get("source") else None
    if check.problems:
        raise RecordProblems(check.problems)
    return Outcome(slug=slug, outcome=str(outcome), when=when, source=source, origin=origin)


# A ``correct`` record's ``set``: each field and how its value is read.
SETTABLE: dict[str, Callable[[Any], Any]] = {
    "when": _edtf,
    "status": lambda value: _status({"status": value}),
    "title": parse_names,
    "partners": _ids,
    "actors": _ids,
    "note": lambda value: _text({"note": value}, "note", required=False),
    "cameo": lambda value: _text({"cameo": value}, "cameo", required=False),
}
CORRECTION_FIELDS = frozenset({"type", "id", "set", "reason", "source"})


def _unknown_fields(data: Mapping[str, Any], known: frozenset[str], check: _Checker) -> None:
    for field in sorted(set(data) - known, key=str):
        check.fail(str(field), f"is not a field of this record (known: {', '.join(sorted(known))})")


def parse_correction(data: Mapping[str, Any], origin: Origin) -> Correction:
    """A ``correct`` record: ``set`` maps fields to their new values, as an entry record gives them."""
    check = _Checker(origin)
    _unknown_fields(data, CORRECTION_FIELDS, check)
    slug = _target(data, check)
    fields = data.get("set")
    changes: dict[str, Any] = {}
    if not isinstance(fields, Mapping) or not fields:
        check.fail("set", "must be an object of the fields to change and their new values")
        fields = {}
    for field, value in fields.items():
        if field == "quantities":
            changes[field] = _quantities({"quantities": value}, check) if isinstance(value, list) else None
            if changes[field] is None:
                check.fail("set.quantities", "must be a list")
        elif field in SETTABLE:
            changes[field] = check.check(f"set.{field}", partial(SETTABLE[field], value))
        else:
            check.fail(f"set.{field}", f"cannot be corrected (settable: quantities, {', '.join(SETTABLE)})")
    reason = check.check("reason", lambda: _text(data, "reason"))
    source = parse_source(data["source"], check, "source") if data.get("source") is not None else None
    if check.problems:
        raise RecordProblems(check.problems)
    return Correction(slug=slug, changes=changes, reason=reason or "", source=source, origin=origin)


def parse_retraction(data: Mapping[str, Any], origin: Origin) -> Retraction:
    """A ``retract`` record: the entry's id and why it should not have been recorded."""
    check = _Checker(origin)
    _unknown_fields(data, frozenset({"type", "id", "reason"}), check)
    slug = _target(data, check)
    reason = check.check("reason", lambda: _text(data, "reason"))
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


def parse_record(data: Any, origin: Origin) -> list[Command]:
    """The commands a plain record stands for; raises ``RecordProblems``.

    An exported entry whose planned happening has an outcome (status
    ``held``, ``postponed``, ``cancelled``) stands for the entry and its outcome.
    """
    if not isinstance(data, Mapping):
        raise RecordProblems([Problem(origin.file, origin.line, "", "a record must be an object")])
    if DRAFT_NOTES in data:
        data = {key: value for key, value in data.items() if key != DRAFT_NOTES}
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


class RecordProblems(Exception):
    """Internal: the problems of one record, gathered by the batch."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


CORRECTABLE = ("when", "status", "title.en", "title.vi", "partners", "actors", "note", "cameo", "quantities")


def parse_changes(kind: str, facts: Facts, assignments: list[str], origin: Origin) -> dict[str, Any]:
    """``FIELD=VALUE`` assignments as the changed fields of ``facts``."""
    import json

    check = _Checker(origin)
    changes: dict[str, Any] = {}
    title = facts.title
    for assignment in assignments:
        field, sep, value = assignment.partition("=")
        field = field.strip().replace("_", ".") if field.startswith("title") else field.strip()
        if not sep or field not in CORRECTABLE:
            check.fail(field or assignment, f"cannot set this; settable fields: {', '.join(CORRECTABLE)}")
            continue
        if field == "when":
            changes["when"] = check.check(field, partial(_edtf, value))
        elif field == "status":
            changes["status"] = check.check(field, partial(_status, {"status": value}))
        elif field in ("partners", "actors"):
            changes[field] = check.check(field, partial(_ids, value))
        elif field == "title.en":
            title = attrs.evolve(title, en=value)
        elif field == "title.vi":
            title = attrs.evolve(title, vi=value)
        elif field == "note":
            changes["note"] = value
        elif field == "cameo":
            changes["cameo"] = check.check(field, partial(_cameo, kind, {"codes": {"cameo": value}}))
        else:
            raw = check.check(field, partial(json.loads, value))
            changes["quantities"] = _quantities({"quantities": raw}, check) if raw is not None else None
    if title != facts.title:
        changes["title"] = title
    if check.problems:
        raise RecordProblems(check.problems)
    return changes


def parse_quantity_text(text: str) -> dict[str, Any]:
    """``metric=value unit [qualifier] [PERIOD | observed=DATE]`` as a quantity record.

    A bare EDTF word is the period of a flow; ``observed=DATE`` (or
    ``period=PERIOD``) names the measure explicitly.
    """
    metric, _, rest = text.partition("=")
    words = rest.split()
    record: dict[str, Any] = {"metric": metric.strip(), "value": words[0] if words else None}
    record["unit"] = words[1] if len(words) > 1 else None
    for word in words[2:]:
        name, sep, value = word.partition("=")
        if sep and name in ("period", "observed"):
            record[name] = value
        else:
            record["qualifier" if word in QUALIFIERS else "period"] = word
    return record
