"""Vietnamese date phrases (over folded text: "cuối tháng 3/2024" is read as
"cuoi thang 3/2024").

Points: "ngày 10/2/2021", "chiều 18/3" (the reference's year), "tháng 3/2016",
"năm 2018", "đầu/giữa/cuối tháng 3/2024", "đầu/giữa/cuối năm 2025"
(quadrimesters, the thirds of a year), "quý I/2024", "6 tháng đầu năm 2024",
"mùa xuân 2024", "thập niên 2010", "thế kỷ 21", "tháng 4 tới", "năm ngoái".
Shapes: "giai đoạn 2015 - 2020", "từ năm 2012 đến nay", "từ năm 1991",
"đến năm 2012", "khoảng năm 2018", "năm 2018 (chưa chắc chắn)", and the
other forms ``When.display`` writes in Vietnamese.
"""

from __future__ import annotations

import re
from typing import Final

from chrono.interchange import dates_grammar as d
from chrono.interchange.date_phrases import Point, Reference

_ROMAN: Final = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PART: Final = {"dau": "early", "giua": "mid", "cuoi": "late"}
_SEASON: Final = {"xuan": 21, "he": 22, "thu": 23, "dong": 24}
_TIME_OF_DAY = r"(?:sang|trua|chieu|toi|dem|rang sang|ngay)"
Y = r"(?P<y>\d{4})"
M = r"(?P<m>\d{1,2})"
D = r"(?P<d>\d{1,2})"


def _int(m: re.Match[str], name: str) -> int:
    return int(m.group(name))


def _day(m: re.Match[str], ref: Reference) -> Point | None:
    if m.groupdict().get("y"):
        return Point(d.day(_int(m, "y"), _int(m, "m"), _int(m, "d")))
    return d.same_year(ref, lambda y: d.day(y, _int(m, "m"), _int(m, "d")))


def _part_of_month(m: re.Match[str], ref: Reference) -> Point | None:
    part, month = _PART[m.group("part")], _int(m, "m")
    if m.group("y"):
        return Point(d.part_of_month(_int(m, "y"), month, part))
    coming = d.coming_month(ref, month) if m.group("next") else d.same_year(ref, lambda y: d.month(y, month))
    if coming is None:
        return None
    year = int(coming.edtf[:4])
    return Point(d.part_of_month(year, month, part), guessed_year=True, planned=coming.planned)


def _month(m: re.Match[str], ref: Reference) -> Point | None:
    if m.groupdict().get("y"):
        return Point(d.month(_int(m, "y"), _int(m, "m")))
    if m.group("next"):
        return d.coming_month(ref, _int(m, "m"))
    return d.same_year(ref, lambda y: d.month(y, _int(m, "m")))


def _month_span(m: re.Match[str], ref: Reference) -> Point:
    return Point(d.month_span(_int(m, "y"), _int(m, "m1"), _int(m, "m2")))


def _quarter(m: re.Match[str], ref: Reference) -> Point:
    return Point(f"{m.group('y')}-{32 + _ROMAN[m.group('q')]}")


def _half(m: re.Match[str], ref: Reference) -> Point:
    return Point(f"{m.group('y')}-{40 if m.group('half') == 'dau' else 41}")


def _season(m: re.Match[str], ref: Reference) -> Point:
    code = _SEASON[m.group("season")] + (8 if m.group("south") else 0)
    return Point(f"{m.group('y')}-{code}")


def _part_of_year(m: re.Match[str], ref: Reference) -> Point:
    return Point(f"{m.group('y')}-{d.PART_OF_YEAR[_PART[m.group('part')]]}")


def _century(m: re.Match[str], ref: Reference) -> Point | None:
    n = _int(m, "c")
    return Point(f"{n - 1:02d}XX") if 1 <= n <= 100 else None


_YEAR_OFFSETS: Final = {"ngoai": -1, "truoc": -1, "nay": 0, "toi": 1, "sau": 1}


def _relative_year(m: re.Match[str], ref: Reference) -> Point | None:
    return d.relative_year(ref, _YEAR_OFFSETS[m.group("rel")])


def _relative_month(m: re.Match[str], ref: Reference) -> Point | None:
    return d.relative_month(ref, _YEAR_OFFSETS[m.group("rel")])


