"""The kind, status and figures of a drafted sentence, from its verbs and nouns."""

from __future__ import annotations

import pytest

from chrono.interchange.drafting import draft_article
from chrono.interchange.kinds_guess import guess_kind
from tests.unit.test_draft_plans import PUBLISHED, REGISTRY, drafts

KINDS = [
    ("Hai bên ký kết Chương trình hợp tác giai đoạn 2021.", "vi", "AgreementSigned", "ký kết Chương trình"),
    ("Hai tỉnh đã ký kết thỏa thuận hợp tác về lao động.", "vi", "AgreementSigned", "ký kết thỏa thuận"),
    ("Lãnh đạo hai tỉnh hội đàm tại Hà Giang.", "vi", "TalksHeld", "hội đàm"),
    ("Tỉnh tổ chức hội nghị xúc tiến du lịch.", "vi", "ConferenceHeld", "hội nghị"),
    ("Bí thư Tỉnh ủy thăm châu Văn Sơn.", "vi", "VisitMade", "thăm"),
    ("Tỉnh trao tặng vật tư y tế cho châu Văn Sơn.", "vi", "AidProvided", "trao tặng"),
    ("Hai đồn tuần tra song phương trên biên giới.", "vi", "CooperationCarriedOut", "tuần tra"),
    ("Xã Thanh Thủy kết nghĩa với trấn Thiên Bảo.", "vi", "TwinningSigned", "kết nghĩa"),
    ("Ha Giang and Wenshan signed a cooperation agreement.", "en", "AgreementSigned", "signed a cooperation agreement"),
    ("The two sides signed on 8 March.", "en", "AgreementSigned", "signed"),
    ("Officials held talks in Ha Giang.", "en", "TalksHeld", "held talks"),
    ("Yunnan hosted a trade conference.", "en", "ConferenceHeld", "conference"),
    ("The party secretary visited Wenshan.", "en", "VisitMade", "visit"),
    ("Guangxi donated face masks to Ha Giang.", "en", "AidProvided", "donat"),
]


@pytest.mark.parametrize(("text", "lang", "kind", "words"), KINDS)
def test_the_kind_comes_from_the_verbs_and_nouns(text: str, lang: str, kind: str, words: str) -> None:
    guess = guess_kind(text, lang)
    assert guess is not None and (guess.kind, guess.phrase) == (kind, words)


@pytest.mark.parametrize("text", ["Tỉnh kịp thời thăm hỏi, động viên.", "Lãnh đạo các sở tham dự.", "Các huyện tham gia tích cực."])
def test_asking_after_attending_and_taking_part_are_no_visits(text: str) -> None:
    guess = guess_kind(text, "vi")
    assert guess is None or guess.kind != "VisitMade"


@pytest.mark.parametrize(
    ("text", "lang", "words"),
    [
        ("Tỉnh Hà Giang dự kiến tổ chức hội nghị với tỉnh Vân Nam.\n", "vi", "dự kiến"),
        ("Tỉnh Hà Giang sẽ thăm châu Văn Sơn.\n", "vi", "sẽ"),
        ("A delegation of Wenshan is expected to visit Ha Giang.\n", "en", "expected"),
    ],
)
def test_a_draft_is_planned_for_the_words_of_a_plan(text: str, lang: str, words: str) -> None:
    (draft,) = draft_article(text, REGISTRY, lang=lang, published=PUBLISHED, home="ha-giang").entries
    assert draft.record["status"] == "planned"
    assert [(g.phrase, g.confidence) for g in draft.guesses if g.field == "status"] == [(words, 0.6)]


def test_a_sentence_of_figures_over_a_period_is_a_figure_of_that_period() -> None:
    text = "Giai đoạn 2015 – 2020, tỉnh Hà Giang đã đàm phán, ký 85 thỏa thuận với châu Văn Sơn.\n"
    (figure,) = drafts(text)
    assert figure["kind"] == "FigureReported" and figure["when"] == "2015/2020"
    assert [(q["value"], q["unit"], q["period"]) for q in figure["quantities"]] == [("85", "agreement", "2015/2020")]


def test_a_level_out_of_a_total_is_a_stock() -> None:
    text = "Năm 2020, 12/12 Đồn Biên phòng của tỉnh Hà Giang ký kết nghĩa với các trạm của châu Văn Sơn.\n"
    (figure,) = drafts(text)
    (quantity,) = figure["quantities"]
    assert figure["kind"] == "FigureReported" and (quantity["value"], quantity["unit"], quantity["observed"]) == ("12", "border-post", "2020")
    assert "period" not in quantity or quantity["period"] is None
