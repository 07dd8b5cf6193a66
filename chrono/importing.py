"""Reading records from JSON Lines, CSV and YAML files.

Readers turn bytes into plain records with their line numbers; parsing them
into commands, and rejecting what is wrong, happens in ``events.records`` and
the application. A file that cannot be read at all (wrong encoding, truncated
JSON) is rejected as a whole with the line where reading failed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from chrono.errors import Problem, Rejected
from chrono.events.application import Chronicle, Report
from chrono.events.records import Command, Origin, RecordProblems, parse_record

Record = tuple[Any, Origin]
FORMATS = ("jsonl", "json", "csv", "yaml")

# CSV holds one quantity and one source per row; JSON Lines holds any number.
CSV_COLUMNS = (
    "type", "id", "kind", "status", "when", "title_en", "title_vi", "partners", "actors",
    "metric", "value", "unit", "qualifier", "period",
    "document", "publisher", "published", "source_title", "quote", "cameo", "note",
)  # fmt: skip


def detect_format(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in ("yml", "yaml"):
        return "yaml"
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix in FORMATS:
        return suffix
    raise Rejected([Problem(name, 0, "", "unknown file type: use .jsonl, .json, .csv or .yaml")])


def read_text(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        if error.end == len(data) and error.reason == "unexpected end of data":
            raise Rejected([Problem(name, line, "", "the file ends inside a character (truncated?)")]) from None
        raise Rejected([Problem(name, line, "", "not UTF-8 text (save the file as UTF-8)")]) from None
    return text


def read_records(data: bytes, name: str, fmt: str | None = None) -> list[Record]:
    """The plain records in a file's bytes, each with its origin."""
    fmt = fmt or detect_format(name)
    text = read_text(data, name)
    reader = {"jsonl": _jsonl, "json": _json, "csv": _csv, "yaml": _yaml}[fmt]
    return list(reader(text, name))


def _jsonl(text: str, name: str) -> Iterator[Record]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield json.loads(line), Origin(name, number)
        except json.JSONDecodeError as error:
            raise Rejected([Problem(name, number, "", f"not valid JSON ({error.msg} at column {error.colno})")]) from None


def _json(text: str, name: str) -> Iterator[Record]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise Rejected([Problem(name, error.lineno, "", f"not valid JSON ({error.msg})")]) from None
    if not isinstance(data, list):
        raise Rejected([Problem(name, 1, "", "a JSON file must hold a list of records")])
    for index, item in enumerate(data, start=1):
        yield item, Origin(name, index)


def _yaml(text: str, name: str) -> Iterator[Record]:
    import yaml

    try:
        nodes = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise Rejected([Problem(name, line, "", f"not valid YAML ({getattr(error, 'problem', error)})")]) from None
    if data is None:
        return
    if not isinstance(data, list) or not isinstance(nodes, yaml.SequenceNode):
        raise Rejected([Problem(name, 1, "", "a YAML file must hold a list of records")])
    for item, node in zip(data, nodes.value, strict=True):
        yield item, Origin(name, node.start_mark.line + 1)


def _csv(text: str, name: str) -> Iterator[Record]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    unknown = [column for column in reader.fieldnames or () if column not in CSV_COLUMNS]
    if unknown:
        raise Rejected([Problem(name, 1, unknown[0], f"unknown column (known: {', '.join(CSV_COLUMNS)})")])
    try:
        for row in reader:
            yield csv_record(row), Origin(name, reader.line_num)
    except csv.Error as error:
        raise Rejected([Problem(name, reader.line_num, "", f"not valid CSV ({error})")]) from None


def csv_record(row: dict[str, str]) -> dict[str, Any]:
    """A record in the JSON shape from one CSV row."""
    get = lambda key: (row.get(key) or "").strip()  # noqa: E731
    record: dict[str, Any] = {
        "type": get("type") or "entry",
        "id": get("id") or None,
        "kind": get("kind"),
        "status": get("status") or None,
        "when": get("when"),
        "title": {"en": get("title_en"), "vi": get("title_vi")},
        "partners": [p for p in get("partners").replace(";", ",").split(",") if p.strip()],
        "actors": [p for p in get("actors").replace(";", ",").split(",") if p.strip()],
        "note": get("note") or None,
        "codes": {"cameo": get("cameo")} if get("cameo") else {},
        "sources": [
            {
                "document": get("document"),
                "publisher": get("publisher") or None,
                "published": get("published") or None,
                "title": get("source_title") or None,
                "quote": get("quote"),
            }
        ],
    }
    if get("metric") or get("value"):
        record["quantities"] = [
            {
                "metric": get("metric"),
                "value": get("value"),
                "unit": get("unit"),
                "qualifier": get("qualifier") or "exact",
                "period": get("period") or None,
            }
        ]
    return record


def commands(records: Iterable[Record]) -> list[Command]:
    """Parse every record; raise ``Rejected`` with all their problems."""
    parsed: list[Command] = []
    problems: list[Problem] = []
    for data, origin in records:
        try:
            parsed.extend(parse_record(data, origin))
        except RecordProblems as error:
            problems.extend(error.problems)
    if problems:
        raise Rejected(problems)
    return parsed


def import_files(app: Chronicle, files: Iterable[tuple[bytes, str]]) -> Report:
    """Import files as one transaction: all their records, or nothing.

    A full-fidelity event export (records of type ``event``) goes into an
    empty store as it was stored, so that its hash chain is the same.
    """
    records: list[Record] = []
    for data, name in files:
        records.extend(read_records(data, name))
    events = [(data, origin) for data, origin in records if isinstance(data, dict) and data.get("type") == "event"]
    if events:
        if len(events) != len(records):
            raise Rejected([Problem(events[0][1].file, 0, "type", "an event log cannot be mixed with other records")])
        return app.load_stored([stored_event(data, origin) for data, origin in events])
    return app.submit(commands(records))


def stored_event(data: dict[str, Any], origin: Origin) -> Any:
    """A stored event from a line of ``chrono export --format events``."""
    import base64
    from uuid import UUID

    from eventsourcing.persistence import StoredEvent

    try:
        state = data["state"]
        raw = base64.b64decode(state) if isinstance(state, str) else json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode()
        return StoredEvent(
            originator_id=UUID(data["originator_id"]), originator_version=int(data["originator_version"]),
            topic=str(data["topic"]), state=raw,
        )  # fmt: skip
    except (KeyError, ValueError, TypeError) as error:
        raise Rejected([Problem(origin.file, origin.line, "", f"not an exported event ({error})")]) from None


def bundled_files() -> list[tuple[bytes, str]]:
    """The bundled chronicle: the partner registry, then the entries."""
    root = resources.files("chrono.data")
    files = [root / "partners.jsonl"]
    chronicle = root / "chronicle"
    files += sorted((f for f in chronicle.iterdir() if f.name.endswith(".jsonl")), key=lambda f: f.name)
    return [(f.read_bytes(), f"chrono/data/{'chronicle/' if f.name != 'partners.jsonl' else ''}{f.name}") for f in files]


def import_bundled(app: Chronicle) -> Report:
    """Fill ``app`` with the bundled chronicle, through the users' import path."""
    return import_files(app, bundled_files())
