"""EDTF dates: parsing, bounds, precision and a total order (DESIGN.md section 3).

`When.parse` accepts EDTF (ISO 8601-2) levels 0 and 1 and the level 2 parts a
chronicle needs: sub-year groupings, component qualifiers, one-of sets,
exponential years and significant digits.  Decisions worth knowing:

* Seasons are meteorological, northern hemisphere: spring = March-May,
  summer = June-August, autumn = September-November, winter = December of
  the given year to February of the next (21-24 and 25-28).  Southern
  hemisphere seasons (29-32) are shifted by six months the same way.
* An interval is rejected as reversed only when its start cannot precede its
  end: start.earliest > end.latest.  So `2004-06/2004` is accepted.
* Qualifiers (`?`, `~`, `%`, anywhere) never widen the bounds.
* `1950S2` (significant digits) has the bounds 1900-01-01..1999-12-31.
* All-of sets `{...}` are rejected: a chronicle records several dates as
  several entries.  Date-times are accepted alone, not inside intervals or
  sets.  Years have at most 14 digits, so that year * 10000 + month * 100
  + day fits a signed 64-bit integer (as the read model stores it).
* An interval needs at least one date: `../..`, `/..` and `../` are rejected.
* Negative years are kept as written (`-0100` has key (-100, 1, 1)); the
  displayed text treats them as years BC (`-0100` is "100 BC").
"""

from __future__ import annotations

import enum
import functools
import re
from typing import TYPE_CHECKING, Final, NamedTuple

import attrs

from chrono.errors import InvalidWhen

if TYPE_CHECKING:
    from datetime import date

    import pendulum

Key = tuple[int, int, int]


class Precision(enum.Enum):
    """How fine a date is; the value is the label used in JSON."""

    DAY = "day"
    MONTH = "month"
    SEASON = "season"
    QUARTER = "quarter"
    QUADRIMESTER = "quadrimester"
    HALF = "half"
    YEAR = "year"
    DECADE = "decade"
    CENTURY = "century"
    MILLENNIUM = "millennium"

    @property
    def rank(self) -> int:
        """Finer is smaller: DAY is 0, MILLENNIUM is 9."""
        return _RANK[self]


_RANK: Final = {p: i for i, p in enumerate(Precision)}

_QUALIFIER_NAMES: Final = {
    "?": frozenset({"uncertain"}),
    "~": frozenset({"approximate"}),
    "%": frozenset({"uncertain", "approximate"}),
}
_NO_QUALIFIERS: frozenset[str] = frozenset()

# Sub-year codes: (first month, last month, years the last month is ahead).
_GROUPS: Final[dict[int, tuple[int, int, int]]] = {
    21: (3, 5, 0), 22: (6, 8, 0), 23: (9, 11, 0), 24: (12, 2, 1),
    25: (3, 5, 0), 26: (6, 8, 0), 27: (9, 11, 0), 28: (12, 2, 1),
    29: (9, 11, 0), 30: (12, 2, 1), 31: (3, 5, 0), 32: (6, 8, 0),
    33: (1, 3, 0), 34: (4, 6, 0), 35: (7, 9, 0), 36: (10, 12, 0),
    37: (1, 4, 0), 38: (5, 8, 0), 39: (9, 12, 0),
    40: (1, 6, 0), 41: (7, 12, 0),
}  # fmt: skip


def _group_precision(code: int) -> Precision:
    if code <= 32:
        return Precision.SEASON
    if code <= 36:
        return Precision.QUARTER
    if code <= 39:
        return Precision.QUADRIMESTER
    return Precision.HALF


