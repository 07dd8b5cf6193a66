"""The cues of plans and proposals, plan lists, meetings, captions: phrase to guess."""

from __future__ import annotations

import pytest

from chrono.interchange.kinds_guess import ONGOING, KindGuess, at_meeting, cue
from chrono.interchange.proposals import existing, listed_after, plan_items, plan_kind, proposal, under_way
from chrono.interchange.sentences import caption, heading, sentences

PROPOSALS = [
    ("Đề nghị phía châu Văn Sơn sớm khôi phục lại các hoạt động giao thương", "vi", "Đề nghị"),
    ("làm cơ sở để đánh giá, tổng kết và tiến tới ký Chương trình hợp tác giai đoạn mới", "vi", "tiến tới"),
    ("chỉ đạo ngành chức năng hai bên sớm thống nhất phương án kỹ thuật", "vi", "sớm thống nhất"),
    ("kịp thời đề xuất các đối sách, giải pháp phù hợp", "vi", "đề xuất"),
    ("Ủy ban kiến nghị mở thêm cặp chợ biên giới", "vi", "kiến nghị"),
    ("De nghi hai ben som khoi phuc cho bien gioi", "vi", "De nghi"),
    ("Wenshan proposed a joint tourism route.", "en", "proposed"),
    ("The two sides agreed to reopen the border market.", "en", "agreed to"),
    ("The governor called for more flights to Kunming.", "en", "called for"),
    ("Both provinces will work towards a new programme.", "en", "work towards"),
]
NOT_PROPOSALS = [
    ("Bí thư Châu ủy Văn Sơn nhất trí cao với 9 đề xuất giao lưu, hợp tác", "vi"),  # "đề xuất" after a number: a noun
    ("tinh thần thỏa thuận của lãnh đạo cấp cao hai nước đã thống nhất, từng bước tiến tới hợp tác", "vi"),  # done
    ("Singapore, Các Tiểu vương quốc Ả-rập thống nhất, Vương quốc Anh", "vi"),  # a name, not an agreement
    ("hai bên đã đề nghị và thực hiện tuần tra chung", "vi"),  # proposed and done
    ("nhân dân 2 bên biên giới không chỉ phối hợp thực hiện tốt công tác phòng, chống dịch", "vi"),  # carried out
    ("The province had proposed a route that was opened in 2019.", "en"),
    ("The agreement was signed in 2019.", "en"),
]


@pytest.mark.parametrize(("text", "lang", "words"), PROPOSALS)
def test_a_proposal_is_found_with_its_words(text: str, lang: str, words: str) -> None:
    assert proposal(text, lang) == words


@pytest.mark.parametrize(("text", "lang"), NOT_PROPOSALS)
def test_what_is_done_named_or_carried_out_is_no_proposal(text: str, lang: str) -> None:
    assert proposal(text, lang) is None


@pytest.mark.parametrize(
    ("clause", "lang", "there"),
    [
        ("Thứ ba, tiếp tục duy trì và phát huy hiệu quả cơ chế Hội đàm thường niên", "vi", True),
        ("cơ chế trao đổi đoàn giữa Mặt trận/Chính hiệp hai tỉnh/châu", "vi", True),
        ("Biên bản Hội nghị thường niên giữa các Bí thư Tỉnh ủy và Phiên họp lần thứ 9", "vi", True),
        ("Đồng thời, cơ chế hội đàm giao ban định kỳ", "vi", True),
        ("Thứ sáu, chỉ đạo ngành quản lý du lịch hai bên tiếp tục đẩy mạnh hợp tác du lịch", "vi", False),
        ("Thứ tư, triển khai Kế hoạch triển khai kết nghĩa hữu nghị giữa các huyện biên giới", "vi", False),
        ("Thứ chín, tiếp tục tăng cường hợp tác quản lý biên giới", "vi", False),
        ("Second, maintain the annual talks of the party secretaries", "en", True),
        ("the mechanism of periodic talks between the departments", "en", True),
        ("First, reopen the paired border markets", "en", False),
    ],
)
def test_a_clause_of_a_plan_that_speaks_of_what_is_already_there(clause: str, lang: str, there: bool) -> None:
    assert existing(clause, lang) is there


