"""Running totals: the counters as of any day in a few index lookups.

A counter's value as of a day is the sum of its contributions' segments that
hold that day (``counting.segments``). Sorted by day, the segments' starts
and ends are steps; their running sums, stored per day on which something
changes, are the counter on every day. One set of running totals is kept per
*facet*: the partner asked for (or everything) and the grouping; it is made
from the contributions the first time the facet is asked for and made again
when the read model has moved since (``refresh``).

Each row holds, for a facet, group, counter and day: the low values of what
is definite and of what is possible, the sum of the high values and how many
of them are open, how many approximate values count, and how many
contributions are definite, possible and covered. ``totals_keys`` keeps each
key's last row, so that a day after it needs no seek. Competing claims that
count are kept beside them with the days they count (``conflicts``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs

from chrono.projections.counting import Family, Part
from chrono.projections.counting.claims import unlisted
from chrono.projections.cursors import retry_busy, rowcount
from chrono.projections.facets import FIELDS, Facet, Made
from chrono.projections.readmodel import ReadModel
from chrono.projections.schema import NAME

# This process's part of the work of making facets with a second one: it also stores every facet made,
# theirs too (a first state at 100k: 3 s of its 13, while the second one worked 7 s in all).
STORING = 0.4
MAX_FACETS = 32  # facets kept at once besides the overall one; making one more drops the least recently made


@attrs.frozen
class Found:
    """A counter's running totals on a day, and the competing claims counted in it."""

    group: str | None
    metric: str
    unit: str
    values: tuple[Any, ...]
    conflicts: tuple[tuple[tuple[str, ...], tuple[Decimal, ...]], ...] = ()


def read(model: ReadModel, facet: Facet, day: int, metric: str | None = None) -> list[Found]:
    """Every counter of ``facet`` (of ``metric``, if given) with something counted on ``day``
    (made, moved or made again first if needed)."""
    return read_many(model, [facet], day, metric)[facet.name]


def read_many(model: ReadModel, facets: Sequence[Facet], day: int, metric: str | None = None) -> dict[str, list[Found]]:
    """``read`` for several facets at once: a few queries however many facets (``state`` asks for one per relationship)."""
    if not facets:  # PostgreSQL refuses an empty IN list
        return {}
    refresh_all(model, facets)
    names = [facet.name for facet in facets]
    marks = ", ".join("?" for _ in names)
    where, params = f"k.facet IN ({marks})", list(names)
    if metric is not None:
        where, params = where + " AND k.metric = ?", [*params, model.veil.hide(metric)]
    values: dict[tuple[str, str, str, str], tuple[Any, ...]] = {}
    for row in model.rows(f"SELECT * FROM {{t:totals_keys}} k WHERE {where} AND k.last_day <= ?", [*params, day]):
        values[_key(model, row)] = _values(model, row)
    columns = ", ".join("t." + f for f in FIELDS)
    # CROSS JOIN keeps SQLite to this order: asked for one metric, it would otherwise
    # read every running total of the facets (each day's) and look each up in the keys
    # (90 ms for the relationships of state at 1M entries, against 2 ms).
    seek = (
        f"SELECT k.facet, k.grp, k.metric, k.unit, {columns} FROM {{t:totals_keys}} k CROSS JOIN {{t:totals}} t WHERE {where} AND k.last_day > ?"
        " AND t.facet = k.facet AND t.grp = k.grp AND t.metric = k.metric AND t.unit = k.unit AND t.day = (SELECT MAX(u.day) FROM {t:totals} u"
        " WHERE u.facet = k.facet AND u.grp = k.grp AND u.metric = k.metric AND u.unit = k.unit AND u.day <= ?)"
    )
    for row in model.rows(seek, [*params, day, day]):
        values[_key(model, row)] = _values(model, row)
    pending = f"SELECT facet, grp, metric, unit, {', '.join(FIELDS)} FROM {{t:totals_pending}} k WHERE {where} AND k.day <= ?"
    for row in model.rows(pending, [*params, day]):
        key = _key(model, row)
        values[key] = _added(values.get(key), _values(model, row))
    clashes: dict[tuple[str, str, str, str], list[tuple[tuple[str, ...], tuple[Decimal, ...]]]] = defaultdict(list)
    query = f"SELECT * FROM {{t:conflicts}} k WHERE {where} AND k.start_day <= ? AND k.end_day > ? ORDER BY k.grp, k.entries"
    for row in model.rows(query, [*params, day, day]):
        clashes[_key(model, row)].append(unlisted(str(row["entries"]), model.veil.show(str(row["claimed"]))))
    out: dict[str, list[Found]] = {name: [] for name in names}
    for key, found in sorted(values.items()):
        if int(found[5]) + int(found[6]) + int(found[7]):
            name, group, metric_, unit = key
            out[name].append(Found(group or None, metric_, unit, found, tuple(clashes.get(key, ()))))
    return out


