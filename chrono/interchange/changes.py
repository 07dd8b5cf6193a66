"""What the command line says in words: ``correct --set FIELD=VALUE`` and ``record --quantity``."""

from __future__ import annotations

from functools import partial
from typing import Any

import attrs

from chrono.events.commands import Origin
from chrono.events.values import QUALIFIERS, Facts, Quantity
from chrono.interchange.fields import Checker, RecordProblems, correction_status, edtf_field, ids_field, read_cameo, read_quantities, text_field
from chrono.interchange.schema import QUANTITY, unknown_keys

CORRECTABLE = ("when", "status", "title.en", "title.vi", "partners", "actors", "note", "cameo", "quantities")


def parse_changes(kind: str, facts: Facts, assignments: list[str], origin: Origin) -> dict[str, Any]:
    """``FIELD=VALUE`` assignments as the changed fields of ``facts``."""
    check = Checker(origin)
    changes: dict[str, Any] = {}
    title = facts.title
    for assignment in assignments:
        field, sep, value = assignment.partition("=")
        field = field.strip().replace("_", ".") if field.startswith("title") else field.strip()
        if not sep or field not in CORRECTABLE:
            check.fail(field or assignment, f"cannot set this; settable fields: {', '.join(CORRECTABLE)}")
            continue
        if field == "when":
            changes["when"] = check.check(field, partial(edtf_field, value))
        elif field == "status":
            changes["status"] = check.check(field, partial(correction_status, value))
        elif field in ("partners", "actors"):
            changes[field] = check.check(field, partial(ids_field, [part.strip() for part in value.split(",") if part.strip()]))
        elif field == "title.en":
            title = attrs.evolve(title, en=check.check(field, partial(text_field, {"en": value}, "en")) or title.en)
        elif field == "title.vi":
            title = attrs.evolve(title, vi=value)
        elif field == "note":
            changes["note"] = value
        elif field == "cameo":
            changes["cameo"] = check.check(field, partial(read_cameo, kind, {"codes": {"cameo": value}}))
        else:
            changes["quantities"] = _quantities(value, check)
    if title != facts.title:
        changes["title"] = title
    if check.problems:
        raise RecordProblems(check.problems)
    return changes


def _quantities(value: str, check: Checker) -> tuple[Quantity, ...] | None:
    """``--set quantities=JSON``: a list of quantities (``[]`` for none)."""
    from chrono.interchange.jsonl import DuplicateKey, strict_loads

    try:
        raw = strict_loads(value)
    except DuplicateKey as error:
        check.fail(f"quantities.{error.key}", "is given twice in one object")
        return None
    except (ValueError, RecursionError) as error:
        check.fail("quantities", f"is not JSON chrono can read ({'nested too deeply' if isinstance(error, RecursionError) else str(error).split(';')[0]})")
        return None
    if not isinstance(raw, list):
        check.fail("quantities", "must be a JSON list of quantities ([] for none)")
        return None
    for index, item in enumerate(raw):
        if isinstance(item, dict):
            for name, why in unknown_keys(item, QUANTITY, f"quantities.{index}."):
                check.fail(name, why)
    return read_quantities({"quantities": raw}, check)


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
