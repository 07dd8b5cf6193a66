"""The state dashboard: panels that sit side by side when they fit, stack when they do not."""

from __future__ import annotations

from decimal import Decimal

import pendulum
import pytest

from chrono.projections.results import Activity, Axes, Counter, Counters, Dated, IdPage, Relationship, Since, State
from chrono.render.state import StateView, state_markdown
from tests.unit.render_kit import PARTNERS, make_entry, render

AS_OF = pendulum.Date(2021, 12, 31)


def data() -> State:
    relations = make_entry("1991-relations", "1991", kind="RelationsEstablished", partners=("yunnan",))
    recent = (Dated(make_entry("2020-c", "2020"), "definite"), Dated(make_entry("2021-d", "2021/2022"), "possible"))
    agreements = Counter("agreements", "agreement", None, None, Decimal(4), Decimal(1), Decimal(5))
    china = Relationship("china", Since(relations, "definite"), None, agreements, IdPage(), {"AgreementSigned": 5})
    activity = Activity(tuple((year, 2 if year == 2018 else 1 if year in (1991, 2020) else 0, 1 if year == 2021 else 0) for year in range(1991, 2022)), 1)
    overdue = (make_entry("2021-plan", "2021", status="planned", title="Planned [bold]talks[/bold]"),)
    counters = Counters(AS_OF, None, None, None, (agreements,))
    return State(Axes(AS_OF), (china,), counters, recent, overdue, activity, PARTNERS)


@pytest.mark.parametrize("width", [60, 100, 160])
def test_the_dashboard_fits_the_width(width: int) -> None:
    out = render(StateView(data()), width)
    assert max(len(line) for line in out.splitlines()) <= width
    for title in ("Relationships", "Activity per year", "Latest happenings", "Planned, date passed, no outcome", "Counters"):
        assert title in out
    assert "Planned [bold]talks[/bold]" in out


def test_panels_stack_when_narrow_and_sit_side_by_side_when_wide() -> None:
    narrow = render(StateView(data()), 60)
    wide = render(StateView(data()), 160)
    assert not any(line.count("╭") > 1 for line in narrow.splitlines())
    assert any(line.count("╭") > 1 for line in wide.splitlines())


def test_the_activity_panel_draws_a_sparkline_and_bars() -> None:
    out = render(StateView(data()), 100)
    spark = next(line for line in out.splitlines() if "1991" in line and "2021" in line)
    assert any(block in spark for block in "▁▂▃▄▅▆▇█")
    bar_2018 = next(line for line in out.splitlines() if "│ 2018 2 " in line)
    assert "█" in bar_2018
    assert "░" in next(line for line in out.splitlines() if "│ 2021 1 " in line)


def test_vietnamese_and_markdown() -> None:
    out = render(StateView(data(), "vi"), 100)
    assert "Các mối quan hệ" in out and "Hoạt động theo năm" in out and "tính đến 2021-12-31" in out
    md = state_markdown(data(), "en")
    assert md.startswith("# State")
    assert "## Relationships" in md and "| China | 1991 |" in md
    assert "Planned \\[bold\\]talks\\[/bold\\]" in md
