"""PLOVER-style event records, one JSON object a line.

PLOVER (Political Language Ontology for Verifiable Event Records, the Open
Event Data Alliance's successor to CAMEO) names the fields of an event
record: ``id``, ``date``, ``actor``, ``recipient``, ``event``, ``mode``,
``context``, ``text``, ``cite_info``, ``coded_date``... This module writes
those fields, and PLOVER's invitation to add named fields carries the rest:

- ``event``, ``mode`` and ``context`` come from the entry's CAMEO code (the
  kind's first code when none was chosen) through the Alliance's
  CAMEO-to-PLOVER table (CAMEO2PLOVER-2021, PLOVER manual draft 0.8), for
  the codes chrono's kinds use. A planned or postponed happening adds the
  auxiliary context ``future``, a cancelled one ``negation``.
- ``actor`` is the home side, ``recipient`` the foreign partners; chrono
  does not record who visited whom or who gave aid to whom, and the record
  says so in ``comment``. Each entity has its name, its country's name (the
  country-level partner above it in the registry), ``code``, the manual's
  "3-char top-level entity code", which for a country is its ISO 3166-1
  alpha-3 code ("CHN"; the registry holds alpha-2, "CN"), and a Wikidata id
  where a person gave one.
- ``date`` is the earliest possible day (the latest where only that is
  known), ``enddate`` an interval's last day; ``date_earliest``,
  ``date_latest``, ``date_precision`` and ``date_edtf`` keep what is known,
  and ``date_added`` is the recording time, beside the event date.
- A reported figure is an observation, not an event: it is left out, counted,
  as is an entry whose date has no bound at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from chrono.events.entry import Entry
from chrono.events.kinds import KINDS
from chrono.events.values import Partner
from chrono.interchange.base import ExportOptions, Tally, Written, country_of, date_of, name

# CAMEO code -> (PLOVER event, mode, context), from CAMEO2PLOVER-2021.txt.
CAMEO_TO_PLOVER: dict[str, tuple[str, str, str]] = {
    "040": ("CONSULT", "", ""), "041": ("CONSULT", "phone", ""), "042": ("CONSULT", "visit", ""),
    "043": ("CONSULT", "visit", ""), "044": ("CONSULT", "third-party", ""), "045": ("CONSULT", "", "diplomatic"),
    "046": ("CONSULT", "", "diplomatic"),
    "050": ("SUPPORT", "", "diplomatic"), "051": ("SUPPORT", "", "diplomatic"), "052": ("SUPPORT", "", "diplomatic"),
    "053": ("SUPPORT", "", "diplomatic"), "054": ("SUPPORT", "", "diplomatic"), "055": ("SUPPORT", "", "diplomatic"),
    "056": ("SUPPORT", "", "diplomatic"), "057": ("SUPPORT", "", "diplomatic"),
    "060": ("COOPERATE", "", ""), "061": ("COOPERATE", "", "economic"), "062": ("COOPERATE", "", "military"),
    "063": ("COOPERATE", "", "legal"), "064": ("COOPERATE", "", "intelligence"),
    "070": ("AID", "", ""), "071": ("AID", "", "economic"), "072": ("AID", "", "military"),
    "073": ("AID", "", "humanitarian"), "074": ("AID", "", "peacekeeping"), "075": ("AID", "", "asylum"),
}  # fmt: skip
# PLOVER's quad categories: 1 verbal cooperation, 2 material cooperation.
QUAD = {"CONSULT": 1, "SUPPORT": 1, "AGREE": 1, "CONCEDE": 1, "COOPERATE": 2, "AID": 2}
AUXILIARY = {"planned": "future", "postponed": "future", "cancelled": "negation"}
# ISO 3166-1 alpha-2 -> alpha-3, for the countries of the bundled partner registry (partners.jsonl
# and the chronicle's own partners). A country missing here gets no code, never a guessed one,
# and the export says which.
ALPHA3 = {
    "AE": "ARE", "AU": "AUS", "CH": "CHE", "CN": "CHN", "DE": "DEU", "FR": "FRA", "GB": "GBR", "IT": "ITA", "JP": "JPN", "KR": "KOR",
    "LA": "LAO", "NL": "NLD", "NZ": "NZL", "PH": "PHL", "SE": "SWE", "SG": "SGP", "TH": "THA", "US": "USA", "VN": "VNM",
}  # fmt: skip
FIGURES = "reported figures; PLOVER records events, not observations"
UNDATED = "a date with no bound at all; PLOVER needs a date"
DIRECTION = "actor: the home side; recipient: the foreign partners (chrono does not record who visited or gave to whom)"


def record(entry: Entry, partners: Mapping[str, Partner], options: ExportOptions) -> dict[str, Any] | None:
    """The entry as one PLOVER record, or None for a reported figure."""
    info = KINDS[entry.kind]
    facts = entry.facts
    cameo = facts.cameo or (info.cameo[0] if info.cameo else "")
    if info.plover is None:
        return None
    event, mode, context = CAMEO_TO_PLOVER.get(cameo, (info.plover, "", ""))
    contexts = [c for c in (context, AUXILIARY.get(entry.status, "")) if c]
    source = entry.sources[0] if entry.sources else None
    recorded = entry.created_on
    data: dict[str, Any] = {
        "id": entry.slug, **dates(entry),
        "actor": [entity(pid, partners, options) for pid in facts.actors],
        "recipient": [entity(pid, partners, options) for pid in facts.partners],
        "event": [event], "mode": [mode] if mode else [], "context": contexts, "quad_code": QUAD[event],
        "cameo": cameo, "kind": entry.kind, "status": entry.status, "title": facts.title.get(options.lang),
        "text": source.quote if source else None, "cite_info": cite(source) if source else None,
        "sources": [s.to_json() for s in entry.sources],
        "coder": "chrono", "coded_date": recorded.date().isoformat(), "coded_time": recorded.time().isoformat(timespec="seconds"),
        "date_added": recorded.isoformat(), "comment": DIRECTION + (f". {facts.note}" if facts.note else ""),
    }  # fmt: skip
    return data


def placed_record(entry: Entry, partners: Mapping[str, Partner], options: ExportOptions) -> dict[str, Any] | None:
    """The record, or None where PLOVER has no place for it: a reported figure, a date with no bound."""
    data = record(entry, partners, options)
    return data if data is not None and data["date"] is not None else None


def dates(entry: Entry) -> dict[str, Any]:
    """``date`` (and an interval's ``enddate``) with the bounds and precision behind them."""
    when = entry.facts.when
    first, last = date_of(when.earliest_key), date_of(when.latest_key)
    anchor = first or last
    found: dict[str, Any] = {"date": anchor.isoformat() if anchor else None}
    if when.is_interval and first is not None and last is not None:
        found["enddate"] = last.isoformat()
    found.update(
        date_earliest=first.isoformat() if first else None, date_latest=last.isoformat() if last else None,
        date_precision=when.precision.value, date_edtf=when.edtf, date_qualifiers=sorted(when.qualifiers),
    )  # fmt: skip
    return found


def entity(pid: str, partners: Mapping[str, Partner], options: ExportOptions) -> dict[str, Any]:
    partner = partners.get(pid)
    country = country_of(pid, partners)
    found: dict[str, Any] = {
        "entity_name": name(pid, partners, "en"), "raw_text": name(pid, partners, options.lang), "chrono_id": pid,
        "level": partner.level if partner else None, "country_name": country.name.en if country else None,
        "code": ALPHA3.get(partner.country) if partner else None,
    }  # fmt: skip
    qid = options.qids.partners.get(pid)
    if qid:
        found["wikidata_id"] = qid
    return found


def cite(source: Any) -> dict[str, Any]:
    """PLOVER's citation object for a source."""
    return {"citation": source.document, "title": source.title or None, "publication": source.publisher or None,
            "published": source.published.edtf if source.published else None}  # fmt: skip


def write(entries: Iterable[Entry], partners: Mapping[str, Partner], options: ExportOptions, out: TextIO) -> Written:
    """The entries as PLOVER records, one JSON object a line."""
    tally = Tally()
    dated = lambda entry: data if (data := record(entry, partners, options)) and data["date"] else None  # noqa: E731
    uncoded: set[str] = set()
    for _, data in tally.each(entries, dated, lambda entry: FIGURES if KINDS[entry.kind].plover is None else UNDATED):
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
        uncoded.update(uncoded_countries(data, partners))
    notes = (f"no ISO 3166-1 alpha-3 code known for {', '.join(sorted(uncoded))}: those entities have no code",) if uncoded else ()
    return tally.summary(notes)


def uncoded_countries(data: dict[str, Any], partners: Mapping[str, Partner]) -> set[str]:
    """The registry's country codes of the record's entities that ``ALPHA3`` has no alpha-3 code for."""
    countries = {partners[e["chrono_id"]].country for e in (*data["actor"], *data["recipient"]) if e["chrono_id"] in partners}
    return {c for c in countries if c and c not in ALPHA3}
