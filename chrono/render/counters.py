"""Counters (definite values and possible ranges, with bars when grouped) and ``explain``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from itertools import groupby
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from chrono.events.values import Partner
from chrono.projections.results import Counters, Explanation
from chrono.render.charts import bar
from chrono.render.entry import changes_text
from chrono.render.figures import amount, low_text, range_text
from chrono.render.grid import Column, Grid
from chrono.render.labels import kind_label, label
from chrono.render.text import cell, data_table, partner_name, plain, when_text
from chrono.render.theme import kind_style


def caption(title: str, lang: str, as_of: Any, known_at: datetime | None, partner: str | None = None) -> Text:
    text = Text(title, style="chrono.heading")
    if partner:
        text.append(f" · {partner}", style="chrono.partner")
    if as_of is not None:
        text.append(" · " + label(lang, "as_of", date=as_of.isoformat()), style="chrono.muted")
    if known_at is not None:
        text.append(" · " + label(lang, "known_at", time=known_at.isoformat(timespec="seconds")), style="chrono.muted")
    return text


NARROW = 80  # below this width the unit goes under the metric, to leave room for the numbers


class CountersView:
    """``chrono counters``: one row per metric and unit, or per group with a bar.

    Bars are scaled within each metric and unit, since units are never
    compared (or added) with one another.
    """

    def __init__(self, answer: Counters, partners: Mapping[str, Partner], lang: str = "en") -> None:
        self.answer = answer
        self.rows = list(answer.counters)
        self.partners = partners
        self.lang = lang
        self.by = answer.by

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lang, answer = self.lang, self.answer
        name = partner_name(answer.partner, self.partners, lang) if answer.partner else None
        yield caption(label(lang, "counters"), lang, answer.as_of, answer.known_at, name)
        if not self.rows:
            yield Text(label(lang, "none"), style="chrono.muted")
            return
        yield self._grouped(options.max_width) if self.by else self._flat(options.max_width)

    def _table(self, width: int) -> Table:
        table = data_table()
        # Metric names are identifiers: keep them whole where the width allows.
        longest = max(len(row.metric) for row in self.rows)
        table.add_column(label(self.lang, "metric"), overflow="fold", min_width=min(longest, max(10, width // 5)))
        if width >= NARROW:
            table.add_column(label(self.lang, "unit"), overflow="fold", style="chrono.muted")
        return table

    def _metric(self, metric: str, unit: str, width: int) -> list[Text]:
        """The metric and unit cells; on a narrow console the unit goes under the metric."""
        if width >= NARROW:
            return [plain(metric), plain(unit)]
        text = plain(metric)
        text.append(f"\n{unit}", style="chrono.muted")
        return [text]

    def _flat(self, width: int) -> Table:
        lang = self.lang
        table = self._table(width)
        table.add_column(label(lang, "definite"), justify="right", overflow="fold")
        table.add_column(label(lang, "range"), justify="right", overflow="fold")
        table.add_column(label(lang, "covered"), justify="right", style="chrono.muted")
        for row in self.rows:
            table.add_row(*self._metric(row.metric, row.unit, width), low_text(row, lang), range_text(row, lang), str(row.covered.total or ""))
        return table

    def _group_text(self, group: str | None) -> Text:
        if group is None:
            return Text("—", style="chrono.muted")
        if self.by == "kind":
            return plain(kind_label(group, self.lang), kind_style(group))
        if self.by == "partner":
            return plain(partner_name(group, self.partners, self.lang), "chrono.partner")
        return plain(group, "chrono.year")

    def _grouped(self, width: int) -> Grid:
        lang = self.lang
        groups = [self._group_text(row.group) for row in self.rows]
        # The bars need no header, and get what width is left, so that nothing else is squeezed.
        bar_width = max(6, min(40, width - 90))
        columns = [Column(label(lang, "metric"))]
        if width >= NARROW:
            columns.append(Column(label(lang, "unit"), style="chrono.muted"))
        columns += [Column(label(lang, "year" if self.by == "year" else "group")), Column(label(lang, "definite"), "right"),
                    Column(label(lang, "range"), "right"), Column("", width=bar_width)]  # fmt: skip
        grid = Grid(columns)
        position = 0
        for (metric, unit), members in groupby(self.rows, key=lambda r: (r.metric, r.unit)):
            group = list(members)
            top = max((r.definite + r.possible for r in group), default=Decimal(0))
            for index, row in enumerate(group):
                cells = self._metric(metric, unit, width) if index == 0 else [Text("")] * (2 if width >= NARROW else 1)
                grid.add_row(
                    *cells, groups[position], low_text(row, lang), range_text(row, lang),
                    bar(row.definite, row.possible, top, bar_width), end_section=index == len(group) - 1,
                )  # fmt: skip
                position += 1
        return grid


COUNTER_COLUMNS = (
    "metric", "unit", "partner", "group", "definite", "possible", "high", "approximate", "conflicts",
    "contributors", "possible_contributors", "covered",
)  # fmt: skip


def counter_rows(answer: Counters) -> list[tuple[str, ...]]:
    return [
        tuple(
            cell(v)
            for v in (
                row.metric,
                row.unit,
                row.partner,
                row.group,
                row.definite,
                row.possible,
                row.high,
                row.approximate,
                ["/".join(c.entries) for c in row.conflicts],
                list(row.contributors.ids),
                list(row.possible_contributors.ids),
                list(row.covered.ids),
            )
        )
        for row in answer.counters
    ]


class ExplainView:
    """``chrono explain``: the counters of a metric, a page of its contributions, and their sources."""

    def __init__(self, answer: Explanation, lang: str = "en") -> None:
        self.answer = answer
        self.partners = answer.partners
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lang, answer = self.lang, self.answer
        partner = partner_name(answer.partner, self.partners, lang) if answer.partner else None
        yield caption(label(lang, "explain", metric=answer.metric), lang, answer.as_of, answer.known_at, partner)
        if not answer.counters:
            yield Text(label(lang, "none"), style="chrono.muted")
            return
        summary = data_table()
        for column in ("unit", "definite", "range"):
            summary.add_column(label(lang, column), justify="left" if column == "unit" else "right")
        for counter in answer.counters:
            summary.add_row(plain(counter.unit), low_text(counter, lang), range_text(counter, lang))
        yield summary
        yield self._contributions(options.max_width)
        page = answer.page
        if page.total > len(answer.contributions):
            yield Text(label(lang, "page", first=page.first, last=page.last, total=page.total, page=page.number, pages=page.pages), style="chrono.muted")
        for slug, entry in answer.entries.items():
            yield self._entry_panel(slug, entry)

    def _contributions(self, console_width: int) -> Table:
        lang = self.lang
        table = data_table()
        contributions = self.answer.contributions
        longest = max((len(item.entry) for item in contributions), default=10)
        for column in ("entry", "certainty", "value", "unit", "date", "covered_by"):
            # Ids are read as a whole: the entry column keeps them on one line where it can.
            wide = min(longest, max(12, console_width // 4)) if column == "entry" else None
            table.add_column(label(lang, column), overflow="fold", justify="right" if column == "value" else "left", min_width=wide)
        for item in contributions:
            style = f"chrono.{item.certainty}" if item.certainty != "covered" else "chrono.muted"
            value = amount(item.value, lang) + (" ≠" if item.conflict else "")
            table.add_row(
                plain(item.entry, "chrono.id"), plain(item.certainty, style), plain(value), plain(item.unit),
                plain(when_text(item.when, lang), "chrono.date"), plain(item.covered_by or ""),
            )  # fmt: skip
        return table

    def _entry_panel(self, slug: str, entry: Any) -> Panel:
        lang = self.lang
        facts = entry.facts
        head = plain(facts.when.display(lang), "chrono.date")
        head.append(" · ")
        head.append(kind_label(entry.kind, lang), style=kind_style(entry.kind))
        head.append(" · ")
        head.append(facts.title.get(lang), style="chrono.title")
        parts: list[RenderableType] = [head]
        for source in entry.sources:
            line = plain(source.document, "chrono.muted")
            line.append(": “")
            line.append(source.quote, style="chrono.quote")
            line.append("”")
            parts.append(line)
        for correction in self.answer.corrections.get(slug, ()):
            changes = changes_text(correction.changes, lang)
            note = f"{label(lang, 'marker.corrected')} {correction.recorded_at.isoformat()[:19]}: {changes} — {correction.reason}"
            parts.append(plain(note, "chrono.corrected"))
        return Panel(Group(*parts), title=plain(slug, "chrono.id"), title_align="left", border_style="chrono.gutter")


EXPLAIN_COLUMNS = ("id", "kind", "unit", "measure", "value", "low", "high", "certainty", "when", "covered_by", "conflicts_with", "documents")


def explain_rows(answer: Explanation) -> list[tuple[str, ...]]:
    def documents(slug: str) -> list[str]:
        entry = answer.entries.get(slug)
        return [s.document for s in entry.sources] if entry is not None else []

    return [
        tuple(
            cell(v)
            for v in (
                item.entry,
                item.kind,
                item.unit,
                item.measure,
                item.value,
                item.low,
                item.high,
                item.certainty,
                item.when,
                item.covered_by,
                [e for e in item.conflict.entries if e != item.entry] if item.conflict else [],
                documents(item.entry),
            )
        )
        for item in answer.contributions
    ]
