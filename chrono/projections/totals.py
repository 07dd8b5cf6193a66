"""Running totals per day: the chronicle's counters as of any date in a few lookups.

For the counters as of D as recorded now (over everything or one partner's
family, grouped or not), what a contribution adds as of D depends on three
dates of its own, none of them on D:

* ``lo``, its earliest bound: from then on it is at least possible;
* ``hi``, its latest bound: from then on it is definite;
* ``cv``, the end of the first reported figure's period that covers it
  (``counters`` docstring, "Never double count"): from then on it is covered.
  Covering is transitive, so "covered as of D" is "some figure that covers
  it is definite as of D", which is "``cv`` is on or before D".

So per counter ``definite(D) = Σhi(D) - Σcv(D)`` and ``possible(D) = Σlo(D)
- Σhi(D)``, where ``Σx(D)`` is the running total of the values whose ``x`` is
on or before D. ``chrono_totals`` keeps these running totals per facet
(``running.Facet``: the partner and the grouping asked for), group,
counter, axis and day, and answering is one index lookup per counter, group
and axis. Covering is decided within the facet, as ``counters`` decides it
among the contributions that pass its partner filter.

A facet's totals are made from ``chrono_contributions`` (one pass, in
Python: it is where the figures' periods and scopes are matched) the first
time it is asked for, and kept with the position they were made at. When
the read model has moved since, they are moved by what changed where that
is enough (``totals_moved``: entries revised, no figure touched), else made
again. ``MAX_FACETS`` facets are kept besides the overall one.
``sqlcounters`` answers from them whenever no contributor lists and no
past recording time are asked for; those questions are answered from the
rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import groupby
from typing import Any

from chrono.projections import counters as reference
from chrono.projections import running
from chrono.projections.counters import Counter
from chrono.projections.readmodel import NAME, TOTALS, ReadModel, date_key, retry_busy, rowcount
from chrono.projections.running import AXES, COLUMNS, EVERYTHING, Facet, Key

MAX_FACETS = 32  # facets with totals kept at once; making one more drops the least recently moved


def counters(model: ReadModel, as_of: date, partner: str | None = None, by: str | None = None) -> list[Counter]:
    """``counters.counters`` of every entry as recorded now, as of ``as_of``, without contributor lists."""
    facet = Facet(partner, by)
    refresh(model, facet)
    day = date_key((as_of.year, as_of.month, as_of.day))
    found: dict[tuple[str, str, str], dict[str, tuple[Decimal, int]]] = defaultdict(dict)
    seek, seek_params = (_AS_OF_LATERAL, [day, facet.name, day]) if model.dialect.postgres else (_AS_OF, [day, day, facet.name, day])
    query, params = f"{_FINAL} UNION ALL {seek}", [facet.name, day, *seek_params]
    # The running total on the day, plus the pending steps up to it.
    for row in [*model.rows(query, params), *model.rows(_PENDING, [running.pending(facet.name), day])]:
        axes = found[(str(row["metric"]), str(row["unit"]), str(row["grp"]))]
        total, count = axes.get(str(row["axis"]), (Decimal(0), 0))
        axes[str(row["axis"])] = (total + Decimal(str(row["total"])), count + int(row["count"]))
    out = []
    for (metric, unit, group), axes in found.items():
        lo, hi, cv = (axes.get(axis, (Decimal(0), 0)) for axis in AXES)
        if lo[1]:  # something in this counter is at least possible by then
            out.append(Counter(metric, unit, partner, group or None, hi[0] - cv[0], lo[0] - hi[0], (), (), ()))
    out.sort(key=lambda c: (c.metric, c.unit, reference._group_order(c.group, by)))
    return out


def _latest(column: str) -> str:
    return (
        f"(SELECT t.{column} FROM {{t:totals}} t WHERE t.facet = k.facet AND t.grp = k.grp AND t.metric = k.metric"
        f" AND t.unit = k.unit AND t.axis = k.axis AND t.day <= ? ORDER BY t.day DESC LIMIT 1) AS {column}"
    )


# A counter, group and axis whose last day is on or before the date: its last running total.
_FINAL = "SELECT k.grp, k.metric, k.unit, k.axis, k.total, k.count FROM {t:totals_keys} k WHERE k.facet = ? AND k.last_day <= ?"
# Any other: one index seek, the running total on the last day up to the date.
_AS_OF = (
    f"SELECT * FROM (SELECT k.grp, k.metric, k.unit, k.axis, {_latest('total')}, {_latest('count')}"
    " FROM {t:totals_keys} k WHERE k.facet = ? AND k.last_day > ?) m WHERE m.total IS NOT NULL"
)
# The pending steps of moves not yet folded in (``totals_moved``), to add.
_PENDING = "SELECT grp, metric, unit, axis, total, count FROM {t:totals} WHERE facet = ? AND day <= ?"
# The same on PostgreSQL, with one seek for both columns.
_AS_OF_LATERAL = (
    "SELECT k.grp, k.metric, k.unit, k.axis, t.total, t.count FROM {t:totals_keys} k CROSS JOIN LATERAL"
    " (SELECT t.total, t.count FROM {t:totals} t WHERE t.facet = k.facet AND t.grp = k.grp AND t.metric = k.metric"
    " AND t.unit = k.unit AND t.axis = k.axis AND t.day <= ? ORDER BY t.day DESC LIMIT 1) t WHERE k.facet = ? AND k.last_day > ?"
)


# -- making them ----------------------------------------------------------------


def refresh(model: ReadModel, facet: Facet = EVERYTHING) -> None:
    """Move or make the facet's totals if the read model has moved since they were made."""
    positions = {str(row["name"]): int(row["position"]) for row in model.rows("SELECT name, position FROM {t:tracking}", [])}
    made = positions.get(facet.tracking, -1)
    if made == positions.get(NAME):
        return
    if made >= 0:
        from chrono.projections import totals_moved

        if totals_moved.move(model, facet, made, positions[NAME]):
            return
    position, rows = _made(model, facet)
    retry_busy(lambda: _store(model, facet, made if facet.tracking in positions else None, position, rows))


