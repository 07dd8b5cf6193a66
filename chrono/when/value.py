"""``When``: a parsed EDTF date with its bounds, precision and total order."""

from __future__ import annotations

import functools
from datetime import date
from typing import TYPE_CHECKING

import attrs

from chrono.when.calendar import RANK, Key, Precision
from chrono.when.parsing import SINGLE, Analysis, analyse
from chrono.when.points import PLAIN_RE, plain_point

if TYPE_CHECKING:
    import pendulum


def day_of(key: Key | None) -> date | None:
    """A bound as a plain date, or None when open, unknown or outside 1..9999 (no pendulum:
    a query asked as of a date, or for JSON bounds, starts without importing it)."""
    if key is None or not 1 <= key[0] <= 9999:
        return None
    return date(*key)


def _to_date(key: Key | None) -> pendulum.Date | None:
    plain = day_of(key)
    if plain is None:
        return None
    # Imported when a bound is first asked for as a date: the command line's
    # cold start (DESIGN.md section 9) reads only keys.
    import pendulum

    return pendulum.Date(plain.year, plain.month, plain.day)


def _iso(key: Key | None) -> str | None:
    """A bound's ISO date, as ``_to_date(key).isoformat()`` gives it."""
    plain = day_of(key)
    return None if plain is None else plain.isoformat()


def _date_key(d: date) -> Key:
    return (d.year, d.month, d.day)


@attrs.frozen(eq=False, order=False)
class When:
    """A parsed EDTF string with its bounds, precision and qualifiers.

    Build one with `When.parse`.  Equality and hashing use the EDTF string;
    ordering uses `sort_key`.  Bounds are inclusive dates; a bound is None
    when that end is open (`..`), unknown (empty) or its year lies outside
    1..9999, and `earliest_key`/`latest_key` then still hold a closed bound
    as (year, month, day).  `time` is the time of a date-time, as written.
    """

    edtf: str
    precision: Precision
    qualifiers: frozenset[str]
    # (open start, open end, unknown start, unknown end, interval, set): one
    # field rather than six, as every field costs each parse a little.
    _flags: tuple[bool, bool, bool, bool, bool, bool] = attrs.field(repr=False)
    earliest_key: Key | None
    latest_key: Key | None
    time: str | None
    _key: tuple[int | str, ...] = attrs.field(repr=False)

    @property
    def open_start(self) -> bool:
        """An interval or set whose start is open (`..`)."""
        return self._flags[0]

    @property
    def open_end(self) -> bool:
        """An interval or set whose end is open (`..`)."""
        return self._flags[1]

    @property
    def unknown_start(self) -> bool:
        """An interval whose start is unknown (empty)."""
        return self._flags[2]

    @property
    def unknown_end(self) -> bool:
        """An interval whose end is unknown (empty)."""
        return self._flags[3]

    @property
    def is_interval(self) -> bool:
        """An interval, `a/b`."""
        return self._flags[4]

    @property
    def is_set(self) -> bool:
        """A one-of set, `[a,b..c]`."""
        return self._flags[5]

    @classmethod
    def parse(cls, text: str) -> When:
        """Parse an EDTF string; raise InvalidWhen with the failing position.

        Results are cached, so parsing a string again costs a dict lookup.
        """
        return _parse(text)

    # The bounds as dates are made when asked for: most readers (storage,
    # sorting, counters) only want the keys, and parsing stays cheap.
    @property
    def earliest(self) -> pendulum.Date | None:
        """The first day it may be, or None when open, unknown or outside 1..9999."""
        return _to_date(self.earliest_key)

    @property
    def latest(self) -> pendulum.Date | None:
        """The last day it may be, or None when open, unknown or outside 1..9999."""
        return _to_date(self.latest_key)

    @property
    def sort_key(self) -> tuple[int | str, ...]:
        """Total order: earliest bound (open or unknown first), coarser
        precision first, latest bound (open or unknown last), EDTF string."""
        return self._key

    def __eq__(self, other: object) -> bool:
        if isinstance(other, When):
            return self.edtf == other.edtf
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.edtf)

    def __lt__(self, other: When) -> bool:
        return self._key < other._key

    def __le__(self, other: When) -> bool:
        return self._key <= other._key

    def __gt__(self, other: When) -> bool:
        return self._key > other._key

    def __ge__(self, other: When) -> bool:
        return self._key >= other._key

    def __str__(self) -> str:
        return self.edtf

    def display(self, lang: str = "en") -> str:
        """Human text in English ("en") or Vietnamese ("vi")."""
        from chrono.when.display import display

        return display(self.edtf, lang)

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict of the string, bounds, precision and flags."""
        return {
            "edtf": self.edtf,
            "earliest": _iso(self.earliest_key),
            "latest": _iso(self.latest_key),
            "precision": self.precision.value,
            "qualifiers": sorted(self.qualifiers),
            "open_start": self.open_start,
            "open_end": self.open_end,
        }

    def starts_on_or_before(self, d: date) -> bool:
        """Whether the earliest bound is on or before d (True if open or unknown)."""
        return self.earliest_key is None or self.earliest_key <= _date_key(d)

    def ends_on_or_before(self, d: date) -> bool:
        """Whether the latest bound is on or before d (False if open or unknown)."""
        return self.latest_key is not None and self.latest_key <= _date_key(d)


def make(text: str, a: Analysis) -> When:
    time = a.start.time if a.start is not None and a.end is None else None
    return When(text, a.precision, a.qualifiers, a.flags, a.lo, a.hi, time, _sort_key(text, a.lo, a.hi, a.precision))


def _sort_key(text: str, lo: Key | None, hi: Key | None, precision: Precision) -> tuple[int | str, ...]:
    rank = -RANK[precision]
    if lo is None:
        return (0, 0, 0, 0, rank) + ((1, 0, 0, 0, text) if hi is None else (0, *hi, text))
    if hi is None:
        return (1, *lo, rank, 1, 0, 0, 0, text)
    return (1, *lo, rank, 0, *hi, text)


@functools.lru_cache(maxsize=1 << 15)
def _parse(text: str) -> When:
    # Only the bounds are kept: the parts are re-derived (and cached) for
    # display, which keeps long-lived objects, and so GC work, down.
    return plain_when(text) or make(text, analyse(text))


def plain_when(text: str) -> When | None:
    """A single YYYY[-MM[-DD]][q] or YYYY-SS[q] without the general path's layers
    (it is most of what a chronicle holds), or None to let that path decide."""
    match = PLAIN_RE.fullmatch(text)
    p = None if match is None else plain_point(text, match)
    if p is None:
        return None
    return When(text, p.precision, p.qualifiers, SINGLE, p.lo, p.hi, None, _sort_key(text, p.lo, p.hi, p.precision))
