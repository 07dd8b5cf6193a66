"""Counters (definite values, possible ranges, bars), explain, and the unicode charts."""

from __future__ import annotations

import re
from decimal import Decimal

import pendulum
import pytest

from chrono.projections.counters import Counter, counters, explain
from chrono.render.charts import EIGHTHS, bar, sparkline
from chrono.render.counters import CountersView, ExplainView, counter_rows, explain_rows
from chrono.render.text import number
from tests.unit.render_kit import PARTNERS, make_entry, quantity, render, words

AS_OF = pendulum.Date(2021, 12, 31)


def counter(metric: str, unit: str, definite: str, possible: str = "0", group: str | None = None) -> Counter:
    return Counter(metric, unit, None, group, Decimal(definite), Decimal(possible), ("a",), ("b",) if possible != "0" else (), ())


def test_definite_values_and_the_range_with_possible_ones() -> None:
    out = render(CountersView([counter("agreements", "agreement", "86", "2"), counter("aid_value", "VND", "390912000000")], PARTNERS), 100)
    assert "86–88" in out
    assert "390,912,000,000" in out
    line = next(line for line in out.splitlines() if "aid_value" in line)
    assert "–" not in line  # nothing possible: no range


@pytest.mark.parametrize("width", [60, 100, 160])
def test_big_numbers_and_long_metrics_are_never_cut(width: int) -> None:
    rows = [counter("border_regulation_violations_reported_by_both_sides", "violation", "390912000000", "42000000000")]
    out = render(CountersView(rows, PARTNERS), width)
    body = [re.split(r"\s{2,}", line.strip()) for line in out.splitlines()[3:] if line.strip()]
    # A folded cell continues at the start of its column on the next lines.
    assert "border_regulation_violations_reported_by_both_sides" in "".join(chunks[0] for chunks in body)
    assert "390,912,000,000–432,912,000,000" in "".join(chunks[-1] for chunks in body if len(chunks) > 1 or chunks[0][0].isdigit())
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= width


@pytest.mark.parametrize("width", [60, 100, 160])
def test_counters_by_year_draw_a_bar_per_year(width: int) -> None:
    rows = [counter("agreements", "agreement", "85", group="2020"), counter("agreements", "agreement", "1", group="2021"),
            counter("agreements", "agreement", "4", "3", group="2024")]  # fmt: skip
    out = render(CountersView(rows, PARTNERS, by="year"), width)
    lines = {year: next(line for line in out.splitlines() if year in line) for year in ("2020", "2021", "2024")}
    assert lines["2020"].count("█") > lines["2024"].count("█") >= 0
    assert any(c in lines["2021"] for c in EIGHTHS[1:])  # a small value still gets a sliver
    assert "░" in lines["2024"]  # the possible part
    assert "4–7" in lines["2024"]
    assert out.count("agreements") == 1  # the metric is named once for its years
    assert max(len(line) for line in out.splitlines()) <= width


def test_counters_by_kind_name_the_kind_in_the_language_asked() -> None:
    rows = [counter("agreements", "agreement", "3", group="AgreementSigned")]
    assert "Ký thỏa thuận" in render(CountersView(rows, PARTNERS, "vi", by="kind"), 100)
    assert "AgreementSigned" in render(CountersView(rows, PARTNERS, "en", by="kind"), 100)


def test_vietnamese_numbers_group_thousands_with_dots() -> None:
    assert number(Decimal("390912000000"), "vi") == "390.912.000.000"
    assert number(Decimal("2.5"), "vi") == "2,5"
    assert number(Decimal("1234.5"), "en") == "1,234.5"
    out = render(CountersView([counter("aid_value", "VND", "40912000000")], PARTNERS, "vi"), 100)
    assert "40.912.000.000" in out and "Chắc chắn" in out


def test_real_counters_render_with_their_caption() -> None:
    entries = [make_entry("2021-a", "2021"), make_entry("2022-b", "2022", quantities=(quantity("aid_value", "1000", "VND"),))]
    rows = counters(entries, PARTNERS, AS_OF)
    out = render(CountersView(rows, PARTNERS, as_of=AS_OF, partner="van-son"), 100)
    assert "as of 2021-12-31" in out and "Wenshan" in out
    assert "agreements" in out


def test_counter_rows_keep_the_contributors() -> None:
    rows = counter_rows([counter("agreements", "agreement", "86", "2")])
    assert rows[0][:7] == ("agreements", "agreement", "", "", "86", "2", "88")


def test_explain_shows_each_contribution_and_its_quote() -> None:
    entries = [make_entry("2021-programme", "2021", title="Programme [b]x[/b]"), make_entry("2022-b", "[..2022]")]
    explanation = explain(entries, PARTNERS, AS_OF, "agreements")
    data = {**explanation.to_json(), "as_of": AS_OF.isoformat(),
            "entries": {e.slug: {"when": {"edtf": e.facts.when.edtf}, "kind": e.kind, "title": {"en": e.facts.title.en, "vi": ""},
                                 "sources": [s.to_json() for s in e.sources], "corrections": []} for e in entries}}  # fmt: skip
    out = render(ExplainView(data, PARTNERS), 120)
    assert "Behind agreements" in out
    assert "2021-programme" in out and "definite" in out and "possible" in out
    assert "Ký kết chương trình hợp tác." in out
    assert "Programme [b]x[/b]" in out
    assert [row[0] for row in explain_rows(data)] == ["2021-programme", "2022-b"]


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
