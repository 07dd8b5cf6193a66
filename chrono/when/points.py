"""One date of an EDTF string: a whole string, an interval end or a set member.

The point grammar is one regular expression; the common plain dates
(YYYY[-MM[-DD]][q], YYYY-SS[q]) take a shorter path. A point the grammar
refuses is diagnosed by ``chrono.when.scanner``, which says where it goes wrong.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from chrono.when.calendar import (
    DAYS_IN_MONTH,
    GROUPS,
    MAX_YEAR_DIGITS,
    MONTH_NAMES,
    NO_QUALIFIERS,
    QUALIFIER_NAMES,
    Key,
    Precision,
    days_in_month,
    group_precision,
    is_leap,
)  # fmt: skip
from chrono.when.scanner import PointError, diagnose

POINT_RE: Final = re.compile(
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
PLAIN_RE: Final = re.compile(r"(-)?([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([?~%])?", re.ASCII)
_YEAR, _MONTH, _DAY = Precision.YEAR, Precision.MONTH, Precision.DAY


class Point(NamedTuple):
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


class Member(NamedTuple):
    """A member of a one-of set: a date, a range a..b, ..a or a.."""

    kind: str  # "one", "range", "earlier" or "later"
    first: Point
    last: Point


def _fail(m: re.Match[str], group: int, reason: str) -> PointError:
    return PointError(reason, m.start(group))


def read_point(text: str) -> Point:
    plain = PLAIN_RE.fullmatch(text)
    if plain is not None:
        point = plain_point(text, plain)
        if point is not None:
            return point
    m = POINT_RE.fullmatch(text)
    if m is None:
        raise diagnose(text)
    return _general_point(text, m)


def plain_point(text: str, match: re.Match[str]) -> Point | None:
    """The common cases, YYYY[-MM[-DD]][q] and YYYY-SS[q], or None to let the
    general path decide (and explain errors)."""
    sign, year4, month4, day4, mark = match.groups()
    year = int(year4)
    if sign:
        if not year:
            return None
        year = -year
    qualifiers = NO_QUALIFIERS if mark is None else QUALIFIER_NAMES[mark]
    plain = mark is None
    if month4 is None:
        return Point(text, year, None, None, None, _YEAR, (year, 1, 1), (year, 12, 31), qualifiers, None, None, plain)
    month = int(month4)
    if not 1 <= month <= 12:
        if day4 is None and month in GROUPS:
            lo, hi, precision = _group_bounds(year, month)
            return Point(text, year, None, None, month, precision, lo, hi, qualifiers, None, None, False)
        return None
    last = 29 if month == 2 and is_leap(year) else DAYS_IN_MONTH[month]
    if day4 is None:
        lo, hi = (year, month, 1), (year, month, last)
        return Point(text, year, month, None, None, _MONTH, lo, hi, qualifiers, None, None, plain)
    day = int(day4)
    if not 1 <= day <= last:
        return None
    key = (year, month, day)
    return Point(text, year, month, day, None, _DAY, key, key, qualifiers, None, None, plain)


def _general_point(text: str, m: re.Match[str]) -> Point:
    q_year_pre, sign, year4, q_year, q_month_pre, month = m[1], m[2], m[3], m[8], m[9], m[10]
    q_month, q_day_pre, day, q_day, hour, sig = m[11], m[12], m[13], m[14], m[15], m[19]
    qualifiers = NO_QUALIFIERS
    if q_year_pre or q_year or q_month_pre or q_month or q_day_pre or q_day:
        qualifiers = _read_qualifiers(m)
    if year4 is not None:
        year, lo, hi, precision = _four_digit_year(m, sign, year4, month)
    else:
        year, lo, hi, precision = _long_year(m)
    estimate = None
    if sig is not None:
        if qualifiers or month is not None or precision is not Precision.YEAR:
            raise PointError("significant digits only follow a plain year", m.start(19) - 1)
        lo, hi, precision, estimate = _significant(m, year, year4, sig)
    group = None
    month_n = day_n = None
    if month is not None and month != "XX":
        value = int(month)
        if 1 <= value <= 12:
            month_n = value
            lo, hi, precision = (year, value, 1), (year, value, days_in_month(year, value)), _MONTH
        elif value in GROUPS:
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
    return Point(text, year, month_n, day_n, group, precision, lo, hi, qualifiers, time, estimate, plain)


def _read_qualifiers(m: re.Match[str]) -> frozenset[str]:
    # Groups 1/8, 9/11 and 12/14 are the qualifiers before/after year, month, day.
    for before, after in ((1, 8), (9, 11), (12, 14)):
        if m[before] and m[after]:
            raise _fail(m, after, "only one qualifier per component")
    names = [QUALIFIER_NAMES[q] for q in m.groups() if q in QUALIFIER_NAMES]
    return NO_QUALIFIERS.union(*names)


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
        if digits <= MAX_YEAR_DIGITS:
            year = int(long)
    else:
        assert base is not None and exp is not None
        # Checked before computing so that Y1E999999999 cannot hang the parser.
        digits = len(base) + (int(exp) if len(exp) < 4 else MAX_YEAR_DIGITS + 1)
        if digits <= MAX_YEAR_DIGITS:
            year = int(base) * 10 ** int(exp)
    if digits > MAX_YEAR_DIGITS:
        raise _fail(m, 5 if base else 7, f"a year has at most {MAX_YEAR_DIGITS} digits")
    if sign:
        year = -year
    return year, (year, 1, 1), (year, 12, 31), Precision.YEAR


def _significant(m: re.Match[str], year: int, year4: str | None, sig: str) -> tuple[Key, Key, Precision, int]:
    digits = len(year4) if year4 is not None else len(str(abs(year)))
    if len(sig) > 2 or int(sig) > digits:
        raise PointError(f"at most {digits} significant digits for this year", m.start(19) - 1)
    insignificant = digits - int(sig)
    unit = 10**insignificant
    low = abs(year) // unit * unit
    first, last = (-(low + unit - 1), -low) if year < 0 else (low, low + unit - 1)
    precision = (Precision.YEAR, Precision.DECADE, Precision.CENTURY, Precision.MILLENNIUM)[min(insignificant, 3)]
    return (first, 1, 1), (last, 12, 31), precision, year


def _group_bounds(year: int, group: int) -> tuple[Key, Key, Precision]:
    first, last, ahead = GROUPS[group]
    end_year = year + ahead
    return (year, first, 1), (end_year, last, days_in_month(end_year, last)), group_precision(group)


def _check_day(m: re.Match[str], year: int, month: int, day: int) -> int:
    if 1 <= day <= days_in_month(year, month):
        return day
    if day == 0 or day > 31:
        reason = "day must be 01-31"
    elif month == 2 and day == 29:
        reason = f"{year} is not a leap year"
    else:
        reason = f"{MONTH_NAMES[month]} has {days_in_month(year, month)} days"
    raise _fail(m, 13, reason)


def _check_time(m: re.Match[str], text: str, qualified: bool, no_day: bool) -> str:
    if qualified:
        raise PointError("a date-time cannot be qualified", m.start(15) - 1)
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
