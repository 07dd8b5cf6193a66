"""What one contribution adds to the running totals: its facet, days and steps.

``projections.totals`` explains the running totals. Here is what both ways
of making them share, from the full pass over every contribution to moving
them by the few that changed: which contributions a facet counts and in
which groups, the three days of a contribution (``lo``, ``hi``, ``cv``)
and the steps it puts on each axis.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from chrono.projections import counters as reference
from chrono.projections.readmodel import TOTALS
from chrono.projections.sqlcounters import _Entry, _registry, _scope, _Windows, touching_sql
from chrono.when import When

OPEN_START = -(2**62) - 1  # the ``lo`` day of an open or unknown start: before every date
AXES = ("lo", "hi", "cv")
Key = tuple[str, str]  # metric, unit
Steps = dict[tuple[str, int], list[Any]]  # (axis, day) -> [value, count]
NONE = ""  # the stored group of a contribution in no group (and of ungrouped facets)

# The columns of ``chrono_contributions`` that a contribution's days and groups are read from.
COLUMNS = "c.metric, c.unit, c.whole, c.value, c.earliest, c.latest, c.figure, c.scope, c.edtf, c.order_key, c.entry, c.kind, c.part, c.year"


@attrs.frozen
class Facet:
    """Which counters one set of running totals answers (``counters.counters``'s arguments).

    Attributes:
        partner: the partner whose family is counted (``counters`` docstring,
            "Partner filter"), or None for everything.
        by: the grouping (``year``, ``kind`` or ``partner``), or None.
    """

    partner: str | None = None
    by: str | None = None

    @property
    def name(self) -> str:
        """The facet as stored: '' for everything ungrouped."""
        return ";".join(f"{k}={v}" for k, v in (("partner", self.partner), ("by", self.by)) if v is not None)

    @property
    def tracking(self) -> str:
        """The tracking row that holds the position the facet's totals were made or moved at."""
        return TOTALS if not self.name else f"{TOTALS}/{self.name}"

    def touching(self, model: Any, family: reference._Family, *, per_row: bool = False) -> tuple[str, list[Any]]:
        """SQL (over ``c``) for the current contributions the facet counts, and its parameters (``touching_sql``)."""
        if self.partner is None:
            return "", []
        return touching_sql(model, family.of(self.partner), None, per_row=per_row)

    def groups(self, row: Any, family: reference._Family) -> list[str]:
        """The groups a contribution falls in (``counters`` docstring, "Grouping"), '' for none."""
        if self.by is None:
            return [NONE]
        if self.by == "year":
            return [NONE if row["year"] is None else str(row["year"])]
        if self.by == "kind":
            return [str(row["kind"])]
        ids = sorted(_scope(row["scope"]))
        if self.partner is not None:
            wanted = family.of(self.partner)
            ids = [pid for pid in ids if pid in wanted] or ids
        return ids or [NONE]


class Coverage:
    """One counter's reported figures, and from which day each contribution is covered.

    Built from the counter's counted figures (rows of ``COLUMNS``); only
    figures whose period ends ever cover.
    """

    def __init__(self, figures: Iterable[Any], family: reference._Family) -> None:
        self.family = family
        parts = [_figure(row) for row in figures]
        ending = [part for part in parts if part.when.latest_key is not None]
        self.windows = _Windows(ending, family) if ending else None
        self.same: dict[tuple[Any, Any], list[reference._Part]] = defaultdict(list)
        for part in parts:
            self.same[(part.when.earliest_key, part.when.latest_key)].append(part)

    def dated(self, row: Any) -> tuple[Decimal, int | None, int | None, int | None]:
        """A contribution's value and its lo, hi and cv days."""
        value = Decimal(row["whole"]) if row["whole"] is not None else Decimal(str(row["value"]))
        lo, hi = row["earliest"], row["latest"]
        cv = None
        if self.windows is not None and hi is not None:
            if row["figure"]:
                figure = _figure(row)
                tied = any(reference._covers(g, figure, self.family) for g in self.same[(figure.when.earliest_key, figure.when.latest_key)])
                cv = hi if tied else self.windows.end_covering(figure)
            else:
                cv = self.windows.end_holding(lo, hi, row["scope"] or "")
        return value, lo, hi, cv


EVERYTHING = Facet()


def pending(name: str) -> str:
    """Where a facet's pending steps are kept: rows of ``chrono_totals`` under this facet name.

    A pending row holds a step (the value and count it adds on its day), not
    a running total; ``totals.counters`` adds those on or before the date.
    """
    return f"{name}+"


def add(steps: Steps, dated: tuple[Decimal, int | None, int | None, int | None], sign: int = 1) -> None:
    """Put one contribution's steps (``sign`` -1 takes them away) on each axis."""
    value, lo, hi, cv = dated
    for axis, day in (("lo", OPEN_START if lo is None else lo), ("hi", hi), ("cv", cv)):
        if day is not None:
            step = steps[(axis, day)]
            step[0] += sign * value
            step[1] += sign


def new_steps() -> Steps:
    return defaultdict(lambda: [Decimal(0), 0])


def by_axis(steps: Mapping[tuple[str, int], list[Any]]) -> dict[str, list[tuple[int, Decimal, int]]]:
    """The steps of each axis, in the order of their days."""
    out: dict[str, list[tuple[int, Decimal, int]]] = defaultdict(list)
    for (axis, day), (value, count) in sorted(steps.items(), key=lambda item: item[0][1]):
        out[axis].append((day, value, count))
    return out


def cumulated(key: tuple[str, ...], days: Iterable[tuple[int, Any, int]], base: tuple[Decimal, int] = (Decimal(0), 0)) -> list[tuple[Any, ...]]:
    """``chrono_totals`` rows of one axis: the running total and count on each day of ``days`` (steps, in day order), from ``base``."""
    total, count = base
    rows = []
    for day, value, number in days:
        total, count = total + value, count + number
        rows.append((*key, day, str(total), count))
    return rows


def finals(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """``totals_keys`` rows: each key of the running totals ``rows`` with its last day, total and count."""
    last: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for row in rows:
        key = row[:5]
        if key not in last or row[5] > last[key][5]:
            last[key] = row
    return [(*key, *row[5:]) for key, row in sorted(last.items())]


def family(model: Any, cursor: Any) -> reference._Family:
    """The partner hierarchy as recorded now, for covering and partner filters (in ``cursor``'s transaction)."""
    cursor.execute(model.sql("SELECT p.id, p.parent FROM {t:partners} p WHERE p.superseded_at IS NULL"))
    return reference._Family(_registry({str(row["id"]): row["parent"] for row in cursor.fetchall()}))


def _figure(row: Any) -> reference._Part:
    when = When.parse(str(row["edtf"]))
    return reference._Part(
        _Entry(str(row["entry"]), str(row["kind"])), str(row["metric"]), str(row["unit"]),  # type: ignore[arg-type]
        Decimal(0), when, True, _scope(row["scope"]), (str(row["order_key"]), str(row["entry"]), int(row["part"])),
    )  # fmt: skip
