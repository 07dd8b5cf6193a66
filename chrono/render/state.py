"""``chrono state``: a dashboard of panels that wraps at narrow widths."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.columns import Columns
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from chrono.events.values import Partner
from chrono.render.charts import bar, sparkline
from chrono.render.counters import caption, value_range
from chrono.render.labels import kind_label, label
from chrono.render.text import data_table, number, partner_name, plain, when_text
from chrono.render.theme import kind_style


def _panel(body: RenderableType, title: str, *, fit: bool = True) -> Panel:
    return Panel(body, title=Text(title, style="chrono.heading"), title_align="left", border_style="chrono.gutter", expand=not fit)


def relationships_table(relationships: Mapping[str, Any], partners: Mapping[str, Partner], lang: str) -> Table:
    table = data_table()
    for key in ("partner", "relations_since", "twinned_since", "agreements", "mechanisms"):
        table.add_column(label(lang, key), overflow="fold", justify="right" if key in ("agreements", "mechanisms") else "left")
    for pid, state in relationships.items():
        agreements = state["agreements"]
        count = Text(str(agreements["definite"]) if agreements["definite"] else "—", style="chrono.definite")
        if agreements["possible"]:
            count.append(f" {label(lang, 'possible_n', n=agreements['possible'])}", style="chrono.possible")
        table.add_row(
            plain(partner_name(pid, partners, lang), "chrono.partner"),
            plain(when_text(state["relations_since"], lang) if state["relations_since"] else "—"),
            plain(when_text(state["twinned_since"], lang) if state["twinned_since"] else "—"),
            count, str(len(state["mechanisms"]) or "—"),
        )  # fmt: skip
    return table


def activity_chart(activity: Mapping[str, Any], lang: str, bar_width: int = 24) -> RenderableType:
    """A sparkline over every year, then one bar per year with happenings."""
    years = activity["years"]
    if not years:
        return Text(label(lang, "nothing"), style="chrono.muted")
    totals = [row["definite"] + row["possible"] for row in years]
    line = plain(str(years[0]["year"]) + " ", "chrono.year")
    line.append(sparkline(totals), style="chrono.bar")
    line.append(" " + str(years[-1]["year"]), style="chrono.year")
    table = Table.grid(padding=(0, 1))
    table.add_column(style="chrono.year")
    table.add_column(justify="right")
    table.add_column(no_wrap=True)
    top = max(totals)
    for row in years:
        if row["definite"] or row["possible"]:
            table.add_row(str(row["year"]), str(row["definite"] + row["possible"]), bar(row["definite"], row["possible"], top, bar_width))
    parts: list[RenderableType] = [line, Text(""), table, Text(label(lang, "activity_note"), style="chrono.muted")]
    if activity.get("undated"):
        parts.append(Text(label(lang, "undated", n=activity["undated"]), style="chrono.muted"))
    return Group(*parts)


def latest_list(latest: Sequence[Mapping[str, Any]], lang: str) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="chrono.date", overflow="fold", max_width=24)
    table.add_column(overflow="fold", max_width=60)
    for entry in reversed(latest):
        title = plain(entry["title"].get(lang) or entry["title"]["en"])
        title.append("\n")
        title.append(kind_label(entry["kind"], lang), style=kind_style(entry["kind"]))
        if entry.get("certainty") == "possible":
            title.append(" · " + label(lang, "marker.possible"), style="chrono.possible")
        table.add_row(plain(when_text(entry["when"]["edtf"], lang)), title)
    return table


def overdue_list(overdue: Sequence[Mapping[str, Any]], lang: str) -> RenderableType:
    if not overdue:
        return Text(label(lang, "nothing"), style="chrono.muted")
    table = Table.grid(padding=(0, 1))
    table.add_column(style="chrono.planned", overflow="fold", max_width=24)
    table.add_column(overflow="fold", max_width=60)
    for entry in overdue:
        table.add_row(plain(when_text(entry["when"]["edtf"], lang)), plain(entry["title"].get(lang) or entry["title"]["en"]))
    return table


def counters_table(counters: Sequence[Mapping[str, Any]], lang: str) -> Table:
    table = data_table()
    table.add_column(label(lang, "metric"), overflow="fold")
    table.add_column(label(lang, "unit"), overflow="fold", style="chrono.muted")
    table.add_column(label(lang, "definite"), justify="right", style="chrono.definite")
    table.add_column(label(lang, "range"), justify="right")
    for counter in counters:
        definite, possible = Decimal(str(counter["definite"])), Decimal(str(counter["possible"]))
        table.add_row(plain(counter["metric"]), plain(counter["unit"]), number(definite, lang), value_range(definite, possible, lang))
    return table


class StateView:
    """Relationships, activity per year, latest happenings, overdue plans and counters, as of a date."""

    def __init__(self, data: Mapping[str, Any], partners: Mapping[str, Partner], lang: str = "en", *, known_at: datetime | None = None) -> None:
        self.data = data
        self.partners = partners
        self.lang = lang
        self.known_at = known_at

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lang, data = self.lang, self.data
        yield caption(label(lang, "state"), lang, date.fromisoformat(data["as_of"]), self.known_at)
        yield _panel(relationships_table(data["relationships"], self.partners, lang), label(lang, "relationships"))
        panels = [
            _panel(activity_chart(data.get("activity", {"years": []}), lang), label(lang, "activity")),
            _panel(latest_list(data["latest"], lang), label(lang, "latest")),
            _panel(overdue_list(data["overdue"], lang), label(lang, "overdue")),
        ]
        # Columns puts panels side by side where they fit and stacks them where they do not.
        yield Columns(panels, padding=(0, 1))
        yield _panel(counters_table(data["counters"], lang), label(lang, "counters"), fit=False)


def state_markdown(data: Mapping[str, Any], partners: Mapping[str, Partner], lang: str) -> str:
    """``chrono state --format md``: the dashboard's panels as sections of tables."""
    from chrono.interchange.markdown import markdown_document, markdown_table

    def since(edtf: str | None) -> str:
        return when_text(edtf, lang) if edtf else "—"

    relations = [
        (partner_name(pid, partners, lang), since(s["relations_since"]), since(s["twinned_since"]),
         f"{s['agreements']['definite']} (+{s['agreements']['possible']})", str(len(s["mechanisms"])))
        for pid, s in data["relationships"].items()
    ]  # fmt: skip
    years = [(str(y["year"]), str(y["definite"]), str(y["possible"])) for y in data.get("activity", {}).get("years", [])]
    latest = [(when_text(e["when"]["edtf"], lang), e["title"].get(lang) or e["title"]["en"], e.get("certainty", "")) for e in data["latest"]]
    overdue = [(when_text(e["when"]["edtf"], lang), e["title"].get(lang) or e["title"]["en"], e["id"]) for e in data["overdue"]]
    counters = [(c["metric"], c["unit"], str(c["definite"]), str(c["possible"])) for c in data["counters"]]
    cols = {key: label(lang, key) for key in ("partner", "relations_since", "twinned_since", "agreements", "mechanisms", "year",
                                               "definite", "date", "title", "certainty", "id", "metric", "unit")}  # fmt: skip
    possible = label(lang, "marker.possible")
    sections = [
        (
            label(lang, "relationships"),
            markdown_table([cols[k] for k in ("partner", "relations_since", "twinned_since", "agreements", "mechanisms")], relations),
        ),
        (label(lang, "activity"), markdown_table([cols["year"], cols["definite"], possible], years)),
        (label(lang, "latest"), markdown_table([cols["date"], cols["title"], cols["certainty"]], latest)),
        (label(lang, "overdue"), markdown_table([cols["date"], cols["title"], cols["id"]], overdue)),
        (label(lang, "counters"), markdown_table([cols["metric"], cols["unit"], cols["definite"], possible], counters)),
    ]
    meta = [label(lang, "as_of", date=data["as_of"])] + ([label(lang, "known_at", time=data["known_at"])] if data.get("known_at") else [])
    return markdown_document(label(lang, "state"), meta, sections)
