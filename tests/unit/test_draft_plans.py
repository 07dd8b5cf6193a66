"""Drafting plans agreed at talks, the lead of a report, levels and reviewed periods."""

from __future__ import annotations

from typing import Any

from chrono.events.values import Names, Partner
from chrono.interchange.drafting import draft_article
from chrono.when import When
from tests.unit.test_draft_partners import REGISTRY as PLACES

# The places of the partner-matching tests, and the chronicle's own province.
REGISTRY = {**PLACES, "ha-giang": Partner("ha-giang", Names("Ha Giang", "Hà Giang"), "province", "vietnam", "VN")}
PUBLISHED = When.parse("2024-03-10")
TALKS = """Đoàn đại biểu tỉnh Hà Giang do đồng chí Nguyễn Mạnh Dũng làm Trưởng đoàn, trong khi Đoàn đại biểu châu Văn Sơn do đồng chí Trần Minh làm Trưởng đoàn. Tham dự Hội đàm có lãnh đạo một số sở, ngành của hai địa phương.
Quyền Bí thư Tỉnh ủy Nguyễn Mạnh Dũng đề nghị thời gian tới, hai bên cùng phối hợp, triển khai 3 nhóm nội dung:
Toàn cảnh buổi Hội đàm. Ảnh: Duy Tuấn |
Thứ nhất, thúc đẩy hợp tác nông nghiệp với châu Văn Sơn, như dự án trồng mía đang triển khai tại tỉnh Hà Giang.
Thứ hai, tiếp tục duy trì cơ chế hội đàm định kỳ giữa tỉnh Hà Giang và châu Văn Sơn.
Đề nghị phía châu Văn Sơn sớm khôi phục lại các hoạt động giao thương tại các cặp chợ biên giới.
Thứ ba, tổ chức Hội nghị lần thứ 4 giữa các Bí thư Tỉnh ủy tại tỉnh Vân Nam dự kiến diễn ra trong tháng 4 tới.
Hợp tác đi vào chiều sâu
Năm 2023, đoàn đại biểu châu Văn Sơn đã sang thăm tỉnh Hà Giang.
"""


def drafts(text: str, lang: str = "vi", published: When | None = PUBLISHED) -> list[dict[str, Any]]:
    found = draft_article(text, REGISTRY, lang=lang, published=published, document="a.txt", home="ha-giang").entries
    records = [d.record for d in found]
    assert all(r["sources"][0]["quote"] in text for r in records)
    return records


def of(records: list[dict[str, Any]], start: str) -> list[tuple[str, str, str]]:
    """(kind, status, when) of the drafts quoting the sentence that starts with ``start``."""
    return [(r["kind"], r["status"], r["when"]) for r in records if r["sources"][0]["quote"].startswith(start)]


def test_the_items_of_a_proposed_list_are_plans_from_the_articles_date_on() -> None:
    records = drafts(TALKS)
    assert ("CooperationCarriedOut", "planned", "[2024-03-10..]") in of(records, "Thứ nhất")
    assert of(records, "Đề nghị phía") == [("CooperationCarriedOut", "planned", "[2024-03-10..]")]
    assert of(records, "Thứ ba") == [("ConferenceHeld", "planned", "2024-04")]  # its own date


def test_a_list_items_status_says_which_opening_made_it_a_plan() -> None:
    found = draft_article(TALKS, REGISTRY, lang="vi", published=PUBLISHED, document="a.txt", home="ha-giang").entries
    notes = {d.quote[:8]: g.note for d in found for g in d.guesses if g.field == "status" and d.record["status"] == "planned"}
    assert notes["Thứ nhất"].startswith("an item of a list opened by 'đề nghị'")
    assert notes["Đề nghị "].startswith("proposed or planned")


def test_a_project_under_way_in_a_plan_is_drafted_beside_it() -> None:
    assert of(drafts(TALKS), "Thứ nhất") == [
        ("CooperationCarriedOut", "happened", "../2024-03-10"),
        ("CooperationCarriedOut", "planned", "[2024-03-10..]"),
    ]


