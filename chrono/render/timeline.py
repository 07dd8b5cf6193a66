"""The timeline: entries grouped by year or decade along a vertical rule.

Each entry shows its date in its own precision on the left of the rule, a
glyph on the rule (happened, possible, not yet, planned, retracted), and on
the right its title and a line with its kind, partners and markers. Long
text wraps inside its column; nothing is cut.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from itertools import groupby
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, JustifyMethod, RenderResult
from rich.segment import Segment
from rich.text import Text

from chrono.events.values import Partner
from chrono.projections.results import Page
from chrono.render.labels import kind_label, label
from chrono.render.text import GLYPHS, cell, marks, names, number, plain
from chrono.render.theme import kind_style
from chrono.when import When

DEFAULT_PAGE = 20
DECADE_SPAN = 40  # years between the first and the last start beyond which groups are decades
RULE, TICK, CROSS = "│", "┬", "┼"
QUALIFIER_SIGNS = {"at_least": "≥", "at_most": "≤", "about": "~", "exact": ""}


def grouping(whens: Sequence[When]) -> str:
    """``decade`` when the starts span more than DECADE_SPAN years, else ``year``."""
    years = [w.earliest_key[0] for w in whens if w.earliest_key is not None]
    if years and max(years) - min(years) > DECADE_SPAN:
        return "decade"
    return "year"


def group_label(when: When, by: str, lang: str) -> str:
    """The heading of the group ``when`` falls in: its start year or decade."""
    if when.earliest_key is None:
        return label(lang, "open_start")
    year = when.earliest_key[0]
    if by == "decade":
        return label(lang, "decade", decade=year // 10 * 10)
    return When.parse(f"{year:04d}").display(lang) if 0 <= year <= 9999 else str(year)


def quantities_text(entry: Any, lang: str, most: int = 2) -> str:
    """A reported figure's first amounts, e.g. ``85 agreement``, ``≥2,000 worker``."""
    shown = [f"{QUALIFIER_SIGNS.get(q.qualifier, '')}{number(q.value, lang)} {q.unit}" for q in entry.facts.quantities[:most]]
    extra = len(entry.facts.quantities) - most
    return ", ".join(shown) + (f", +{extra}" if extra > 0 else "")


