"""Moving the running totals by what changed since they were made.

After a correction, a retraction or a few new entries, making the totals
again from every contribution (``totals._made``) costs as much as the whole
chronicle; moving them costs as much as the change. The totals made at
position ``made`` are moved to the read model's position ``P`` when every
event in between revised an entry or registered a partner, and none of
those revisions touched a reported figure: then each counter's figures,
and so every other contribution's days, are what they were, and the
change is the steps of each revised entry's contributions at ``P`` minus
those it had at ``made``.
Anything else (a figure reported, corrected or retracted; a large import)
makes them again in full.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from chrono.projections import running
from chrono.projections.readmodel import NAME, ReadModel, retry_busy

LIMIT = 5000  # events since the totals were made; beyond this, making them again is as quick
CHUNK = 500  # ids per IN (...) list
PERIODS = 32  # rows' periods asked for one by one; beyond this, one range holding them all
FOLD = 1000  # pending steps per facet beyond which they are folded into the running totals
Delta = dict[tuple[str, str, str], running.Steps]  # (group, metric, unit) -> steps


def move(model: ReadModel, facet: running.Facet, made: int, position: int) -> bool:
    """Move the facet's totals made at ``made`` to ``position``; False if they must be made again."""
    if not 0 <= position - made <= LIMIT:
        return False
    delta = _delta(model, facet, made, position)
    if delta is None:
        return False
    retry_busy(lambda: _apply(model, facet, made, position, delta))
    return True


# -- what changed ---------------------------------------------------------------


def _delta(model: ReadModel, facet: running.Facet, made: int, position: int) -> Delta | None:
    """The steps each of the facet's counters moves by from ``made`` to ``position``, or None if it cannot be moved."""
    events = _events(model, made, position)
    with model.datastore.transaction(commit=False) as cursor:
        if model.dialect.postgres:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute(model.sql("SELECT position FROM {t:tracking} WHERE name = ?"), (NAME,))
        if int(cursor.fetchone()["position"]) != position:
            return None  # the read model moved on meanwhile: its current rows are not those at ``position``
        revisions = _revisions(model, cursor, list(events))
        if not _only_entries(events, revisions, _partners(model, cursor, list(events))):
            return None
        before, after = _contributions(model, cursor, revisions, made)
        if any(row["figure"] for row in [*before, *after]):
            return None  # counted or not (a retracted report), a figure changes what others' days are
        family = running.family(model, cursor)
        if facet.partner is not None:
            touching = _touching(model, cursor, sorted(revisions), family.of(facet.partner))
            before, after = ([row for row in rows if (str(row["aggregate"]), int(row["revision"])) in touching] for rows in (before, after))
        return _steps(model, cursor, facet, family, (before, after))


def _events(model: ReadModel, made: int, position: int) -> dict[tuple[str, int], int]:
    """The (aggregate, version) of each event after ``made`` up to ``position``, with its position."""
    notifications = model.app.recorder.select_notifications(start=made + 1, limit=max(position - made, 1), stop=position)
    return {(UUID(str(n.originator_id)).hex, int(n.originator_version)): int(n.id) for n in notifications}


def _revisions(model: ReadModel, cursor: Any, keys: list[tuple[str, int]]) -> dict[str, list[tuple[int, int]]]:
    """Every revision (number, position) of the aggregates the events revised."""
    aggregates = sorted({aggregate for aggregate, _ in keys})
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for chunk in _chunks(aggregates):
        marks = ", ".join("?" for _ in chunk)
        cursor.execute(model.sql(f"SELECT aggregate, revision, position FROM {{t:revisions}} WHERE aggregate IN ({marks})"), chunk)
        for row in cursor.fetchall():
            found[str(row["aggregate"])].append((int(row["revision"]), int(row["position"])))
    return found


def _partners(model: ReadModel, cursor: Any, keys: list[tuple[str, int]]) -> set[str]:
    """Which of the events' aggregates are partners."""
    found: set[str] = set()
    for chunk in _chunks(sorted({aggregate for aggregate, version in keys if version == 1})):
        marks = ", ".join("?" for _ in chunk)
        cursor.execute(model.sql(f"SELECT aggregate FROM {{t:partners}} WHERE aggregate IN ({marks})"), chunk)
        found.update(str(row["aggregate"]) for row in cursor.fetchall())
    return found


