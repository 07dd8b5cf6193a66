"""The import shapes: the fields each kind of record has, at every level.

A record with a field chrono does not know is refused, naming the field and
the nearest known one, so that a misspelt ``quantites`` never imports as an
entry without its quantities (DESIGN.md section 8). The export shape's extra
keys (an entry's ``revision``, a date's ``earliest``, a partner reference's
``name``, ...) are known too: an export re-imports as it is, and those keys,
which chrono derives, are read past. Only the levels whose keys are listed
here are walked, never arbitrary values: however deep a value is nested (or
aliased, in YAML), checking its record's fields costs the same.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, Final

from chrono.interchange.controls import clean

WHEN: Final = frozenset({"edtf", "earliest", "latest", "precision", "qualifiers", "open_start", "open_end"})
SOURCE: Final = frozenset({"document", "publisher", "published", "title", "quote"})
QUANTITY: Final = frozenset({"metric", "value", "unit", "qualifier", "period", "observed"})
TITLE: Final = frozenset({"en", "vi"})
NAME: Final = frozenset({"en", "vi", "zh"})
CODES: Final = frozenset({"cameo", "plover"})
REFERENCE: Final = frozenset({"id", "name", "level"})  # a partner as an exported entry names it
# Written by the export, derived by chrono: read past on import.
EXPORTED: Final = frozenset({"revision", "recorded_at", "modified_at", "retracted"})
ENTRY: Final = frozenset({"type", "id", "kind", "status", "title", "when", "partners", "actors", "quantities", "sources", "codes", "note"})
RECORDS: Final[dict[str, frozenset[str]]] = {
    "entry": ENTRY | EXPORTED,
    "partner": frozenset({"type", "id", "name", "level", "parent", "country"}),
    "cite": frozenset({"type", "id", "source"}),
    "outcome": frozenset({"type", "id", "outcome", "when", "source"}),
    "event": frozenset({"type", "position", "originator_id", "originator_version", "topic", "state"}),
    "correct": frozenset({"type", "id", "set", "reason", "source"}),
    "retract": frozenset({"type", "id", "reason"}),
}
SETTABLE: Final = frozenset({"when", "status", "title", "partners", "actors", "note", "cameo", "quantities"})
# What each nested object of a record may hold: (field, its keys, a list of them?).
NESTED: Final[dict[str, tuple[tuple[str, frozenset[str], bool], ...]]] = {
    "entry": (
        ("title", TITLE, False), ("when", WHEN, False), ("codes", CODES, False), ("partners", REFERENCE, True),
        ("actors", REFERENCE, True), ("quantities", QUANTITY, True), ("sources", SOURCE, True),
    ),
    "partner": (("name", NAME, False),),
    "cite": (("source", SOURCE, False),),
    "outcome": (("source", SOURCE, False), ("when", WHEN, False)),
    "event": (),
    "correct": (("set", SETTABLE, False), ("source", SOURCE, False)),
    "retract": (),
}  # fmt: skip
# Dates inside the nested objects, which may be written as the export writes them.
DATED: Final = {"quantities": ("period", "observed"), "sources": ("published",), "source": ("published",)}


def unknown_fields(data: Mapping[Any, Any], record_type: str) -> list[tuple[str, str]]:
    """Each field of ``data`` its type of record does not have, as (dotted field, reason).

    Every record of an import passes here: the usual record, with known
    fields only, costs a set comparison per object and builds nothing.
    """
    found = _unknown(data, RECORDS[record_type], "")
    for field, keys, many, dated in _WALKED[record_type]:
        value = data.get(field)
        if many and type(value) is list:
            for index, item in enumerate(value):
                if type(item) is dict and not (keys.issuperset(item) and _dates_known(item, dated)):
                    found += _nested(item, keys, dated, f"{field}.{index}.")
        elif not many and type(value) is dict and not (keys.issuperset(value) and _dates_known(value, dated)):
            found += _nested(value, keys, dated, f"{field}.")
    return found


# NESTED with the dated fields of each: the walk's own table, made once.
_WALKED: Final = {kind: tuple((field, keys, many, DATED.get(field, ())) for field, keys, many in nested) for kind, nested in NESTED.items()}


def _dates_known(item: dict[Any, Any], dated: tuple[str, ...]) -> bool:
    return all(type(when := item.get(name)) is not dict or WHEN.issuperset(when) for name in dated)


def _nested(item: dict[Any, Any], keys: frozenset[str], dated: tuple[str, ...], path: str) -> list[tuple[str, str]]:
    found = _unknown(item, keys, path)
    for name in dated:
        when = item.get(name)
        if isinstance(when, dict):
            found += _unknown(when, WHEN, f"{path}{name}.")
    return found


def unknown_keys(data: Mapping[Any, Any], known: frozenset[str], path: str = "") -> list[tuple[str, str]]:
    """The keys of one object that are not ``known``, as (dotted field, reason)."""
    return _unknown(data, known, path)


def _unknown(data: Mapping[Any, Any], known: frozenset[str], path: str) -> list[tuple[str, str]]:
    if known.issuperset(data):  # the usual case, at the cost of one set comparison
        return []
    return [(f"{path}{field_name(key)}", _hint(key, known)) for key in data if key not in known]


def field_name(key: Any) -> str:
    """A key as a problem names it: control characters written out, long keys cut."""
    text = clean(str(key)).replace("\n", "\\n")
    return text if len(text) <= 40 else text[:40] + "…"


def _hint(key: Any, known: frozenset[str]) -> str:
    near = difflib.get_close_matches(str(key)[:100], sorted(known), n=1, cutoff=0.6)
    if near:
        return f"unknown field: did you mean {near[0]!r}?"
    return f"unknown field (known here: {', '.join(sorted(known))})"
