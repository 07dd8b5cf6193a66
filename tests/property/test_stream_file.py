"""A file read as it goes gives what its bytes read whole give: the same records
at the same lines; a file refused whole is refused as it goes, at the same
line or earlier (read whole, its encoding is checked before its records)."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from chrono.errors import Rejected
from chrono.interchange.csvfile import CSV_COLUMNS
from chrono.interchange.reading import stream_file, stream_records

# Text with what breaks naive line readers: other line breaks, carriage
# returns, a BOM inside, lone surrogate escapes (refused), non-ASCII.
TEXT = st.text(alphabet=st.sampled_from(["a", "Ơ", "\u2028", "\r", "\x85", "\ufeff", " ", "\\", '"', "ç", "漢"]), max_size=12)
RECORD = st.dictionaries(st.sampled_from(["type", "id", "title", "note"]), TEXT | st.integers() | st.none(), max_size=4)


def outcome(records: Callable[[], Iterator[Any]]) -> tuple[bool, Any]:
    try:
        return True, [(data, origin.file, origin.line) for data, origin in records()]
    except Rejected as error:
        return False, [(problem.file, problem.line, problem.field, problem.message) for problem in error.problems]


def agree(streamed: tuple[bool, Any], whole: tuple[bool, Any]) -> None:
    assert streamed[0] == whole[0]
    if whole[0]:
        assert streamed == whole
    else:
        assert streamed[1][0][1] <= whole[1][0][1]


def both(content: bytes, suffix: str) -> tuple[Any, Any]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"in.{suffix}"
        path.write_bytes(content)
        streamed = outcome(lambda: stream_file(path, "in." + suffix))
    return streamed, outcome(lambda: stream_records(content, "in." + suffix))


@st.composite
def jsonl_bytes(draw: st.DrawFn) -> bytes:
    lines = []
    for record in draw(st.lists(RECORD, max_size=6)):
        line = json.dumps(record, ensure_ascii=draw(st.booleans()))
        if draw(st.booleans()):
            line = line.replace('"a', '"\\ud800a', 1)  # a lone surrogate escape, if there is an "a"
        lines.append(line)
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["", "  ", "\r", "{", "[1,", "\t"])))
    content = "\n".join(lines).encode()
    if draw(st.booleans()):
        content = b"\xef\xbb\xbf" + content
    cut = draw(st.integers(0, 3))
    if draw(st.booleans()) and cut:
        content = content[:-cut]  # may end inside a character
    return draw(spoiled(content, b"\xff"))


@settings(max_examples=300)
@given(jsonl_bytes())
def test_json_lines_read_as_they_go_read_as_the_whole_file(content: bytes) -> None:
    agree(*both(content, "jsonl"))


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    columns = draw(st.lists(st.sampled_from(CSV_COLUMNS), min_size=1, max_size=5, unique=True))
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    for _ in range(draw(st.integers(0, 5))):
        writer.writerow([draw(TEXT) for _ in columns])
    return draw(spoiled(out.getvalue().encode(), b"\xc3"))


@st.composite
def spoiled(draw: st.DrawFn, content: bytes, bad: bytes) -> bytes:
    """``content``, or ``content`` with the byte ``bad`` (no UTF-8 of its own there) put somewhere in it."""
    if not draw(st.booleans()):
        return content
    index = draw(st.integers(0, max(0, len(content) - 1)))
    return content[:index] + bad + content[index:]


@settings(max_examples=200)
@given(csv_bytes())
def test_csv_read_as_it_goes_reads_as_the_whole_file(content: bytes) -> None:
    streamed, whole = both(content, "csv")
    assert streamed[0] == whole[0]
    if whole[0]:
        assert streamed == whole
    else:  # read whole, a bad byte is found before the first row; as it goes, near its line
        assert [message for *_, message in streamed[1]] == [message for *_, message in whole[1]]
