"""JSON Lines (and a JSON list of records), both directions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from chrono.errors import Problem, Rejected
from chrono.events.commands import Origin


def read_lines(text: str, name: str) -> Iterator[tuple[Any, Origin]]:
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


def read_list(text: str, name: str) -> Iterator[tuple[Any, Origin]]:
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
