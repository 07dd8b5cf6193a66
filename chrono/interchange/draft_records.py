"""The values a draft is made of: guessed fields with the words they came
from, and the import-shape records ``chrono import`` reads.

A draft's review notes go in a ``draft`` block beside the record's own
fields; ``chrono import`` takes that block off before it reads a record
(``chrono.interchange.records.DRAFT_NOTES``), so that a reviewed draft imports as
it stands.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

import attrs

from chrono.events.slugs import id_year, slugify
from chrono.events.values import Names, Partner
from chrono.interchange.numbers import Amount
from chrono.interchange.records import DRAFT_NOTES
from chrono.when import When


@attrs.frozen
class Guess:
    """One guessed field of a draft.

    Attributes:
        field: the field guessed (``kind``, ``when``, ``partners.van-son``, ...).
        phrase: the words of the article it was read from ("" if none).
        confidence: from 0 (a placeholder) to 1 (as the text says it).
        note: why, where the phrase alone does not say.
    """

    field: str
    phrase: str
    confidence: float
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"from": self.phrase, "confidence": round(self.confidence, 2)}
        if self.note:
            out["note"] = self.note
        return out


@attrs.frozen
class EntryDraft:
    """A drafted entry: the import record and how each field was guessed.

    Attributes:
        record: the entry in the import shape (no ``draft`` block).
        guesses: the guessed fields.
        start: the offset of its sentence in the article (for the order).
        same_as: an entry of the store this probably repeats, or None.
    """

    record: dict[str, Any]
    guesses: tuple[Guess, ...]
    start: int
    same_as: str | None = None

    @property
    def quote(self) -> str:
        return str(self.record["sources"][0]["quote"])

    def with_notes(self) -> dict[str, Any]:
        """The record with its review notes in the ``draft`` block."""
        notes: dict[str, Any] = {}
        for guess in self.guesses:
            head, _, tail = guess.field.partition(".")
            if tail:
                notes.setdefault(head, {})[tail] = guess.to_json()
            else:
                notes[head] = guess.to_json()
        if self.same_as:
            notes["same_as"] = self.same_as
        return {**self.record, DRAFT_NOTES: notes}


@attrs.frozen
class PartnerDraft:
    """A partner the article names that the registry does not hold."""

    partner: Partner
    phrase: str
    confidence: float

    def with_notes(self) -> dict[str, Any]:
        record = {"type": "partner", **self.partner.to_json()}
        record[DRAFT_NOTES] = {"partner": Guess("partner", self.phrase, self.confidence, "a new partner: check the name, level and parent").to_json()}
        return record


KIND_TITLES: Final = {
    "TwinningSigned": ("Twinning with {}", "Kết nghĩa với {}"),
    "AgreementSigned": ("Agreement with {}", "Thỏa thuận với {}"),
    "RelationsEstablished": ("Relations with {}", "Quan hệ với {}"),
    "MechanismEstablished": ("Cooperation mechanism with {}", "Cơ chế hợp tác với {}"),
    "TalksHeld": ("Talks with {}", "Hội đàm với {}"),
    "ConferenceHeld": ("Conference with {}", "Hội nghị với {}"),
    "VisitMade": ("Delegation visit with {}", "Trao đổi đoàn với {}"),
    "AidProvided": ("Aid with {}", "Viện trợ với {}"),
    "CooperationCarriedOut": ("Cooperation with {}", "Hợp tác với {}"),
    "FigureReported": ("Figures reported with {}", "Số liệu với {}"),
}


def title(kind: str, partners: Sequence[str], registry: Mapping[str, Partner], metrics: Sequence[str]) -> dict[str, str]:
    """A placeholder title from the kind, the partners and the metrics."""
    en, vi = KIND_TITLES[kind]
    names = [registry[p].name if p in registry else Names(en=p, vi=p) for p in partners[:3]]
    if not names:
        en, vi = en.split(" with ")[0], vi.split(" với ")[0]
        if metrics:
            en, vi = f"{en}: {', '.join(metrics[:3])}", f"{vi}: {', '.join(metrics[:3])}"
        return {"en": en, "vi": vi}
    return {"en": en.format(", ".join(n.en for n in names)), "vi": vi.format(", ".join(n.vi or n.en for n in names))}


def quantity(amount: Amount, period: str | None = None, observed: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"metric": amount.metric, "value": plain_number(amount.value), "unit": amount.unit, "qualifier": amount.qualifier}
    if period:
        record["period"] = period
    if observed:
        record["observed"] = observed
    return record


def plain_number(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 2.548E+9 is "2548000000"."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def entry_record(
    kind: str, status: str, when: str, *, names: dict[str, str], partners: list[str], actors: list[str],
    quantities: list[dict[str, Any]], source: dict[str, Any],
) -> dict[str, Any]:  # fmt: skip
    """An entry in the import shape, with its ``draft_id``."""
    record: dict[str, Any] = {"type": "entry", "id": "", "kind": kind, "status": status, "title": names, "when": when}
    record.update({"partners": partners, "actors": actors})
    if quantities:
        record["quantities"] = quantities
    record["sources"] = [source]
    record["id"] = draft_id(record)
    return record


def draft_id(record: Mapping[str, Any]) -> str:
    """A draft's id: its year, kind and placeholder title, as ``chrono import``
    derives an id, then a digest of what it says and where.

    The placeholder titles repeat ("Relations", "Cooperation with China"), so
    the year, kind and title alone gave two articles' different drafts one id:
    importing the second was refused, or its draft was taken for the first's
    entry. The digest keeps ids apart across articles and the same when an
    article is drafted again. An open start ("[..2022-07-04]") is "undated",
    as in the bundled chronicle.
    """
    when = When.parse(str(record["when"]))
    said = {key: record.get(key) for key in ("kind", "when", "partners", "actors", "quantities")}
    source = record["sources"][0]
    said["source"] = [source["document"], source["quote"]]
    digest = hashlib.sha256(json.dumps(said, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:6]
    base = slugify(f"{id_year(when)}-{record['kind']}-{record['title']['en']}")[:69].strip("-")
    return f"{base}-{digest}"


def distinct(entries: list[EntryDraft]) -> list[EntryDraft]:
    """One draft per happening: clauses of a sentence (or a repeated caption)
    that came to the same kind, date and partners, with no amounts, are one."""
    seen = set()
    out = []
    for entry in entries:
        r = entry.record
        key = (r["kind"], r["when"], tuple(r["partners"]), tuple(r["actors"]), entry.quote, repr(r.get("quantities")))
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out


def unique(entries: list[EntryDraft]) -> list[EntryDraft]:
    """The drafts with ids made unique in the file (``-2``, ``-3``, ...)."""
    seen: dict[str, int] = {}
    out = []
    for entry in entries:
        slug = str(entry.record["id"])
        seen[slug] = seen.get(slug, 0) + 1
        renamed = attrs.evolve(entry, record={**entry.record, "id": f"{slug[:76]}-{seen[slug]}"}) if seen[slug] > 1 else entry
        out.append(renamed)
    return out
