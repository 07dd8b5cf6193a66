"""EDTF dates: parsing, bounds, precision, a total order and en/vi text (DESIGN.md section 3).

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

The package's modules import one way: ``calendar`` (precisions, months,
groups) and ``scanner`` (where a refused date goes wrong) under ``points``
(one date), under ``parsing`` (intervals and sets), under ``value`` (``When``)
and ``display`` (en/vi text, from the parts alone). ``When.display`` imports
``display`` when it is called; ``display`` never imports ``When``.
"""

from __future__ import annotations

from chrono.when.calendar import Precision
from chrono.when.value import When

__all__ = ["Precision", "When"]
