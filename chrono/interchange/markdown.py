"""Markdown: text that prints as written, tables and documents.

Markdown escapes what would otherwise be read as formatting, so that data
prints as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from chrono.interchange.controls import clean, one_line

_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|#])")
# An underscore inside a word (a file name, a metric) is never emphasis in CommonMark.
_MD_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def md(text: object) -> str:
    """``text`` as literal Markdown inline text (one line).

    Control characters are written out (``\\x1b``), so that the report shows
    them as text in a terminal and a viewer alike; every line break (a lone
    carriage return ends a line in CommonMark too) becomes ``<br>``.
    """
    escaped = _MD_UNDERSCORE.sub(r"\\_", _MD_SPECIAL.sub(r"\\\1", clean(one_line(str(text), "\n"))))
    return escaped.replace("\n", "<br>")


def markdown_table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "| " + " | ".join(md(c) for c in columns) + " |\n" + "|" + "|".join(" --- " for _ in columns) + "|\n"
    return head + markdown_rows(rows)


def markdown_rows(rows: Iterable[Sequence[str]]) -> str:
    """Rows of a Markdown table (a long answer writes them a chunk at a time)."""
    return "".join("| " + " | ".join(md(c) for c in row) + " |\n" for row in rows)


def markdown_document(title: str, meta: Sequence[str], sections: Sequence[tuple[str, str]]) -> str:
    """A heading, a line of context, and sections of Markdown text (already escaped)."""
    parts = [f"# {md(title)}\n"]
    if meta:
        parts.append(" · ".join(md(m) for m in meta) + "\n")
    for heading, body in sections:
        parts.append(f"## {md(heading)}\n\n{body}" if heading else body)
    return "\n".join(parts)


def rows_markdown(title: str, meta: Sequence[str], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A tabular view as a Markdown document with one table."""
    return markdown_document(title, meta, [("", markdown_table(columns, [[str(c) for c in row] for row in rows]))])
