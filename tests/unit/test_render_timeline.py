"""The timeline view: groups, dates in their own precision, markers, wrapping, paging, languages."""

from __future__ import annotations

import pendulum
import pytest

from chrono.projections.results import Page
from chrono.render.timeline import RULE, TimelineView, grouping, timeline_rows
from chrono.when import When
from tests.unit.render_kit import LONG_VI, PARTNERS, chronicle, dated, make_entry, render, words

AS_OF = pendulum.Date(2021, 6, 30)


def view(rows: list, lang: str = "en", **options: object) -> TimelineView:
    return TimelineView(rows, PARTNERS, lang, as_of=AS_OF, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("width", [60, 100, 160])
def test_no_line_is_wider_than_the_console(width: int) -> None:
    out = render(view(chronicle()), width)
    assert max(len(line) for line in out.splitlines()) <= width


def test_entries_are_grouped_by_start_year_in_order() -> None:
    out = render(view(chronicle()), 100)
    headings = [line.split("─ ", 1)[1].split(" ")[0] for line in out.splitlines() if "┼─" in line]
    assert headings == ["1991", "2015", "2016", "2018", "2019", "2021", "2024"]


def test_a_long_span_is_grouped_by_decade() -> None:
    rows = [dated(make_entry("1950-a", "1950")), dated(make_entry("1957-b", "1957")), dated(make_entry("2001-c", "2001"))]
    assert grouping([r.entry.facts.when for r in rows]) == "decade"
    out = render(view(rows), 100)
    assert "1950s" in out and "2000s" in out
    assert "1990s" not in out  # only decades that hold entries
    assert render(view(rows, "vi"), 100).count("thập niên") == 2


def test_a_short_span_is_grouped_by_year() -> None:
    assert grouping([When.parse("1991"), When.parse("2024")]) == "year"


def test_dates_keep_their_own_precision_in_both_languages() -> None:
    rows = [
        dated(make_entry("since", "1991/..", kind="RelationsEstablished")),
        dated(make_entry("month", "2016-03")),
        dated(make_entry("late", "[2024-03-21..2024-03-31]")),
    ]
    english = render(view(rows), 120)
    assert "since 1991" in english and "March 2016" in english and "late March 2024" in english
    vietnamese = render(view(rows, "vi"), 120)
    assert "từ năm 1991" in vietnamese and "tháng 3/2016" in vietnamese and "cuối tháng 3/2024" in vietnamese


def test_markers_for_planned_possible_corrected_and_retracted() -> None:
    out = render(view(chronicle()), 160)
    lines = out.splitlines()

    def line_of(text: str) -> str:
        found = [i for i, line in enumerate(lines) if text in line]
        assert found, text
        return "\n".join(lines[found[0] : found[0] + 3])

    assert "planned" in line_of("Visit to Hà Giang") and "◇" in line_of("Visit to Hà Giang")
    assert "possible" in line_of("Cooperation programme") and "◐" in line_of("Cooperation programme")
    assert "corrected" in line_of("Commune twinning")
    assert "retracted" in line_of("Duplicate visit") and "✗" in line_of("Duplicate visit")
    assert "corrected" not in line_of("Tourism conference") and "possible" not in line_of("Tourism conference")


def test_the_corrected_date_is_shown() -> None:
    out = render(view(chronicle()), 100)
    assert "May 2018" in out


def test_a_vertical_rule_runs_through_every_entry_line() -> None:
    out = render(view(chronicle()), 80)
    body = out.splitlines()[2:-1]  # caption and header above, legend below
    column = body[1].index("●") if "●" in body[1] else None
    assert column is not None
    for line in body:
        if line.strip():
            assert line[column] in f"{RULE}┼●◐○◇✗", line


@pytest.mark.parametrize("width", [60, 100, 160])
def test_long_vietnamese_titles_wrap_and_are_never_cut(width: int) -> None:
    rows = [dated(make_entry("long", "2018", title="Long", title_vi=LONG_VI, partners=("thien-bao", "malipo", "van-son")))]
    out = render(view(rows, "vi"), width)
    flat = " ".join(out.split())
    for word in words(LONG_VI):
        assert word in flat
    assert "…" not in out
    if width == 60:
        assert sum(1 for line in out.splitlines() if "│" in line) >= 2  # it wrapped inside the rule


def test_vietnamese_labels() -> None:
    out = render(view(chronicle(), "vi"), 100)
    assert "Thời gian" in out and "Dòng thời gian" in out
    assert "Kết nghĩa" in out and "Thiết lập quan hệ" in out
    assert "dự kiến" in out and "đã đính chính" in out and "đã rút lại" in out
    assert "tính đến 2021-06-30" in out


def test_markup_in_data_prints_as_written() -> None:
    rows = [dated(make_entry("markup", "2020", title="[bold]x[/bold] and [red]y"))]
    out = render(view(rows), 100)
    assert "[bold]x[/bold] and [red]y" in out


def test_paging_shows_the_page_and_how_to_get_the_next() -> None:
    rows = chronicle()
    out = render(view(rows[3:6], page=Page(2, 3, len(rows))), 100)
    assert "entries 4–6 of 7 · page 2 of 3" in out and "--page 3" in out
    assert "--page 4" not in render(view(rows[6:], page=Page(3, 3, len(rows))), 100)


def test_a_page_beyond_the_end_says_so() -> None:
    assert "No entries on page 9: the last page is 3." in render(view([], page=Page(9, 3, 7)), 100)


def test_empty_timeline() -> None:
    assert "No entries match." in render(view([]), 80)
    assert "Không có mục nào." in render(view([], "vi"), 80)


def test_figures_show_their_amounts() -> None:
    out = render(view(chronicle()), 120)
    assert "85 agreement" in out


def test_rows_for_csv_and_markdown() -> None:
    rows = timeline_rows(chronicle(), PARTNERS, "en")
    by_id = {row[0]: row for row in rows}
    assert by_id["2018-twinning"][1] == "2018-05" and by_id["2018-twinning"][8] == "yes"  # corrected
    assert by_id["2019-duplicate"][9] == "yes"  # retracted
    assert by_id["2021-programme"][7] == "possible"


def test_the_layout_at_sixty_columns() -> None:
    rows = [
        dated(make_entry("1991-relations", "1991/..", kind="RelationsEstablished", title="Relations with Yunnan and Guangxi",
                         partners=("yunnan", "guangxi"))),
        dated(make_entry("2024-visit", "[2024-03-21..2024-03-31]", kind="VisitMade",
                         title="Wenshan delegation invited to the Hà Giang culture and tourism festival", status="planned"), "possible"),
    ]  # fmt: skip
    out = render(TimelineView(rows, PARTNERS, "en", as_of=pendulum.Date(2024, 3, 25)), 60)
    assert out == (
        "Timeline · 2 entries · as of 2024-03-25\n"
        "          Date ┬ Entry\n"
        "               ┼─ 1991 ─────────────────────────────────────\n"
        "    since 1991 ● Relations with Yunnan and Guangxi\n"
        "               │ RelationsEstablished · Yunnan, Guangxi\n"
        "               │\n"
        "               ┼─ 2024 ─────────────────────────────────────\n"
        "    late March ◇ Wenshan delegation invited to the Hà Giang\n"
        "          2024 │ culture and tourism festival\n"
        "               │ VisitMade · Wenshan · planned · possible\n"
        "● happened   ◇ planned\n"
    )
