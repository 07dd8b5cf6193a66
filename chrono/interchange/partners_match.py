"""Partners named in a text: matched from a registry, or proposed as new.

A registry is a plain mapping of partner ids to ``Partner`` values. Names
match in any language the registry holds (vi, en, zh, and an acronym in an
English name's brackets), case and diacritics aside, at word boundaries,
the longest first ("Lào Cai" before "Lào"). A name written without its
diacritics matches only where it is capitalised ("Van Son", not "lao động").
The administrative words of both countries ("tỉnh", "châu", "huyện", "trấn",
"xã", "thành phố", "Khu tự trị", "province", "county", ...) say which of two
partners of the same name is meant, and the level of a place the registry
does not hold: "thành phố Côn Minh, tỉnh Vân Nam" proposes Côn Minh, a city
whose parent is Yunnan, the next place of the comma chain.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

import attrs

from chrono.events.slugs import slugify
from chrono.events.values import Names, Partner
from chrono.interchange.fold import fold, plain

# Matched on the lower-cased text with its diacritics: folded, "trấn" would
# be "Trần", a family name, and "bản" "Bạn".
ADMIN_VI: Final = (
    ("khu tự trị(?: dân tộc \\w+)?", "region"), ("thành phố|tp\\.", "city"), ("thị trấn", "township"),
    ("thị xã", "city"), ("tỉnh", "province"), ("châu", "prefecture"), ("huyện", "district"), ("quận", "district"),
    ("xã", "commune"), ("trấn|hương", "township"), ("thôn", "village"), ("đồn biên phòng", "border-post"),
    ("công ty(?: tnhh| cổ phần)?|tập đoàn|ngân hàng", "company"),
)  # fmt: skip
ADMIN_EN: Final = (
    ("zhuang autonomous region|autonomous region", "region"), ("province", "province"), ("prefecture", "prefecture"),
    ("county", "county"), ("district", "district"), ("city", "city"), ("township|town", "township"),
    ("commune", "commune"), ("village", "village"),
)  # fmt: skip
# Coarser places have higher ranks: a place's parent outranks it.
RANK: Final = {
    "village": 0, "commune": 1, "township": 2, "border-post": 1, "district": 3, "county": 3, "city": 4,
    "prefecture": 5, "province": 6, "region": 6, "country": 7,
}  # fmt: skip
_WORD = r"[^\W\d_][\w'-]*"
# Capitalised words that begin the names of bodies, not places ("Hội đồng", "Sở Ngoại vụ").
NOT_PLACES: Final = frozenset({"Hội", "Ban", "Sở", "Ủy", "Uỷ", "Đảng", "Nhà", "Chính", "Bộ", "Cục", "Phòng", "Trung", "The"})


@attrs.frozen
class Mention:
    """A partner named in a text.

    Attributes:
        start: offset of the name (after any administrative word).
        end: offset just past the name.
        text: the words matched, administrative word included.
        partner: the partner (from the registry, or proposed).
        known: whether the registry holds it.
        confidence: how sure the match is.
    """

    start: int
    end: int
    text: str
    partner: Partner
    known: bool
    confidence: float


class Registry:
    """Finds the partners of a registry in texts."""

    def __init__(self, partners: Mapping[str, Partner]) -> None:
        self.partners = dict(partners)
        self.by_name: dict[str, list[Partner]] = {}
        for partner in self.partners.values():
            for name in _names(partner):
                key = fold(name).strip()
                if len(key) >= 2 and partner not in self.by_name.setdefault(key, []):
                    self.by_name[key].append(partner)
        names = sorted(self.by_name, key=len, reverse=True)
        self.pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)") if names else None

    def find(self, text: str, lang: str) -> list[Mention]:
        """The partners of the registry named in ``text``, and the places it
        names that the registry does not hold, proposed as new partners."""
        folded = fold(text)
        known = self._known(text, folded, lang)
        proposed = _proposals(text, folded, lang, self, known)
        mentions = sorted([*known, *proposed], key=lambda m: m.start)
        return _with_parents(mentions, text, self)

    def _known(self, text: str, folded: str, lang: str) -> list[Mention]:
        found = []
        for m in self.pattern.finditer(folded) if self.pattern else ():
            span = text[m.start() : m.end()]
            candidates = self.by_name[m.group()]
            exact = [p for p in candidates if any(n.casefold() == span.casefold() for n in _names(p))]
            if not (span[:1].isupper() or not span[:1].isalpha()) or not (exact or plain(span)):
                continue
            level, admin_start = _admin_before(text, m.start(), lang)
            chosen = [p for p in exact or candidates if level is None or _fits(p.level, level)] or exact or candidates
            confidence = (0.9 if exact else 0.7) * (1.0 if len(chosen) == 1 else 0.6)
            found.append(Mention(m.start(), m.end(), text[admin_start : m.end()], chosen[0], True, confidence))
        return found

    def country_partner(self, code: str) -> Partner | None:
        return next((p for p in self.partners.values() if p.level == "country" and p.country == code), None)


def _names(partner: Partner) -> list[str]:
    names = [partner.name.vi, partner.name.en, partner.name.zh]
    names += re.findall(r"\(([A-Z][A-Za-z]{1,9})\)", partner.name.en)
    return [n for n in names if n]


def _fits(level: str, said: str) -> bool:
    return level == said or {level, said} <= {"district", "county"} or {level, said} <= {"province", "region"}


def _admin_before(text: str, start: int, lang: str) -> tuple[str | None, int]:
    """The level an administrative word just before ``start`` names, and where it starts."""
    if lang != "vi":
        return None, start
    head = text[max(0, start - 40) : start].lower()
    for pattern, level in ADMIN_VI:
        m = re.search(rf"(?<!\w)(?:{pattern})\s+$", head)
        if m is not None:
            return level, start - (len(head) - m.start())
    return None, start


def _proposals(text: str, folded: str, lang: str, registry: Registry, known: list[Mention]) -> list[Mention]:
    taken = [(m.start, m.end) for m in known]
    found = []
    for start, end, level in _places(text, folded, lang):
        if any(a < end and start < b for a, b in taken):
            continue
        name = text[start:end]
        if name.split()[0] in NOT_PLACES:
            continue
        taken.append((start, end))
        held = [p for p in registry.by_name.get(fold(name), []) if _fits(p.level, level)] or registry.by_name.get(fold(name), [])
        if held:  # a name the registry holds, in a longer form the text's case hid ("công ty Austrex" for "Công ty Austrex")
            found.append(Mention(start, end, name, held[0], True, 0.7 if len(held) == 1 else 0.4))
            continue
        partner = Partner(id=_new_id(name, registry), name=Names(en=name, vi=name if lang == "vi" else ""), level=level)
        found.append(Mention(start, end, name, partner, False, 0.4))
    return found


def _places(text: str, folded: str, lang: str) -> list[tuple[int, int, str]]:
    """(start, end, level) of each capitalised name an administrative word introduces."""
    places = []
    if lang == "vi":
        for pattern, level in ADMIN_VI:
            for m in re.finditer(rf"(?<!\w)(?:các\s+)?(?:{pattern})\s+", text.lower()):
                places += [(a, b, level) for a, b in _capitalised_list(text, m.end(), several=folded[m.start() :].startswith("cac "))]
    else:
        for pattern, level in ADMIN_EN:
            for m in re.finditer(rf"((?:[A-Z][\w'-]*\s+){{1,3}})(?i:{pattern})\b", text):
                name = m.group(1).strip()
                if name[:1].isupper() and fold(name) not in ("the", "a"):
                    places.append((m.start(1), m.start(1) + len(name), level))
    return places


def _capitalised_list(text: str, at: int, several: bool) -> list[tuple[int, int]]:
    """The capitalised name at ``at`` (and, after "các ...", the names listed after it)."""
    names = []
    while True:
        m = re.match(rf"{_WORD}(?:\s+{_WORD}){{0,3}}", text[at:])
        if m is None:
            break
        words = re.findall(rf"{_WORD}", m.group())
        kept = []
        for word in words:
            if not word[:1].isupper():
                break
            kept.append(word)
        name = " ".join(kept)
        if len(name) < 2 or name not in text[at : at + len(m.group())]:
            break
        names.append((at, at + len(name)))
        rest = re.match(r"\s*(?:,|\bvà\b)\s*", text[at + len(name) :])
        if not several or rest is None:
            break
        at += len(name) + rest.end()
    return names


def _new_id(name: str, registry: Registry) -> str:
    slug = slugify(name) or "partner"
    return slug if slug not in registry.partners else f"{slug}-new"


def _with_parents(mentions: list[Mention], text: str, registry: Registry) -> list[Mention]:
    """Proposed partners with the parent and country the text implies: the
    next place of their comma chain that outranks them, else a country in
    brackets after them ("(Trung Quốc)"). The chain is read from its end, so
    that a proposed place under another proposed one ("huyện Hà Khẩu, châu
    Hồng Hà, tỉnh Vân Nam") takes its parent's country."""
    out = list(mentions)
    for i in reversed(range(len(out))):
        mention = out[i]
        if mention.known:
            continue
        parent = _chain_parent(out, i, text)
        country = parent.country if parent else _bracketed_country(text, mention.end, registry)
        partner = attrs.evolve(mention.partner, parent=parent.id if parent else None, country=country)
        if partner.level == "district" and country not in ("", "VN"):
            partner = attrs.evolve(partner, level="county")
        out[i] = attrs.evolve(mention, partner=partner)
    return out


# What may stand between a place and the next of its chain: an English
# administrative word and a comma ("Hekou County, Honghe"), or a comma and a
# Vietnamese one ("Hà Khẩu, châu Hồng Hà"), or "của", "thuộc", "of", "in".
_CHAIN_GAP: Final = (
    r"\s*(?:(?i:city|county|prefecture|province|township|district|commune)\s*)?(?:,|\s(?:của|thuộc|of|in)\s)\s*"
    r"(?:(?i:" + "|".join(pattern for pattern, _ in ADMIN_VI) + r")\s+)?"
)


def _chain_parent(mentions: list[Mention], i: int, text: str) -> Partner | None:
    here = mentions[i]
    for later in mentions[i + 1 :]:
        gap = text[here.end : later.start - (len(later.text) - (later.end - later.start))]
        if not re.fullmatch(_CHAIN_GAP, gap):
            return None
        if RANK.get(later.partner.level, 0) > RANK.get(mentions[i].partner.level, 0):
            return later.partner
        here = later
    return None


def _bracketed_country(text: str, end: int, registry: Registry) -> str:
    m = re.match(r"\s*\(([^()]{2,30})\)", text[end:])
    if m is None:
        return ""
    inside = fold(m.group(1))
    for partner in registry.partners.values():
        if partner.level == "country" and inside in (fold(partner.name.vi), fold(partner.name.en)):
            return partner.country
    return ""
