"""Amounts in an article's text: the number, its scale, unit and qualifier.

Vietnamese groups thousands with dots and writes decimals with a comma
("1.456", "2,548 tỷ USD", "9,61 triệu"); English the other way round. A
qualifier before the number bounds it: "hơn", "trên", "more than" (at least),
"gần", "dưới", "nearly" (at most), "khoảng", "about" (about). Only numbers
with a unit chrono knows become amounts: a currency, or a counted thing of
the tables below ("85 thỏa thuận", "hội đàm 322 lượt"); "7 tỉnh" or "3%"
are left alone. "12/12 Đồn Biên phòng" is 12 out of 12: a level.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Final

import attrs

from chrono.interchange.fold import fold


@attrs.frozen
class Amount:
    """A number with its unit, as the text states it.

    Attributes:
        start: offset of the qualifier or number in the text searched.
        end: offset just past the unit.
        text: the words it was read from.
        value: the value, scale applied ("2,548 tỷ" is 2548000000).
        unit: a currency code (VND, USD, CNY, EUR) or the counted thing.
        metric: a guess at what is counted or summed.
        qualifier: exact, at_least, about or at_most.
        out_of: the total of "12/12", or None.
        sure: whether the unit came from a table rather than a bare classifier.
    """

    start: int
    end: int
    text: str
    value: Decimal
    unit: str
    metric: str
    qualifier: str = "exact"
    out_of: Decimal | None = None
    sure: bool = True


@attrs.frozen
class Units:
    """The words of one language for numbers and what they count."""

    number: str
    group: str
    decimal: str
    scales: Sequence[tuple[str, int]]
    currencies: Sequence[tuple[str, str]]
    counted: Sequence[tuple[str, str, str]]
    before: Sequence[tuple[str, str, str]]
    classifiers: str
    qualifiers: Sequence[tuple[str, str]]
    changes: str
    ordinals: str
    metrics: Sequence[tuple[str, str]]
    # Words that fold to an ordinal's letters but are no rank: "ký" (sign) is
    # "ky" like "kỳ" (instalment), and "ký 85 thỏa thuận" counts agreements.
    not_ranks: Sequence[str] = ()


VI: Final = Units(
    number=r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?",
    group=".",
    decimal=",",
    scales=[("nghin|ngan", 3), ("trieu", 6), ("ty", 9)],
    currencies=[("dong|vnd", "VND"), ("usd|do la my|do la", "USD"), ("ndt|nhan dan te|cny", "CNY"), ("euro|eur", "EUR")],
    counted=[
        ("thoa thuan|bien ban|van ban hop tac|van ban|hop dong", "agreement", "agreements"),
        ("chuong trinh, du an|chuong trinh|du an", "project", "projects"),
        ("hoi nghi, hoi thao|hoi nghi|hoi thao", "conference", "conferences"),
        ("doan", "delegation", "delegations"),
        ("luot (?:du )?khach(?: du lich| quoc te)?|khach du lich|du khach", "person", "visitors"),
        ("luot can bo|luot nguoi(?: nuoc ngoai)?|nguoi|cong dan|doi tuong|doi truong", "person", "persons"),
        ("luot lao dong|lao dong", "worker", "workers"),
        ("thu", "letter", "letters"),
        ("suat hoc bong|hoc bong", "scholarship", "scholarships"),
        ("chiec khau trang|khau trang", "mask", "masks"),
        ("km", "km", "kilometres"),
        ("cua khau(?: quoc te| song phuong| phu)?", "border-gate", "border_gates"),
        ("loi mo", "crossing", "border_crossings"),
        ("cum", "cluster", "clusters"),
        ("xa", "commune", "communes"),
        ("huong, tran|huong|tran", "township", "townships"),
        ("cap huyen", "pair", "district_pairs"),
        ("huyen", "district", "districts"),
        ("don bien phong", "border-post", "border_posts"),
        ("khoan vien tro", "donation", "aid_donations"),
        ("vu", "case", "cases"),
        ("chot", "checkpoint", "checkpoints"),
        ("to co dong", "team", "mobile_teams"),
    ],
    before=[
        ("hoi dam", "talk", "talks"),
        ("dien dam", "call", "phone_calls"),
        ("tuan tra(?: song phuong| chung)?", "patrol", "joint_patrols"),
        ("giao luu(?: chinh tri)?", "exchange", "exchanges"),
        ("trao doi(?: dot xuat)?", "exchange", "exchanges"),
        ("trao tra", "handover", "handovers"),
    ],
    classifiers="luot|cuoc|lan",
    qualifiers=[("hon|tren|it nhat|toi thieu", "at_least"), ("gan|duoi|toi da", "at_most"), ("khoang|chung|xap xi|uoc", "about")],
    changes=r"tang|giam|gap",
    ordinals=r"thu|lan thu|ky|so",
    metrics=[
        ("kim ngach", "trade_value"),
        ("giai ngan", "disbursed_value"),
        ("cam ket", "committed_value"),
        ("von dau tu|dau tu", "investment_value"),
        ("vien tro|tai tro|ho tro|trao tang", "aid_value"),
        ("kinh phi", "spending"),
    ],
    not_ranks=("ký",),
)

EN: Final = Units(
    number=r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?",
    group=",",
    decimal=".",
    scales=[("thousand", 3), ("million|mn|m", 6), ("billion|bn", 9)],
    currencies=[("vnd|dong", "VND"), ("usd|us dollars|dollars", "USD"), ("cny|yuan|rmb", "CNY"), ("euros?|eur", "EUR")],
    counted=[
        ("(?:cooperation )?(?:agreements?|memorand(?:a|um)|documents?)", "agreement", "agreements"),
        ("(?:aid )?(?:projects?|programmes?|programs?)", "project", "projects"),
        ("(?:conferences?|workshops?|seminars?)", "conference", "conferences"),
        ("delegations?", "delegation", "delegations"),
        ("(?:visitors?|tourists?)", "person", "visitors"),
        ("(?:people|persons?|citizens|officials)", "person", "persons"),
        ("workers?", "worker", "workers"),
        ("letters?", "letter", "letters"),
        ("(?:full )?scholarships?", "scholarship", "scholarships"),
        ("(?:face )?masks?", "mask", "masks"),
        ("km|kilometres|kilometers", "km", "kilometres"),
        ("border gates?", "border-gate", "border_gates"),
        ("talks|rounds of talks", "talk", "talks"),
        ("(?:phone )?calls?", "call", "phone_calls"),
        ("(?:joint )?patrols?", "patrol", "joint_patrols"),
        ("cases?", "case", "cases"),
        ("donations?|grants?", "donation", "aid_donations"),
        ("communes?", "commune", "communes"),
        ("districts?", "district", "districts"),
        ("border posts?", "border-post", "border_posts"),
    ],
    before=[],
    classifiers="times",
    qualifiers=[
        ("more than|over|at least|above", "at_least"),
        ("nearly|almost|under|less than|up to|at most", "at_most"),
        ("about|around|approximately|roughly|some|circa", "about"),
    ],
    changes=r"up|down|increase of|decrease of|rose by|fell by",
    ordinals=r"no\.?|number",
    metrics=[
        ("trade", "trade_value"),
        ("disburs", "disbursed_value"),
        ("commit", "committed_value"),
        ("invest", "investment_value"),
        ("aid|donat|grant", "aid_value"),
    ],
)

LANGUAGES: Final = {"vi": VI, "en": EN}


def to_decimal(text: str, units: Units) -> Decimal | None:
    """ "2,548" in Vietnamese is 2.548; "1.456" is 1456."""
    plain = text.replace(units.group, "").replace(units.decimal, ".")
    try:
        return Decimal(plain)
    except InvalidOperation:
        return None


def find_amounts(text: str, lang: str, skip: Sequence[tuple[int, int]] = ()) -> list[Amount]:
    """The amounts of ``text`` in ``lang``, left to right; ``skip`` spans
    (date phrases) hold no amount."""
    units = LANGUAGES[lang]
    folded = fold(text)
    found: list[Amount] = []
    for m in re.finditer(rf"(?<![\w.,-])(?:(?P<num>{units.number})(?:/(?P<of>{units.number}))?)(?![\w%]|[.,]\d)", folded):
        if any(a <= m.start() < b for a, b in skip):
            continue
        amount = _amount(m, text, folded, units)
        if amount is None:
            continue
        if found and re.fullmatch(r"\s*\(?\s*(?:tuong duong|equivalent to|or)\s*", folded[found[-1].end : amount.start]):
            amount = attrs.evolve(amount, metric=found[-1].metric)  # "9,61 triệu USD (tương đương 202,492 tỷ Đồng)"
        found.append(amount)
    return found


def _amount(m: re.Match[str], text: str, folded: str, units: Units) -> Amount | None:
    before = folded[max(0, m.start() - 40) : m.start()]
    if re.search(rf"\b(?:{units.changes})\s*$", before) or _ranked(before, text[max(0, m.start() - 40) : m.start()], units):
        return None  # "tăng 3 hội nghị", "lần thứ 4": a change or a rank, not an amount
    value = to_decimal(m.group("num"), units)
    digits = re.sub(r"\D", "", m.group("num"))
    if value is None or (units.group not in m.group("num") and units.decimal not in m.group("num") and len(digits) > 6):
        return None  # a phone number, a code
    value, unit, metric, end, sure = _unit(folded, m.end(), value, units, before)
    if unit is None:
        return None
    start, qualifier = _qualifier(before, m.start(), units)
    out_of = to_decimal(m.group("of"), units) if m.group("of") else None
    return Amount(start, end, text[start:end], value, unit, metric, qualifier, out_of, sure)


def _ranked(before: str, written: str, units: Units) -> bool:
    """Whether the words before a number (folded, and as written) make it a
    rank ("lần thứ 4", "Kỳ 1"), not a count ("ký 85 thỏa thuận")."""
    m = re.search(rf"\b(?:{units.ordinals})\s*$", before)
    return m is not None and written[m.start() : m.end()].strip().lower() not in units.not_ranks


def _unit(folded: str, at: int, value: Decimal, units: Units, before: str) -> tuple[Decimal, str | None, str, int, bool]:
    """(value with its scale, unit, metric, end of the words read, sure)."""
    after = folded[at:]
    scale = 0
    m = re.match(rf"\s+({'|'.join(p for p, _ in units.scales)})\b", after)
    if m is not None:
        scale = next(power for p, power in units.scales if re.fullmatch(p, m.group(1)))
        at += m.end()
        after = folded[at:]
    value = value.scaleb(scale) if scale else value
    for pattern, code in units.currencies:
        c = re.match(rf"\s*({pattern})\b", after)
        if c is not None:
            return value, code, _metric(before, units), at + c.end(), True
    for pattern, unit, metric in units.counted:
        c = re.match(rf"\s+(?:{pattern})\b", after)
        if c is not None and not scale:
            return value, unit, metric, at + c.end(), True
    c = re.match(rf"\s+(?:{units.classifiers})\b", after)
    if c is not None and not scale:
        clause = re.split(r"[;,:]", before)[-1]
        for pattern, unit, metric in units.before:
            if re.search(rf"\b(?:{pattern})\b", clause):
                return value, unit, metric, at + c.end(), True
        return value, "round", "rounds", at + c.end(), False
    return value, None, "", at, False


def _metric(before: str, units: Units) -> str:
    """What a sum of money measures, from the words before it."""
    clause = re.split(r"[;(]", before)[-1] if "(" not in before[-25:] else before
    for pattern, metric in units.metrics:
        if re.search(rf"\b(?:{pattern})", clause):
            return metric
    return "value"


def _qualifier(before: str, start: int, units: Units) -> tuple[int, str]:
    """(start of the amount's words, qualifier) from the word just before the number."""
    for pattern, qualifier in units.qualifiers:
        m = re.search(rf"\b(?:{pattern})\s+$", before)
        if m is not None:
            return start - (len(before) - m.start()), qualifier
    return start, "exact"