def _key(model: ReadModel, row: Any) -> tuple[str, str, str, str]:
    """A stored row's facet, group, metric and unit, shown (so that counters sort by what they say, sealed or not)."""
    show = model.veil.show
    return str(row["facet"]), str(row["grp"]), show(str(row["metric"])), show(str(row["unit"]))


def _values(model: ReadModel, row: Any) -> tuple[Any, ...]:
    """A stored row's running totals: the three sums shown, as text; the five counts."""
    show = model.veil.show
    return (*(show(str(row[f])) for f in FIELDS[:3]), *(row[f] for f in FIELDS[3:]))


def _added(base: tuple[Any, ...] | None, step: tuple[Any, ...]) -> tuple[Any, ...]:
    """A running total with a pending step added (decimals are kept as text)."""
    if base is None:
        return step
    return (*(str(Decimal(str(a)) + Decimal(str(b))) for a, b in zip(base[:3], step[:3], strict=True)),
            *(int(a) + int(b) for a, b in zip(base[3:], step[3:], strict=True)))  # fmt: skip


# -- making them ------------------------------------------------------------------


def refresh_all(model: ReadModel, facets: Sequence[Facet]) -> None:
    """``refresh`` each facet that the read model has moved past; those made again, made together
    (``state`` asks for one per relationship: they are shared out as one piece of work)."""
    positions = _positions(model)
    stale = [facet for facet in facets if positions.get(facet.tracking) != positions.get(NAME, 0)]
    _remake(model, [facet for facet in stale if not _moved(model, facet, positions)], positions)


def refresh(model: ReadModel, facet: Facet, positions: dict[str, int] | None = None) -> None:
    """Bring the facet's totals up to the read model: moved by what happenings changed since
    they were made (``moves``), or made again when a figure or a partner changed."""
    if positions is None:
        positions = _positions(model)
    made = positions.get(facet.tracking)
    if made is not None and made == positions.get(NAME, 0):
        return
    if not _moved(model, facet, positions):
        _remake(model, [facet], positions)


def make_all(model: ReadModel, facets: Sequence[Facet], tables: ReadModel | None = None) -> None:
    """``refresh`` each facet; those never made yet (a reference's) made together: one pass over the
    contributions of each partner, whose segments they share. ``tables``: the read model whose tables
    they are made from, at its position (``model``'s own by default)."""
    positions = _positions(model)
    for facet in facets:
        if facet.tracking in positions:
            refresh(model, facet, positions)
    _remake(model, [facet for facet in facets if facet.tracking not in positions], positions, tables)


def _positions(model: ReadModel) -> dict[str, int]:
    return {str(row["name"]): int(row["position"]) for row in model.rows("SELECT name, position FROM {t:tracking}", [])}


def _moved(model: ReadModel, facet: Facet, positions: dict[str, int]) -> bool:
    """Whether the facet's totals, made before, were moved to where the read model stands (``moves``)."""
    made = positions.get(facet.tracking)
    if made is None:
        return False
    from chrono.projections import moves

    return moves.move(model, facet, made, positions.get(NAME, 0))


