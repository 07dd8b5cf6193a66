"""Date phrases of articles to EDTF, per language, against a publication date."""

from __future__ import annotations

import pytest

from chrono.interchange.dates import Reference, find_dates, parse_date, scanner
from chrono.when import When

PUBLISHED = Reference(When.parse("2022-07-04"))
SPRING = Reference(When.parse("2024-03-15"))

VIETNAMESE = [
    ("ngày 10/2/2021", PUBLISHED, "2021-02-10"),
    ("ngày 10 tháng 2 năm 2021", PUBLISHED, "2021-02-10"),
    ("chiều 18/3", PUBLISHED, "2022-03-18"),
    ("rạng sáng 25/6", PUBLISHED, "2022-06-25"),
    ("tháng 3/2016", PUBLISHED, "2016-03"),
    ("tháng 3 năm 2016", PUBLISHED, "2016-03"),
    ("năm 2018", PUBLISHED, "2018"),
    ("trong năm 2021", PUBLISHED, "2021"),
    ("đầu tháng 3/2024", PUBLISHED, "[2024-03-01..2024-03-10]"),
    ("giữa tháng 3/2024", PUBLISHED, "[2024-03-11..2024-03-20]"),
    ("cuối tháng 3/2024", PUBLISHED, "[2024-03-21..2024-03-31]"),
    ("cuối tháng 2/2024", PUBLISHED, "[2024-02-21..2024-02-29]"),
    ("đầu năm 2025", PUBLISHED, "2025-37"),
    ("giữa năm 2025", PUBLISHED, "2025-38"),
    ("cuối năm 2025", PUBLISHED, "2025-39"),
    ("quý I/2024", PUBLISHED, "2024-33"),
    ("quý IV năm 2023", PUBLISHED, "2023-36"),
    ("6 tháng đầu năm 2024", PUBLISHED, "2024-40"),
    ("từ năm 2012 đến nay", PUBLISHED, "2012/2022-07-04"),
    ("Từ năm 1991 đến nay", PUBLISHED, "1991/2022-07-04"),
    ("từ năm 2014", PUBLISHED, "2014/2022-07-04"),
    ("giai đoạn 2015 - 2020", PUBLISHED, "2015/2020"),
    ("giai đoạn 2015 – 2020", PUBLISHED, "2015/2020"),
    ("giai đoạn 2021-2025", PUBLISHED, "2021/2025"),
    ("từ năm 2015 đến năm 2020", PUBLISHED, "2015/2020"),
    ("dự kiến vào tháng 4 tới", SPRING, "2024-04"),
    ("dự kiến diễn ra trong tháng 4 tới", PUBLISHED, "2023-04"),
    ("tháng 4 tới", PUBLISHED, "2023-04"),
    ("năm ngoái", PUBLISHED, "2021"),
    ("năm nay", PUBLISHED, "2022"),
    ("năm tới", PUBLISHED, "2023"),
    ("đến năm 2025", PUBLISHED, "../2025"),
    ("khoảng năm 2018", PUBLISHED, "2018~"),
    ("mùa xuân 2024", PUBLISHED, "2024-21"),
    ("thập niên 2010", PUBLISHED, "201X"),
]

