"""The readers and schemas the export formats are checked against, as each tool defines them.

- TimelineJS3: the JSON schema in tests/data, written from its documentation,
  plus what its TimelineConfig requires beyond a schema (unique ids).
- iCalendar: the ``icalendar`` library's parser.
- QuickStatements V1: the line grammar of QuickStatements' own parser
  (``importDataFromV1`` and ``parseValueV1`` in magnusmanske/quickstatements),
  stricter in one way: a line it would silently skip is an error here.
- PLOVER: the fields, categories, modes, contexts and quad codes of the
  PLOVER manual (draft 0.7b1) and the Alliance's CAMEO2PLOVER-2021 table.
"""

from __future__ import annotations

import calendar
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

SCHEMA = json.loads((Path(__file__).parent / "data" / "timelinejs3.schema.json").read_text(encoding="utf-8"))
HUMAN_YEARS = range(-271820, 275760)


# -- TimelineJS3 ----------------------------------------------------------


def check_timelinejs(document: dict[str, Any]) -> list[str]:
    """Every way ``document`` fails TimelineJS3's format; empty when it is valid."""
    import jsonschema

    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in jsonschema.Draft202012Validator(SCHEMA).iter_errors(document)]
    if problems:
        return problems
    ids = [slide["unique_id"] for slide in document["events"] if "unique_id" in slide]
    if len(ids) != len(set(ids)):
        problems.append("unique_id values repeat")
    cosmological = False
    for where, item in [*(("event", s) for s in document["events"]), *(("era", e) for e in document.get("eras", []))]:
        dates = [item["start_date"], *([item["end_date"]] if "end_date" in item else [])]
        for found in dates:
            if "day" in found and ("month" not in found or not 1 <= found["day"] <= _days(found["year"], found["month"])):
                problems.append(f"{where} {item.get('unique_id', '')}: no such day {found}")
            cosmological = cosmological or found["year"] not in HUMAN_YEARS
        if len(dates) == 2 and _order(dates[1]) < _order(dates[0]):
            problems.append(f"{where} {item.get('unique_id', '')}: ends before it starts")
    if cosmological and document.get("scale") != "cosmological":
        problems.append("years beyond JavaScript dates need the cosmological scale")
    return problems


def _days(year: int, month: int) -> int:
    return calendar.monthrange(2000 + year % 400, month)[1]


def _order(found: dict[str, int]) -> tuple[int, int, int]:
    return (found["year"], found.get("month", 1), found.get("day", 1))


# -- QuickStatements V1 ----------------------------------------------------

ITEM = re.compile(r"(?:[PQLM]\d+|L\d+-[FS]\d+)")
TIME = re.compile(r"([+-]?)(\d+)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z/?(\d*)(/J)?", re.IGNORECASE)
COMMENT = re.compile(r"^(.*?) */\* *(.*?) *\*/ *$")


def parse_value(text: str) -> dict[str, Any]:
    """A value as QuickStatements' ``parseValueV1`` reads it; ValueError where it reports an error."""
    v = text.strip()
    if v in ("somevalue", "novalue"):
        return {"type": v}
    if v == "LAST" or ITEM.fullmatch(v):
        return {"type": "item", "id": v}
    if m := re.fullmatch(r'"(.*)"', v, re.IGNORECASE | re.DOTALL):
        return {"type": "string", "value": m[1].strip()}
    if m := re.fullmatch(r'([a-z_-]+):"(.*)"', v, re.IGNORECASE | re.DOTALL):
        return {"type": "monolingualtext", "language": m[1], "text": m[2].strip()}
    if m := TIME.fullmatch(v):
        precision = int(m[8]) if m[8] else 9
        if not 0 <= precision <= 14:
            raise ValueError(f"time precision {precision} out of range in {v!r}")
        return {"type": "time", "time": v.split("/")[0], "precision": precision}
    raise ValueError(f"unknown V1 value format: {v!r}")


def parse_quickstatements(text: str) -> list[dict[str, Any]]:
    """The commands of a V1 batch; ValueError naming the first line QuickStatements would not run as meant."""
    commands: list[dict[str, Any]] = []
    for number, raw in enumerate(text.split("\n"), 1):
        row = raw.strip()
        if "\t" not in row:
            row = row.replace("|", "\t")
        if m := COMMENT.match(row):
            row = m[1]
        cols = row.split("\t")
        while len(cols) > 1 and not cols[0].strip():
            cols.pop(0)
        first = cols[0].strip().upper()
        try:
            command = _command(first, cols)
        except ValueError as error:
            raise ValueError(f"line {number}: {error}: {raw!r}") from None
        if command is not None:
            commands.append(command)
    return commands


