"""The one rule of what an entry contributes to the counters.

DESIGN.md section 6 ("One counting rule", "Temporal semantics") is the
authority. Everything that decides a number is here, written once:

* which entries count at all (``counts``: not retracted, happened or held);
* a date's certainty as of a day (``certainty``), which the timeline uses too;
* the value bounds a qualifier gives (``bounds``);
* the year a contribution falls in (``year_of``);
* the contributions of an entry (``parts``), each with its measure:

  - a happening adds one to its kind's counter (``KINDS[kind].metric``)
    dated by its ``when``, and each quantity to its own metric and unit,
    dated by the quantity's period or observed date, else by the ``when``;
    a quantity in the kind's own metric and unit ("a visit of 5
    delegations" counted in visits) replaces the one instead of adding;
  - a reported figure (``FigureReported``) adds each quantity as a *flow*
    (dated by its ``period``, else the entry's ``when``) or as a *stock*
    (observed on its ``observed`` date), and nothing to any kind counter.

Dates are day keys: ``yyyymmdd`` integers (``day_key``), None for an open
or unknown bound, so that SQL indexes and this module compare them alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Final

import attrs

from chrono.events.kinds import KINDS, OBSERVATION
from chrono.events.values import Facts, Quantity
from chrono.when import When

COUNTED_STATUSES: Final = frozenset({"happened", "held"})
DEFINITE: Final = "definite"
POSSIBLE: Final = "possible"
FUTURE: Final = "future"
EVENT: Final = "event"  # a happening, or a happening's own quantity
FLOW: Final = "flow"  # a reported figure over a period
STOCK: Final = "stock"  # a reported level on an observed date
KEY_LIMIT: Final = 2**62  # far years (EDTF's Y-notation) are clamped to fit 64-bit columns
_ZERO: Final = Decimal(0)


def counts(status: str, retracted: bool) -> bool:
    """Whether an entry counts at all: not retracted, and happened or held."""
    return not retracted and status in COUNTED_STATUSES


def day_key(key: tuple[int, int, int] | date | None) -> int | None:
    """A (year, month, day) bound, or a date, as one integer ``yyyymmdd`` in the same order."""
    if key is None:
        return None
    if isinstance(key, date):
        key = (key.year, key.month, key.day)
    year, month, day = key
    return max(-KEY_LIMIT, min(KEY_LIMIT, year * 10000 + month * 100 + day))


def certainty(earliest: int | None, latest: int | None, day: int) -> str:
    """``definite`` when the latest bound is on or before ``day``, ``possible``
    when only the earliest is (an open start is always before), else ``future``."""
    if latest is not None and latest <= day:
        return DEFINITE
    if earliest is None or earliest <= day:
        return POSSIBLE
    return FUTURE


def bounds(value: Decimal, qualifier: str) -> tuple[Decimal, Decimal | None, bool]:
    """The (low, high, approximate) a qualifier gives a value: exact v is [v, v];
    about v is [v, v], approximate; at least v is [v, open); at most v is [0, v]."""
    if qualifier == "at_least":
        return value, None, False
    if qualifier == "at_most":
        return _ZERO, value, False
    return value, value, qualifier == "about"


def year_of(earliest: int | None, latest: int | None) -> int | None:
    """The year a contribution falls in: its latest bound's, else its earliest's."""
    key = latest if latest is not None else earliest
    return None if key is None else _year(key)


def _year(key: int) -> int:
    # year * 10000 + mmdd: floor division gives the year back, negative years included.
    return key // 10000


@attrs.frozen
class Part:
    """One contribution of an entry to one counter.

    Attributes:
        entry: the entry's readable id.
        kind: the entry's kind.
        index: 0 for the count its kind adds, i for its i-th quantity.
        metric: what is counted or summed.
        unit: the unit (never mixed with another).
        low: the least the source allows (``bounds``).
        high: the most the source allows, None when open.
        approximate: whether the value is approximate ("about").
        measure: ``event``, ``flow`` or ``stock``.
        when: the date it is dated by (a period, an observed date or the entry's ``when``).
        earliest: the first day of ``when`` (None: open or unknown).
        latest: the last day of ``when`` (None: open or unknown).
        scope: the entry's partner ids, sorted (a figure's scope; empty: everything).
    """

    entry: str
    kind: str
    index: int
    metric: str
    unit: str
    low: Decimal
    high: Decimal | None
    approximate: bool
    measure: str
    when: When
    earliest: int | None
    latest: int | None
    scope: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.metric, self.unit)

    @property
    def figure(self) -> bool:
        return self.measure != EVENT

    @property
    def stated(self) -> Decimal:
        """The number the source gives: its high bound when it has one ("at most 5": 5), else its low."""
        return self.high if self.high is not None else self.low

    @property
    def reach(self) -> int | None:
        """The first day of what a figure covers: a flow its period's, a stock
        everything up to its observation (None: no start)."""
        return None if self.measure == STOCK else self.earliest

    def certainty(self, day: int) -> str:
        return certainty(self.earliest, self.latest, day)


def parts(kind: str, slug: str, facts: Facts) -> list[Part]:
    """Every contribution an entry of ``kind`` with ``facts`` makes when it counts."""
    scope = tuple(sorted(set(facts.partners)))
    figure = kind == OBSERVATION

    def part(index: int, quantity: Quantity) -> Part:
        dated = quantity.observed or quantity.period or facts.when
        measure = EVENT if not figure else STOCK if quantity.observed is not None else FLOW
        low, high, approximate = bounds(quantity.value, quantity.qualifier)
        return Part(
            slug, kind, index, quantity.metric, quantity.unit, low, high, approximate, measure,
            dated, day_key(dated.earliest_key), day_key(dated.latest_key), scope,
        )  # fmt: skip

    out = [part(index, quantity) for index, quantity in enumerate(facts.quantities, 1)]
    if not figure:
        info = KINDS[kind]
        if not any(made.key == (info.metric, info.unit) for made in out):
            out.insert(0, part(0, Quantity(info.metric, Decimal(1), info.unit)))
    return out


def total(values: Sequence[Decimal | None]) -> Decimal | None:
    """The sum of upper bounds: None (open) as soon as one is open."""
    out = _ZERO
    for value in values:
        if value is None:
            return None
        out += value
    return out
