"""A long table laid out here and drawn as segments, looking as ``text.data_table`` would.

Rich measures and wraps every cell of a table, which is most of the time a
grouped counters table of a thousand rows takes to print. The layout is
simple enough to do here: each column as wide as its widest cell, three
spaces between columns, a rule under the header and a blank line between
sections; where that is wider than the terminal, the widest columns are
narrowed and their long cells folded onto more lines, never cut. When every
cell fits, the lines are exactly Rich's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import attrs
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from chrono.render.text import data_table

MIN_WIDTH = 4  # a flexible column is never narrowed below this
GAP = 3  # the spaces between two columns of SIMPLE_HEAD (a cell's padding on both sides and the edge between)


@attrs.frozen
class Column:
    """A column: its header, how its cells are justified, and a fixed width if it has one."""

    header: str
    justify: str = "left"
    width: int | None = None
    style: str = ""


@attrs.define
class Grid:
    """Rows of single-line cells under headers, with sections (a blank line after each)."""

    columns: Sequence[Column]
    rows: list[tuple[list[Text], bool]] = attrs.field(factory=list)

    def add_row(self, *cells: Text, end_section: bool = False) -> None:
        self.rows.append((list(cells), end_section))

    def widths(self) -> list[int]:
        out = []
        for index, column in enumerate(self.columns):
            if column.width is not None:
                out.append(column.width)
                continue
            out.append(max([len(column.header), *(row[index].cell_len for row, _ in self.rows)]))
        return out

    def fitted(self, width: int) -> list[int]:
        """The column widths within ``width``: the widest flexible columns narrowed until they fit (or reach 4)."""
        widths = self.widths()
        flexible = [index for index, column in enumerate(self.columns) if column.width is None]
        while sum(widths) + GAP * (len(widths) - 1) > width and flexible:
            widest = max(flexible, key=lambda index: widths[index])
            if widths[widest] <= MIN_WIDTH:
                break
            widths[widest] -= 1
        return widths

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = self.fitted(options.max_width)
        header = [Text(column.header, style="chrono.heading") for column in self.columns]
        yield from self._line(console, header, widths)
        yield Segment("─" * (sum(widths) + GAP * (len(widths) - 1)))
        yield Segment.line()
        for index, (cells, section) in enumerate(self.rows):
            yield from self._line(console, cells, widths)
            if section and index < len(self.rows) - 1:
                yield Segment(" " * (sum(widths) + GAP * (len(widths) - 1)))
                yield Segment.line()

    def _line(self, console: Console, cells: Sequence[Text], widths: Sequence[int]) -> Iterator[Segment]:
        """One row: a line, or more where a cell holds more lines or is folded."""
        if console.color_system is None:  # plain text (a pipe, a file): no style to render, often no cell to fold
            plain = self._plain(cells, widths)
            if plain is not None:
                yield Segment(plain)
                yield Segment.line()
                return
        columns = [self._lines(console, cell, width, column) for cell, width, column in zip(cells, widths, self.columns, strict=True)]
        for number in range(max(len(lines) for lines in columns)):
            for index, (lines, width, column) in enumerate(zip(columns, widths, self.columns, strict=True)):
                if index:
                    yield Segment(" " * GAP)
                shown = lines[number] if number < len(lines) else Text("")
                pad = " " * max(0, width - shown.cell_len)
                if column.justify == "right":
                    yield Segment(pad)
                yield from shown.render(console)
                if column.justify != "right":
                    yield Segment(pad)
            yield Segment.line()

    def _plain(self, cells: Sequence[Text], widths: Sequence[int]) -> str | None:
        """A row of cells that each fit on one line, as its text; None if one does not."""
        parts = []
        for cell, width, column in zip(cells, widths, self.columns, strict=True):
            text, length = cell.plain, cell.cell_len
            if length > width or "\n" in text:
                return None
            pad = " " * (width - length)
            parts.append(pad + text if column.justify == "right" else text + pad)
        return (" " * GAP).join(parts)

    @staticmethod
    def _lines(console: Console, cell: Text, width: int, column: Column) -> list[Text]:
        shown = cell
        if column.style:
            shown = Text("", style=column.style)
            shown.append_text(cell)
        if column.width is not None:  # a fixed column crops, as no_wrap does
            if shown.cell_len > width:
                shown = shown.copy()
                shown.truncate(width)
            return [shown]
        if shown.cell_len <= width and "\n" not in shown.plain:
            return [shown]
        lines = list(shown.wrap(console, width, overflow="fold"))
        for line in lines:
            line.rstrip()  # a wrapped line keeps the space it broke at
        return lines

    def _rich_table(self) -> Table:
        table = data_table()
        for column in self.columns:
            table.add_column(
                column.header, justify=column.justify, overflow="fold", width=column.width, style=column.style or None,  # type: ignore[arg-type]
                no_wrap=column.width is not None,
            )  # fmt: skip
        for cells, section in self.rows:
            table.add_row(*cells, end_section=section)
        return table
