"""CSV and Markdown writers: tables of rows, and the whole chronicle.

CSV cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) are written with a leading
single quote; chrono's CSV import takes that quote off again, so an export
re-imports as it was. Markdown escapes what would otherwise be read as
formatting, so that data prints as written.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby, zip_longest
from typing import Any, TextIO

from chrono.events.entry import Entry
from chrono.events.values import Partner, Quantity, Source
from chrono.render.labels import kind_label, label, quantity_dated, status_label
from chrono.render.text import names

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|#])")
# An underscore inside a word (a file name, a metric) is never emphasis in CommonMark.
_MD_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def neutralise(value: str) -> str:
    """``value`` made inert for spreadsheets: a leading formula character gets a ``'`` before it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[str]], out: TextIO) -> None:
    """A header and rows as CSV, every cell neutralised."""
    write_rows([columns], out)
    write_rows(rows, out)


def write_rows(rows: Iterable[Sequence[Any]], out: TextIO) -> None:
    """Rows as CSV lines, every cell neutralised (a long answer writes them a chunk at a time)."""
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([neutralise(str(c)) for c in row])


def md(text: object) -> str:
    """``text`` as literal Markdown inline text (one line)."""
    escaped = _MD_UNDERSCORE.sub(r"\\_", _MD_SPECIAL.sub(r"\\\1", str(text)))
    return escaped.replace("\r\n", "\n").replace("\n", "<br>")


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


# -- the chronicle ------------------------------------------------------


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
    from chrono.importing import CSV_COLUMNS

    rows = (tuple(row.get(column, "") for column in CSV_COLUMNS) for entry in entries for row in entry_csv_rows(entry))
    write_csv(CSV_COLUMNS, rows, out)


def _year_heading(entry: Entry, lang: str) -> str:
    start = entry.facts.when.earliest_key
    return label(lang, "open_start") if start is None else str(start[0])


def _entry_markdown(entry: Entry, partners: Mapping[str, Partner], lang: str) -> str:
    facts = entry.facts
    meta = [f"*{md(kind_label(entry.kind, lang))}*"]
    if facts.partners:
        meta.append(md(names(facts.partners, partners, lang)))
    if facts.actors:
        meta.append(f"{md(label(lang, 'actors'))}: {md(names(facts.actors, partners, lang))}")
    if entry.status != "happened":
        meta.append(f"**{md(status_label(entry.status, lang))}**")
    if facts != entry.original:
        meta.append(f"**{md(label(lang, 'marker.corrected'))}**")
    meta.append(f"`{entry.slug}`")
    lines = [f"### {md(facts.when.display(lang))} · {md(facts.title.get(lang))}", "", " · ".join(meta), ""]
    for quantity in facts.quantities:
        period = f" ({md(quantity_dated(quantity, lang))})" if quantity.period or quantity.observed else ""
        qualifier = "" if quantity.qualifier == "exact" else f"{md(quantity.qualifier.replace('_', ' '))} "
        lines.append(f"- {md(quantity.metric)}: {qualifier}{md(quantity.value)} {md(quantity.unit)}{period}")
    if facts.quantities:
        lines.append("")
    for source in entry.sources:
        cite = ", ".join(md(part) for part in (source.document, source.publisher, source.published.display(lang) if source.published else "") if part)
        lines += [f"> {md(line)}" for line in f"“{source.quote}”".splitlines()] + [f"> — {cite}", ""]
    return "\n".join(lines)


def chronicle_markdown(entries: Sequence[Entry], partners: Mapping[str, Partner], lang: str, title: str = "Chronicle") -> str:
    """The chronicle as a readable report: entries by year, each with its amounts and quoted sources."""
    meta = [label(lang, "entries", n=len(entries)), f"{len(partners)} {label(lang, 'partners').lower()}"]
    sections = [
        (heading, "\n".join(_entry_markdown(entry, partners, lang) for entry in group))
        for heading, group in groupby(entries, key=lambda e: _year_heading(e, lang))
    ]
    return markdown_document(title, meta, sections)


def rows_markdown(title: str, meta: Sequence[str], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A tabular view as a Markdown document with one table."""
    return markdown_document(title, meta, [("", markdown_table(columns, [[str(c) for c in row] for row in rows]))])


def entry_report(entry: Entry, revisions: Sequence[Any], partners: Mapping[str, Partner], lang: str) -> str:
    """``chrono show --format md``: the entry as in the chronicle report, then its revisions."""
    from chrono.render.entry import REVISION_COLUMNS, revision_rows

    revisions_table = markdown_table(REVISION_COLUMNS, revision_rows(revisions))
    return f"{_entry_markdown(entry, partners, lang)}\n#### {md(label(lang, 'revisions'))}\n\n{revisions_table}"
