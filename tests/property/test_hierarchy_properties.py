"""The partner hierarchy's closures: a partner and everyone below it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chrono.events.values import Names, Partner
from chrono.projections.hierarchy import ancestry, children, descendants


@st.composite
def registries(draw: st.DrawFn) -> dict[str, Partner]:
    """A forest: each partner's parent is one registered before it, or none."""
    size = draw(st.integers(1, 30))
    partners: dict[str, Partner] = {}
    for index in range(size):
        parent = draw(st.none() | st.sampled_from(sorted(partners))) if partners else None
        pid = f"p{index}"
        partners[pid] = Partner(id=pid, name=Names(en=pid, vi=pid), level="province", parent=parent)
    return partners


@given(registries(), st.data())
def test_descendants_are_the_partners_whose_ancestry_passes_through_it(partners: dict[str, Partner], data: st.DataObject) -> None:
    pid = data.draw(st.sampled_from(sorted(partners)))
    expected = {other for other in partners if pid in {p.id for p in ancestry(other, partners)}}
    assert descendants(pid, partners) == expected
    # A caller asking for many partners makes the children once and passes them.
    assert descendants(pid, partners, children(partners)) == expected
