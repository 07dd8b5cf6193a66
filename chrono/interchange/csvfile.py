"""CSV, both directions: entries in the import columns, and any table a query shows.

A cell that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written with a leading single
quote, and the reader takes that quote off again: this module is the one
place that rule lives, so an export re-imports as it was.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import zip_longest
from typing import Any, TextIO

from chrono.errors import Problem, Rejected
from chrono.events.commands import Origin
from chrono.events.entry import Entry
from chrono.events.values import Quantity, Source
from chrono.interchange.schema import field_name

# CSV holds one quantity and one source per row; JSON Lines holds any number.
CSV_COLUMNS = (
    "type", "id", "kind", "status", "when", "title_en", "title_vi", "partners", "actors",
    "metric", "value", "unit", "qualifier", "period", "observed",
    "document", "publisher", "published", "source_title", "quote", "cameo", "note",
)  # fmt: skip


# A line of a cell that starts with one of these is written with a quote
# before it, lest a spreadsheet run it as a formula (OWASP's list); a line
# that starts with a quote gets one more, so that the reader can take exactly
# the quotes the writer put.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTED = (*FORMULA_STARTS, "'")
# Where a line of a cell starts: the cell's start and after each line break.
_LINE_START = re.compile(r"(?:^|(?<=[\r\n]))(?=[=+\-@\t\r'])")
_WRITTEN_QUOTE = re.compile(r"(?:^|(?<=[\r\n]))'(?=[=+\-@\t\r'])")


def neutralise(value: str) -> str:
    """``value`` made inert for spreadsheets: each of its lines that starts
    with a formula character (or a quote) gets a ``'`` before it."""
    if not value.startswith(_QUOTED) and "\r" not in value and "\n" not in value:
        return value  # the common cell, without a regular expression
    return _LINE_START.sub("'", value)


def unneutralised(value: str) -> str:
    """A cell as it was before ``neutralise``: the quotes it put are taken off."""
    if not value.startswith("'") and "\r" not in value and "\n" not in value:
        return value
    return _WRITTEN_QUOTE.sub("", value)


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[str]], out: TextIO) -> None:
    """A header and rows as CSV, every cell neutralised.

    Lines end with CRLF (RFC 4180), so that a cell holding a carriage return
    is quoted like one holding a newline: a lone CR, unquoted, splits the row
    in most readers.
    """
    write_rows([columns], out)
    write_rows(rows, out)


def write_rows(rows: Iterable[Sequence[Any]], out: TextIO) -> None:
    """Rows as CSV lines, every cell neutralised (a long answer writes them a chunk at a time)."""
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(str(c)) for c in row])


def read_rows(text: str | TextIO, name: str) -> Iterator[tuple[Any, Origin]]:
    """The records of CSV ``text`` (or of a text file opened with ``newline=""``)."""
    reader = csv.DictReader(io.StringIO(text, newline="") if isinstance(text, str) else text)
    try:
        _check_header(reader.fieldnames or (), name)
        pending: tuple[Any, Origin] | None = None
        for row in reader:
            if None in row:  # DictReader's place for the cells past the header's columns
                extra = len(row[None])
                raise Rejected([Problem(name, reader.line_num, "", f"{extra} cell(s) more than the header's {len(reader.fieldnames or ())} columns")])
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
        raise Rejected([Problem(name, reader.line_num or 1, "", f"not valid CSV ({error})")]) from None
    except UnicodeDecodeError:  # read from a file as it goes
        raise Rejected([Problem(name, reader.line_num + 1, "", "not UTF-8 text (save the file as UTF-8)")]) from None


def _check_header(columns: Sequence[str], name: str) -> None:
    """Every column known, and each once (with two, one would win silently)."""
    unknown = [column for column in columns if column not in CSV_COLUMNS]
    if unknown:
        near = difflib.get_close_matches(unknown[0][:100], CSV_COLUMNS, n=1, cutoff=0.6)
        hint = f"did you mean {near[0]!r}?" if near else f"known: {', '.join(CSV_COLUMNS)}"
        raise Rejected([Problem(name, 1, field_name(unknown[0]), f"unknown column ({hint})")])
    twice = [column for column, count in Counter(columns).items() if count > 1]
    if twice:
        raise Rejected([Problem(name, 1, field_name(twice[0]), "is a column twice in the header: which one is meant?")])


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


# Columns of free text, read exactly as written (spaces and tabs included);
# the others hold ids, codes, dates and numbers, read without surrounding spaces.
TEXT_COLUMNS = frozenset({"title_en", "title_vi", "metric", "unit", "document", "publisher", "source_title", "quote", "note"})


def csv_record(row: dict[str, str]) -> dict[str, Any]:
    """A record in the JSON shape from one CSV row."""

    def get(key: str) -> str:
        cell = unneutralised(row.get(key) or "")
        return cell if key in TEXT_COLUMNS else cell.strip()

    record: dict[str, Any] = {
        "type": get("type") or "entry",
        "id": get("id") or None,
        "kind": get("kind"),
        "status": get("status") or None,
        "when": get("when"),
        "title": {"en": get("title_en"), "vi": get("title_vi")},
        "partners": _ids(get("partners")),
        "actors": _ids(get("actors")),
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
    if get("metric").strip() or get("value"):
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


def _ids(cell: str) -> list[str]:
    return [part.strip() for part in cell.replace(";", ",").split(",") if part.strip()]


def _quantity_cells(quantity: Quantity | None) -> dict[str, str]:
    if quantity is None:
        return {}
    return {
        "metric": quantity.metric, "value": str(quantity.value), "unit": quantity.unit,
        "qualifier": quantity.qualifier, "period": quantity.period.edtf if quantity.period else "",
        "observed": quantity.observed.edtf if quantity.observed else "",
    }  # fmt: skip


def _source_cells(source: Source | None) -> dict[str, str]:
    if source is None:
        return {}
    return {
        "document": source.document, "publisher": source.publisher, "published": source.published.edtf if source.published else "",
        "source_title": source.title, "quote": source.quote,
    }  # fmt: skip


def entry_csv_rows(entry: Entry) -> list[dict[str, str]]:
    """An entry as CSV rows under the import columns.

    The first row holds the entry with its first amount and source; each
    further row repeats only the id, with one more amount and/or source.
    """
    facts = entry.facts
    first = {
        "type": "entry", "id": entry.slug, "kind": entry.kind, "status": entry.status, "when": facts.when.edtf,
        "title_en": facts.title.en, "title_vi": facts.title.vi, "partners": ";".join(facts.partners),
        "actors": ";".join(facts.actors), "cameo": facts.cameo, "note": facts.note,
    }  # fmt: skip
    rows = []
    for index, (quantity, source) in enumerate(zip_longest(facts.quantities, entry.sources)):
        row = first if index == 0 else {"id": entry.slug}
        rows.append({**row, **_quantity_cells(quantity), **_source_cells(source)})
    return rows or [first]


def chronicle_csv(entries: Iterable[Entry], out: TextIO) -> None:
    """Entries as CSV in the import format (partners are not part of it)."""
    rows = (tuple(row.get(column, "") for column in CSV_COLUMNS) for entry in entries for row in entry_csv_rows(entry))
    write_csv(CSV_COLUMNS, rows, out)