def test_a_mechanism_kept_up_in_a_plan_is_no_plan() -> None:
    assert of(drafts(TALKS), "Thứ hai") == [("MechanismEstablished", "happened", "../2024-03-10")]


def test_opening_captions_and_attendance_are_not_drafted_and_the_delegations_came_to_the_talks() -> None:
    records = drafts(TALKS)
    for start in ("Quyền Bí thư", "Toàn cảnh", "Tham dự"):
        assert not [r for r in records if start in r["sources"][0]["quote"]], start
    assert of(records, "Đoàn đại biểu") == [("TalksHeld", "happened", "[..2024-03-10]")]
    assert of(records, "Năm 2023") == [("VisitMade", "happened", "2023")]  # after the heading: no plan


def test_the_lead_of_an_undated_report_has_happened_in_the_articles_year() -> None:
    text = TALKS.replace("Năm 2023", "Năm 2024")
    assert of(drafts(text, published=None), "Đoàn đại biểu") == [("TalksHeld", "happened", "2024?")]


def test_a_proposal_outside_a_list_and_an_aim_already_agreed() -> None:
    text = (
        "Hội đàm giữa tỉnh Hà Giang và châu Văn Sơn diễn ra ngày 8/3/2024 tại Hà Giang.\n"
        "Hai bên đã thống nhất, từng bước tiến tới hợp tác toàn diện với châu Văn Sơn.\n"
        "Tỉnh Hà Giang kiến nghị phía châu Văn Sơn sớm mở lại cặp chợ biên giới.\n"
    )
    records = drafts(text)
    assert [s for _, s, _ in of(records, "Hai bên")] == ["happened"]
    assert of(records, "Tỉnh Hà Giang kiến nghị") == [("CooperationCarriedOut", "planned", "[2024-03-10..]")]


def test_a_reviewed_period_dates_what_it_lists_by_its_end_and_levels_when_observed() -> None:
    text = (
        "Giai đoạn 2015 – 2020, công tác đối ngoại của tỉnh Hà Giang được đẩy mạnh. "
        "Tỉnh ta còn thành lập Hội hữu nghị Việt – Lào. "
        "Có 34/34 xã biên giới ký kết hợp tác hữu nghị với phía đối đẳng Trung Quốc.\n"
    )
    records = drafts(text)
    assert ("MechanismEstablished", "happened", "[..2020]") in of(records, "Tỉnh ta")
    figure = next(r for r in records if r["kind"] == "FigureReported")
    assert figure["when"] == "2020" and [q["observed"] for q in figure["quantities"]] == ["2020"]


def test_english_plans_agreed_at_talks() -> None:
    text = (
        "Ha Giang and Wenshan held talks on 8 March 2024 in Ha Giang.\n"
        "The two sides agreed to reopen the paired border markets.\n"
        "The talks were attended by leaders of several departments.\n"
        "Officials at the talks in Ha Giang. Photo: VNA\n"
        "Officials at the signing of the trade agreement on 8 March 2024. Photo: VNA\n"
    )
    records = drafts(text, "en")
    assert of(records, "Officials at the signing") == [("AgreementSigned", "happened", "2024-03-08")]
    assert of(records, "The two sides") == [("CooperationCarriedOut", "planned", "[2024-03-10..]")]
    assert not [r for r in records if r["sources"][0]["quote"].startswith(("The talks were", "Officials at the talks"))]


def test_a_level_said_to_hold_now_is_observed_on_the_articles_date_within_a_reviewed_period() -> None:
    text = "Giai đoạn 2015 – 2020, công tác đối ngoại của tỉnh Hà Giang được đẩy mạnh. Tỉnh Hà Giang hiện có 12 dự án ODA của Lào.\n"
    figure = next(r for r in drafts(text) if r["kind"] == "FigureReported")
    assert figure["when"] == "2024-03-10" and [q["observed"] for q in figure["quantities"]] == ["2024-03-10"]
