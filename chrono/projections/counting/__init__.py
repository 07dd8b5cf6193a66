"""THE one rule of what an entry contributes to which counter (DESIGN.md section 6).

Every view that shows a number (counters, explain, the partner panel, state,
replay, diff, exports) asks this package, and nothing else decides one:

* ``rule``: which entries count, certainty as of a day, value bounds,
  the year of a date, and an entry's contributions (``parts``);
* ``scopes``: which partners a figure speaks for;
* ``claims``: reported figures as claims, what covers what, what competes;
* ``evaluate``: every contribution of a counter judged as of a day, and the
  counter they make.
"""

from chrono.projections.counting.evaluate import COVERED, Judged, Tally, judge, tally
from chrono.projections.counting.rule import (
    COUNTED_STATUSES,
    DEFINITE,
    EVENT,
    FLOW,
    FUTURE,
    POSSIBLE,
    STOCK,
    Part,
    bounds,
    certainty,
    counts,
    day_key,
    parts,
    year_of,
)
from chrono.projections.counting.scopes import Family

__all__ = [
    "COUNTED_STATUSES", "COVERED", "DEFINITE", "EVENT", "FLOW", "FUTURE", "POSSIBLE", "STOCK",
    "Family", "Judged", "Part", "Tally", "bounds", "certainty", "counts", "day_key", "judge", "parts", "tally", "year_of",
]  # fmt: skip
