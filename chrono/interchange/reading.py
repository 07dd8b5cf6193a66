"""Reading records from JSON Lines, JSON, CSV and YAML files.

Readers turn bytes into plain records with their line numbers; parsing them
into commands, and rejecting what is wrong, happens in ``records`` and the
application. A file that cannot be read at all (wrong encoding, truncated
JSON) is rejected as a whole with the line where reading failed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from chrono.errors import Problem, Rejected
from chrono.events.commands import Origin
from chrono.interchange import csvfile, jsonl, yamlfile

Record = tuple[Any, Origin]
FORMATS = ("jsonl", "json", "csv", "yaml")


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
        # utf-8-sig counts its offsets after the byte order mark it takes off
        start = error.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        line = data[:start].count(b"\n") + 1
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
    reader = {"jsonl": jsonl.read_lines, "json": jsonl.read_list, "csv": csvfile.read_rows, "yaml": yamlfile.read_yaml}[fmt]
    # Text decoded from UTF-8 is valid, but JSON and YAML escapes (\ud800)
    # can spell a lone surrogate, which no store can encode.
    if fmt != "csv" and SURROGATE_ESCAPE.search(text):
        records = list(reader(text, name))
        _refuse_surrogates(records)
        return iter(records)
    return reader(text, name)


def stream_file(path: Path, name: str | None = None) -> Iterator[Record]:
    """The records of the file at ``path``, read from the file as they are asked for.

    JSON Lines and CSV are read a line at a time, so that a file of any size
    costs the memory of one record; a JSON list or a YAML document is one
    value and is read whole. The problems are those of ``stream_records``.
    """
    name = name or str(path)
    fmt = detect_format(name)
    if fmt not in ("jsonl", "csv"):
        yield from stream_records(_read_bytes(path, name), name, fmt)
        return
    with _open(path, name) as file:
        if fmt == "jsonl":
            yield from _stream_lines(file, name)
        else:
            yield from _stream_csv(file, name)


def _read_bytes(path: Path, name: str) -> bytes:
    with _open(path, name) as file:
        return file.read()


def _open(path: Path, name: str) -> IO[bytes]:
    try:
        return path.open("rb")
    except OSError as error:
        raise Rejected([Problem(name, 0, "", error.strerror or str(error))]) from None


def _stream_lines(file: IO[bytes], name: str) -> Iterator[Record]:
    surrogates: list[Record] = []
    for number, raw in enumerate(file, start=1):
        text = _decoded(raw, name, number, first=number == 1)
        for record in jsonl.read_lines(text, name, number):
            if SURROGATE_ESCAPE.search(text):
                surrogates.append(record)
                continue
            yield record
    if surrogates:
        _refuse_surrogates(surrogates)


def _decoded(raw: bytes, name: str, number: int, *, first: bool) -> str:
    try:
        return raw.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError as error:
        if error.end == len(raw) and error.reason == "unexpected end of data" and not raw.endswith(b"\n"):
            raise Rejected([Problem(name, number, "", "the file ends inside a character (truncated?)")]) from None
        raise Rejected([Problem(name, number, "", "not UTF-8 text (save the file as UTF-8)")]) from None


def _stream_csv(file: IO[bytes], name: str) -> Iterator[Record]:
    yield from csvfile.read_rows(io.TextIOWrapper(file, encoding="utf-8-sig", newline=""), name)


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

    Iterative, as a record may be nested as deeply as the parser allowed;
    and each list or mapping is walked once, however many times it appears:
    YAML aliases make a tree of a thousand million leaves out of a few lines.
    """
    stack: list[tuple[str, Any]] = [("", data)]
    walked: set[int] = set()
    while stack:
        path, value = stack.pop()
        if isinstance(value, str) and not _encodable(value):
            return path or "(record)"
        if not isinstance(value, dict | list) or id(value) in walked:
            continue
        walked.add(id(value))
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str) and not _encodable(key):
                return path or "(record)"
            stack.append((_deeper(path, key), item))
    return None


def _deeper(path: str, key: Any) -> str:
    # The path names the field; past a few levels it says where it starts.
    if len(path) > 120:
        return path
    return f"{path}.{key}" if path else str(key)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
