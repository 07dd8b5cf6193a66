"""Which group a contribution falls in when counters are grouped (``--by year|kind|partner``)."""

from __future__ import annotations

from chrono.projections.counting.rule import Part, year_of

GROUPINGS = ("year", "kind", "partner")


def groups(part: Part, by: str | None, wanted: frozenset[str] | None) -> list[str | None]:
    """The groups a contribution falls in: its year, its kind, or each partner of its scope
    (those in ``wanted`` when some are); None when it has none."""
    if by is None:
        return [None]
    if by == "year":
        year = year_of(part.earliest, part.latest)
        return [None if year is None else str(year)]
    if by == "kind":
        return [part.kind]
    ids = list(part.scope)
    if wanted is not None:
        ids = [pid for pid in ids if pid in wanted] or ids
    return [*ids] if ids else [None]


def group_order(group: str | None, by: str | None) -> tuple[int, int, str]:
    """Groups in order: none first, years by number, the others by name."""
    if group is None:
        return (0, 0, "")
    if by == "year":
        return (1, int(group), "")
    return (1, 0, group)
