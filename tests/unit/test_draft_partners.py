"""Partners named in article text, matched from a plain registry or proposed."""

from __future__ import annotations

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
