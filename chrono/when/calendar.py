"""The calendar under EDTF dates: precisions, keys, months, seasons and sub-year groups."""

from __future__ import annotations

import enum
from typing import Final

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
        return RANK[self]


RANK: Final = {p: i for i, p in enumerate(Precision)}

QUALIFIER_NAMES: Final = {
    "?": frozenset({"uncertain"}),
    "~": frozenset({"approximate"}),
    "%": frozenset({"uncertain", "approximate"}),
}
NO_QUALIFIERS: frozenset[str] = frozenset()

# Sub-year codes: (first month, last month, years the last month is ahead).
GROUPS: Final[dict[int, tuple[int, int, int]]] = {
    21: (3, 5, 0), 22: (6, 8, 0), 23: (9, 11, 0), 24: (12, 2, 1),
    25: (3, 5, 0), 26: (6, 8, 0), 27: (9, 11, 0), 28: (12, 2, 1),
    29: (9, 11, 0), 30: (12, 2, 1), 31: (3, 5, 0), 32: (6, 8, 0),
    33: (1, 3, 0), 34: (4, 6, 0), 35: (7, 9, 0), 36: (10, 12, 0),
    37: (1, 4, 0), 38: (5, 8, 0), 39: (9, 12, 0),
    40: (1, 6, 0), 41: (7, 12, 0),
}  # fmt: skip


def group_precision(code: int) -> Precision:
    if code <= 32:
        return Precision.SEASON
    if code <= 36:
        return Precision.QUARTER
    if code <= 39:
        return Precision.QUADRIMESTER
    return Precision.HALF


DAYS_IN_MONTH: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
MONTH_NAMES: Final = (
    "", "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
# So that year * 10000 + month * 100 + day still fits a signed 64-bit integer.
MAX_YEAR_DIGITS: Final = 14


def is_leap(year: int) -> bool:
    # Proleptic Gregorian with astronomical numbering, so year 0 is leap.
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    if month == 2 and is_leap(year):
        return 29
    return DAYS_IN_MONTH[month]
