"""Reading records from JSON Lines, CSV and YAML files.

Readers turn bytes into plain records with their line numbers; parsing them
into commands, and rejecting what is wrong, happens in ``events.records`` and
the application. A file that cannot be read at all (wrong encoding, truncated
JSON) is rejected as a whole with the line where reading failed.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from chrono.collector import cycles_collected_after
from chrono.errors import Problem, Rejected
from chrono.events.application import Chronicle, Report
from chrono.events.records import Command, Origin, RecordProblems, parse_record

Record = tuple[Any, Origin]
FORMATS = ("jsonl", "json", "csv", "yaml")

# CSV holds one quantity and one source per row; JSON Lines holds any number.
CSV_COLUMNS = (
    "type", "id", "kind", "status", "when", "title_en", "title_vi", "partners", "actors",
    "metric", "value", "unit", "qualifier", "period", "observed",
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
    return list(stream_records(data, name, fmt))


def stream_records(data: bytes, name: str, fmt: str | None = None) -> Iterator[Record]:
    """``read_records`` one at a time, where the format allows.

    A JSON Lines record is read when it is asked for, so that it can be
    parsed and let go at once rather than a whole file's raw records being
    held. An unreadable line still rejects the whole file, when it is reached.
    """
    fmt = fmt or detect_format(name)
    text = read_text(data, name)
    reader = {"jsonl": _jsonl, "json": _json, "csv": _csv, "yaml": _yaml}[fmt]
    # Text decoded from UTF-8 is valid, but JSON and YAML escapes (\ud800)
    # can spell a lone surrogate, which no store can encode.
    if fmt != "csv" and SURROGATE_ESCAPE.search(text):
        records = list(reader(text, name))
        _refuse_surrogates(records)
        return iter(records)
    return reader(text, name)


SURROGATE_ESCAPE = re.compile(r"\\(u[dD][89a-fA-F]|U0000[dD][89a-fA-F])")


def _refuse_surrogates(records: list[Record]) -> None:
    problems = []
    for data, origin in records:
        field = _surrogate_field(data)
        if field is not None:
            problems.append(Problem(origin.file, origin.line, field, "is not valid Unicode text (an unpaired surrogate escape)"))
    if problems:
        raise Rejected(problems)


def _surrogate_field(data: Any) -> str | None:
    """The dotted path of the first text in ``data`` that UTF-8 cannot encode.

    Iterative: a record may be nested as deeply as the parser allowed.
    """
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str) and not _encodable(value):
            return path or "(record)"
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and not _encodable(key):
                    return path or "(record)"
                stack.append((f"{path}.{key}" if path else str(key), item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{index}" if path else str(index), item) for index, item in enumerate(value))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _jsonl(text: str, name: str) -> Iterator[Record]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield json.loads(line), Origin(name, number)
        except json.JSONDecodeError as error:
            raise Rejected([Problem(name, number, "", f"not valid JSON ({error.msg} at column {error.colno})")]) from None
        except (ValueError, RecursionError) as error:  # too long a number, too deep a nesting
            raise Rejected([Problem(name, number, "", f"not JSON chrono can read ({_json_reason(error)})")]) from None


def _json_reason(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return str(error).split(";")[0]


def _json(text: str, name: str) -> Iterator[Record]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise Rejected([Problem(name, error.lineno, "", f"not valid JSON ({error.msg})")]) from None
    except (ValueError, RecursionError) as error:  # too long a number, too deep a nesting
        raise Rejected([Problem(name, 1, "", f"not JSON chrono can read ({_json_reason(error)})")]) from None
    if not isinstance(data, list):
        raise Rejected([Problem(name, 1, "", "a JSON file must hold a list of records")])
    for index, item in enumerate(data, start=1):
        yield item, Origin(name, index)


def _yaml(text: str, name: str) -> Iterator[Record]:
    import yaml

    loader = _text_loader()
    try:
        nodes = yaml.compose(text, Loader=loader)
        data = yaml.load(text, Loader=loader)  # noqa: S506 (a SafeLoader: no Python tags)
    except yaml.YAMLError as error:
        raise Rejected([_yaml_problem(error, text, name)]) from None
    except RecursionError:
        raise Rejected([Problem(name, 1, "", "not YAML chrono can read (nested too deeply)")]) from None
    if data is None:
        return
    if not isinstance(data, list) or not isinstance(nodes, yaml.SequenceNode):
        raise Rejected([Problem(name, 1, "", "a YAML file must hold a list of records")])
    for item, node in zip(data, nodes.value, strict=True):
        yield item, Origin(name, node.start_mark.line + 1)


def _yaml_problem(error: Any, text: str, name: str) -> Problem:
    """One line saying where and why YAML could not be read."""
    import yaml

    if isinstance(error, yaml.reader.ReaderError):  # a character YAML does not allow, with no mark
        line = text[: error.position].count("\n") + 1
        return Problem(name, line, "", f"not valid YAML (character U+{ord(str(error.character)[:1] or ' '):04X} is not allowed)")
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    reason = " ".join(str(getattr(error, "problem", None) or error).split())
    return Problem(name, line, "", f"not valid YAML ({reason})")


@functools.cache
def _text_loader() -> Any:
    """A safe YAML loader that reads plain scalars as text, null apart.

    ``when: 2018`` is the EDTF string "2018" (not an int), ``when: 2018-05-01``
    stays a string (not a date), ``country: NO`` is Norway (not False). Python
    tags (``!!python/object``) stay unknown to it, as to any SafeLoader.
    """
    import yaml

    null = "tag:yaml.org,2002:null"
    resolvers = {first: [(tag, pattern) for tag, pattern in entries if tag == null] for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    return type("TextLoader", (yaml.SafeLoader,), {"yaml_implicit_resolvers": resolvers})


def _csv(text: str, name: str) -> Iterator[Record]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        unknown = [column for column in reader.fieldnames or () if column not in CSV_COLUMNS]
    except csv.Error as error:
        raise Rejected([Problem(name, 1, "", f"not valid CSV ({error})")]) from None
    if unknown:
        from chrono.render.safe import clean  # a header may hold any character, newlines included

        column = clean(unknown[0]).replace("\n", "\\n")
        raise Rejected([Problem(name, 1, column, f"unknown column (known: {', '.join(CSV_COLUMNS)})")])
    try:
        pending: Record | None = None
        for row in reader:
            record = csv_record(row)
            if pending is not None and _continues(row, pending[0]):
                _extend(pending[0], record)
                continue
            if pending is not None:
                yield pending
            pending = record, Origin(name, reader.line_num)
        if pending is not None:
            yield pending
    except csv.Error as error:
        raise Rejected([Problem(name, reader.line_num, "", f"not valid CSV ({error})")]) from None


def _continues(row: dict[str, str], entry: dict[str, Any]) -> bool:
    """A row holding only an id (the previous entry's), and one more amount or source for it.

    One CSV row has room for one amount and one source; ``chrono export
    --format csv`` writes the others on such rows after the entry's own.
    """
    same = entry.get("type") == "entry" and (row.get("id") or "").strip() == entry.get("id")
    return same and not (row.get("kind") or "").strip() and not (row.get("when") or "").strip()


def _extend(entry: dict[str, Any], more: dict[str, Any]) -> None:
    entry.setdefault("quantities", []).extend(more.get("quantities", []))
    entry["sources"].extend(s for s in more["sources"] if s["document"] or s["quote"])


def csv_record(row: dict[str, str]) -> dict[str, Any]:
    """A record in the JSON shape from one CSV row."""

    def get(key: str) -> str:
        return _unquoted(row.get(key) or "").strip()

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
                "observed": get("observed") or None,
            }
        ]
    return record


# A CSV export puts a quote before these, lest a spreadsheet run the cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _unquoted(value: str) -> str:
    """A cell without the quote a CSV export put before a leading formula character."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def commands(records: Iterable[Record]) -> list[Command]:
    """Parse every record; raise ``Rejected`` with all their problems."""
    parsed: list[Command] = []
    problems: list[Problem] = []
    for data, origin in records:
        _parse_into(parsed, problems, data, origin)
    if problems:
        raise Rejected(problems)
    return parsed


def _parse_into(parsed: list[Command], problems: list[Problem], data: Any, origin: Origin) -> None:
    try:
        parsed.extend(parse_record(data, origin))
    except RecordProblems as error:
        problems.extend(error.problems)


def import_files(
    app: Chronicle, files: Iterable[tuple[bytes, str]], progress: Callable[[str, int, int], None] | None = None,
) -> Report:  # fmt: skip
    """Import files as one transaction: all their records, or nothing.

    A full-fidelity event export (records of type ``event``) goes into an
    empty store as it was stored, so that its hash chain is the same.
    ``progress`` hears ``(stage, done, total)`` as the work goes: stages
    ``read`` (files), ``parse`` (records) and ``save`` (one transaction).
    """
    with cycles_collected_after():
        return _import_files(app, list(files), progress or _silent)


def _import_files(app: Chronicle, chosen: list[tuple[bytes, str]], step: Callable[[str, int, int], None]) -> Report:
    events: list[Record] = []
    parsed: list[Command] = []
    problems: list[Problem] = []
    others = 0
    # Each record is parsed as it is read (see stream_records); a file that
    # cannot be read is rejected whatever problems the records before it had.
    for done, (data, name) in enumerate(chosen):
        step("read", done, len(chosen))
        for record, origin in stream_records(data, name):
            if isinstance(record, dict) and record.get("type") == "event":
                events.append((record, origin))
            else:
                others += 1
                _parse_into(parsed, problems, record, origin)
    step("parse", len(events) + others, len(events) + others)
    if events:
        if others:
            raise Rejected([Problem(events[0][1].file, 0, "type", "an event log cannot be mixed with other records")])
        stored = checked_events(app, [(stored_event(data, origin), origin) for data, origin in events])
        step("save", 0, 1)
        return app.load_stored(stored)
    if problems:
        raise Rejected(problems)
    step("save", 0, 1)
    return app.submit(parsed)


def _silent(stage: str, done: int, total: int) -> None:
    """No one is listening to the import's progress."""


def checked_events(app: Chronicle, events: list[tuple[Any, Origin]]) -> list[Any]:
    """The stored events of an event log, once each has been read back.

    They go into the store byte for byte: one that does not decode (damaged,
    hand-edited, or encrypted with another key) or does not follow its
    aggregate's previous event would make the store unreadable.
    """
    from chrono.events.application import fold_events

    problems = []
    decoded = []
    for stored, origin in events:
        try:
            decoded.append(app.mapper.to_domain_event(stored))
        except Exception as error:  # the mapper raises whatever the bytes provoke
            problems.append(Problem(origin.file, origin.line, "state", f"cannot be read ({type(error).__name__}; another key?)"))
    if not problems:
        try:
            fold_events(decoded)
        except Exception as error:  # an event that does not fit its aggregate's history
            problems.append(Problem(events[0][1].file, 0, "", f"the events do not make a coherent log ({type(error).__name__}: {error})"))
    if problems:
        raise Rejected(problems)
    return [stored for stored, _ in events]


def stored_event(data: dict[str, Any], origin: Origin) -> Any:
    """A stored event from a line of ``chrono export --format events``."""
    import base64
    from uuid import UUID

    from eventsourcing.persistence import StoredEvent

    topic = data.get("topic")
    # Resolving a topic imports its module: only chrono's own events are let in.
    if not isinstance(topic, str) or not topic.startswith("chrono."):
        raise Rejected([Problem(origin.file, origin.line, "topic", f"{topic!r} is not a chrono event")])
    try:
        state = data["state"]
        raw = base64.b64decode(state) if isinstance(state, str) else json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode()
        version = int(data["originator_version"])
        if not 1 <= version < 2**31:
            raise ValueError(f"version {version} is out of range")
        return StoredEvent(originator_id=UUID(data["originator_id"]), originator_version=version, topic=topic, state=raw)
    except (KeyError, ValueError, TypeError, AttributeError, OverflowError) as error:
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
