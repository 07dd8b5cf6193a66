"""EDTF strings into their parts: a date, an interval's two ends, a set's members.

``analyse`` finds the parts and checks them (raising ``InvalidWhen`` with the
position); ``chrono.when.value`` keeps only the bounds of what it finds, and
``chrono.when.display`` asks for the parts again, cached, to word them.
"""

from __future__ import annotations

import functools
from typing import Final, NamedTuple

from chrono.errors import InvalidWhen
from chrono.when.calendar import NO_QUALIFIERS, RANK, Key, Precision
from chrono.when.points import Member, Point, read_point
from chrono.when.scanner import WHITESPACE_RE, PointError


class Analysis(NamedTuple):
    """What parsing finds; When keeps the bounds, display needs the parts."""

    lo: Key | None
    hi: Key | None
    precision: Precision
    qualifiers: frozenset[str]
    flags: tuple[bool, bool, bool, bool, bool, bool]  # open/unknown start/end, interval, set
    start: Point | None  # the date, or an interval's start
    end: Point | None  # an interval's end
    members: tuple[Member, ...]  # a set's members


@functools.lru_cache(maxsize=1 << 12)
def parts_of(edtf: str) -> Analysis:
    """The parsed parts of an EDTF string already parsed once, for chrono.when.display."""
    return analyse(edtf)


def analyse(text: str) -> Analysis:
    if not isinstance(text, str):
        raise TypeError(f"When.parse expects a str, not {type(text).__name__}")
    try:
        return _analyse_unchecked(text)
    except InvalidWhen as error:
        space = WHITESPACE_RE.search(text)
        if space is not None and (error.position is None or space.start() < error.position):
            raise InvalidWhen(text, "spaces are not allowed", space.start()) from None
        raise


SINGLE: Final = (False, False, False, False, False, False)


def _analyse_unchecked(text: str) -> Analysis:
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
    return Analysis(p.lo, p.hi, p.precision, p.qualifiers, SINGLE, p, None, ())


def _point_at(full: str, part: str, base: int) -> Point:
    try:
        return read_point(part)
    except PointError as error:
        raise InvalidWhen(full, error.reason, base + error.position) from None


def _no_time(full: str, p: Point, base: int, where: str) -> Point:
    if p.time is not None:
        raise InvalidWhen(full, f"date-times are not allowed in {where}", base + p.text.index("T"))
    return p


def _interval_end(full: str, part: str, base: int) -> Point | None:
    if part in ("", ".."):
        return None
    return _no_time(full, _point_at(full, part, base), base, "intervals")


def _parse_interval(text: str, slash: int) -> Analysis:
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
    precision = max((p.precision for p in (start, end) if p is not None), key=RANK.__getitem__)
    qualifiers = (start.qualifiers if start else NO_QUALIFIERS) | (end.qualifiers if end else NO_QUALIFIERS)
    flags = (left == "..", right == "..", left == "", right == "", True, False)
    lo = start.lo if start is not None else None
    hi = end.hi if end is not None else None
    return Analysis(lo, hi, precision, qualifiers, flags, start, end, ())


def _parse_set(text: str) -> Analysis:
    if len(text) < 2 or text[-1] != "]":
        raise InvalidWhen(text, "a set must end with ']'", len(text))
    if len(text) == 2:
        raise InvalidWhen(text, "a set needs at least one date", 1)
    parts = text[1:-1].split(",")
    members: list[Member] = []
    base = 1
    for i, part in enumerate(parts):
        members.append(_set_member(text, part, base, i == 0, i == len(parts) - 1))
        base += len(part) + 1
    points = [p for m in members for p in (m.first, m.last)]
    precision = max((p.precision for p in points), key=RANK.__getitem__)
    qualifiers = NO_QUALIFIERS.union(*(p.qualifiers for p in points))
    open_start, open_end = members[0].kind == "earlier", members[-1].kind == "later"
    lo = None if open_start else min(m.first.lo for m in members)
    hi = None if open_end else max(m.last.hi for m in members)
    flags = (open_start, open_end, False, False, False, True)
    return Analysis(lo, hi, precision, qualifiers, flags, None, None, tuple(members))


def _set_member(full: str, part: str, base: int, first: bool, last: bool) -> Member:
    if not part:
        raise InvalidWhen(full, "expected a date", base)
    if part == "..":
        raise InvalidWhen(full, "'..' needs a date before or after it", base)
    if part.startswith(".."):
        if not first:
            raise InvalidWhen(full, "only the first member of a set can start with '..'", base)
        p = _no_time(full, _point_at(full, part[2:], base + 2), base + 2, "sets")
        return Member("earlier", p, p)
    dots = part.find("..")
    if dots < 0:
        p = _no_time(full, _point_at(full, part, base), base, "sets")
        return Member("one", p, p)
    if dots == len(part) - 2:
        if not last:
            raise InvalidWhen(full, "only the last member of a set can end with '..'", base + dots)
        p = _no_time(full, _point_at(full, part[:dots], base), base, "sets")
        return Member("later", p, p)
    a = _point_at(full, part[:dots], base)
    b = _point_at(full, part[dots + 2 :], base + dots + 2)
    if not (a.plain and b.plain and a.precision is b.precision):
        raise InvalidWhen(full, "a range in a set joins two plain dates of the same precision", base)
    if a.lo > b.lo:
        raise InvalidWhen(full, "the range ends before it starts", base + dots + 2)
    return Member("range", a, b)