def _only_entries(events: Mapping[tuple[str, int], int], revisions: Mapping[str, list[tuple[int, int]]], partners: set[str]) -> bool:
    """Whether every event revised an entry or registered a partner.

    A partner is only ever registered, under a parent that exists: no
    partner's closure loses anyone, and the ones it gains were named by no
    contribution before (those that name it now are revised entries).
    """
    made = {(aggregate, revision): at for aggregate, rows in revisions.items() for revision, at in rows}
    return all(made.get(key) == at or (key[1] == 1 and key[0] in partners) for key, at in events.items())


def _contributions(model: ReadModel, cursor: Any, revisions: Mapping[str, list[tuple[int, int]]], made: int) -> tuple[list[Any], list[Any]]:
    """The counted contributions of each revised entry as they were at ``made`` and as they are now."""
    was = {aggregate: max((r for r, at in rows if at <= made), default=None) for aggregate, rows in revisions.items()}
    now = {aggregate: max(r for r, _ in rows) for aggregate, rows in revisions.items()}
    before: list[Any] = []
    after: list[Any] = []
    for chunk in _chunks(sorted(revisions)):
        marks = ", ".join("?" for _ in chunk)
        select = f"SELECT c.aggregate, c.revision, c.counted, {running.COLUMNS} FROM {{t:contributions}} c"
        cursor.execute(model.sql(f"{select} WHERE c.aggregate IN ({marks})"), chunk)
        for row in cursor.fetchall():
            aggregate, revision = str(row["aggregate"]), int(row["revision"])
            if revision == was[aggregate]:
                before.append(row)
            if revision == now[aggregate]:
                after.append(row)
    return before, after


def _touching(model: ReadModel, cursor: Any, aggregates: list[str], wanted: frozenset[str]) -> set[tuple[str, int]]:
    """The revisions of ``aggregates`` whose partners or actors include one of ``wanted``."""
    found: set[tuple[str, int]] = set()
    for chunk in _chunks(aggregates):
        marks = ", ".join("?" for _ in chunk)
        cursor.execute(model.sql(f"SELECT aggregate, revision, partner FROM {{t:revision_partners}} WHERE aggregate IN ({marks})"), chunk)
        found.update((str(row["aggregate"]), int(row["revision"])) for row in cursor.fetchall() if str(row["partner"]) in wanted)
    return found


def _steps(model: ReadModel, cursor: Any, facet: running.Facet, family: Any, changed: tuple[list[Any], list[Any]]) -> Delta:
    """Each counter's steps per group: the contributions now, less those before (counted ones only)."""
    counted: dict[running.Key, list[tuple[int, Any]]] = defaultdict(list)
    for sign, rows in zip((-1, 1), changed, strict=True):
        for row in rows:
            if row["counted"]:
                counted[(str(row["metric"]), str(row["unit"]))].append((sign, row))
    delta: Delta = {}
    touching = facet.touching(model, family, per_row=True)  # the few figures holding the moved rows
    for key, signed in sorted(counted.items(), key=lambda item: item[0]):
        coverage = running.Coverage(_holding(model, cursor, touching, key, [row for _, row in signed]), family)
        for sign, row in signed:
            dated = coverage.dated(row)
            for group in facet.groups(row, family):
                running.add(delta.setdefault((group, *key), running.new_steps()), dated, sign)
    return delta


def _holding(model: ReadModel, cursor: Any, touching: tuple[str, list[Any]], key: running.Key, rows: list[Any]) -> list[Any]:
    """The facet's counted figures of the counter whose period could hold one of ``rows`` (only those decide their ``cv``)."""
    # An open end is never covered; an open start only by a figure with one.
    periods = sorted(
        {(int(row["latest"]), running.OPEN_START if row["earliest"] is None else int(row["earliest"])) for row in rows if row["latest"] is not None}
    )
    if not periods:
        return []
    if len(periods) <= PERIODS:
        # The figures holding each period: a correction that moves an entry
        # by decades would otherwise read every figure in between.
        held = " OR ".join(f"({_HOLDS})" for _ in periods)
        params = [value for period in periods for value in period]
    else:
        held = _HOLDS
        params = [min(end for end, _ in periods), max(start for _, start in periods)]
    cursor.execute(model.sql(f"{_FIGURES} AND ({held}){touching[0]}"), (*key, *params, *touching[1]))
    return list(cursor.fetchall())


# A figure whose period holds the one given as (its end, its start).
_HOLDS = "c.latest >= ? AND (c.earliest IS NULL OR c.earliest <= ?)"
_FIGURES = (
    f"SELECT {running.COLUMNS} FROM {{t:contributions}} c WHERE c.superseded_at IS NULL AND c.counted = 1 AND c.figure = 1 AND c.metric = ? AND c.unit = ?"
)


# -- moving them ----------------------------------------------------------------


