"""Hypothesis strategies shared by the property tests: EDTF strings of every shape a chronicle uses."""

from __future__ import annotations

from hypothesis import strategies as st

years = st.integers(2014, 2022)
months = st.integers(1, 12)


@st.composite
def interval(draw: st.DrawFn) -> str:
    a, b = sorted((draw(years), draw(years)))
    if draw(st.booleans()):
        return f"{a}/{b}"
    m1, m2 = draw(months), draw(months)
    if (a, m1) > (b, m2):
        m1, m2 = m2, m1
    return f"{a}-{m1:02d}/{b}-{m2:02d}"


@st.composite
def edtf(draw: st.DrawFn) -> str:
    y = draw(years)
    form = draw(st.integers(0, 12))
    if form == 0:
        return str(y)
    if form == 1:
        return f"{y}-{draw(months):02d}"
    if form == 2:
        return f"{y}-{draw(months):02d}-{draw(st.integers(1, 28)):02d}"
    if form in (3, 4, 5):
        return draw(interval())
    return [f"{y}/..", f"{y}/", f"../{y}", f"/{y}", f"{y}?", f"{str(y)[:3]}X", f"[..{y}]", f"{y}-21"][form - 6]
