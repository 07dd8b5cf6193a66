"""The pieces of a date phrase grammar: references, points, phrases, and the scanner that finds them.

``dates_vi`` and ``dates_en`` hold each language's patterns, built from these;
``dates`` finds the phrases of a text with them.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from typing import Final

import attrs

from chrono.errors import InvalidWhen
from chrono.interchange.date_phrases import DatePhrase, Point, Reference
from chrono.interchange.fold import fold
from chrono.when import When

PointHandler = Callable[[re.Match[str], Reference], Point | None]
PointTable = Sequence[tuple[str, PointHandler]]
# The shapes a phrase pattern may name (see ``_shape``).
SHAPES: Final = ("point", "range", "one_of", "since", "since_now", "until", "earlier", "later", "unknown_start", "unknown_end")


def pad(year: int) -> str:
    return f"{year:04d}"


def day(y: int, m: int, d: int) -> str:
    return f"{pad(y)}-{m:02d}-{d:02d}"


def month(y: int, m: int) -> str:
    return f"{pad(y)}-{m:02d}"


def part_of_month(y: int, m: int, part: str) -> str:
    """ "early", "mid" or "late" month: the set of its first, middle or last ten days."""
    first, last = {"early": (1, 10), "mid": (11, 20)}.get(part, (21, calendar.monthrange(y, m)[1]))
    return f"[{day(y, m, first)}..{day(y, m, last)}]"


# The thirds of a year, as the thirds of a month: EDTF's quadrimesters.
PART_OF_YEAR: Final = {"early": 37, "mid": 38, "late": 39}
MONTH_SPANS: Final = {(1, 4): 37, (5, 8): 38, (9, 12): 39, (1, 6): 40, (7, 12): 41}


def month_span(y: int, first: int, last: int) -> str:
    """ "January–April 2024": a sub-year group when it is one, else a period of months."""
    code = MONTH_SPANS.get((first, last))
    return f"{pad(y)}-{code}" if code else f"{month(y, first)}/{month(y, last)}"


def coming_month(ref: Reference, m: int) -> Point | None:
    """ "tháng 4 tới", "next April": the first such month after the reference."""
    if ref.ymd is None:
        return None
    year, current, _ = ref.ymd
    return Point(month(year if m > current else year + 1, m), guessed_year=True, planned=True)


def same_year(ref: Reference, build: Callable[[int], str], planned: bool = False) -> Point | None:
    """A date the text gives without a year: the reference's year, flagged."""
    if ref.ymd is None:
        return None
    return Point(build(ref.ymd[0]), guessed_year=True, planned=planned)


def year(m: re.Match[str], ref: Reference) -> Point:
    """A year as written (group ``y``): the handler of every language's bare year."""
    return Point(m.group("y"))


def decade(m: re.Match[str], ref: Reference) -> Point:
    """The decade of a year ending in 0 (group ``y``: "the 1990s", "thập niên 1990")."""
    return Point(m.group("y")[:3] + "X")


def relative_year(ref: Reference, offset: int) -> Point | None:
    if ref.ymd is None:
        return None
    return Point(pad(ref.ymd[0] + offset), guessed_year=True, planned=offset > 0)