def _command(first: str, cols: list[str]) -> dict[str, Any] | None:
    subject = first == "LAST" or ITEM.fullmatch(first)
    if len(cols) >= 3 and subject and (ITEM.fullmatch(cols[1]) or re.fullmatch(r"!P\d+", cols[1], re.IGNORECASE)):
        command: dict[str, Any] = {"what": "statement", "item": first, "property": cols[1].upper(), "value": parse_value(cols[2])}
        rest, qualifiers, sources = cols[3:], [], []
        while len(rest) >= 2:
            key, value = rest[0].strip().upper(), rest[1]
            rest = rest[2:]
            m = re.fullmatch(r"(S|P|!S)(\d+)", key)
            if m is None:
                raise ValueError(f"{key!r} is neither a qualifier nor a source property")
            entry = {"property": "P" + m[2], "value": parse_value(value)}
            if m[1] == "P":
                qualifiers.append(entry)
            elif m[1] == "!S" or not sources:
                sources.append([entry])
            else:
                sources[-1].append(entry)
        if rest:
            raise ValueError("incomplete reference/qualifier list")
        return {**command, "qualifiers": qualifiers, "sources": sources}
    if len(cols) == 3 and subject and (m := re.fullmatch(r"([LADS])([a-z_-]+)", cols[1], re.IGNORECASE)):
        value = parse_value(cols[2])
        if value["type"] != "string":
            raise ValueError("a label, description, alias or sitelink takes a string")
        return {"what": {"L": "label", "D": "description", "A": "alias", "S": "sitelink"}[m[1].upper()], "language": m[2].lower(), **value}
    if first == "CREATE" and len(cols) == 1:
        return {"what": "create"}
    if first == "":
        return None  # a blank line, or a comment alone
    raise ValueError("not a command QuickStatements runs")


# -- PLOVER ----------------------------------------------------------------

# Category -> quad code (1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict).
PLOVER_QUAD = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1, "COOPERATE": 2, "AID": 2, "RETREAT": 2,
    "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3,
    "PROTEST": 4, "SANCTION": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4,
}  # fmt: skip
# The modes of the categories chrono writes ("Supplementary fields"); the others have none.
PLOVER_MODES = {"CONSULT": {"visit", "third-party", "multilateral", "phone"}}
PLOVER_CONTEXTS = {
    "military", "intelligence", "executive", "legislative", "election", "political_institutions", "pro_democracy",
    "pro_autocracy", "economic", "legal", "reparations", "human_rights", "rights_freedoms", "repression", "human_security",
    "gender", "lgbt", "religion_ethnicity", "inequality", "diplomatic", "territory", "peacekeeping", "health", "asylum",
    "migration", "disasters", "natural_resource", "environment", "technology", "terrorism", "cbrn", "cyber",
    "misinformation", "crime", "corruption", "illegal_drugs", "trafficking",
    "humanitarian",  # used by CAMEO2PLOVER-2021 for CAMEO 073
    "historical", "future", "hypothetical", "negation",  # the auxiliary modes, written as contexts
}  # fmt: skip
# An entity's fields: the manual's actor block ("Country Names and Sector Codes") and its
# "Information object for entities", then chrono's own (chrono_id, level).
ENTITY_FIELDS = {
    "raw_text", "entity_name", "wikidata_id", "wiki_description", "country_name", "sector_code", "other_sector_codes",
    "code", "sector", "entity_text", "identifier_id", "identifier_text", "religion", "ethnicity", "office", "gender", "age",
    "chrono_id", "level",
}  # fmt: skip
# "code": a 3-character top-level entity code, for a country its ISO 3166-1 alpha-3 code.
ENTITY_CODE = re.compile(r"[A-Z]{3}")


def check_plover(record: dict[str, Any]) -> list[str]:
    """Every way one record fails PLOVER's fields; empty when it is valid."""
    problems = [f"missing {field}" for field in ("id", "date", "actor", "event") if record.get(field) in (None, "")]
    if problems:
        return problems
    day = date.fromisoformat(record["date"])
    if "enddate" in record and date.fromisoformat(record["enddate"]) < day:
        problems.append("enddate before date")
    for side in ("actor", "recipient"):
        for entity in record.get(side, []):
            if not isinstance(entity, dict) or set(entity) - ENTITY_FIELDS or not entity.get("entity_name"):
                problems.append(f"{side}: not an entity object: {entity!r}")
            elif entity.get("code") is not None and not ENTITY_CODE.fullmatch(entity["code"]):
                problems.append(f"{side}: code {entity['code']!r} is not a 3-character code")
    events = record["event"]
    if not isinstance(events, list) or not events or set(events) - set(PLOVER_QUAD):
        return [*problems, f"event: {events!r} is not a list of PLOVER categories"]
    allowed = set().union(*(PLOVER_MODES.get(e, set()) for e in events))
    if set(record.get("mode", [])) - allowed:
        problems.append(f"mode {record['mode']!r} is not a mode of {events}")
    if set(record.get("context", [])) - PLOVER_CONTEXTS:
        problems.append(f"context {record['context']!r} is not a PLOVER context")
    if record.get("quad_code") not in {PLOVER_QUAD[e] for e in events}:
        problems.append(f"quad_code {record.get('quad_code')!r} does not match {events}")
    for field in ("date_earliest", "date_latest"):
        if record.get(field) is not None:
            date.fromisoformat(record[field])
    return problems
