"""Counters (definite values, possible ranges, bars), explain, and the unicode charts."""

from __future__ import annotations

import re
from decimal import Decimal

import pendulum
import pytest

from chrono.projections.results import Conflict, Contribution, Counter, Counters, Explanation, IdPage, Page
from chrono.render.charts import EIGHTHS, bar, sparkline
from chrono.render.counters import CountersView, ExplainView, counter_rows, explain_rows
from chrono.render.figures import amount
from chrono.render.text import number
from tests.unit.render_kit import PARTNERS, make_entry, render, words

AS_OF = pendulum.Date(2021, 12, 31)


def counter(
    metric: str, unit: str, definite: str, possible: str = "0", group: str | None = None, *,
    high: str | None = "", approximate: bool = False, conflicts: tuple[Conflict, ...] = (),
) -> Counter:  # fmt: skip
    top = None if high is None else Decimal(high) if high else Decimal(definite) + Decimal(possible)
    return Counter(metric, unit, None, group, Decimal(definite), Decimal(possible), top, approximate, conflicts,
                   IdPage(("a",), 1), IdPage(("b",), 1) if possible != "0" else IdPage())  # fmt: skip


def view(rows: list[Counter], lang: str = "en", by: str | None = None, partner: str | None = None) -> CountersView:
    return CountersView(Counters(AS_OF, None, partner, by, tuple(rows)), PARTNERS, lang)


def test_definite_values_and_the_range_with_possible_ones() -> None:
    out = render(view([counter("agreements", "agreement", "86", "2"), counter("aid_value", "VND", "390912000000")]), 100)
    assert "86–88" in out
    assert "390.912 bn" in out
    line = next(line for line in out.splitlines() if "aid_value" in line)
    assert "–" not in line  # nothing possible: no range


@pytest.mark.parametrize("width", [60, 100, 160])
def test_big_numbers_and_long_metrics_are_never_cut(width: int) -> None:
    rows = [counter("border_regulation_violations_reported_by_both_sides", "violation", "390912000000", "42000000000")]
    out = render(view(rows), width)
    body = [re.split(r"\s{2,}", line.strip()) for line in out.splitlines()[3:] if line.strip()]
    # A folded cell continues at the start of its column on the next lines.
    assert "border_regulation_violations_reported_by_both_sides" in "".join(chunks[0] for chunks in body)
    flat = out.split()
    assert "390.912" in flat and ("bn–432.912" in flat or "390.912 bn–432.912 bn" in out)
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= width


@pytest.mark.parametrize("width", [60, 100, 160])
def test_counters_by_year_draw_a_bar_per_year(width: int) -> None:
    rows = [counter("agreements", "agreement", "85", group="2020"), counter("agreements", "agreement", "1", group="2021"),
            counter("agreements", "agreement", "4", "3", group="2024")]  # fmt: skip
    out = render(view(rows, by="year"), width)
    lines = {year: next(line for line in out.splitlines() if f" {year} " in line) for year in ("2020", "2021", "2024")}
    assert lines["2020"].count("█") > lines["2024"].count("█") >= 0
    assert any(c in lines["2021"] for c in EIGHTHS[1:])  # a small value still gets a sliver
    assert "░" in lines["2024"]  # the possible part
    assert "4–7" in lines["2024"]
    assert out.count("agreements") == 1  # the metric is named once for its years
    assert max(len(line) for line in out.splitlines()) <= width


def test_counters_by_kind_name_the_kind_in_the_language_asked() -> None:
    rows = [counter("agreements", "agreement", "3", group="AgreementSigned")]
    assert "Ký thỏa thuận" in render(view(rows, "vi", by="kind"), 100)
    assert "AgreementSigned" in render(view(rows, "en", by="kind"), 100)


def test_vietnamese_numbers_group_thousands_with_dots() -> None:
    assert number(Decimal("390912000000"), "vi") == "390.912.000.000"
    assert number(Decimal("2.5"), "vi") == "2,5"
    assert number(Decimal("1234.5"), "en") == "1,234.5"
    out = render(view([counter("aid_value", "VND", "40912000000")], "vi"), 100)
    assert "40,912 tỷ" in out and "Chắc chắn" in out
    assert amount(Decimal("9610000"), "vi") == "9.610.000" and amount(Decimal("96100000"), "en") == "96.1 m"


def test_the_caption_names_the_date_and_the_partner() -> None:
    out = render(view([counter("agreements", "agreement", "2")], partner="van-son"), 100)
    assert "as of 2021-12-31" in out and "Wenshan" in out
    assert "agreements" in out


