"""JSON Lines (and a JSON list of records), both directions.

A record is one line, ended by ``\n`` and by nothing else: U+2028, U+2029,
U+0085, form feeds and lone carriage returns are characters of the text that
a title or a quote may hold (``str.splitlines`` would break a line at each).
The writer escapes them all the same (``\u2028``), with the C1 controls and
the bidirectional overrides, so that the lines stay whole in tools that do
break there and a terminal shows them as text; the JSON means the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from chrono.errors import Problem, Rejected
from chrono.events.commands import Origin
from chrono.interchange.schema import field_name

# Escaped on the way out: line breaks other than \n, C1 controls and DEL,
# bidirectional embeddings, overrides and isolates. JSON escapes C0 itself.
_ESCAPED = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_BLANK = " \t\r"  # JSON's whitespace, besides the newline that ends the line


def dumps(data: Any, default: Any = None) -> str:
    """``data`` as one line of JSON (UTF-8 text, with the escapes above)."""
    text = json.dumps(data, ensure_ascii=False, default=default)
    # Outside strings json.dumps writes ASCII only: every match is inside one.
    return _ESCAPED.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def lines(text: str, first: int = 1) -> Iterator[tuple[int, str]]:
    """The lines of ``text`` with their numbers (from ``first``), split at ``\n`` only, one at a time."""
    start, number = 0, first
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield number, text[start:end]
        start, number = end + 1, number + 1


class DuplicateKey(ValueError):
    """A key given twice in one JSON object (JSON keeps the last one silently)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    made = dict(pairs)
    if len(made) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return made


_DECODER = json.JSONDecoder(object_pairs_hook=_object)


def strict_loads(text: str) -> Any:
    """JSON text as ``json.loads`` reads it, but a key given twice in an object raises ``DuplicateKey``."""
    return _DECODER.decode(text)


def read_lines(text: str, name: str, first: int = 1) -> Iterator[tuple[Any, Origin]]:
    """The records of JSON Lines ``text``, its first line numbered ``first``."""
    for number, line in lines(text, first):
        if not line.strip(_BLANK):
            continue
        try:
            yield strict_loads(line), Origin(name, number)
        except DuplicateKey as error:
            raise Rejected([Problem(name, number, field_name(error.key), "is given twice in one object: which one is meant?")]) from None
        except json.JSONDecodeError as error:
            raise Rejected([Problem(name, number, "", f"not valid JSON ({error.msg} at column {error.colno})")]) from None
        except (ValueError, RecursionError) as error:  # too long a number, too deep a nesting
            raise Rejected([Problem(name, number, "", f"not JSON chrono can read ({_json_reason(error)})")]) from None


def _json_reason(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return str(error).split(";")[0]


def read_list(text: str, name: str) -> Iterator[tuple[Any, Origin]]:
    try:
        data = strict_loads(text)
    except DuplicateKey as error:
        raise Rejected([Problem(name, 1, field_name(error.key), "is given twice in one object: which one is meant?")]) from None
    except json.JSONDecodeError as error:
        raise Rejected([Problem(name, error.lineno, "", f"not valid JSON ({error.msg})")]) from None
    except (ValueError, RecursionError) as error:  # too long a number, too deep a nesting
        raise Rejected([Problem(name, 1, "", f"not JSON chrono can read ({_json_reason(error)})")]) from None
    if not isinstance(data, list):
        raise Rejected([Problem(name, 1, "", "a JSON file must hold a list of records")])
    for index, item in enumerate(data, start=1):
        yield item, Origin(name, index)
