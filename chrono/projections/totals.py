"""Running totals per day: the chronicle's counters as of any date in a few lookups.

For the question asked most ("the counters as of D", over everything as
recorded now), what a contribution adds as of D depends on three dates of
its own, none of them on D:

* ``lo``, its earliest bound: from then on it is at least possible;
* ``hi``, its latest bound: from then on it is definite;
* ``cv``, the end of the first reported figure's period that covers it
  (``counters`` docstring, "Never double count"): from then on it is covered.
  Covering is transitive, so "covered as of D" is "some figure that covers
  it is definite as of D", which is "``cv`` is on or before D".

So per counter ``definite(D) = Σhi(D) - Σcv(D)`` and ``possible(D) = Σlo(D)
- Σhi(D)``, where ``Σx(D)`` is the running total of the values whose ``x`` is
on or before D. ``chrono_totals`` keeps these running totals per counter,
axis and day, and answering is one index lookup per counter and axis.

The totals are made from ``chrono_contributions`` (one pass, in Python: it
is where the figures' periods and scopes are matched) the first time they
are asked for, and kept with the position they were made at. When the read
model has moved since, they are moved by what changed where that is enough
(``totals_moved``: entries revised, no figure touched), else made again.
``sqlcounters`` uses them for the
ungrouped counters over everything as known now; every other question is
answered from the rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from itertools import groupby
from typing import Any

import pendulum

from chrono.projections import counters as reference
from chrono.projections import running
from chrono.projections.counters import Counter
from chrono.projections.readmodel import NAME, TOTALS, ReadModel, date_key, retry_busy
from chrono.projections.running import AXES, COLUMNS, Key


def counters(model: ReadModel, as_of: pendulum.Date) -> list[Counter]:
    """The ungrouped counters over every entry as recorded now, as of ``as_of`` (no contributor lists)."""
    refresh(model)
    day = date_key((as_of.year, as_of.month, as_of.day))
    found: dict[Key, dict[str, tuple[Decimal, int]]] = defaultdict(dict)
    for row in model.rows(_AS_OF, [day, day]):
        found[(str(row["metric"]), str(row["unit"]))][str(row["axis"])] = (Decimal(str(row["total"])), int(row["count"]))
    out = []
    for (metric, unit), axes in sorted(found.items()):
        lo, hi, cv = (axes.get(axis, (Decimal(0), 0)) for axis in AXES)
        if lo[1]:  # something in this counter is at least possible by then
            out.append(Counter(metric, unit, None, None, hi[0] - cv[0], lo[0] - hi[0], (), (), ()))
    return out


def _latest(column: str) -> str:
    return (
        f"(SELECT t.{column} FROM {{t:totals}} t WHERE t.metric = k.metric AND t.unit = k.unit AND t.axis = k.axis"
        f" AND t.day <= ? ORDER BY t.day DESC LIMIT 1) AS {column}"
    )


# One index seek per counter and axis: the running total on the last day up to the date.
_AS_OF = f"SELECT * FROM (SELECT k.metric, k.unit, k.axis, {_latest('total')}, {_latest('count')} FROM {{t:totals_keys}} k) m WHERE m.total IS NOT NULL"


# -- making them ----------------------------------------------------------------


def refresh(model: ReadModel) -> None:
    """Make the totals again if the read model has moved since they were made."""
    positions = {str(row["name"]): int(row["position"]) for row in model.rows("SELECT name, position FROM {t:tracking}", [])}
    made = positions.get(TOTALS, -1)
    if made == positions.get(NAME):
        return
    if made >= 0:
        from chrono.projections import totals_moved

        if totals_moved.move(model, made, positions[NAME]):
            return
    position, rows = _made(model)
    retry_busy(lambda: _store(model, made, position, rows))


def _made(model: ReadModel) -> tuple[int, list[tuple[Any, ...]]]:
    """The read model's position and the running totals of its current counted contributions.

    Read in one transaction (a consistent snapshot), one counter at a time,
    so that only one counter's contributions are held at once.
    """
    out: list[tuple[Any, ...]] = []
    with model.datastore.transaction(commit=False) as cursor:
        if model.dialect.postgres:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute(model.sql("SELECT position FROM {t:tracking} WHERE name = ?"), (NAME,))
        position = int(cursor.fetchone()["position"])
        cursor.execute(model.sql("SELECT p.id, p.parent FROM {t:partners} p WHERE p.superseded_at IS NULL"))
        family = running.family({str(row["id"]): row["parent"] for row in cursor.fetchall()})
        cursor.execute(model.sql(f"SELECT {COLUMNS} FROM {{t:contributions}} c WHERE c.superseded_at IS NULL AND c.counted = 1 ORDER BY c.metric, c.unit"))
        for key, members in groupby(_fetched(cursor), key=lambda row: (str(row["metric"]), str(row["unit"]))):
            out += _running(key, list(members), family)
    return position, out


def _fetched(cursor: Any) -> Iterator[Any]:
    # eventsourcing's SQLite cursor wraps the real one without fetchmany.
    real = getattr(cursor, "sqlite_cursor", cursor)
    while rows := real.fetchmany(5000):
        yield from rows


def _running(key: Key, members: list[Any], family: reference._Family) -> list[tuple[Any, ...]]:
    """One counter's running totals rows: (metric, unit, axis, day, total, count)."""
    metric, unit = key
    coverage = running.Coverage((row for row in members if row["figure"]), family)
    steps = running.new_steps()
    for row in members:
        running.add(steps, coverage.dated(row))
    out: list[tuple[Any, ...]] = []
    for axis, days in running.by_axis(steps).items():
        total, count = Decimal(0), 0
        for day, value, number in days:
            total, count = total + value, count + number
            out.append((metric, unit, axis, day, str(total), count))
    return out


def _store(model: ReadModel, made: int, position: int, rows: list[tuple[Any, ...]]) -> None:
    """Replace the totals, unless another reader made them since we looked."""
    with model.datastore.transaction(commit=True) as cursor:
        cursor.execute(model.sql("UPDATE {t:tracking} SET position = ? WHERE name = ? AND position = ?"), (position, TOTALS, made))
        if int(getattr(cursor, "sqlite_cursor", cursor).rowcount) != 1:
            return  # someone else made them since: theirs will do
        cursor.execute(model.sql("DELETE FROM {t:totals}"))
        cursor.execute(model.sql("DELETE FROM {t:totals_keys}"))
        model.insert(cursor, "totals", rows)
        model.insert(cursor, "totals_keys", sorted({row[:3] for row in rows}))
