"""Partners named in article text, matched from a plain registry or proposed."""

from __future__ import annotations

import unicodedata

import pytest

from chrono.events.values import Names, Partner
from chrono.interchange.partners_match import Registry

REGISTRY = {
    p.id: p
    for p in [
        Partner("china", Names("China", "Trung Quốc"), "country", None, "CN"),
        Partner("yunnan", Names("Yunnan", "Vân Nam"), "province", "china", "CN"),
        Partner("van-son", Names("Wenshan", "Văn Sơn"), "prefecture", "yunnan", "CN"),
        Partner("malipo", Names("Malipo", "Malypho"), "county", "van-son", "CN"),
        Partner("vietnam", Names("Vietnam", "Việt Nam"), "country", None, "VN"),
        Partner("laos", Names("Laos", "Lào"), "country", None, "LA"),
        Partner("lao-cai", Names("Lào Cai", "Lào Cai"), "province", "vietnam", "VN"),
        Partner("jica", Names("Japan International Cooperation Agency (JICA)", "JICA"), "agency", None, "JP"),
    ]
}


def ids(text: str, lang: str = "vi") -> list[str]:
    return [m.partner.id for m in Registry(REGISTRY).find(text, lang)]


def test_names_match_in_any_language_and_without_diacritics() -> None:
    assert ids("hội đàm với châu Văn Sơn") == ["van-son"]
    assert ids("talks with Wenshan Prefecture", "en") == ["van-son"]
    assert ids("gặp lãnh đạo Van Son") == ["van-son"]
    assert ids("tài trợ của tổ chức JICA") == ["jica"]


def test_the_longest_name_wins_and_lowercase_words_are_not_names() -> None:
    assert ids("tỉnh Lào Cai và nước Lào") == ["lao-cai", "laos"]
    assert ids("đưa lao động sang làm việc") == []


def test_an_unknown_place_is_proposed_with_its_level_and_the_parent_its_chain_names() -> None:
    found = Registry(REGISTRY).find("tại thành phố Côn Minh, tỉnh Vân Nam (Trung Quốc)", "vi")
    new = [m for m in found if not m.known]
    assert len(new) == 1
    partner = new[0].partner
    assert (partner.id, partner.name.vi, partner.level, partner.parent, partner.country) == ("con-minh", "Côn Minh", "city", "yunnan", "CN")


def test_a_listed_township_after_known_places_is_proposed_under_the_next_place() -> None:
    found = Registry(REGISTRY).find("trấn Thiên Bảo, Malypho, châu Văn Sơn", "vi")
    new = next(m.partner for m in found if not m.known)
    assert (new.id, new.level, new.parent, new.country) == ("thien-bao", "township", "malipo", "CN")


def test_family_names_are_not_administrative_words() -> None:
    assert ids("đồng chí Trần Minh, Bí thư Châu ủy Văn Sơn") == ["van-son"]


PLACES = {
    **REGISTRY,
    **{
        p.id: p
        for p in [
            Partner("guangxi", Names("Guangxi", "Quảng Tây"), "province", "china", "CN"),
            Partner("ha-giang", Names("Ha Giang", "Hà Giang"), "province", "vietnam", "VN"),
            Partner("vi-xuyen", Names("Vi Xuyen", "Vị Xuyên"), "district", "ha-giang", "VN"),
            Partner("thanh-thuy", Names("Thanh Thuy", "Thanh Thủy"), "commune", "vi-xuyen", "VN"),
            Partner("thien-bao", Names("Tianbao", "Thiên Bảo"), "township", "malipo", "CN"),
            Partner("ha-giang-city", Names("Ha Giang City", "Hà Giang"), "city", "ha-giang", "VN"),
        ]
    },
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tỉnh Hà Giang", "ha-giang"),
        ("thành phố Hà Giang", "ha-giang-city"),
        ("châu Văn Sơn", "van-son"),
        ("huyện Malypho", "malipo"),
        ("trấn Thiên Bảo", "thien-bao"),
        ("xã Thanh Thủy", "thanh-thuy"),
        ("Khu tự trị dân tộc Choang Quảng Tây", "guangxi"),
    ],
)
def test_the_administrative_words_of_both_countries_are_understood(text: str, expected: str) -> None:
    found = Registry(PLACES).find(f"hợp tác với {text}", "vi")
    assert [(m.partner.id, m.known, m.text) for m in found] == [(expected, True, text)]
    # Without diacritics the name still matches; the administrative word is
    # read as written ("xa", "tran", "chau" are also far, Trần, grandchild).
    bare = "".join(c for c in unicodedata.normalize("NFD", text.replace("đ", "d")) if not unicodedata.combining(c))
    plain = Registry(PLACES).find(f"hop tac voi {bare}", "vi")
    assert [m.partner.id for m in plain] == ["ha-giang" if expected == "ha-giang-city" else expected]


def test_a_place_proposed_under_another_proposed_place_takes_its_parent_and_country() -> None:
    for text, lang, ids in [
        ("huyện Hà Khẩu, châu Hồng Hà, tỉnh Vân Nam", "vi", ("ha-khau", "hong-ha")),
        ("Hekou County, Honghe Prefecture, Yunnan", "en", ("hekou", "honghe")),
    ]:
        child, parent = (m.partner for m in Registry(REGISTRY).find(text, lang)[:2])
        assert (child.id, child.level, child.parent, child.country) == (ids[0], "county", ids[1], "CN"), text
        assert (parent.id, parent.level, parent.parent, parent.country) == (ids[1], "prefecture", "yunnan", "CN"), text


def test_a_name_the_registry_holds_is_never_proposed_again() -> None:
    # The registry's Vietnamese name "Công ty Austrex" is capitalised; the
    # article's "công ty Austrex" is not, and "Austrex" was proposed as "austrex-new".
    registry = {**REGISTRY, "austrex": Partner("austrex", Names("Austrex", "Công ty Austrex"), "company", None, "AU")}
    found = Registry(registry).find("như công ty Austrex (Australia) đến tìm hiểu", "vi")
    assert [(m.partner.id, m.known) for m in found] == [("austrex", True)]
