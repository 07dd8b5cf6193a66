"""English date phrases (over folded text).

Points: "10 February 2021", "February 10, 2021", "2021-02-10", "on 18 March"
(the reference's year), "March 2016", "2018", "early/mid-/late March 2024",
"early/mid/late 2025" (quadrimesters), "Q1 2024", "first half of 2024",
"spring 2024", "the 2010s", "the 21st century", "expected in September"
(the next September), "last year". Shapes: "between 2015 and 2020",
"from 2015 to 2020", "2015–2020", "since 2012", "from 2012 until now",
"until 2012", "about 2018", "2018 (uncertain)", and the other forms
``When.display`` writes in English.
"""

from __future__ import annotations

import re
from typing import Final

from chrono.interchange import dates_grammar as d
from chrono.interchange.date_phrases import Point, Reference

_NAMES: Final = (
    "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_OF: Final = {**{name: i + 1 for i, name in enumerate(_NAMES)}, **{name[:3]: i + 1 for i, name in enumerate(_NAMES)}, "sept": 9}
# A dot after an abbreviation ("Sept.") is its own; after a full name it ends the sentence.
MONTHS = r"(?:(?:" + "|".join(_NAMES) + r")\b|(?:" + "|".join(sorted(set(_MONTH_OF) - set(_NAMES), key=len, reverse=True)) + r")\b\.?)"
_ORDINAL: Final = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PART: Final = {"early": "early", "mid": "mid", "late": "late", "beginning": "early", "middle": "mid", "end": "late"}
_SEASON: Final = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
_OFFSET: Final = {"last": -1, "this": 0, "next": 1}
Y = r"(?P<y>\d{4})"
DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"


def _month_number(m: re.Match[str], name: str = "mon") -> int:
    return _MONTH_OF[m.group(name).rstrip(".")]


def _day(m: re.Match[str], ref: Reference) -> Point | None:
    month, day = (_month_number(m) if m.groupdict().get("mon") else int(m.group("m"))), int(m.group("d"))
    if m.groupdict().get("y"):
        return Point(d.day(int(m.group("y")), month, day))
    return d.same_year(ref, lambda y: d.day(y, month, day))


def _part_of_month(m: re.Match[str], ref: Reference) -> Point | None:
    part, month = _PART[m.group("part")], _month_number(m)
    if m.group("y"):
        return Point(d.part_of_month(int(m.group("y")), month, part))
    coming = d.same_year(ref, lambda y: d.month(y, month))
    return None if coming is None else Point(d.part_of_month(int(coming.edtf[:4]), month, part), guessed_year=True)


def _month(m: re.Match[str], ref: Reference) -> Point | None:
    if m.groupdict().get("y"):
        return Point(d.month(int(m.group("y")), _month_number(m)))
    if m.group("next"):
        return d.coming_month(ref, _month_number(m))
    return d.same_year(ref, lambda y: d.month(y, _month_number(m)))


def _month_span(m: re.Match[str], ref: Reference) -> Point:
    return Point(d.month_span(int(m.group("y")), _month_number(m, "m1"), _month_number(m, "m2")))


def _quarter(m: re.Match[str], ref: Reference) -> Point:
    return Point(f"{m.group('y')}-{32 + _ORDINAL[m.group('q')]}")


def _half(m: re.Match[str], ref: Reference) -> Point:
    return Point(f"{m.group('y')}-{39 + _ORDINAL[m.group('half')]}")


def _season(m: re.Match[str], ref: Reference) -> Point:
    return Point(f"{m.group('y')}-{_SEASON[m.group('season')] + (8 if m.group('south') else 0)}")


def _part_of_year(m: re.Match[str], ref: Reference) -> Point:
    return Point(f"{m.group('y')}-{d.PART_OF_YEAR[_PART[m.group('part')]]}")


def _century(m: re.Match[str], ref: Reference) -> Point | None:
    n = int(m.group("c"))
    return Point(f"{n - 1:02d}XX") if 1 <= n <= 100 else None


def _relative_year(m: re.Match[str], ref: Reference) -> Point | None:
    return d.relative_year(ref, _OFFSET[m.group("rel")])


def _relative_month(m: re.Match[str], ref: Reference) -> Point | None:
    return d.relative_month(ref, _OFFSET[m.group("rel")])


POINTS: Final[d.PointTable] = [
    (rf"(?:on\s+)?(?:the\s+)?{DAY}(?:\s+of)?\s+(?P<mon>{MONTHS}),?\s+{Y}", _day),
    (rf"(?:on\s+)?(?P<mon>{MONTHS})\s+{DAY},?\s+{Y}", _day),
    (rf"{Y}-(?P<m>\d{{2}})-(?P<d>\d{{2}})", _day),
    (rf"(?:on\s+)?(?:the\s+)?{DAY}(?:\s+of)?\s+(?P<mon>{MONTHS})", _day),
    (rf"on\s+(?P<mon>{MONTHS})\s+{DAY}", _day),
    (rf"(?P<part>early|mid|late)[-\s]+(?P<mon>{MONTHS})(?:,?\s+{Y})?", _part_of_month),
    (rf"the\s+(?P<part>beginning|middle|end)\s+of\s+(?P<mon>{MONTHS})(?:,?\s+{Y})?", _part_of_month),
    (rf"(?P<m1>{MONTHS})\s*[-–]\s*(?P<m2>{MONTHS})\s+{Y}", _month_span),
    (rf"(?P<mon>{MONTHS}),?\s+{Y}", _month),
    (rf"(?:(?P<next>next|coming)\s+)?(?P<mon>{MONTHS})", _month),
    (rf"q(?P<q>[1-4])\s+{Y}", _quarter),
    (rf"(?:the\s+)?(?P<q>first|second|third|fourth)\s+quarter(?:\s+of)?\s+{Y}", _quarter),
    (rf"(?:the\s+)?(?P<half>first|second)\s+half(?:\s+of)?\s+{Y}", _half),
    (rf"(?P<season>spring|summer|autumn|fall|winter)(?:\s+of)?\s+{Y}(?P<south>\s*\(southern hemisphere\))?", _season),
    (rf"(?P<part>early|mid|late)[-\s]+{Y}", _part_of_year),
    (r"the\s+(?P<y>\d{3}0)s", d.decade),
    (r"the\s+(?P<c>\d{1,3})(?:st|nd|rd|th)\s+century", _century),
    (r"(?P<rel>last|this|next)\s+year", _relative_year),
    (r"(?P<rel>last|this|next)\s+month", _relative_month),
    (rf"{Y}", d.year),
]

# The single point comes first: where two readings are as long, it wins
# ("January–April 2024" is a quadrimester, not a period of two months).
PHRASES: Final = [
    (
        r"(?P<plan>(?:expected|scheduled|planned|due)\s+(?:to\s+\w+\s+)?)?(?:(?:in|on|during|at)\s+)?"
        r"(?P<about>(?:about|around|circa|approximately)\s+)?(?P<a>{P})(?P<unsure>\s*\(uncertain\))?",
        "point",
    ),
    (r"from\s+(?P<a>{P})\s+(?:to|until|till)\s+(?:now|date|the present|today)", "since_now"),
    (r"since\s+(?P<a>{P})", "since"),
    (r"between\s+(?P<a>{P})\s+and\s+(?P<b>{P})", "range"),
    (r"from\s+(?P<a>{P})\s+(?:to|until|till|through)\s+(?P<b>{P})", "range"),
    (r"one\s+of\s+(?P<a>{P})\s*[-–]\s*(?P<b>{P})", "one_of"),
    (r"(?P<a>{P})\s*[-–—]\s*(?P<b>{P})", "range"),
    (r"until\s+(?P<a>{P})", "until"),
    (r"\?\s*[-–]\s*(?P<a>{P})", "unknown_start"),
    (r"(?P<a>{P})\s*[-–]\s*\?", "unknown_end"),
    (r"(?P<a>{P})\s+or\s+earlier", "earlier"),
    (r"(?P<a>{P})\s+or\s+later", "later"),
]


def _guard(folded: str, text: str, start: int, end: int) -> bool:
    """ "may" is a month only with a capital M; a bare year stands only where
    it is not part of a larger number ("2,000", "2019.5")."""
    phrase = folded[start:end]
    may = re.search(r"\bmay\b", phrase)
    if may is not None and text[start + may.start()] != "M":
        return False
    if re.fullmatch(r"\d{4}", phrase):
        before, after = folded[max(0, start - 2) : start], folded[end : end + 2]
        return not re.search(r"\d[.,]$", before) and not re.match(r"[.,]\d", after)
    return True


GRAMMAR: Final = d.Grammar(points=POINTS, phrases=PHRASES, guard=_guard)
