"""The entry counts (``projections.tallies``) against a plain fold, and their memory bounded by the registry."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from chrono.projections.tallies import ACTOR, EVERYTHING, PARTNER, Tallies

IDS = [f"p{n}" for n in range(12)]


@st.composite
def hierarchies(draw: st.DrawFn) -> dict[str, str | None]:
    """A forest: each partner's parent is one defined before it, or none."""
    parents: dict[str, str | None] = {}
    for number, pid in enumerate(IDS):
        parents[pid] = draw(st.none() | st.sampled_from(IDS[:number])) if number else None
    return parents


subsets = st.lists(st.sampled_from(IDS), max_size=3, unique=True).map(tuple)
keys = st.tuples(st.sampled_from(["VisitMade", "AidProvided"]), st.sampled_from(["happened", "planned"]), st.integers(0, 1), st.integers(1990, 2030))
entries = st.lists(st.tuples(subsets, subsets, keys, st.sampled_from([1, -1])), max_size=60)


Counted = list[tuple[tuple[str, ...], tuple[str, ...], tuple[str, str, int, int], int]]


def reference(parents: dict[str, str | None], counted: Counted) -> Counter[tuple[object, ...]]:
    """Every entry once in each scope at or above one of its partners (partner side), else of its actors (actor side)."""

    def above(pid: str) -> set[str]:
        found: set[str] = set()
        current: str | None = pid
        while current is not None:
            found.add(current)
            current = parents[current]
        return found

    out: Counter[tuple[object, ...]] = Counter()
    for partners, actors, key, sign in counted:
        through = {EVERYTHING}.union(*(above(p) for p in partners))
        by_actor = set().union(*(above(a) for a in actors)) - through
        for scope in through:
            out[(scope, PARTNER, *key)] += sign
        for scope in by_actor:
            out[(scope, ACTOR, *key)] += sign
    return out


@given(hierarchies(), entries)
def test_the_counts_are_the_plain_fold_and_the_scopes_kept_are_one_per_partner(parents: dict[str, str | None], counted: Counted) -> None:
    tallies = Tallies(parents)
    for partners, actors, key, sign in counted:
        tallies.add(partners, actors, key, sign)
    assert {k: n for k, n in tallies.changes.items() if n} == {k: n for k, n in reference(parents, counted).items() if n}
    assert len(tallies._scopes) <= len(IDS)  # bounded by the registry, however many entries and sets of partners


@given(hierarchies(), entries, st.sampled_from(IDS), st.sampled_from([None, *IDS[:3]]))
def test_a_moved_partner_counts_later_entries_in_its_new_families(parents: dict[str, str | None], counted: Counted, moved: str, parent: str | None) -> None:
    if parent is not None and (parent == moved or moved in _ancestors(parents, parent)):
        parent = None  # no cycle
    tallies = Tallies(parents)
    half = len(counted) // 2
    for partners, actors, key, sign in counted[:half]:
        tallies.add(partners, actors, key, sign)
    tallies.partner(moved, parent)
    for partners, actors, key, sign in counted[half:]:
        tallies.add(partners, actors, key, sign)
    expected: Counter[tuple[object, ...]] = Counter()
    expected.update(reference(parents, counted[:half]))
    expected.update(reference({**parents, moved: parent}, counted[half:]))
    assert {k: n for k, n in tallies.changes.items() if n} == {k: n for k, n in expected.items() if n}
    assert tallies.stale == (parents[moved] != parent)


def _ancestors(parents: dict[str, str | None], pid: str) -> set[str]:
    found: set[str] = set()
    current = parents[pid]
    while current is not None:
        found.add(current)
        current = parents[current]
    return found


@given(hierarchies(), entries, st.lists(st.booleans(), min_size=60, max_size=60))
def test_counts_gathered_in_two_slices_and_merged_are_the_plain_fold(parents: dict[str, str | None], counted: Counted, sides: list[bool]) -> None:
    here, there = Tallies(parents), Tallies(parents)
    for (partners, actors, key, sign), side in zip(counted, sides, strict=False):
        (here if side else there).add(partners, actors, key, sign)
    here.merge(there)
    assert {k: n for k, n in here.changes.items() if n} == {k: n for k, n in reference(parents, counted).items() if n}


@given(hierarchies(), st.lists(st.tuples(st.uuids(), subsets, subsets, keys), max_size=40, unique_by=lambda item: item[0]))
def test_counts_made_again_from_rows_are_the_plain_fold(parents: dict[str, str | None], live: list[tuple[object, ...]]) -> None:
    """``recounted`` (what a partner's move and the fingerprint check make the counts from): the rows of
    ``LIVE_LINKS``, an aggregate's together, each entry with its partners and actors."""
    from chrono.projections.tallies import recounted

    rows: list[tuple[object, ...]] = []
    expected: Counted = []
    for aggregate, partners, actors, (kind, status, retracted, year) in sorted(live, key=lambda item: str(item[0])):  # type: ignore[misc]
        links = [(pid, "partner") for pid in partners] + [(pid, "actor") for pid in actors if pid not in partners]
        head = (str(aggregate), kind, status, retracted, year * 10000 + 101)
        rows += [(*head, pid, role) for pid, role in links] or [(*head, None, None)]
        expected.append((partners, tuple(a for a in actors if a not in partners), (kind, status, retracted, year), 1))
    tallies = recounted(parents, rows)
    assert {k: n for k, n in tallies.changes.items() if n} == {k: n for k, n in reference(parents, expected).items() if n}