def _made(model: ReadModel, facet: Facet) -> tuple[int, list[tuple[Any, ...]]]:
    """The read model's position and the facet's running totals of its current counted contributions.

    Read in one transaction (a consistent snapshot), one counter at a time,
    so that only one counter's contributions are held at once.
    """
    out: list[tuple[Any, ...]] = []
    with model.datastore.transaction(commit=False) as cursor:
        if model.dialect.postgres:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute(model.sql("SELECT position FROM {t:tracking} WHERE name = ?"), (NAME,))
        position = int(cursor.fetchone()["position"])
        family = running.family(model, cursor)
        touching, params = facet.touching(model, family)
        cursor.execute(
            model.sql(f"SELECT {COLUMNS} FROM {{t:contributions}} c WHERE c.superseded_at IS NULL AND c.counted = 1{touching} ORDER BY c.metric, c.unit"),
            params,
        )
        for key, members in groupby(_fetched(cursor), key=lambda row: (str(row["metric"]), str(row["unit"]))):
            out += _running(facet, key, list(members), family)
    return position, out


def _fetched(cursor: Any) -> Iterator[Any]:
    # eventsourcing's SQLite cursor wraps the real one without fetchmany.
    real = getattr(cursor, "sqlite_cursor", cursor)
    while rows := real.fetchmany(5000):
        yield from rows


def _running(facet: Facet, key: Key, members: list[Any], family: reference._Family) -> list[tuple[Any, ...]]:
    """One counter's running totals rows: (facet, group, metric, unit, axis, day, total, count)."""
    metric, unit = key
    coverage = running.Coverage((row for row in members if row["figure"]), family)
    steps: dict[str, running.Steps] = defaultdict(running.new_steps)
    for row in members:
        dated = coverage.dated(row)
        for group in facet.groups(row, family):
            running.add(steps[group], dated)
    out: list[tuple[Any, ...]] = []
    for group, grouped in steps.items():
        for axis, days in running.by_axis(grouped).items():
            out += running.cumulated((facet.name, group, metric, unit, axis), days)
    return out


def _store(model: ReadModel, facet: Facet, made: int | None, position: int, rows: list[tuple[Any, ...]]) -> None:
    """Replace the facet's totals, unless another reader made them since we looked (``made`` None: never made)."""
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
        _forget(model, cursor, facet.name)
        model.insert(cursor, "totals", rows)
        model.insert(cursor, "totals_keys", running.finals(rows))


def _drop_oldest(model: ReadModel, cursor: Any) -> None:
    """Make room for one more facet: drop the totals moved or made least recently, beyond ``MAX_FACETS``."""
    cursor.execute(model.sql("SELECT name, position FROM {t:tracking} WHERE name LIKE ? ORDER BY position, name"), (f"{TOTALS}/%",))
    kept = list(cursor.fetchall())
    for row in kept[: max(0, len(kept) - MAX_FACETS + 1)]:
        cursor.execute(model.sql("DELETE FROM {t:tracking} WHERE name = ?"), (row["name"],))
        _forget(model, cursor, str(row["name"]).removeprefix(f"{TOTALS}/"))


def _forget(model: ReadModel, cursor: Any, name: str) -> None:
    """Delete a facet's running totals, pending steps and keys."""
    cursor.execute(model.sql("DELETE FROM {t:totals} WHERE facet IN (?, ?)"), (name, running.pending(name)))
    cursor.execute(model.sql("DELETE FROM {t:totals_keys} WHERE facet = ?"), (name,))
