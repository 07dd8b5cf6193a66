"""Human text for EDTF dates in English ("en") and Vietnamese ("vi").

It words the parts that ``chrono.when.parsing`` finds, and never imports
``When`` (whose ``display`` method calls ``display`` here): the package's
imports flow one way.  Negative years are shown as years BC ("-0100" is "100 BC"),
following how chronicle authors write them rather than ISO 8601's
astronomical numbering.
"""

from __future__ import annotations

from typing import Final

from chrono.when.calendar import GROUPS, Precision, days_in_month
from chrono.when.parsing import Analysis, parts_of
from chrono.when.points import Member, Point

LANGUAGES: Final = ("en", "vi")

_MONTHS_EN: Final = (
    "", "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
_SEASONS: Final = {
    "en": ("spring", "summer", "autumn", "winter"),
    "vi": ("mùa xuân", "mùa hè", "mùa thu", "mùa đông"),
}
# Position of each season code in _SEASONS, and whether it is southern.
_SEASON_OF: Final = {
    21: (0, False), 22: (1, False), 23: (2, False), 24: (3, False),
    25: (0, False), 26: (1, False), 27: (2, False), 28: (3, False),
    29: (0, True), 30: (1, True), 31: (2, True), 32: (3, True),
}  # fmt: skip
_ROMAN: Final = ("", "I", "II", "III", "IV")
_WORDS: Final = {
    "en": {
        "about": "about {}", "uncertain": "{} (uncertain)", "since": "since {}", "until": "until {}",
        "one_of": "one of {}", "earlier": "{} or earlier", "later": "{} or later",
        "early": "early {}", "mid": "mid-{}", "late": "late {}", "at": "{}, {}",
        "south": "{} (southern hemisphere)", "estimate": "{} (between {} and {})",
    },
    "vi": {
        "about": "khoảng {}", "uncertain": "{} (chưa chắc chắn)", "since": "từ {}", "until": "đến {}",
        "one_of": "một trong {}", "earlier": "{} hoặc trước đó", "later": "{} hoặc sau đó",
        "early": "đầu {}", "mid": "giữa {}", "late": "cuối {}", "at": "{} lúc {}",
        "south": "{} (Nam bán cầu)", "estimate": "{} (trong khoảng {}–{})",
    },
}  # fmt: skip


def display(edtf: str, lang: str = "en") -> str:
    """The human text of a valid EDTF string in `lang` ("en" or "vi"); ValueError otherwise."""
    if lang not in _WORDS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    parts = parts_of(edtf)
    if parts.members:
        return _set_text(parts.members, lang)
    if not parts.flags[4] and parts.start is not None:  # not an interval
        return _point_text(parts.start, lang)
    return _interval_text(parts, lang)


def _year(year: int, lang: str) -> str:
    """A year as digits, with BC/TCN for negative years and grouping past 9999."""
    number = abs(year)
    digits = f"{number:,}".replace(",", "." if lang == "vi" else ",") if number > 9999 else str(number)
    if year < 0:
        return f"{digits} BC" if lang == "en" else f"{digits} TCN"
    return digits


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _point_text(p: Point, lang: str, short: bool = False) -> str:
    words = _WORDS[lang]
    text = _bare(p, lang, short)
    if "approximate" in p.qualifiers:
        text = words["about"].format(text)
    if "uncertain" in p.qualifiers:
        text = words["uncertain"].format(text)
    return text


def _bare(p: Point, lang: str, short: bool) -> str:
    """The date without qualifiers; `short` drops Vietnamese "năm" in lists."""
    en = lang == "en"
    y = _year(p.year, lang)
    if p.estimate is not None:
        return _WORDS[lang]["estimate"].format(_bare_year(_year(p.estimate, lang), en, short), _year(p.lo[0], lang), _year(p.hi[0], lang))
    if p.precision is Precision.DAY:
        assert p.month is not None and p.day is not None
        text = f"{p.day} {_MONTHS_EN[p.month]} {y}" if en else f"ngày {p.day}/{p.month}/{y}"
        return text if p.time is None else _WORDS[lang]["at"].format(text, _time(p.time))
    if p.precision is Precision.MONTH:
        assert p.month is not None
        return f"{_MONTHS_EN[p.month]} {y}" if en else f"tháng {p.month}/{y}"
    if p.group is not None:
        return _group_text(p.group, y, lang)
    if p.precision is Precision.YEAR:
        return _bare_year(y, en, short)
    return _span_text(p, lang)


def _bare_year(y: str, en: bool, short: bool) -> str:
    return y if en or short else f"năm {y}"


def _span_text(p: Point, lang: str) -> str:
    """Decades and centuries (years with X digits), millennia."""
    number = abs(p.year)
    era = "" if p.year >= 0 else (" BC" if lang == "en" else " TCN")
    if p.precision is Precision.DECADE:
        return f"the {number}s{era}" if lang == "en" else f"thập niên {number}{era}"
    unit = 100 if p.precision is Precision.CENTURY else 1000
    n = number // unit + 1
    if lang == "en":
        return f"the {_ordinal(n)} {'century' if unit == 100 else 'millennium'}{era}"
    return f"{'thế kỷ' if unit == 100 else 'thiên niên kỷ'} {n}{era}"


def _group_text(group: int, y: str, lang: str) -> str:
    en = lang == "en"
    if group in _SEASON_OF:
        index, southern = _SEASON_OF[group]
        text = f"{_SEASONS[lang][index]} {y}"
        return _WORDS[lang]["south"].format(text) if southern else text
    if group <= 36:
        n = group - 32
        return f"Q{n} {y}" if en else f"quý {_ROMAN[n]}/{y}"
    if group <= 39:
        first, last, _ = GROUPS[group]
        return f"{_MONTHS_EN[first]}–{_MONTHS_EN[last]} {y}" if en else f"tháng {first}–{last}/{y}"
    if group == 40:
        return f"first half of {y}" if en else f"6 tháng đầu năm {y}"
    return f"second half of {y}" if en else f"6 tháng cuối năm {y}"


def _time(time: str) -> str:
    clock, offset = time[:8], time[8:]
    if offset == "Z":
        return f"{clock} UTC"
    return f"{clock} UTC{offset}" if offset else clock


def _interval_text(parts: Analysis, lang: str) -> str:
    words = _WORDS[lang]
    start, end = parts.start, parts.end
    if start is None:
        assert end is not None
        text = _point_text(end, lang)
        return words["until"].format(text) if parts.flags[0] else f"? – {text}"
    if end is None:
        text = _point_text(start, lang)
        return words["since"].format(text) if parts.flags[1] else f"{text} – ?"
    if _plain_years(start, end):
        return f"{_year(start.year, lang)}–{_year(end.year, lang)}"
    return f"{_point_text(start, lang)} – {_point_text(end, lang)}"


def _plain_years(a: Point, b: Point) -> bool:
    """Two plain AD years, written compactly as 2015–2020."""
    return all(p.plain and p.precision is Precision.YEAR and p.year >= 0 for p in (a, b))


def _set_text(members: tuple[Member, ...], lang: str) -> str:
    words = _WORDS[lang]
    part = _part_of_month(members, lang)
    if part is not None:
        return part
    if len(members) == 1 and members[0].kind != "range":
        if members[0].kind == "one":
            return _point_text(members[0].first, lang)
        return _member_text(members[0], lang)
    return words["one_of"].format(", ".join(_member_text(m, lang) for m in members))


def _member_text(member: Member, lang: str) -> str:
    words = _WORDS[lang]
    first = _point_text(member.first, lang, short=True)
    if member.kind == "one":
        return first
    if member.kind == "earlier":
        return words["earlier"].format(first)
    if member.kind == "later":
        return words["later"].format(first)
    if _plain_years(member.first, member.last):
        return f"{_year(member.first.year, lang)}–{_year(member.last.year, lang)}"
    return f"{first} – {_point_text(member.last, lang, short=True)}"


def _part_of_month(members: tuple[Member, ...], lang: str) -> str | None:
    """Say "early/mid-/late March 2024" when the set is exactly days 1-10, 11-20
    or 21-end of one month; None otherwise."""
    spans = []
    for m in members:
        if m.kind in {"earlier", "later"} or m.first.precision is not Precision.DAY:
            return None
        if m.first.qualifiers or m.last.qualifiers:
            return None
        spans.append((m.first.lo, m.last.hi))
    spans.sort()
    year, month = spans[0][0][0], spans[0][0][1]
    if any(lo[:2] != (year, month) or hi[:2] != (year, month) for lo, hi in spans):
        return None
    first = covered = spans[0][0][2]
    for lo, hi in spans:
        if lo[2] > covered + 1:
            return None
        covered = max(covered, hi[2])
    which = {(1, 10): "early", (11, 20): "mid", (21, days_in_month(year, month)): "late"}.get((first, covered))
    if which is None:
        return None
    y = _year(year, lang)
    month_text = f"{_MONTHS_EN[month]} {y}" if lang == "en" else f"tháng {month}/{y}"
    return _WORDS[lang][which].format(month_text)
