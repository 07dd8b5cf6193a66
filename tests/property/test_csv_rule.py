"""The CSV formula rule: every line of a cell inert for spreadsheets, and the reader takes back exactly what the writer put."""

from __future__ import annotations

import csv
import io

from hypothesis import example, given
from hypothesis import strategies as st

from chrono.interchange.csvfile import FORMULA_STARTS, neutralise, unneutralised, write_csv

cells = st.text(alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", "'", "a", " ", "\u2028", "é"]), max_size=12) | st.text(max_size=12)


@given(cells)
@example("'=x")
@example("a\r\r=b")
def test_the_reader_takes_off_exactly_the_quotes_the_writer_put(cell: str) -> None:
    assert unneutralised(neutralise(cell)) == cell


@given(cells)
def test_no_line_of_a_written_cell_starts_a_formula(cell: str) -> None:
    written = neutralise(cell)
    starts = [0] + [i + 1 for i, char in enumerate(written) if char in "\r\n"]
    for start in starts:
        assert not written[start:].startswith(FORMULA_STARTS), (cell, written)


@given(st.lists(st.lists(cells, min_size=1, max_size=3), max_size=4))
def test_a_written_table_reads_back_row_for_row(rows: list[list[str]]) -> None:
    out = io.StringIO()
    write_csv(["a"], rows, out)
    lines = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert [[unneutralised(c) for c in row] for row in lines[1:]] == rows


def test_a_carriage_return_inside_a_cell_is_quoted_and_the_line_after_it_neutralised() -> None:
    out = io.StringIO()
    write_csv(["title"], [["ok\r=cmd|' /C calc'!A0"]], out)
    assert out.getvalue() == "title\r\n\"ok\r'=cmd|' /C calc'!A0\"\r\n"
