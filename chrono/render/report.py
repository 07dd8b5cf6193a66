"""The chronicle as a readable Markdown report, and one entry with its revisions.

The Markdown itself (escaping, tables, documents) is ``chrono.interchange.markdown``;
this module words the entries in English or Vietnamese, as the views do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import groupby
from typing import Any

from chrono.events.entry import Entry
from chrono.events.values import Partner
from chrono.interchange.markdown import markdown_document, markdown_table, md
from chrono.render.labels import kind_label, label, status_label
from chrono.render.text import names, quantity_text


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
    lines += [f"- {md(quantity.metric)}: {md(quantity_text(quantity, lang))}" for quantity in facts.quantities]
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


def entry_report(entry: Entry, revisions: Sequence[Any], partners: Mapping[str, Partner], lang: str) -> str:
    """``chrono show --format md``: the entry as in the chronicle report, then its revisions."""
    from chrono.render.entry import REVISION_COLUMNS, revision_rows

    revisions_table = markdown_table(REVISION_COLUMNS, revision_rows(revisions, lang))
    return f"{_entry_markdown(entry, partners, lang)}\n#### {md(label(lang, 'revisions'))}\n\n{revisions_table}"
