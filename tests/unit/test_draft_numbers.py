"""Amounts in article text: grouping, scales, units, qualifiers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chrono.interchange.numbers import find_amounts


def one(text: str, lang: str = "vi") -> tuple[Decimal, str, str]:
    found = find_amounts(text, lang)
    assert len(found) == 1, found
    return found[0].value, found[0].unit, found[0].qualifier


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("trao đổi 1.456 thư", Decimal(1456), "letter"),
        ("đạt 2,548 tỷ USD", Decimal("2548000000"), "USD"),
        ("vốn 9,61 triệu USD", Decimal("9610000"), "USD"),
        ("là 9.133.488 USD", Decimal(9133488), "USD"),
        ("trị giá 40,912 tỷ Đồng", Decimal("40912000000"), "VND"),
        ("85 thỏa thuận", Decimal(85), "agreement"),
        ("158 suất học bổng toàn phần", Decimal(158), "scholarship"),
        ("viện trợ 10 triệu NDT", Decimal("10000000"), "CNY"),
        ("đón 1.456 lượt khách du lịch", Decimal(1456), "person"),
    ],
)
def test_vietnamese_number_forms(text: str, value: Decimal, unit: str) -> None:
    assert one(text)[:2] == (value, unit)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("1,456 letters", Decimal(1456), "letter"),
        ("2,000 visitors", Decimal(2000), "person"),
        ("2.548 billion USD", Decimal("2548000000"), "USD"),
        ("85 agreements", Decimal(85), "agreement"),
    ],
)
def test_english_number_forms(text: str, value: Decimal, unit: str) -> None:
    assert one(text, "en")[:2] == (value, unit)


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("hơn 42 tỷ đồng", "at_least"),
        ("trên 277 km", "at_least"),
        ("gần 350 tỷ đồng", "at_most"),
        ("dưới 20 dự án", "at_most"),
        ("khoảng 200 người", "about"),
        ("85 thỏa thuận", "exact"),
    ],
)
def test_vietnamese_qualifiers(text: str, qualifier: str) -> None:
    assert one(text)[2] == qualifier


@pytest.mark.parametrize(("text", "qualifier"), [("more than 2,000 workers", "at_least"), ("nearly 350 projects", "at_most"), ("about 85 agreements", "about")])
def test_english_qualifiers(text: str, qualifier: str) -> None:
    assert one(text, "en")[2] == qualifier


def test_a_level_out_of_a_total_and_two_amounts_across_a_slash() -> None:
    level = find_amounts("12/12 Đồn Biên phòng", "vi")[0]
    assert (level.value, level.out_of, level.unit) == (Decimal(12), Decimal(12), "border-post")
    handed = find_amounts("2 bên trao trả 384 lần/2.693 công dân", "vi")
    assert [(a.value, a.unit) for a in handed] == [(Decimal(384), "handover"), (Decimal(2693), "person")]


def test_counts_named_before_their_number_take_the_verb() -> None:
    found = find_amounts("hội đàm 322 lượt; điện đàm 144 cuộc, tuần tra song phương 31 lượt", "vi")
    assert [(a.value, a.metric) for a in found] == [(Decimal(322), "talks"), (Decimal(144), "phone_calls"), (Decimal(31), "joint_patrols")]


def test_changes_ranks_percentages_and_codes_are_not_amounts() -> None:
    assert find_amounts("tăng 3 hội nghị so với; Hội nghị lần thứ 4; tăng 3%; đường dây 18001282; 7 tỉnh", "vi") == []


def test_an_equivalent_amount_keeps_the_metric_of_the_one_it_restates() -> None:
    found = find_amounts("tổng vốn đầu tư đăng ký là 9,61 triệu USD (tương đương 202,492 tỷ Đồng)", "vi")
    assert [(a.unit, a.metric) for a in found] == [("USD", "investment_value"), ("VND", "investment_value")]


def test_a_count_after_signing_is_an_amount_though_signing_folds_like_an_instalment() -> None:
    # "ký" (sign) and "kỳ" (instalment, a rank) both fold to "ky".
    assert [(a.value, a.unit) for a in find_amounts("tỉnh đã ký 85 thỏa thuận", "vi")] == [(Decimal(85), "agreement")]
    assert find_amounts("Kỳ 2 hội nghị", "vi") == []
