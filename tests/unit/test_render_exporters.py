"""CSV and Markdown: spreadsheet formulas neutralised, markup escaped, exports that re-import."""

from __future__ import annotations

import csv
import io

import pytest

from chrono.events.values import Source
from chrono.interchange.csvfile import CSV_COLUMNS, chronicle_csv, entry_csv_rows, neutralise, write_csv
from chrono.interchange.markdown import markdown_table, md
from chrono.interchange.reading import read_records
from chrono.render.report import chronicle_markdown
from chrono.render.state import state_markdown
from chrono.when import When
from tests.unit.render_kit import PARTNERS, SOURCE, make_entry, quantity


@pytest.mark.parametrize(
    ("cell", "written"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-2", "'-2"), ("@cmd", "'@cmd"), ("\tx", "'\tx"), ("\rx", "'\rx"),
     ("plain", "plain"), ("a=b", "a=b"), ("", ""), ("'quoted", "''quoted"), ("ok\r=cmd", "ok\r'=cmd"), ("a\n@b", "a\n'@b")],
)  # fmt: skip
def test_cells_a_spreadsheet_would_run_are_neutralised(cell: str, written: str) -> None:
    assert neutralise(cell) == written


def test_write_csv_neutralises_every_cell() -> None:
    out = io.StringIO()
    write_csv(["id", "title"], [["a", "=SUM(A1)"], ["b", "@x"]], out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["id", "title"], ["a", "'=SUM(A1)"], ["b", "'@x"]]


def formula_entry():  # type: ignore[no-untyped-def]
    second = Source(document="=HYPERLINK(x)", quote="-quoted", publisher="", published=When.parse("2022"))
    return make_entry(
        "2020-formula", "2020", kind="AidProvided", title="=SUM(A1)", title_vi="+cmd",
        quantities=(quantity("aid_value", "1000", "VND"), quantity("masks", "5000", "mask", "at_least", "2020-03")),
        sources=(SOURCE, second),
    )  # fmt: skip


def test_a_chronicle_csv_has_the_import_columns_and_neutralised_cells() -> None:
    out = io.StringIO()
    chronicle_csv([formula_entry()], out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0]["title_en"] == "'=SUM(A1)" and rows[0]["title_vi"] == "'+cmd"
    assert rows[1]["document"] == "'=HYPERLINK(x)" and rows[1]["quote"] == "'-quoted"
    assert rows[1]["kind"] == "" and rows[1]["id"] == "2020-formula"  # a continuation row


def test_a_chronicle_csv_reimports_as_the_same_record() -> None:
    out = io.StringIO()
    entry = formula_entry()
    chronicle_csv([entry], out)
    [(record, origin)] = read_records(out.getvalue().encode(), "export.csv")
    assert origin.line == 2
    assert record["title"] == {"en": "=SUM(A1)", "vi": "+cmd"}
    assert [q["metric"] for q in record["quantities"]] == ["aid_value", "masks"]
    assert record["quantities"][1]["qualifier"] == "at_least" and record["quantities"][1]["period"] == "2020-03"
    assert [s["document"] for s in record["sources"]] == ["article.txt", "=HYPERLINK(x)"]
    assert record["sources"][1]["quote"] == "-quoted"


def test_entry_rows_hold_one_amount_and_one_source_each() -> None:
    rows = entry_csv_rows(formula_entry())
    assert len(rows) == 2
    assert rows[0]["metric"] == "aid_value" and rows[1]["metric"] == "masks"
    assert set(rows[1]) <= set(CSV_COLUMNS)


def test_markdown_escapes_what_would_format() -> None:
    assert md("[bold]x[/bold]") == "\\[bold\\]x\\[/bold\\]"
    assert md("a | b") == "a \\| b"
    assert md("*not em*") == "\\*not em\\*"
    assert md("file_name_1.txt") == "file_name_1.txt"  # inside a word, an underscore is plain
    assert md("_em_") == "\\_em\\_"
    assert md("two\nlines") == "two<br>lines"
    table = markdown_table(["a", "b"], [["1|2", "x"]])
    assert table.splitlines()[2] == "| 1\\|2 | x |"


def test_the_chronicle_as_a_markdown_report() -> None:
    entry = make_entry("2018-twinning", "2018", kind="TwinningSigned", title="Commune [twinning]", title_vi="Kết nghĩa", partners=("thien-bao",))
    report = chronicle_markdown([entry, formula_entry()], PARTNERS, "en")
    assert report.startswith("# Chronicle\n")
    assert "## 2018" in report and "## 2020" in report
    assert "### 2018 · Commune \\[twinning\\]" in report
    assert "> “Ký kết chương trình hợp tác.”" in report and "> — article.txt, Báo Hà Giang, 4 July 2022" in report
    # Each amount as show prints it (render/text.quantity_text): numbers grouped, the date in words.
    assert "- masks: at least 5,000 mask (March 2020)" in report and "- aid_value: 1,000 VND" in report
    vietnamese = chronicle_markdown([entry, formula_entry()], PARTNERS, "vi")
    assert "### năm 2018 · Kết nghĩa" in vietnamese and "Thiên Bảo" in vietnamese
    assert "- masks: at least 5.000 mask (tháng 3/2020)" in vietnamese


def test_state_markdown_is_tables_under_headings() -> None:
    from datetime import date

    from chrono.projections.results import Activity, Axes, Counters, State

    empty = State(Axes(date(2021, 12, 31)), (), Counters(date(2021, 12, 31), None, None, None, ()), (), (), Activity((), 0), PARTNERS)
    md_text = state_markdown(empty, "vi")
    assert md_text.startswith("# Tình hình") and "## Số liệu cộng dồn" in md_text