ENGLISH = [
    ("on 10 February 2021", PUBLISHED, "2021-02-10"),
    ("February 10, 2021", PUBLISHED, "2021-02-10"),
    ("2021-02-10", PUBLISHED, "2021-02-10"),
    ("on 18 March", PUBLISHED, "2022-03-18"),
    ("March 2016", PUBLISHED, "2016-03"),
    ("in 2018", PUBLISHED, "2018"),
    ("in late March 2023", PUBLISHED, "[2023-03-21..2023-03-31]"),
    ("early March 2024", PUBLISHED, "[2024-03-01..2024-03-10]"),
    ("mid-March 2024", PUBLISHED, "[2024-03-11..2024-03-20]"),
    ("early 2025", PUBLISHED, "2025-37"),
    ("late 2025", PUBLISHED, "2025-39"),
    ("Q1 2024", PUBLISHED, "2024-33"),
    ("the first quarter of 2024", PUBLISHED, "2024-33"),
    ("first half of 2024", PUBLISHED, "2024-40"),
    ("since 2012", PUBLISHED, "2012/2022-07-04"),
    ("from 2012 until now", PUBLISHED, "2012/2022-07-04"),
    ("between 2015 and 2020", PUBLISHED, "2015/2020"),
    ("from 2015 to 2020", PUBLISHED, "2015/2020"),
    ("2015–2020", PUBLISHED, "2015/2020"),
    ("March – May 2017", PUBLISHED, "2017-03/2017-05"),
    ("expected in September", PUBLISHED, "2022-09"),
    ("expected in March", PUBLISHED, "2023-03"),
    ("next April", SPRING, "2024-04"),
    ("last year", PUBLISHED, "2021"),
    ("until 2012", PUBLISHED, "../2012"),
    ("about 2018", PUBLISHED, "2018~"),
    ("spring 2024", PUBLISHED, "2024-21"),
    ("the 2010s", PUBLISHED, "201X"),
]


@pytest.mark.parametrize(("phrase", "ref", "edtf"), VIETNAMESE)
def test_vietnamese_phrase(phrase: str, ref: Reference, edtf: str) -> None:
    assert parse_date(phrase, "vi", ref) == edtf


@pytest.mark.parametrize(("phrase", "ref", "edtf"), ENGLISH)
def test_english_phrase(phrase: str, ref: Reference, edtf: str) -> None:
    assert parse_date(phrase, "en", ref) == edtf


@pytest.mark.parametrize(("phrase", "lang"), [("chiều 18/3", "vi"), ("tháng 4 tới", "vi"), ("on 18 March", "en"), ("expected in September", "en")])
def test_a_phrase_without_a_year_is_flagged(phrase: str, lang: str) -> None:
    found = scanner(lang).parse(phrase, PUBLISHED)
    assert found is not None and found.guessed_year and found.confidence < 0.9


@pytest.mark.parametrize(("phrase", "lang"), [("dự kiến vào tháng 4 tới", "vi"), ("tháng 4 tới", "vi"), ("expected in September", "en"), ("next year", "en")])
def test_coming_dates_are_planned(phrase: str, lang: str) -> None:
    found = scanner(lang).parse(phrase, PUBLISHED)
    assert found is not None and found.planned


def test_without_a_publication_date_now_stays_open_and_yearless_phrases_are_dropped() -> None:
    assert parse_date("từ năm 2012 đến nay", "vi") == "2012/.."
    assert parse_date("since 2012", "en") == "2012/.."
    assert parse_date("chiều 18/3", "vi") is None
    assert parse_date("tháng 4 tới", "vi", Reference(year=2024)) == "2024-04"


def test_finding_phrases_in_a_sentence_keeps_their_offsets_and_leaves_numbers_alone() -> None:
    text = "Năm 2019, tỉnh đưa hơn 2.000 lượt lao động; 12/12 Đồn Biên phòng; dự kiến vào cuối tháng 3/2024."
    found = find_dates(text, "vi", PUBLISHED)
    assert [(p.text, p.edtf) for p in found] == [("Năm 2019", "2019"), ("dự kiến vào cuối tháng 3/2024", "[2024-03-21..2024-03-31]")]
    assert all(text[p.start : p.end] == p.text for p in found)


def test_invalid_dates_are_not_taken_for_dates() -> None:
    assert parse_date("ngày 30/2/2021", "vi") is None
    assert find_dates("mã 2030 - 2019 và số 1800-1282", "vi") == []
    assert find_dates("2,000 workers and 2019.5 tonnes", "en") == []


def test_a_sentences_full_stop_after_a_month_is_not_the_phrases() -> None:
    text = "Ha Giang will visit Wenshan next April. They met in Sept. 2016 and on 10 Feb. 2021."
    found = find_dates(text, "en", SPRING)
    assert [(p.text, p.edtf) for p in found] == [("next April", "2024-04"), ("in Sept. 2016", "2016-09"), ("on 10 Feb. 2021", "2021-02-10")]
