"""Any date chrono displays, in English or Vietnamese, reads back as the same EDTF."""

from __future__ import annotations

import calendar

from hypothesis import given
from hypothesis import strategies as st

from chrono.interchange.dates import parse_date
from chrono.when import When

# Years a news article speaks of: four digits (display writes year 5 as "5").
years = st.integers(min_value=1000, max_value=2999)


@st.composite
def edtf_dates(draw: st.DrawFn) -> str:
    y, m = draw(years), draw(st.integers(1, 12))
    d = draw(st.integers(1, calendar.monthrange(y, m)[1]))
    last = calendar.monthrange(y, m)[1]
    part = draw(st.sampled_from([(1, 10), (11, 20), (21, last)]))
    qualifier = draw(st.sampled_from(["", "~", "?", "%"]))
    forms = [
        f"{y:04d}-{m:02d}-{d:02d}{qualifier}",
        f"{y:04d}-{m:02d}{qualifier}",
        f"{y:04d}{qualifier}",
        f"[{y:04d}-{m:02d}-{part[0]:02d}..{y:04d}-{m:02d}-{part[1]:02d}]",
        f"{y:04d}-{draw(st.integers(33, 41))}",
        # Seasons 25-28 display exactly as 21-24 ("spring 2024"): no text tells them apart.
        f"{y:04d}-{draw(st.sampled_from([21, 22, 23, 24, 29, 30, 31, 32]))}",
        f"{y:04d}"[:3] + "X",
        f"{y:04d}"[:2] + "XX",
        f"{y:04d}/{y + draw(st.integers(1, 30)):04d}",
        f"{y:04d}-{m:02d}/{y + 1:04d}-{draw(st.integers(1, 12)):02d}",
        f"{y:04d}/..",
        f"../{y:04d}-{m:02d}",
        f"[..{y:04d}-{m:02d}-{d:02d}]",
        f"[{y:04d}..]",
        f"[{y:04d}..{y + draw(st.integers(1, 9)):04d}]",
    ]
    return draw(st.sampled_from(forms))


@given(edtf_dates(), st.sampled_from(["en", "vi"]))
def test_a_displayed_date_parses_back_to_its_edtf(edtf: str, lang: str) -> None:
    text = When.parse(edtf).display(lang)
    assert parse_date(text, lang) == edtf, text