class TimelineView:
    """Dated entries (``projections.views.Dated``) as a timeline.

    Args:
        rows: the entries to show, in timeline order (one page of them when paging).
        partners: the registry, for names.
        lang: ``en`` or ``vi``.
        as_of: the date their certainty was judged against.
        known_at: the recording time asked, if any.
        page: which page ``rows`` is, when paging.
        by: ``year`` or ``decade``; decided from ``rows`` when None.
        caption: whether to print the heading line (a partner history has its own).
        footer: whether to print the legend and the paging line (a streamed timeline, after its last chunk).
        total: how many entries the answer holds in all (``len(rows)`` when None).
        ids: whether each entry's details end with its id (``timeline --ids``).
    """

    def __init__(
        self, rows: Sequence[Any], partners: Mapping[str, Partner], lang: str = "en", *,
        as_of: Any = None, known_at: datetime | None = None, page: Page | None = None,
        by: str | None = None, caption: bool = True, total: int | None = None, ids: bool = False, footer: bool = True,
    ) -> None:  # fmt: skip
        self.rows = list(rows)
        self.partners = partners
        self.lang = lang
        self.as_of = as_of
        self.known_at = known_at
        self.page = page
        self.by = by or grouping([row.entry.facts.when for row in self.rows])
        self.caption = caption
        self.footer = footer
        self.total = total
        self.ids = ids

    # -- layout -----------------------------------------------------------

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        if self.caption:
            yield self._caption()
        if not self.rows:
            message = label(self.lang, "none")
            if self.page is not None and self.page.total:
                message = label(self.lang, "empty_page", page=self.page.number, pages=self.page.pages)
            yield Text(message, style="chrono.muted")
            return
        # The rule's lines are laid out here to fit the width exactly, so they go
        # out as segments: having Rich wrap each one again would double the cost.
        for line in self._rule_lines(console, width):
            yield from line
            yield Segment.line()
        if self.footer:
            yield from self._footer()

    def _rule_lines(self, console: Console, width: int) -> Iterator[list[Segment]]:
        dates = [plain(row.entry.facts.when.display(self.lang), "chrono.date") for row in self.rows]
        date_width = self._date_width(dates, width)
        body_width = max(8, width - date_width - 3)
        gutter = console.get_style("chrono.gutter")
        for header in self._header(date_width):
            yield list(header.render(console))
        for index, (heading, members) in enumerate(groupby(zip(self.rows, dates, strict=True), key=self._group)):
            if index:
                # A bare stretch of rule before each new group lets the eye find it.
                yield [Segment(" " * (date_width + 1)), Segment(RULE, gutter)]
            yield list(self._group_line(heading, date_width, body_width).render(console))
            for row, date in members:
                yield from self._entry_lines(console, row, date, date_width, body_width)

    def _group(self, pair: tuple[Any, Text]) -> str:
        return group_label(pair[0].entry.facts.when, self.by, self.lang)

    def _date_width(self, dates: Sequence[Text], width: int) -> int:
        """Wide enough for the longest date, up to a quarter of the line."""
        longest = max(*(d.cell_len for d in dates), len(label(self.lang, "date")))
        return max(6, min(longest, (width - 3) // 4))

    def _caption(self) -> Text:
        lang = self.lang
        total = self.page.total if self.page else self.total if self.total is not None else len(self.rows)
        text = Text(label(lang, "timeline"), style="chrono.heading")
        text.append(" · " + (label(lang, "one_entry") if total == 1 else label(lang, "entries", n=total)), style="chrono.muted")
        if self.as_of is not None:
            text.append(" · " + label(lang, "as_of", date=self.as_of.isoformat()), style="chrono.muted")
        if self.known_at is not None:
            text.append(" · " + label(lang, "known_at", time=self.known_at.isoformat(timespec="seconds")), style="chrono.muted")
        return text

    def _header(self, date_width: int) -> Iterator[Text]:
        header = Text(label(self.lang, "date").rjust(date_width), style="chrono.heading")
        header.append(f" {TICK} ", style="chrono.gutter")
        header.append(label(self.lang, "entry"), style="chrono.heading")
        yield header

    def _group_line(self, heading: str, date_width: int, body_width: int) -> Text:
        line = Text(" " * date_width)
        line.append(f" {CROSS}─ ", style="chrono.gutter")
        line.append(heading, style="chrono.year")
        # The rule runs to the right edge, so each group reads as a band across the page.
        rest = date_width + 3 + body_width - line.cell_len
        if rest > 1:
            line.append(" " + "─" * (rest - 1), style="chrono.gutter")
        return line

    def _entry_lines(self, console: Console, row: Any, date: Text, date_width: int, body_width: int) -> Iterator[list[Segment]]:
        """The entry's lines: its date right-aligned, the glyph then the rule, its title and details."""
        found = marks(row.entry, row.certainty, self.lang)
        left = [line.plain.strip() for line in _fit(console, date, date_width, justify="right")]
        right = [line for part in self._body(row, found) for line in _fit(console, part, body_width)]
        date_style, gutter = console.get_style("chrono.date"), console.get_style("chrono.gutter")
        for index in range(max(len(left), len(right))):
            text = left[index] if index < len(left) else ""
            line = [Segment(" " * (date_width - cell_len(text))), Segment(text, date_style), Segment(" ")]
            line.append(Segment(found.glyph, console.get_style(found.style)) if index == 0 else Segment(RULE, gutter))
            if index < len(right):
                body = right[index]
                body.rstrip()  # a wrapped line keeps the space it broke at
                line.append(Segment(" "))
                line.extend(body.render(console))
            yield line

    def _body(self, row: Any, found: Any) -> tuple[Text, Text]:
        """The title, and a line with kind, partners, amounts and markers."""
        entry = row.entry
        facts = entry.facts
        title = plain(facts.title.get(self.lang), "chrono.retracted" if entry.retracted else "chrono.title")
        body = plain(kind_label(entry.kind, self.lang), kind_style(entry.kind))
        if facts.partners:
            body.append(" · ", style="chrono.muted")
            body.append(names(facts.partners, self.partners, self.lang), style="chrono.partner")
        if entry.kind == "FigureReported" and facts.quantities:
            body.append(" · ", style="chrono.muted")
            body.append(quantities_text(entry, self.lang))
        for word, style in found.words:
            body.append(" · ", style="chrono.muted")
            body.append(word, style=style)
        if self.ids:
            body.append(f" · {entry.slug}", style="chrono.id")
        return title, body

    def _footer(self) -> Iterator[Text]:
        lang = self.lang
        used = {marks(row.entry, row.certainty, lang).glyph for row in self.rows}
        legend = Text()
        for key in ("definite", "possible", "future", "planned", "retracted"):
            if GLYPHS[key] in used:
                legend.append(f"{GLYPHS[key]} ", style="chrono.muted")
                legend.append(label(lang, f"marker.{key}") + "   ", style="chrono.muted")
        legend.rstrip()
        yield legend
        if self.page is not None:
            note = Text(label(lang, "page", first=self.page.first, last=self.page.last, total=self.page.total,
                              page=self.page.number, pages=self.page.pages), style="chrono.muted")  # fmt: skip
            if self.page.number < self.page.pages:
                note.append(" · " + label(lang, "next_page", page=self.page.number + 1), style="chrono.muted")
            yield note


def _fit(console: Console, text: Text, width: int, justify: JustifyMethod = "default") -> list[Text]:
    """``text`` as lines of at most ``width`` cells, folding words longer than a line.

    Most dates and titles fit as they are: wrapping those would only cost time.
    """
    if text.cell_len <= width:
        return [text]
    return list(text.wrap(console, width, justify=justify, overflow="fold"))


TIMELINE_COLUMNS = (
    "id", "when", "date", "earliest", "latest", "kind", "status", "certainty", "corrected", "retracted",
    "partners", "partner_names", "title",
)  # fmt: skip


def timeline_rows(rows: Sequence[Any], partners: Mapping[str, Partner], lang: str) -> list[tuple[str, ...]]:
    """The timeline as plain rows under TIMELINE_COLUMNS, for CSV and Markdown."""
    out = []
    for row in rows:
        entry = row.entry
        when = entry.facts.when
        out.append(tuple(cell(value) for value in (
            entry.slug, when.edtf, when.display(lang), when.earliest, when.latest, entry.kind, entry.status,
            row.certainty, entry.facts != entry.original, entry.retracted, list(entry.facts.partners),
            names(entry.facts.partners, partners, lang), entry.facts.title.get(lang),
        )))  # fmt: skip
    return out
