"""Entries, partners and events as the plain JSON shapes of DESIGN.md section 8.

Other tools rely on these keys; JSON Lines exports use the same shapes so that
an export can be imported again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chrono.events.entry import Entry
from chrono.events.kinds import KINDS
from chrono.events.values import Names, Partner
from chrono.interchange import jsonl


def partner_ref(pid: str, partners: Mapping[str, Partner]) -> dict[str, Any]:
    partner = partners.get(pid)
    if partner is None:
        return {"id": pid, "name": {"en": pid, "vi": pid}, "level": None}
    return {"id": pid, "name": {"en": partner.name.en, "vi": partner.name.vi}, "level": partner.level}


def entry_json(entry: Entry, partners: Mapping[str, Partner]) -> dict[str, Any]:
    """An entry in the shape of DESIGN.md section 8."""
    facts = entry.facts
    return {
        "type": "entry",
        "id": entry.slug,
        "kind": entry.kind,
        "status": entry.status,
        "title": _title(facts.title),
        "when": facts.when.to_json(),
        "partners": [partner_ref(pid, partners) for pid in facts.partners],
        "actors": [partner_ref(pid, partners) for pid in facts.actors],
        "quantities": [quantity.to_json() for quantity in facts.quantities],
        "codes": {"cameo": facts.cameo or None, "plover": KINDS[entry.kind].plover},
        "sources": [source.to_json() for source in entry.sources],
        "note": facts.note or None,
        "revision": entry.version,
        "recorded_at": entry.created_on.isoformat(),
        "modified_at": entry.modified_on.isoformat(),
        "retracted": entry.retracted,
    }


def entry_brief(entry: Entry) -> dict[str, Any]:
    """The few fields that name an entry in another answer."""
    return {"id": entry.slug, "kind": entry.kind, "when": entry.facts.when.to_json(), "title": _title(entry.facts.title)}


def _title(title: Names) -> dict[str, str]:
    return {"en": title.en, "vi": title.vi}


def partner_json(partner: Partner) -> dict[str, Any]:
    return {"type": "partner", **partner.to_json()}


def _plain(value: Any) -> Any:
    if hasattr(value, "to_json"):
        return value.to_json()
    if hasattr(value, "__attrs_attrs__"):
        return {field.name: getattr(value, field.name) for field in value.__attrs_attrs__}
    return str(value)


def dumps(data: Any) -> str:
    """One line of JSON, that stays one line and prints as text (``jsonl.dumps``)."""
    return jsonl.dumps(data, default=_plain)


def plain_value(value: Any) -> Any:
    """A changed field's value as JSON: dates as EDTF, names and amounts as their JSON."""
    if hasattr(value, "edtf"):
        return value.edtf
    # A list too: the events read back from a store hold their quantities as a list.
    if isinstance(value, tuple | list):
        return [plain_value(v) for v in value]
    if hasattr(value, "to_json"):
        return value.to_json()
    return str(value) if not isinstance(value, str | int | float | bool | None) else value