@pytest.mark.parametrize(
    ("text", "lang", "words"),
    [
        ("tạo điều kiện cho các dự án như dự án trồng mía đang triển khai tại tỉnh Hà Giang", "vi", "đang triển khai"),
        ("hoàn thiện thủ tục đăng ký kết hôn và cấp giấy tờ cư trú hợp pháp", "vi", None),
        ("support projects such as the sugar cane scheme, which is under way in Ha Giang", "en", "is under way"),
        ("support new sugar cane schemes", "en", None),
    ],
)
def test_something_under_way_inside_a_plan(text: str, lang: str, words: str | None) -> None:
    assert under_way(text, lang) == words


def test_registering_is_not_going_on_though_both_fold_to_dang() -> None:
    assert cue("hoàn thiện thủ tục đăng ký kết hôn", "vi", ONGOING) is None
    assert cue("dự án trồng mía đang triển khai", "vi", ONGOING) == "đang"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (None, ("CooperationCarriedOut", "đề nghị", 0.4)),
        (
            KindGuess("AgreementSigned", "Thỏa thuận quản lý lao động qua biên giới đã ký", 0.7),
            ("CooperationCarriedOut", "Thỏa thuận quản lý lao động qua biên giới đã ký", 0.4),
        ),
        (KindGuess("MechanismEstablished", "cơ chế", 0.7), ("CooperationCarriedOut", "cơ chế", 0.4)),
        (KindGuess("AgreementSigned", "ký Chương trình", 0.7), ("AgreementSigned", "ký Chương trình", 0.7)),
        (KindGuess("MechanismEstablished", "thành lập", 0.7), ("MechanismEstablished", "thành lập", 0.7)),
    ],
)
def test_a_plan_makes_what_its_words_say_and_carries_out_what_is_there(kind: KindGuess | None, expected: tuple[str, str, float]) -> None:
    made = plan_kind(kind, "đề nghị")
    assert (made.kind, made.phrase, made.confidence) == expected


def test_the_parts_of_a_list_in_one_sentence_take_its_heads_plan() -> None:
    text = "Đồng thời, mong muốn đưa quan hệ hợp tác lên tầm cao mới với 4 nhóm vấn đề: Thúc đẩy giao lưu chính trị; hợp tác an ninh biên giới."
    assert listed_after(text, text.index("hợp tác an ninh"), "vi") == "mong muốn"
    assert listed_after(text, 0, "vi") is None
    assert listed_after("Hai bên đã ký 3 văn bản: thỏa thuận A; thỏa thuận B.", 30, "vi") is None
    assert listed_after("The sides will cooperate in two fields: trade; tourism.", 45, "en") == "will"


TALKS = """Hà Giang hội đàm với châu Văn Sơn
Quyền Bí thư Tỉnh ủy Nguyễn Mạnh Dũng đề nghị thời gian tới, hai bên cùng phối hợp, triển khai 3 nhóm nội dung:
Toàn cảnh buổi Hội đàm. Ảnh: Duy Tuấn |
Thứ nhất, đẩy mạnh hợp tác du lịch qua biên giới.
Ngoài ra, tỉnh mong muốn mời các doanh nghiệp sang tham dự hội chợ.
Thứ hai, tiếp tục duy trì cơ chế hội đàm định kỳ.
Thúc đẩy hợp tác thực chất
Bí thư Châu ủy Văn Sơn nhất trí cao với các đề xuất của tỉnh Hà Giang.
Thứ nhất, hai bên đã ký một thỏa thuận mới.
"""


def test_a_list_opened_by_a_proposal_runs_to_its_last_numbered_item_before_a_heading() -> None:
    body = sentences(TALKS, "vi")
    items, intros = plan_items(body, "vi", heading)
    texts = {s.text for s in body if s.span.start in items}
    assert texts == {
        "Toàn cảnh buổi Hội đàm.",
        "Ảnh: Duy Tuấn |",
        "Thứ nhất, đẩy mạnh hợp tác du lịch qua biên giới.",
        "Ngoài ra, tỉnh mong muốn mời các doanh nghiệp sang tham dự hội chợ.",
        "Thứ hai, tiếp tục duy trì cơ chế hội đàm định kỳ.",
    }
    assert set(items.values()) == {"đề nghị"}
    assert [s.text for s in body if s.span.start in intros] == [TALKS.splitlines()[1]]


