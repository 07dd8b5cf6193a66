"""The state dashboard: panels that sit side by side when they fit, stack when they do not."""

from __future__ import annotations

import pendulum
import pytest

from chrono.projections.memory import TimelineQuery
from chrono.projections.views import activity, timeline
from chrono.render.state import StateView, state_markdown
from tests.unit.render_kit import PARTNERS, make_entry, render

AS_OF = pendulum.Date(2021, 12, 31)


def data() -> dict:
    entries = [
        make_entry("1991-relations", "1991", kind="RelationsEstablished", partners=("yunnan",)),
        make_entry("2018-a", "2018"), make_entry("2018-b", "2018-05"), make_entry("2020-c", "2020"),
        make_entry("2021-d", "2021/2022"), make_entry("open", "[..2020]"),
        make_entry("2021-plan", "2021", status="planned", title="Planned [bold]talks[/bold]"),
    ]  # fmt: skip
    dated = timeline(entries, TimelineQuery(), AS_OF, strict=True)
    return {
        "as_of": AS_OF.isoformat(), "known_at": None,
        "relationships": {"china": {"relations_since": "1991", "twinned_since": None, "agreements": {"definite": 4, "possible": 1}, "mechanisms": []}},
        "counters": [{"metric": "agreements", "unit": "agreement", "definite": 4, "possible": 1}],
        "latest": [{"id": d.entry.slug, "kind": d.entry.kind, "when": {"edtf": d.entry.facts.when.edtf},
                    "title": {"en": d.entry.facts.title.en, "vi": ""}, "certainty": d.certainty} for d in dated[-3:]],
        "overdue": [{"id": "2021-plan", "when": {"edtf": "2021"}, "title": {"en": "Planned [bold]talks[/bold]", "vi": ""}}],
        "activity": activity(dated).to_json(),
    }  # fmt: skip


def test_activity_counts_happenings_by_start_year() -> None:
    years = {row["year"]: (row["definite"], row["possible"]) for row in data()["activity"]["years"]}
    assert years[2018] == (2, 0) and years[2020] == (1, 0) and years[2021] == (0, 1)
    assert years[1995] == (0, 0)  # gaps are kept, so that the trend is honest
    assert data()["activity"]["undated"] == 1


@pytest.mark.parametrize("width", [60, 100, 160])
def test_the_dashboard_fits_the_width(width: int) -> None:
    out = render(StateView(data(), PARTNERS), width)
    assert max(len(line) for line in out.splitlines()) <= width
    for title in ("Relationships", "Activity per year", "Latest happenings", "Planned, date passed, no outcome", "Counters"):
        assert title in out
    assert "Planned [bold]talks[/bold]" in out


def test_panels_stack_when_narrow_and_sit_side_by_side_when_wide() -> None:
    narrow = render(StateView(data(), PARTNERS), 60)
    wide = render(StateView(data(), PARTNERS), 160)
    assert not any(line.count("╭") > 1 for line in narrow.splitlines())
    assert any(line.count("╭") > 1 for line in wide.splitlines())


def test_the_activity_panel_draws_a_sparkline_and_bars() -> None:
    out = render(StateView(data(), PARTNERS), 100)
    spark = next(line for line in out.splitlines() if "1991" in line and "2021" in line)
    assert any(block in spark for block in "▁▂▃▄▅▆▇█")
    bar_2018 = next(line for line in out.splitlines() if "│ 2018 2 " in line)
    assert "█" in bar_2018
    assert "░" in next(line for line in out.splitlines() if "│ 2021 1 " in line)


def test_vietnamese_and_markdown() -> None:
    out = render(StateView(data(), PARTNERS, "vi"), 100)
    assert "Các mối quan hệ" in out and "Hoạt động theo năm" in out and "tính đến 2021-12-31" in out
    md = state_markdown(data(), PARTNERS, "en")
    assert md.startswith("# State")
    assert "## Relationships" in md and "| China | 1991 |" in md
    assert "Planned \\[bold\\]talks\\[/bold\\]" in md