POINTS: Final[d.PointTable] = [
    (rf"(?:{_TIME_OF_DAY}\s+)?(?:ngay\s+)?{D}\s*/\s*{M}\s*/\s*{Y}", _day),
    (rf"(?:{_TIME_OF_DAY}\s+)?ngay\s+{D}\s+thang\s+{M}(?:\s+nam\s+{Y})?", _day),
    (rf"{_TIME_OF_DAY}\s+{D}\s*/\s*{M}", _day),
    (rf"(?P<part>dau|giua|cuoi)\s+thang\s+{M}(?:(?:\s*/\s*|\s+nam\s+){Y})?(?P<next>\s+toi)?", _part_of_month),
    (rf"thang\s+(?P<m1>\d{{1,2}})\s*[-–]\s*(?P<m2>\d{{1,2}})\s*/\s*{Y}", _month_span),
    (rf"thang\s+{M}\s*/\s*{Y}", _month),
    (rf"thang\s+{M}\s+nam\s+{Y}", _month),
    (rf"thang\s+{M}(?P<next>\s+(?:toi|sau))?", _month),
    (rf"quy\s+(?P<q>iv|i{{1,3}}|[1-4])\s*(?:/\s*|\s+nam\s+){Y}", _quarter),
    (rf"(?:6|sau)\s+thang\s+(?P<half>dau|cuoi)\s+nam\s+{Y}", _half),
    (rf"nua\s+(?P<half>dau|cuoi)\s+nam\s+{Y}", _half),
    (rf"mua\s+(?P<season>xuan|he|thu|dong)\s+(?:nam\s+)?{Y}(?P<south>\s*\(nam ban cau\))?", _season),
    (rf"(?P<part>dau|giua|cuoi)\s+nam\s+{Y}", _part_of_year),
    (r"thap\s+(?:nien|ky)\s+(?P<y>\d{3}0)", d.decade),
    (r"the\s+ky\s+(?P<c>\d{1,3})", _century),
    (rf"(?:cung\s+ky\s+)?nam\s+{Y}", d.year),
    (rf"giai\s+doan\s+{Y}", d.year),
    (r"nam\s+(?P<rel>ngoai|truoc|nay|toi|sau)", _relative_year),
    (r"thang\s+(?P<rel>truoc|nay|toi|sau)", _relative_month),
    (rf"{Y}", d.year),
]

# The single point comes first: where two readings are as long, it wins
# ("tháng 1–4/2024" is a quadrimester, not a period of two months).
PHRASES: Final = [
    (
        r"(?P<plan>du\s+kien\s+(?:(?:dien\s+ra|to\s+chuc)\s+)?)?(?:(?:vao|trong)\s+)?(?P<about>khoang\s+)?(?P<a>{P})(?P<unsure>\s*\(chua chac chan\))?",
        "point",
    ),
    (r"(?:ke\s+)?tu\s+(?P<a>{P})\s+(?:den|toi)\s+(?:nay|hien nay|hien tai|bay gio)", "since_now"),
    (r"(?:(?:trong\s+)?giai\s+doan\s+|tu\s+)?(?P<a>{P})\s*(?:-|–|—|den)\s*(?P<b>{P})", "range"),
    (r"mot\s+trong\s+(?P<a>{P})\s*[-–]\s*(?P<b>{P})", "one_of"),
    (r"(?:ke\s+)?tu\s+(?P<a>{P})", "since"),
    (r"den\s+(?P<a>{P})", "until"),
    (r"\?\s*[-–]\s*(?P<a>{P})", "unknown_start"),
    (r"(?P<a>{P})\s*[-–]\s*\?", "unknown_end"),
    (r"(?P<a>{P})\s+hoac\s+truoc\s+do", "earlier"),
    (r"(?P<a>{P})\s+hoac\s+sau\s+do", "later"),
]


def _guard(folded: str, text: str, start: int, end: int) -> bool:
    """A bare year alone ("2.000", "2019" in a name) is not taken for a date:
    only a phrase with a word in it ("năm 2019") or a period of two years."""
    phrase = folded[start:end]
    return bool(re.search(r"[a-z]", phrase)) or bool(re.fullmatch(r"\d{4}\s*[-–—]\s*\d{4}", phrase))


GRAMMAR: Final = d.Grammar(points=POINTS, phrases=PHRASES, guard=_guard)
