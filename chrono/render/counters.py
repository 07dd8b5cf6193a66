"""Counters (definite values and possible ranges, with bars when grouped) and ``explain``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from chrono.events.values import Partner
from chrono.render.charts import bar
from chrono.render.labels import kind_label, label
from chrono.render.text import cell, data_table, number, partner_name, plain, when_text
from chrono.render.theme import kind_style


def value_range(definite: Decimal, possible: Decimal, lang: str) -> Text:
    """``definite–definite+possible`` when some contributions are only possible, else empty."""
    if not possible:
        return Text("")
    return Text(f"{number(definite, lang)}–{number(definite + possible, lang)}", style="chrono.possible")


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

    def __init__(
        self, rows: Sequence[Any], partners: Mapping[str, Partner], lang: str = "en", *,
        by: str | None = None, as_of: Any = None, known_at: datetime | None = None, partner: str | None = None,
    ) -> None:  # fmt: skip
        self.rows = list(rows)
        self.partners = partners
        self.lang = lang
        self.by = by
        self.as_of = as_of
        self.known_at = known_at
        self.partner = partner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lang = self.lang
        name = partner_name(self.partner, self.partners, lang) if self.partner else None
        yield caption(label(lang, "counters"), lang, self.as_of, self.known_at, name)
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
        table.add_column(label(lang, "definite"), justify="right", style="chrono.definite", overflow="fold")
        table.add_column(label(lang, "range"), justify="right", overflow="fold")
        table.add_column(label(lang, "covered"), justify="right", style="chrono.muted")
        for row in self.rows:
            table.add_row(*self._metric(row.metric, row.unit, width), number(row.definite, lang),
                          value_range(row.definite, row.possible, lang), str(len(row.covered) or ""))  # fmt: skip
        return table

    def _group_text(self, group: str | None) -> Text:
        if group is None:
            return Text("—", style="chrono.muted")
        if self.by == "kind":
            return plain(kind_label(group, self.lang), kind_style(group))
        if self.by == "partner":
            return plain(partner_name(group, self.partners, self.lang), "chrono.partner")
        return plain(group, "chrono.year")

    def _grouped(self, width: int) -> Table:
        lang = self.lang
        table = self._table(width)
        groups = [self._group_text(row.group) for row in self.rows]
        widest = max(g.cell_len for g in groups)
        table.add_column(label(lang, "year" if self.by == "year" else "group"), overflow="fold", min_width=min(widest, max(6, width // 8)))
        table.add_column(label(lang, "definite"), justify="right", style="chrono.definite", overflow="fold")
        table.add_column(label(lang, "range"), justify="right", overflow="fold")
        # The bars need no header, and get what width is left, so that nothing else is squeezed.
        bar_width = max(6, min(40, width - 90))
        table.add_column("", no_wrap=True, width=bar_width)
        position = 0
        for (metric, unit), members in groupby(self.rows, key=lambda r: (r.metric, r.unit)):
            group = list(members)
            top = max((r.definite + r.possible for r in group), default=Decimal(0))
            for index, row in enumerate(group):
                cells = self._metric(metric, unit, width) if index == 0 else [Text("")] * (2 if width >= NARROW else 1)
                table.add_row(
                    *cells, groups[position], number(row.definite, lang), value_range(row.definite, row.possible, lang),
                    bar(row.definite, row.possible, top, bar_width), end_section=index == len(group) - 1,
                )  # fmt: skip
                position += 1
        return table


COUNTER_COLUMNS = ("metric", "unit", "partner", "group", "definite", "possible", "upper", "covered", "contributors", "possible_contributors")


def counter_rows(rows: Sequence[Any]) -> list[tuple[str, ...]]:
    return [
        tuple(cell(v) for v in (row.metric, row.unit, row.partner, row.group, row.definite, row.possible, row.definite + row.possible,
                                list(row.covered), list(row.contributors), list(row.possible_contributors)))
        for row in rows
    ]  # fmt: skip


class ExplainView:
    """``chrono explain``: the counters of a metric, each contribution, and its sources."""

    def __init__(self, data: Mapping[str, Any], partners: Mapping[str, Partner], lang: str = "en", *,
                 known_at: datetime | None = None) -> None:  # fmt: skip
        self.data = data
        self.partners = partners
        self.lang = lang
        self.known_at = known_at

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lang = self.lang
        data = self.data
        partner = partner_name(data["partner"], self.partners, lang) if data.get("partner") else None
        yield caption(label(lang, "explain", metric=data["metric"]), lang, date.fromisoformat(data["as_of"]), self.known_at, partner)
        summary = data_table()
        for column in ("unit", "definite", "range"):
            summary.add_column(label(lang, column), justify="left" if column == "unit" else "right")
        for counter in data.get("counters", []):
            definite, possible = Decimal(str(counter["definite"])), Decimal(str(counter["possible"]))
            summary.add_row(plain(counter["unit"]), number(definite, lang), value_range(definite, possible, lang))
        if not data.get("counters"):
            yield Text(label(lang, "none"), style="chrono.muted")
            return
        yield summary
        yield self._contributions(options.max_width)
        for slug, entry in data["entries"].items():
            yield self._entry_panel(slug, entry)

    def _contributions(self, console_width: int) -> Table:
        lang = self.lang
        table = data_table()
        contributions = self.data.get("contributions", [])
        longest = max((len(item["id"]) for item in contributions), default=10)
        for column in ("entry", "certainty", "value", "unit", "date", "covered_by"):
            # Ids are read as a whole: the entry column keeps them on one line where it can.
            wide = min(longest, max(12, console_width // 4)) if column == "entry" else None
            table.add_column(label(lang, column), overflow="fold", justify="right" if column == "value" else "left", min_width=wide)
        for item in contributions:
            table.add_row(
                plain(item["id"], "chrono.id"), plain(item["certainty"], f"chrono.{item['certainty']}" if item["certainty"] != "covered" else "chrono.muted"),
                number(item["value"], lang), plain(item["unit"]), plain(when_text(item["when"], lang), "chrono.date"),
                plain(item.get("covered_by") or ""),
            )  # fmt: skip
        return table

    def _entry_panel(self, slug: str, entry: Mapping[str, Any]) -> Panel:
        lang = self.lang
        head = plain(when_text(entry["when"]["edtf"], lang), "chrono.date")
        head.append(" · ")
        head.append(kind_label(entry["kind"], lang), style=kind_style(entry["kind"]))
        head.append(" · ")
        head.append(entry["title"].get(lang) or entry["title"]["en"], style="chrono.title")
        parts: list[RenderableType] = [head]
        for source in entry["sources"]:
            line = plain(source["document"], "chrono.muted")
            line.append(": “")
            line.append(source["quote"], style="chrono.quote")
            line.append("”")
            parts.append(line)
        for correction in entry.get("corrections", []):
            changes = ", ".join(f"{k}={v}" for k, v in (correction.get("changes") or {}).items())
            note = f"{label(lang, 'marker.corrected')} {correction['recorded_at'][:19]}: {changes} — {correction.get('reason')}"
            parts.append(plain(note, "chrono.corrected"))
        return Panel(Group(*parts), title=plain(slug, "chrono.id"), title_align="left", border_style="chrono.gutter")


EXPLAIN_COLUMNS = ("id", "kind", "unit", "value", "certainty", "when", "entry_when", "figure", "covered_by", "conflicts_with", "documents")


def explain_rows(data: Mapping[str, Any]) -> list[tuple[str, ...]]:
    return [
        tuple(cell(v) for v in (item["id"], item["kind"], item["unit"], item["value"], item["certainty"], item["when"], item["entry_when"],
                                item["figure"], item["covered_by"], item["conflicts_with"], [s["document"] for s in item["sources"]]))
        for item in data.get("contributions", [])
    ]  # fmt: skip