_DAYS_IN_MONTH: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTH_NAMES: Final = (
    "", "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
# So that year * 10000 + month * 100 + day still fits a signed 64-bit integer.
_MAX_YEAR_DIGITS: Final = 14


def _is_leap(year: int) -> bool:
    # Proleptic Gregorian with astronomical numbering, so year 0 is leap.
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and _is_leap(year):
        return 29
    return _DAYS_IN_MONTH[month]


_POINT_RE: Final = re.compile(
    r"""
    ([?~%])?                                    # 1 qualifier before the year
    (?: (-)?([0-9]{2}(?:[0-9]{2}|[0-9]X|XX))    # 2 sign, 3 four-digit year
      | Y(-)?(?:([1-9][0-9]*)E([1-9][0-9]*)     # 4 sign, 5 base, 6 exponent
               |([1-9][0-9]{4,})) )             # 7 long year
    ([?~%])?                                    # 8 qualifier after the year
    (?: -([?~%])?([0-9]{2}|XX)([?~%])?          # 9-11 month, season or group
      (?: -([?~%])?([0-9]{2}|XX)([?~%])?        # 12-14 day
        (?: T([0-9]{2}):([0-9]{2}):([0-9]{2})   # 15-17 time
            (Z|[+-][0-9]{2}(?::[0-9]{2})?)?     # 18 UTC offset
        )?
      )?
    )?
    (?:S([1-9][0-9]*))?                         # 19 significant digits
    """,
    re.ASCII | re.VERBOSE,
)
_PLAIN_RE: Final = re.compile(r"(-)?([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([?~%])?", re.ASCII)
_WHITESPACE_RE: Final = re.compile(r"\s")
_YEAR, _MONTH, _DAY = Precision.YEAR, Precision.MONTH, Precision.DAY


class _Point(NamedTuple):
    """One date of an EDTF string: a whole string, an interval end or a set member."""

    text: str
    year: int  # signed, unspecified digits read as 0
    month: int | None  # 1..12, None for a year, a season or a group
    day: int | None
    group: int | None  # 21..41
    precision: Precision
    lo: Key
    hi: Key
    qualifiers: frozenset[str]
    time: str | None
    estimate: int | None  # the written year of a significant-digits year
    plain: bool  # no qualifier, X, group, significant digits or time


class _Member(NamedTuple):
    """A member of a one-of set: a date, a range a..b, ..a or a.."""

    kind: str  # "one", "range", "earlier" or "later"
    first: _Point
    last: _Point


class _PointError(Exception):
    """A failure inside one point, to be turned into InvalidWhen by the caller."""

    def __init__(self, reason: str, position: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.position = position


def _fail(m: re.Match[str], group: int, reason: str) -> _PointError:
    return _PointError(reason, m.start(group))


def _read_point(text: str) -> _Point:
    plain = _PLAIN_RE.fullmatch(text)
    if plain is not None:
        point = _plain_point(text, plain)
        if point is not None:
            return point
    m = _POINT_RE.fullmatch(text)
    if m is None:
        raise _diagnose(text)
    return _general_point(text, m)


def _plain_point(text: str, match: re.Match[str]) -> _Point | None:
    """The common cases, YYYY[-MM[-DD]][q] and YYYY-SS[q], or None to let the
    general path decide (and explain errors)."""
    sign, year4, month4, day4, mark = match.groups()
    year = int(year4)
    if sign:
        if not year:
            return None
        year = -year
    qualifiers = _NO_QUALIFIERS if mark is None else _QUALIFIER_NAMES[mark]
    plain = mark is None
    if month4 is None:
        return _Point(text, year, None, None, None, _YEAR, (year, 1, 1), (year, 12, 31), qualifiers, None, None, plain)
    month = int(month4)
    if not 1 <= month <= 12:
        if day4 is None and month in _GROUPS:
            lo, hi, precision = _group_bounds(year, month)
            return _Point(text, year, None, None, month, precision, lo, hi, qualifiers, None, None, False)
        return None
    last = 29 if month == 2 and _is_leap(year) else _DAYS_IN_MONTH[month]
    if day4 is None:
        lo, hi = (year, month, 1), (year, month, last)
        return _Point(text, year, month, None, None, _MONTH, lo, hi, qualifiers, None, None, plain)
    day = int(day4)
    if not 1 <= day <= last:
        return None
    key = (year, month, day)
    return _Point(text, year, month, day, None, _DAY, key, key, qualifiers, None, None, plain)


def _general_point(text: str, m: re.Match[str]) -> _Point:
    q_year_pre, sign, year4, q_year, q_month_pre, month = m[1], m[2], m[3], m[8], m[9], m[10]
    q_month, q_day_pre, day, q_day, hour, sig = m[11], m[12], m[13], m[14], m[15], m[19]
    qualifiers = _NO_QUALIFIERS
    if q_year_pre or q_year or q_month_pre or q_month or q_day_pre or q_day:
        qualifiers = _read_qualifiers(m)
    if year4 is not None:
        year, lo, hi, precision = _four_digit_year(m, sign, year4, month)
    else:
        year, lo, hi, precision = _long_year(m)
    estimate = None
    if sig is not None:
        if qualifiers or month is not None or precision is not Precision.YEAR:
            raise _PointError("significant digits only follow a plain year", m.start(19) - 1)
        lo, hi, precision, estimate = _significant(m, year, year4, sig)
    group = None
    month_n = day_n = None
    if month is not None and month != "XX":
        value = int(month)
        if 1 <= value <= 12:
            month_n = value
            lo, hi, precision = (year, value, 1), (year, value, _days_in_month(year, value)), _MONTH
        elif value in _GROUPS:
            if day is not None:
                raise _fail(m, 13, "a season or sub-year group has no day")
            group = value
            lo, hi, precision = _group_bounds(year, group)
        else:
            raise _fail(m, 10, "month must be 01-12, or 21-41 for a season or sub-year group")
    elif month == "XX" and day not in (None, "XX"):
        raise _fail(m, 13, "a day cannot follow an unspecified month (XX)")
    if month_n is not None and day is not None and day != "XX":
        day_n = _check_day(m, year, month_n, int(day))
        lo = hi = (year, month_n, day_n)
        precision = Precision.DAY
    time = None
    if hour is not None:
        time = _check_time(m, text, bool(qualifiers), day_n is None)
    unspecified = "X" in (year4 or "") or month == "XX" or day == "XX"
    plain = not qualifiers and not unspecified and group is None and sig is None and time is None
    return _Point(text, year, month_n, day_n, group, precision, lo, hi, qualifiers, time, estimate, plain)


def _read_qualifiers(m: re.Match[str]) -> frozenset[str]:
    # Groups 1/8, 9/11 and 12/14 are the qualifiers before/after year, month, day.
    for before, after in ((1, 8), (9, 11), (12, 14)):
        if m[before] and m[after]:
            raise _fail(m, after, "only one qualifier per component")
    names = [_QUALIFIER_NAMES[q] for q in m.groups() if q in _QUALIFIER_NAMES]
    return _NO_QUALIFIERS.union(*names)


def _four_digit_year(m: re.Match[str], sign: str | None, year4: str, month: str | None) -> tuple[int, Key, Key, Precision]:
    unspecified = year4.count("X")
    if unspecified and month is not None:
        raise _fail(m, 10, "a month cannot follow unspecified year digits")
    low = int(year4.replace("X", "0"))
    if sign and low == 0 and not unspecified:
        raise _fail(m, 2, "year zero cannot be negative")
    high = low + 10**unspecified - 1
    precision = (Precision.YEAR, Precision.DECADE, Precision.CENTURY)[unspecified]
    if sign:
        # -201X covers the years -2019..-2010.
        return -low, (-high, 1, 1), (-low, 12, 31), precision
    return low, (low, 1, 1), (high, 12, 31), precision


def _long_year(m: re.Match[str]) -> tuple[int, Key, Key, Precision]:
    sign, base, exp, long = m[4], m[5], m[6], m[7]
    if m[10] is not None:
        raise _fail(m, 10, "a Y-year has no month or day")
    year = 0
    if long is not None:
        digits = len(long)
        if digits <= _MAX_YEAR_DIGITS:
            year = int(long)
    else:
        assert base is not None and exp is not None
        # Checked before computing so that Y1E999999999 cannot hang the parser.
        digits = len(base) + (int(exp) if len(exp) < 4 else _MAX_YEAR_DIGITS + 1)
        if digits <= _MAX_YEAR_DIGITS:
            year = int(base) * 10 ** int(exp)
    if digits > _MAX_YEAR_DIGITS:
        raise _fail(m, 5 if base else 7, f"a year has at most {_MAX_YEAR_DIGITS} digits")
    if sign:
        year = -year
    return year, (year, 1, 1), (year, 12, 31), Precision.YEAR


def _significant(m: re.Match[str], year: int, year4: str | None, sig: str) -> tuple[Key, Key, Precision, int]:
    digits = len(year4) if year4 is not None else len(str(abs(year)))
    if len(sig) > 2 or int(sig) > digits:
        raise _PointError(f"at most {digits} significant digits for this year", m.start(19) - 1)
    insignificant = digits - int(sig)
    unit = 10**insignificant
    low = abs(year) // unit * unit
    first, last = (-(low + unit - 1), -low) if year < 0 else (low, low + unit - 1)
    precision = (Precision.YEAR, Precision.DECADE, Precision.CENTURY, Precision.MILLENNIUM)[min(insignificant, 3)]
    return (first, 1, 1), (last, 12, 31), precision, year


def _group_bounds(year: int, group: int) -> tuple[Key, Key, Precision]:
    first, last, ahead = _GROUPS[group]
    end_year = year + ahead
    return (year, first, 1), (end_year, last, _days_in_month(end_year, last)), _group_precision(group)


def _check_day(m: re.Match[str], year: int, month: int, day: int) -> int:
    if 1 <= day <= _days_in_month(year, month):
        return day
    if day == 0 or day > 31:
        reason = "day must be 01-31"
    elif month == 2 and day == 29:
        reason = f"{year} is not a leap year"
    else:
        reason = f"{_MONTH_NAMES[month]} has {_days_in_month(year, month)} days"
    raise _fail(m, 13, reason)


def _check_time(m: re.Match[str], text: str, qualified: bool, no_day: bool) -> str:
    if qualified:
        raise _PointError("a date-time cannot be qualified", m.start(15) - 1)
    if no_day:
        raise _fail(m, 13, "a date-time needs a full date")
    hour, minute, second = int(m[15]), int(m[16]), int(m[17])
    if hour > 24 or (hour == 24 and minute + second > 0):
        raise _fail(m, 15, "hour must be 00-23 (or 24:00:00)")
    if minute > 59:
        raise _fail(m, 16, "minute must be 00-59")
    if second > 59:
        raise _fail(m, 17, "second must be 00-59")
    offset = m[18]
    if offset is not None and offset != "Z":
        off_hour, off_minute = int(offset[1:3]), int(offset[4:6] or 0)
        if off_hour > 14 or off_minute > 59 or (off_hour == 14 and off_minute):
            raise _fail(m, 18, "UTC offset must be between -14:00 and +14:00")
    return text[m.start(15) :]


_DIGITS: Final = frozenset("0123456789")
_NONZERO: Final = frozenset("123456789")
_QUALIFIERS: Final = frozenset("?~%")


def _diagnose(s: str) -> _PointError:
    """Find where a point that the regex refused goes wrong (the slow path)."""
    space = _WHITESPACE_RE.search(s)
    if space is not None:
        return _PointError("spaces are not allowed", space.start())
    if not s:
        return _PointError("expected a date", 0)
    scan = _Scanner(s)
    try:
        scan.point()
    except _PointError as error:
        return error
    return _PointError("not a valid EDTF date", 0)


class _Scanner:
    """Walks the point grammar of _POINT_RE char by char to locate an error."""

    def __init__(self, s: str) -> None:
        self.s = s
        self.i = 0

    def at(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.s[j] if j < len(self.s) else ""

    def expect(self, chars: frozenset[str], reason: str) -> None:
        if self.at() not in chars:
            raise _PointError(reason, self.i)
        self.i += 1

    def skip(self, chars: frozenset[str] | str) -> bool:
        if self.at() != "" and self.at() in chars:
            self.i += 1
            return True
        return False

    def point(self) -> None:
        self.skip(_QUALIFIERS)
        if self.skip("Y"):
            self.long_year()
        else:
            self.skip("-")
            self.year()
        self.skip(_QUALIFIERS)
        if self.skip("-"):
            self.two_digits("expected a two-digit month, season or XX")
            if self.skip("-"):
                self.two_digits("expected a two-digit day or XX")
                if self.skip("T"):
                    self.time()
        if self.skip("S"):
            self.expect(_NONZERO, "expected the number of significant digits")
            while self.skip(_DIGITS):
                pass
        if self.i < len(self.s):
            raise _PointError(f"unexpected character {self.at()!r}", self.i)

    def long_year(self) -> None:
        self.skip("-")
        start = self.i
        self.expect(_NONZERO, "expected the digits of a Y-year, not starting with 0")
        while self.skip(_DIGITS):
            pass
        if self.skip("E"):
            self.expect(_NONZERO, "expected an exponent")
            while self.skip(_DIGITS):
                pass
        elif self.i - start < 5:
            raise _PointError("a Y-year has more than four digits", start)

    def year(self) -> None:
        reason = "expected a four-digit year (X only in its last two digits)"
        self.expect(_DIGITS, reason)
        self.expect(_DIGITS, reason)
        if self.skip("X"):
            self.expect(frozenset("X"), reason)
        else:
            self.expect(_DIGITS, reason)
            self.expect(_DIGITS | {"X"}, reason)

    def two_digits(self, reason: str) -> None:
        self.skip(_QUALIFIERS)
        if self.at() == "X":
            self.expect(frozenset("X"), reason)
            self.expect(frozenset("X"), reason)
        else:
            self.expect(_DIGITS, reason)
            self.expect(_DIGITS, reason)
        self.skip(_QUALIFIERS)

    def time(self) -> None:
        for expected in ("dd", ":", "dd", ":", "dd"):
            for char in expected:
                self.expect(_DIGITS if char == "d" else frozenset(char), "expected a time hh:mm:ss")
        if self.skip("Z") or not self.skip("+-"):
            return
        reason = "expected a UTC offset like Z, +05 or -04:30"
        self.expect(_DIGITS, reason)
        self.expect(_DIGITS, reason)
        if self.skip(":"):
            self.expect(_DIGITS, reason)
            self.expect(_DIGITS, reason)


def _to_date(key: Key | None) -> pendulum.Date | None:
    if key is None or not 1 <= key[0] <= 9999:
        return None
    # Imported when a bound is first asked for as a date: the command line's
    # cold start (DESIGN.md section 9) reads only keys.
    import pendulum

    return pendulum.Date(*key)


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
        from chrono.when_display import display

        return display(self, lang)

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict of the string, bounds, precision and flags."""
        return {
            "edtf": self.edtf,
            "earliest": None if self.earliest is None else self.earliest.isoformat(),
            "latest": None if self.latest is None else self.latest.isoformat(),
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


class _Analysis(NamedTuple):
    """What parsing finds; When keeps the bounds, display needs the parts."""

    lo: Key | None
    hi: Key | None
    precision: Precision
    qualifiers: frozenset[str]
    flags: tuple[bool, bool, bool, bool, bool, bool]  # open/unknown start/end, interval, set
    start: _Point | None  # the date, or an interval's start
    end: _Point | None  # an interval's end
    members: tuple[_Member, ...]  # a set's members


def _make(text: str, a: _Analysis) -> When:
    time = a.start.time if a.start is not None and a.end is None else None
    return When(text, a.precision, a.qualifiers, a.flags, a.lo, a.hi, time, _sort_key(text, a.lo, a.hi, a.precision))


def _sort_key(text: str, lo: Key | None, hi: Key | None, precision: Precision) -> tuple[int | str, ...]:
    rank = -_RANK[precision]
    if lo is None:
        return (0, 0, 0, 0, rank) + ((1, 0, 0, 0, text) if hi is None else (0, *hi, text))
    if hi is None:
        return (1, *lo, rank, 1, 0, 0, 0, text)
    return (1, *lo, rank, 0, *hi, text)


@functools.lru_cache(maxsize=1 << 15)
def _parse(text: str) -> When:
    # Only the bounds are kept: the parts are re-derived (and cached) for
    # display, which keeps long-lived objects, and so GC work, down.
    return _plain_when(text) or _make(text, _analyse(text))


def _plain_when(text: str) -> When | None:
    """A single YYYY[-MM[-DD]][q] or YYYY-SS[q] without the general path's layers
    (it is most of what a chronicle holds), or None to let that path decide."""
    match = _PLAIN_RE.fullmatch(text)
    p = None if match is None else _plain_point(text, match)
    if p is None:
        return None
    return When(text, p.precision, p.qualifiers, _SINGLE, p.lo, p.hi, None, _sort_key(text, p.lo, p.hi, p.precision))


@functools.lru_cache(maxsize=1 << 12)
def parts_of(when: When) -> _Analysis:
    """The parsed parts of a When, for chrono.when_display."""
    return _analyse(when.edtf)


def _analyse(text: str) -> _Analysis:
    if not isinstance(text, str):
        raise TypeError(f"When.parse expects a str, not {type(text).__name__}")
    try:
        return _analyse_unchecked(text)
    except InvalidWhen as error:
        space = _WHITESPACE_RE.search(text)
        if space is not None and (error.position is None or space.start() < error.position):
            raise InvalidWhen(text, "spaces are not allowed", space.start()) from None
        raise


_SINGLE: Final = (False, False, False, False, False, False)


def _analyse_unchecked(text: str) -> _Analysis:
    if not text:
        raise InvalidWhen(text, "empty string", 0)
    if text[0] == "[":
        return _parse_set(text)
    if text[0] == "{":
        raise InvalidWhen(text, "all-of sets {...} are not supported; record each date as its own entry", 0)
    slash = text.find("/")
    if slash >= 0:
        return _parse_interval(text, slash)
    p = _point_at(text, text, 0)
    return _Analysis(p.lo, p.hi, p.precision, p.qualifiers, _SINGLE, p, None, ())


def _point_at(full: str, part: str, base: int) -> _Point:
    try:
        return _read_point(part)
    except _PointError as error:
        raise InvalidWhen(full, error.reason, base + error.position) from None


def _no_time(full: str, p: _Point, base: int, where: str) -> _Point:
    if p.time is not None:
        raise InvalidWhen(full, f"date-times are not allowed in {where}", base + p.text.index("T"))
    return p


def _interval_end(full: str, part: str, base: int) -> _Point | None:
    if part in ("", ".."):
        return None
    return _no_time(full, _point_at(full, part, base), base, "intervals")


def _parse_interval(text: str, slash: int) -> _Analysis:
    extra = text.find("/", slash + 1)
    if extra >= 0:
        raise InvalidWhen(text, "an interval has exactly one '/'", extra)
    left, right = text[:slash], text[slash + 1 :]
    start = _interval_end(text, left, 0)
    end = _interval_end(text, right, slash + 1)
    if start is None and end is None:
        raise InvalidWhen(text, "an interval needs at least one date", 0)
    if start is not None and end is not None and start.lo > end.hi:
        raise InvalidWhen(text, "the interval ends before it starts", slash + 1)
    precision = max((p.precision for p in (start, end) if p is not None), key=_RANK.__getitem__)
    qualifiers = (start.qualifiers if start else _NO_QUALIFIERS) | (end.qualifiers if end else _NO_QUALIFIERS)
    flags = (left == "..", right == "..", left == "", right == "", True, False)
    lo = start.lo if start is not None else None
    hi = end.hi if end is not None else None
    return _Analysis(lo, hi, precision, qualifiers, flags, start, end, ())


def _parse_set(text: str) -> _Analysis:
    if len(text) < 2 or text[-1] != "]":
        raise InvalidWhen(text, "a set must end with ']'", len(text))
    if len(text) == 2:
        raise InvalidWhen(text, "a set needs at least one date", 1)
    parts = text[1:-1].split(",")
    members: list[_Member] = []
    base = 1
    for i, part in enumerate(parts):
        members.append(_set_member(text, part, base, i == 0, i == len(parts) - 1))
        base += len(part) + 1
    points = [p for m in members for p in (m.first, m.last)]
    precision = max((p.precision for p in points), key=_RANK.__getitem__)
    qualifiers = _NO_QUALIFIERS.union(*(p.qualifiers for p in points))
    open_start, open_end = members[0].kind == "earlier", members[-1].kind == "later"
    lo = None if open_start else min(m.first.lo for m in members)
    hi = None if open_end else max(m.last.hi for m in members)
    flags = (open_start, open_end, False, False, False, True)
    return _Analysis(lo, hi, precision, qualifiers, flags, None, None, tuple(members))


def _set_member(full: str, part: str, base: int, first: bool, last: bool) -> _Member:
    if not part:
        raise InvalidWhen(full, "expected a date", base)
    if part == "..":
        raise InvalidWhen(full, "'..' needs a date before or after it", base)
    if part.startswith(".."):
        if not first:
            raise InvalidWhen(full, "only the first member of a set can start with '..'", base)
        p = _no_time(full, _point_at(full, part[2:], base + 2), base + 2, "sets")
        return _Member("earlier", p, p)
    dots = part.find("..")
    if dots < 0:
        p = _no_time(full, _point_at(full, part, base), base, "sets")
        return _Member("one", p, p)
    if dots == len(part) - 2:
        if not last:
            raise InvalidWhen(full, "only the last member of a set can end with '..'", base + dots)
        p = _no_time(full, _point_at(full, part[:dots], base), base, "sets")
        return _Member("later", p, p)
    a = _point_at(full, part[:dots], base)
    b = _point_at(full, part[dots + 2 :], base + dots + 2)
    if not (a.plain and b.plain and a.precision is b.precision):
        raise InvalidWhen(full, "a range in a set joins two plain dates of the same precision", base)
    if a.lo > b.lo:
        raise InvalidWhen(full, "the range ends before it starts", base + dots + 2)
    return _Member("range", a, b)