@pytest.mark.parametrize(
    ("made", "shown"),
    [
        (counter("workers", "worker", "2000", high=None), "≥ 2,000"),
        (counter("spending", "VND", "350000000000", approximate=True), "≈ 350 bn"),
        (counter("twinnings", "district", "3", high="6", conflicts=(Conflict(("a", "b"), (Decimal(6), Decimal(3))),)), "3–6 (sources disagree)"),
        (counter("agreements", "agreement", "12"), "12"),
    ],
)
def test_a_value_says_how_sure_it_is(made: Counter, shown: str) -> None:
    line = next(line for line in render(view([made]), 120).splitlines() if made.metric in line)
    assert shown in line
    if shown == "12":
        assert "≥" not in line and "≈" not in line and "–" not in line


def test_counter_rows_keep_the_bounds_and_the_contributors() -> None:
    rows = counter_rows(Counters(AS_OF, None, None, None, (counter("agreements", "agreement", "86", "2"),)))
    assert rows[0][:8] == ("agreements", "agreement", "", "", "86", "2", "88", "no")
    assert rows[0][9] == "a" and rows[0][10] == "b"


def explanation() -> Explanation:
    entries = {e.slug: e for e in (make_entry("2021-programme", "2021", title="Programme [b]x[/b]"), make_entry("2022-b", "[..2022]"))}
    items = (
        Contribution("2021-programme", "AgreementSigned", "agreement", "event", Decimal(1), Decimal(1), Decimal(1), "definite", "2021"),
        Contribution("2022-b", "AgreementSigned", "agreement", "event", Decimal(1), Decimal(1), Decimal(1), "possible", "[..2022]"),
    )
    counters = (counter("agreements", "agreement", "1", "1"),)
    return Explanation("agreements", None, AS_OF, None, counters, items, Page(1, 20, 2), entries, {}, PARTNERS)


def test_explain_shows_each_contribution_and_its_quote() -> None:
    out = render(ExplainView(explanation()), 120)
    assert "Behind agreements" in out
    assert "2021-programme" in out and "definite" in out and "possible" in out
    assert "Ký kết chương trình hợp tác." in out
    assert "Programme [b]x[/b]" in out
    assert [row[0] for row in explain_rows(explanation())] == ["2021-programme", "2022-b"]
    assert explain_rows(explanation())[0][-1] == "article.txt"


def test_sparkline_follows_the_values() -> None:
    assert sparkline([0, 1, 2, 4, 8]) == " ▂▃▅█"
    assert sparkline([0, 0]) == "  "
    assert sparkline([]) == ""


def test_bar_scales_and_shades_the_possible_part() -> None:
    full = bar(10, 0, 10, 20).plain
    assert full == "█" * 20
    half = bar(5, 5, 10, 20).plain
    assert half == "█" * 10 + "░" * 10
    assert bar(0, 0, 10, 20).plain == ""
    assert bar(1, 0, 1000, 20).plain == EIGHTHS[1]  # never nothing for something
    assert all(len(w) for w in words("a b"))


@pytest.mark.parametrize("width", [100, 160])
def test_a_long_grouped_table_that_fits_is_laid_out_exactly_as_rich_would_lay_it_out(width: int) -> None:
    rows = [counter(metric, unit, str(year % 7 * 13), str(year % 3), group=str(year)) for metric, unit in (("agreements", "agreement"), ("aid_value", "VND"))
            for year in range(1990, 2030)]  # fmt: skip
    grid = view(rows, by="year")._grouped(width)
    assert render(grid, width) == render(grid._rich_table(), width)


@pytest.mark.parametrize("width", [40, 60, 80])
def test_a_table_wider_than_the_terminal_folds_its_widest_columns_and_cuts_nothing(width: int) -> None:
    rows = [counter("border_regulation_violations_reported_by_both_sides", "violation", "390912000000", "42000000000", group=str(year))
            for year in range(2000, 2004)]  # fmt: skip
    out = render(view(rows, by="year")._grouped(width), width)
    assert max(len(line) for line in out.splitlines()) <= width
    assert "border_regulation_violations_reported_by_both_sides" in "".join(line.split("   ")[0].strip() for line in out.splitlines()[2:])


def test_a_grouped_table_in_colour_reads_as_the_plain_one() -> None:
    from io import StringIO

    from rich.console import Console
    from rich.text import Text

    rows = [counter("agreements", "agreement", str(year % 5), "1", group=str(year)) for year in range(1990, 2000)]
    grid = view(rows, by="year")._grouped(100)
    from chrono.render.theme import CHRONO_THEME

    coloured = Console(file=StringIO(), width=100, force_terminal=True, color_system="standard", theme=CHRONO_THEME)
    coloured.print(grid)
    shown = coloured.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b[" in shown  # drawn cell by cell, with styles
    assert Text.from_ansi(shown).plain == render(grid, 100)  # the plain lines are drawn without them
