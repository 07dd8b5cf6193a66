"""``chrono state``: a dashboard of panels that wraps at narrow widths."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.columns import Columns
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from chrono.events.values import Partner
from chrono.projections.counting import POSSIBLE
from chrono.projections.results import Activity, Counter, Dated, Relationship, State
from chrono.render.charts import bar, sparkline
from chrono.render.counters import caption
from chrono.render.figures import low_text, range_text
from chrono.render.labels import kind_label, label
from chrono.render.partner import agreements_text, since_text
from chrono.render.text import data_table, partner_name, plain
from chrono.render.theme import kind_style


def _panel(body: RenderableType, title: str, *, fit: bool = True) -> Panel:
    return Panel(body, title=Text(title, style="chrono.heading"), title_align="left", border_style="chrono.gutter", expand=not fit)


def relationships_table(relationships: Sequence[Relationship], partners: Mapping[str, Partner], lang: str) -> Table:
    table = data_table()
    for key in ("partner", "relations_since", "twinned_since", "agreements", "mechanisms"):
        table.add_column(label(lang, key), overflow="fold", justify="right" if key in ("agreements", "mechanisms") else "left")
    for state in relationships:
        table.add_row(
            plain(partner_name(state.partner, partners, lang), "chrono.partner"),
            since_text(state.relations_since, lang), since_text(state.twinned_since, lang),
            agreements_text(state.agreements, lang), str(state.mechanisms.total or "—"),
        )  # fmt: skip
    return table


BAR_YEARS = 12  # years drawn as bars under the sparkline


def activity_chart(activity: Activity, lang: str, bar_width: int = 24) -> RenderableType:
    """A sparkline over every year, then one bar per year with happenings."""
    years = activity.years
    if not years:
        return Text(label(lang, "nothing"), style="chrono.muted")
    totals = [definite + possible for _, definite, possible in years]
    line = plain(str(years[0][0]) + " ", "chrono.year")
    line.append(sparkline(totals), style="chrono.bar")
    line.append(" " + str(years[-1][0]), style="chrono.year")
    table = Table.grid(padding=(0, 1))
    table.add_column(style="chrono.year")
    table.add_column(justify="right")
    table.add_column(no_wrap=True)
    top = max(totals)
    active = [(year, definite, possible) for year, definite, possible in years if definite or possible]
    # The sparkline covers every year; bars, the latest ones (a long chronicle's would fill the screen).
    for year, definite, possible in active[-BAR_YEARS:]:
        table.add_row(str(year), str(definite + possible), bar(definite, possible, top, bar_width))
    parts: list[RenderableType] = [line, Text(""), table, Text(label(lang, "activity_note"), style="chrono.muted")]
    if len(active) > BAR_YEARS:
        parts.append(Text(label(lang, "earlier_years", n=len(active) - BAR_YEARS), style="chrono.muted"))
    if activity.undated:
        parts.append(Text(label(lang, "undated", n=activity.undated), style="chrono.muted"))
    return Group(*parts)


def latest_list(latest: Sequence[Dated], lang: str) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="chrono.date", overflow="fold", max_width=24)
    table.add_column(overflow="fold", max_width=60)
    for dated in reversed(latest):
        entry = dated.entry
        title = plain(entry.facts.title.get(lang))
        title.append("\n")
        title.append(kind_label(entry.kind, lang), style=kind_style(entry.kind))
        if dated.certainty == POSSIBLE:
            title.append(" · " + label(lang, "marker.possible"), style="chrono.possible")
        table.add_row(plain(entry.facts.when.display(lang)), title)
    return table


def overdue_list(overdue: Sequence[Any], lang: str) -> RenderableType:
    if not overdue:
        return Text(label(lang, "nothing"), style="chrono.muted")
    table = Table.grid(padding=(0, 1))
    table.add_column(style="chrono.planned", overflow="fold", max_width=24)
    table.add_column(overflow="fold", max_width=60)
    for entry in overdue:
        table.add_row(plain(entry.facts.when.display(lang)), plain(entry.facts.title.get(lang)))
    return table


def counters_table(counters: Sequence[Counter], lang: str) -> Table:
    table = data_table()
    table.add_column(label(lang, "metric"), overflow="fold")
    table.add_column(label(lang, "unit"), overflow="fold", style="chrono.muted")
    table.add_column(label(lang, "definite"), justify="right")
    table.add_column(label(lang, "range"), justify="right")
    for counter in counters:
        table.add_row(plain(counter.metric), plain(counter.unit), low_text(counter, lang), range_text(counter, lang))
    return table


class StateView:
    """Relationships, activity per year, latest happenings, overdue plans and counters, as of a date."""

    def __init__(self, answer: State, lang: str = "en") -> None:
        self.answer = answer
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lang, answer = self.lang, self.answer
        yield caption(label(lang, "state"), lang, answer.axes.as_of, answer.axes.known_at)
        yield _panel(relationships_table(answer.relationships, answer.partners, lang), label(lang, "relationships"))
        panels = [
            _panel(activity_chart(answer.activity, lang), label(lang, "activity")),
            _panel(latest_list(answer.latest, lang), label(lang, "latest")),
            _panel(overdue_list(answer.overdue, lang), label(lang, "overdue")),
        ]
        # Columns puts panels side by side where they fit and stacks them where they do not.
        yield Columns(panels, padding=(0, 1))
        yield _panel(counters_table(answer.counters.counters, lang), label(lang, "counters"), fit=False)


def state_markdown(answer: State, lang: str) -> str:
    """``chrono state --format md``: the dashboard's panels as sections of tables."""
    from chrono.interchange.markdown import markdown_document, markdown_table

    partners = answer.partners
    relations = [
        (partner_name(s.partner, partners, lang), since_text(s.relations_since, lang).plain, since_text(s.twinned_since, lang).plain,
         agreements_text(s.agreements, lang).plain, str(s.mechanisms.total))
        for s in answer.relationships
    ]  # fmt: skip
    years = [(str(year), str(definite), str(possible)) for year, definite, possible in answer.activity.years]
    latest = [(d.entry.facts.when.display(lang), d.entry.facts.title.get(lang), d.certainty) for d in answer.latest]
    overdue = [(e.facts.when.display(lang), e.facts.title.get(lang), e.slug) for e in answer.overdue]
    counters = [(c.metric, c.unit, low_text(c, lang).plain, range_text(c, lang).plain) for c in answer.counters.counters]
    cols = {key: label(lang, key) for key in ("partner", "relations_since", "twinned_since", "agreements", "mechanisms", "year",
                                               "definite", "range", "date", "title", "certainty", "id", "metric", "unit")}  # fmt: skip
    possible = label(lang, "marker.possible")
    sections = [
        (
            label(lang, "relationships"),
            markdown_table([cols[k] for k in ("partner", "relations_since", "twinned_since", "agreements", "mechanisms")], relations),
        ),
        (label(lang, "activity"), markdown_table([cols["year"], cols["definite"], possible], years)),
        (label(lang, "latest"), markdown_table([cols["date"], cols["title"], cols["certainty"]], latest)),
        (label(lang, "overdue"), markdown_table([cols["date"], cols["title"], cols["id"]], overdue)),
        (label(lang, "counters"), markdown_table([cols["metric"], cols["unit"], cols["definite"], cols["range"]], counters)),
    ]
    axes = answer.axes
    meta = [label(lang, "as_of", date=axes.as_of.isoformat())]
    if axes.known_at is not None:
        meta.append(label(lang, "known_at", time=axes.known_at.isoformat()))
    return markdown_document(label(lang, "state"), meta, sections)