def _remake(model: ReadModel, facets: Sequence[Facet], positions: dict[str, int], tables: ReadModel | None = None) -> None:
    """Make the facets' totals again, together, from ``tables`` (``model``'s own by default), and store each
    in ``model`` unless another reader made it since (``positions``: where each was made, as we looked)."""
    if not facets:
        return
    with model.working("making running totals", len(facets)) as advance:
        for facet, rows in facets_rows(tables or model, facets):
            made = positions.get(facet.tracking)
            retry_busy(lambda facet=facet, made=made, rows=rows: _store(model, facet, made, rows))  # type: ignore[misc]
            advance(1)


def facet_rows(model: ReadModel, facet: Facet) -> Made:
    """The read model's position and the facet's rows, from one consistent read."""
    return dict(facets_rows(model, [facet]))[facet]


def facets_rows(model: ReadModel, facets: Sequence[Facet]) -> Iterator[tuple[Facet, Made]]:
    """``facet_rows`` of several facets, each whole as soon as it is made (so that a million entries'
    facets are never all held): each group of them (``totals_rows.groups_of``: a partner's, or several
    partners' whose families hold many entries) from one pass over its contributions, in one
    consistent read; shared with a second process where there is much to make (``shares``)."""
    from chrono.projections import shares, totals_rows  # making facets: a query that reads them needs neither

    return shares.made(model, totals_rows.groups_of(model, facets), totals_rows.job_rows, here=STORING)


def _store(model: ReadModel, facet: Facet, made: int | None, rows: Made) -> None:
    """Replace the facet's totals with ``rows`` (made at their position), unless another reader made them since we looked."""
    from chrono.projections import seals, totals_rows

    position = rows[0]
    with model.datastore.transaction(commit=True) as cursor:
        if made is None:
            _drop_oldest(model, cursor)
            statement = "INSERT INTO {t:tracking} (name, position) VALUES (?, ?) ON CONFLICT DO NOTHING"
            cursor.execute(model.sql(statement), (facet.tracking, position))
            ours = rowcount(cursor) == 1
        else:
            ours = model.advance(cursor, facet.tracking, made, position)
        if not ours:
            return  # someone else made them since: theirs will do
        seals.check_before_forgetting(cursor, model.dialect, facet.tracking, made, seals.totals_sum(cursor, model.dialect, facet.name))
        _forget(model, cursor, facet.name)
        tables = totals_rows.stored_tables(rows)
        for table, got in tables:
            model.insert(cursor, table, got)
        seals.seal(cursor, model.dialect, facet.tracking, position, totals_rows.sealed_sum(tables))


def _drop_oldest(model: ReadModel, cursor: Any) -> None:
    """Make room for one more facet: drop the totals made least recently, beyond ``MAX_FACETS``."""
    from chrono.projections import seals

    cursor.execute(model.sql("SELECT name, position FROM {t:tracking} WHERE name LIKE ? ORDER BY position, name"), (f"{NAME}/totals/%",))
    kept = [row for row in cursor.fetchall() if str(row["name"]) != Facet().tracking]
    for row in kept[: max(0, len(kept) - MAX_FACETS + 1)]:
        name = str(row["name"]).removeprefix(f"{NAME}/totals/")
        seals.check_before_forgetting(cursor, model.dialect, str(row["name"]), row["position"], seals.totals_sum(cursor, model.dialect, name))
        cursor.execute(model.sql("DELETE FROM {t:tracking} WHERE name = ?"), (row["name"],))
        cursor.execute(model.sql("DELETE FROM {t:seals} WHERE name = ?"), (row["name"],))
        _forget(model, cursor, name)


def _forget(model: ReadModel, cursor: Any, name: str) -> None:
    for table in ("totals", "totals_keys", "totals_pending", "conflicts"):
        cursor.execute(model.sql(f"DELETE FROM {{t:{table}}} WHERE facet = ?"), (name,))


def parts_of(model: ReadModel, facet: Facet) -> tuple[Family, dict[tuple[str, str], list[Part]]]:
    """The family and the counted contributions a facet is made from (for tests and audits)."""
    from chrono.projections.queries.parts import family, parts

    tree = family(model, None)
    return tree, parts(model, None, tree.of(facet.partner) if facet.partner is not None else None)