def test_no_plan_list_without_a_planning_opening_or_numbered_items() -> None:
    reported = "Các địa phương tăng cường hợp tác trên các điểm sau:\nThứ nhất, duy trì gặp gỡ lãnh đạo.\n"
    unnumbered = "Thời gian tới, tỉnh sẽ tập trung vào các nội dung sau:\nĐẩy mạnh hợp tác du lịch.\nMở rộng thương mại.\nTăng cường giao lưu.\n"
    for text in (reported, unnumbered):
        assert plan_items(sentences(text, "vi"), "vi", heading) == ({}, frozenset())


def test_an_english_plan_list() -> None:
    text = "The two sides will pursue three goals:\nFirst, reopen the border markets.\nSecond, maintain the annual talks.\n"
    items, intros = plan_items(sentences(text, "en"), "en", heading)
    assert len(items) == 2 and set(items.values()) == {"will"} and len(intros) == 1


@pytest.mark.parametrize(
    ("sentence", "paragraph", "lang", "kind"),
    [
        ("Đoàn đại biểu tỉnh Hà Giang do đồng chí Nguyễn Mạnh Dũng làm Trưởng đoàn.", "... Tham dự Hội đàm có lãnh đạo các sở.", "vi", "TalksHeld"),
        ("Đoàn đại biểu tỉnh Hà Giang do đồng chí Nguyễn Mạnh Dũng làm Trưởng đoàn.", "... dự Hội nghị xúc tiến đầu tư.", "vi", "ConferenceHeld"),
        ("Đoàn đại biểu tỉnh Hà Giang sang thăm châu Văn Sơn.", "... hai bên hội đàm.", "vi", "VisitMade"),
        ("Đoàn đại biểu tỉnh Hà Giang do đồng chí Nguyễn Mạnh Dũng làm Trưởng đoàn.", "... trao đổi kinh nghiệm.", "vi", "VisitMade"),
        ("The Ha Giang delegation was led by its party secretary.", "... Attending the talks were ...", "en", "TalksHeld"),
        ("The Ha Giang delegation visited Wenshan.", "... the talks ...", "en", "VisitMade"),
    ],
)
def test_delegations_in_a_paragraph_that_reports_a_meeting_came_to_the_meeting(sentence: str, paragraph: str, lang: str, kind: str) -> None:
    cue_words = "Đoàn đại biểu" if lang == "vi" else "delegation"
    assert at_meeting(KindGuess("VisitMade", cue_words, 0.7), sentence, sentence + paragraph, lang).kind == kind


def test_other_kinds_are_left_as_they_are_by_a_meeting() -> None:
    guess = KindGuess("AgreementSigned", "ký kết thỏa thuận", 0.7)
    assert at_meeting(guess, "ký kết thỏa thuận", "ký kết thỏa thuận tại Hội đàm", "vi") is guess


@pytest.mark.parametrize(
    ("line", "is_caption"),
    [
        ("Toàn cảnh buổi Hội đàm. Ảnh: Duy Tuấn |", True),
        ("Đoàn đại biểu hai tỉnh/châu chụp ảnh lưu niệm sau buổi Hội đàm. Ảnh: Duy Tuấn |", True),
        ("Officials at the talks in Ha Giang. Photo: VNA", True),
        ("Anh Bồn Văn Thạy, Trưởng thôn Nặm Ngặt, chia sẻ: “Việc ký kết nghĩa rất quan trọng.”", False),
        ("Hội nghị trực tuyến và Lễ ký kết Chương trình Hợp tác giai đoạn 2021 tại điểm cầu Hà Giang.", False),
    ],
)
def test_a_photo_caption_ends_in_its_credit(line: str, is_caption: bool) -> None:
    assert caption(line) is is_caption