def relative_month(ref: Reference, offset: int) -> Point | None:
    if ref.ymd is None:
        return None
    year, m, _ = ref.ymd
    index = year * 12 + m - 1 + offset
    return Point(month(index // 12, index % 12 + 1), guessed_year=True, planned=offset > 0)


def strip_groups(pattern: str) -> str:
    """A pattern with its named groups made plain, to embed it in another."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


@attrs.frozen
class Grammar:
    """The date patterns of one language.

    Attributes:
        points: (pattern, handler) for each form of a single date.
        phrases: (pattern, shape) around points; ``{P}`` stands for any
            point. Groups ``a`` and ``b`` hold the points, ``about`` and
            ``unsure`` the qualifiers of a single point.
        guard: whether a match at (folded text, original text, start, end)
            may stand, for forms that are dates only in context.
    """

    points: PointTable
    phrases: Sequence[tuple[str, str]]
    guard: Callable[[str, str, int, int], bool] = lambda folded, text, start, end: True

    def compiled(self) -> tuple[list[tuple[re.Pattern[str], PointHandler]], list[tuple[re.Pattern[str], str]]]:
        alternation = "(?:" + "|".join(strip_groups(p) for p, _ in self.points) + ")"
        points = [(re.compile(p), h) for p, h in self.points]
        phrases = [(re.compile(r"(?<![\w/.,])" + p.replace("{P}", alternation) + r"(?![\w/])"), shape) for p, shape in self.phrases]
        return points, phrases


class Scanner:
    """Finds the date phrases of texts in one language."""

    def __init__(self, grammar: Grammar) -> None:
        self.points, self.phrases = grammar.compiled()
        self.guard = grammar.guard

    def point(self, text: str, ref: Reference) -> Point | None:
        for pattern, handler in self.points:
            m = pattern.fullmatch(text)
            if m is not None:
                return handler(m, ref)
        return None

    def find(self, text: str, ref: Reference) -> list[DatePhrase]:
        """Every date phrase of ``text``, left to right, the longest where they overlap."""
        folded = fold(text)
        found = []
        for pattern, shape in self.phrases:
            for m in pattern.finditer(folded):
                if m.end() > m.start() and self.guard(folded, text, m.start(), m.end()):
                    phrase = self._phrase(m, shape, text, ref)
                    if phrase is not None:
                        found.append(phrase)
        return _longest(found)

    def parse(self, text: str, ref: Reference) -> DatePhrase | None:
        """``text`` read as one date phrase, whole; None if it is not one."""
        folded = fold(text.strip())
        for pattern, shape in self.phrases:
            m = pattern.fullmatch(folded)
            if m is not None:
                phrase = self._phrase(m, shape, text.strip(), ref)
                if phrase is not None:
                    return phrase
        return None

    def _phrase(self, m: re.Match[str], shape: str, text: str, ref: Reference) -> DatePhrase | None:
        texts = [m.group(name) for name in ("a", "b") if m.groupdict().get(name) is not None]
        points = [self.point(t, ref) for t in texts]
        if not points or any(p is None for p in points):
            return None
        resolved = self._settled(texts, [p for p in points if p is not None], ref, m.groupdict().get("plan") is not None)
        made = _shape(shape, resolved, ref, qualifier=_qualifier(m))
        if made is None:
            return None
        edtf, kind, uses_now = made
        try:
            When.parse(edtf)
        except InvalidWhen:  # a reversed period, a 30 February: not a date after all
            return None
        guessed = any(p.guessed_year for p in resolved)
        estimated = (guessed or uses_now) and ref.published is None
        planned = any(p.planned for p in resolved) or m.groupdict().get("plan") is not None
        return DatePhrase(m.start(), m.end(), text[m.start() : m.end()], edtf, kind, guessed, planned, estimated)

    def _settled(self, texts: list[str], points: list[Point], ref: Reference, planned: bool) -> list[Point]:
        """Years the text left out, taken from where it gives them.

        In "March – May 2017" the first point takes the second's year; a
        planned date without a year ("expected in September") is the next
        one after the reference, not an earlier one of the same year.
        """
        if len(points) == 2 and points[0].guessed_year and not points[1].guessed_year:
            first = self.point(texts[0], Reference(year=int(points[1].edtf.lstrip("[")[:4])))
            if first is not None:
                points = [attrs.evolve(first, guessed_year=False), points[1]]
        if planned and ref.ymd is not None:
            points = [self._ahead(t, p, ref.ymd) for t, p in zip(texts, points, strict=True)]
        return points

    def _ahead(self, text: str, point: Point, now: tuple[int, int, int]) -> Point:
        latest = When.parse(point.edtf).latest_key
        if not point.guessed_year or latest is None or latest >= now:
            return point
        later = self.point(text, Reference(year=now[0] + 1))
        return point if later is None else attrs.evolve(later, guessed_year=True, planned=True)


def _qualifier(m: re.Match[str]) -> str:
    groups = m.groupdict()
    about, unsure = groups.get("about") is not None, groups.get("unsure") is not None
    return "%" if about and unsure else "~" if about else "?" if unsure else ""


def _shape(shape: str, points: list[Point], ref: Reference, qualifier: str = "") -> tuple[str, str, bool] | None:
    """(EDTF, phrase shape, whether "now" was used) for a phrase of ``shape``."""
    a = points[0].edtf
    if shape == "point":
        return (a + qualifier if qualifier and not a.startswith("[") else a), "point", False
    if shape in ("since", "since_now"):
        now = ref.now
        return (f"{a}/{now}" if now else f"{a}/.."), "since", now is not None
    if shape == "until":
        return f"../{a}", "until", False
    if shape == "unknown_start":
        return f"/{a}", "bound", False
    if shape == "unknown_end":
        return f"{a}/", "bound", False
    if shape == "earlier":
        return f"[..{a}]", "bound", False
    if shape == "later":
        return f"[{a}..]", "bound", False
    b = points[1].edtf
    if shape == "one_of":
        return f"[{a}..{b}]", "set", False
    return f"{a}/{b}", "period", False


def _longest(found: list[DatePhrase]) -> list[DatePhrase]:
    """Non-overlapping phrases, preferring the longest (then the leftmost)."""
    chosen: list[DatePhrase] = []
    for phrase in sorted(found, key=lambda p: (-(p.end - p.start), p.start)):
        if all(phrase.end <= c.start or phrase.start >= c.end for c in chosen):
            chosen.append(phrase)
    return sorted(chosen, key=lambda p: p.start)