def _apply(model: ReadModel, facet: running.Facet, made: int, position: int, delta: Delta) -> None:
    """Add the steps to the facet's pending steps, unless another reader moved them since we looked.

    Rewriting the running totals from the day a step falls on costs every
    later day of its counter; pending steps (``running.pending``) cost one
    row each and are read beside the running totals, until there are
    ``FOLD`` of them and they are folded in.
    """
    with model.datastore.transaction(commit=True) as cursor:
        if not model.advance(cursor, facet.tracking, made, position):
            return  # someone else moved or made them since: theirs will do
        pending = running.pending(facet.name)
        keys: set[tuple[str, ...]] = set()
        for (group, metric, unit), steps in delta.items():
            for (axis, day), (value, number) in steps.items():
                _add_pending(model, cursor, (pending, group, metric, unit, axis, day), value, number)
                keys.add((facet.name, group, metric, unit, axis))
        statement = "INSERT INTO {t:totals_keys} (facet, grp, metric, unit, axis) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
        cursor.executemany(model.sql(statement), sorted(keys))
        cursor.execute(model.sql("SELECT COUNT(*) AS n FROM {t:totals} WHERE facet = ?"), (pending,))
        if int(cursor.fetchone()["n"]) > FOLD:
            _fold(model, cursor, facet)


def _add_pending(model: ReadModel, cursor: Any, key: tuple[Any, ...], value: Decimal, number: int) -> None:
    where = "facet = ? AND grp = ? AND metric = ? AND unit = ? AND axis = ? AND day = ?"
    cursor.execute(model.sql(f"SELECT total, count FROM {{t:totals}} WHERE {where}"), key)
    found = cursor.fetchone()
    if found is None:
        model.insert(cursor, "totals", [(*key, str(value), number)])
    else:
        total, count = Decimal(str(found["total"])) + value, int(found["count"]) + number
        cursor.execute(model.sql(f"UPDATE {{t:totals}} SET total = ?, count = ? WHERE {where}"), (str(total), count, *key))


def _fold(model: ReadModel, cursor: Any, facet: running.Facet) -> None:
    """Fold the facet's pending steps into its running totals."""
    pending = running.pending(facet.name)
    cursor.execute(model.sql("SELECT grp, metric, unit, axis, day, total, count FROM {t:totals} WHERE facet = ?"), (pending,))
    steps: dict[tuple[str, str, str, str], list[tuple[int, Decimal, int]]] = defaultdict(list)
    for row in cursor.fetchall():
        steps[(str(row["grp"]), str(row["metric"]), str(row["unit"]), str(row["axis"]))].append(
            (int(row["day"]), Decimal(str(row["total"])), int(row["count"]))
        )
    for key, days in steps.items():
        _shift(model, cursor, (facet.name, *key), sorted(days))
    cursor.execute(model.sql("DELETE FROM {t:totals} WHERE facet = ?"), (pending,))


def _shift(model: ReadModel, cursor: Any, key: tuple[str, str, str, str, str], days: Sequence[tuple[int, Decimal, int]]) -> None:
    """Rewrite one axis's running totals from the first day that moved."""
    first = days[0][0]
    where = "facet = ? AND grp = ? AND metric = ? AND unit = ? AND axis = ?"
    cursor.execute(model.sql(f"SELECT total, count FROM {{t:totals}} WHERE {where} AND day < ? ORDER BY day DESC LIMIT 1"), (*key, first))
    base = cursor.fetchone()
    total, count = (Decimal(str(base["total"])), int(base["count"])) if base else (Decimal(0), 0)
    cursor.execute(model.sql(f"SELECT day, total, count FROM {{t:totals}} WHERE {where} AND day >= ? ORDER BY day"), (*key, first))
    steps: dict[int, list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    previous = (total, count)
    for row in cursor.fetchall():  # the stored running totals back to steps
        value, number = Decimal(str(row["total"])), int(row["count"])
        steps[int(row["day"])] = [value - previous[0], number - previous[1]]
        previous = (value, number)
    for day, value, number in days:
        steps[day][0] += value
        steps[day][1] += number
    rows = running.cumulated(key, [(day, *steps[day]) for day in sorted(steps)], (total, count))
    cursor.execute(model.sql(f"DELETE FROM {{t:totals}} WHERE {where} AND day >= ?"), (*key, first))
    model.insert(cursor, "totals", rows)
    (final,) = running.finals(rows)
    cursor.execute(model.sql(f"UPDATE {{t:totals_keys}} SET last_day = ?, total = ?, count = ? WHERE {where}"), (*final[5:], *key))


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
