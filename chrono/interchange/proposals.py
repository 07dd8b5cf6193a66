"""Proposals and plans, and the numbered lists that carry them.

A report of talks, or of what a province means to do "in the coming
period", states what the sides propose or agree to do: "đề nghị phía châu
Văn Sơn sớm khôi phục ...", "tiến tới ký Chương trình hợp tác giai đoạn mới",
"sớm thống nhất phương án kỹ thuật", "proposed", "agreed to". Such a clause
is a plan: planned, from the article's date on unless it names its own date.

A sentence that ends a paragraph with a colon and proposes or plans ("...
đề nghị thời gian tới, hai bên cùng phối hợp, triển khai 9 nhóm nội dung:",
"Thời gian tới, tỉnh sẽ ... thông qua 6 giải pháp:") opens a list, and the
paragraphs that follow it are its items up to the last one that is numbered
("Thứ nhất, ...", "Thứ hai, ...", "First, ...") before a heading, with at
most two unnumbered paragraphs between two numbered ones ("Ngoài ra, ...").
Every clause of an item is a plan, and the opening sentence is drafted
through its items, not on its own. So are the parts of a list in one
sentence whose head, before the colon, plans ("mong muốn đưa quan hệ ... với
4 nhóm vấn đề: A; B; C; D").

Not all of an item is planned. A clause that names what is already there,
a mechanism kept up ("tiếp tục duy trì ... cơ chế"), or a clause that is a
thing and not a deed (it opens with "cơ chế ...", "Biên bản Hội nghị ...",
the objects of the clause before), is drafted as what it is; a project said
to be under way inside a proposal ("như dự án trồng mía đang triển khai") is
drafted as a happening beside the plan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final

from chrono.interchange.fold import fold
from chrono.interchange.kinds_guess import PLANNED, KindGuess, cue
from chrono.interchange.sentences import Sentence

# Proposing or agreeing to do something, matched on folded text. "đề xuất"
# after a number is a noun ("nhất trí với 9 đề xuất"): what was proposed, not a proposal.
PROPOSAL: Final = {
    "vi": r"\bde nghi\b|(?<!\d )\bde xuat\b|\bkien nghi\b|\btien toi\b|\b(?:som|cung|ben) thong nhat\b",
    "en": r"\bpropos(?:e|es|ed)\b|\bagreed to\b|\bcalled (?:on|for)\b|\burged\b|\b(?:move|moving|work|working) towards\b",
}
# A proposal already made and done with ("đã thống nhất, từng bước tiến tới"):
# a completion cue just before the proposal's words.
BEFORE_DONE: Final = {"vi": r"\bda\b", "en": r"\bhad\b"}
DONE_REACH: Final = 30
# The numbering of a list item, at the start of its paragraph.
ITEM: Final = {
    "vi": r"^(?:thu (?:nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi)|(?:mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi) la|\(?[ivx]{1,4}\)|\d{1,2}[.)]|[-+•])[\s,:]",
    "en": r"^(?:(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)(?:ly)?|\(?[ivx]{1,4}\)|\d{1,2}[.)]|[-•])[\s,:]",
}
# Words that open an item's clause before its verb: the numbering, a
# connector, "go on", "together".
LEAD_IN: Final = {
    "vi": ITEM["vi"].replace("[\\s,:]", "[\\s,:]*") + r"|^(?:dong thoi|ngoai ra|ben canh do)\s*,?\s*|^(?:tiep tuc|cung|tich cuc)\s+",
    "en": ITEM["en"].replace("[\\s,:]", "[\\s,:]*") + r"|^(?:also|in addition|meanwhile)\s*,?\s*|^(?:continue to|jointly)\s+",
}
# What is already there: kept up, or a thing named rather than a deed done.
KEPT_UP: Final = {"vi": r"^duy tri\b", "en": r"^(?:maintain|keep)\w*\b"}
THING: Final = {
    "vi": r"^(?:bien ban|co che|hoi nghi|hoi dam|phien hop|thoa thuan|hop dong|chuong trinh|du an|de an|nhom cong tac|uy ban)\b",
    "en": r"^(?:the )?(?:minutes|mechanism|conference|talks|session|agreement|contract|programme|program|project|working group|committee)s?\b",
}
# Something under way, matched on the lower-cased text: folded, "đang" and
# "đăng" ("đăng ký", register) are one word.
UNDER_WAY: Final = {"vi": r"\bđang\s+\w+(?:\s+\w+)?", "en": r"\b(?:is|are) (?:under way|being \w+|in progress)\b"}
GAP: Final = 2  # unnumbered paragraphs allowed between two items of a list


def proposal(text: str, lang: str) -> str | None:
    """The words of ``text`` that propose or agree to do something, or None."""
    folded = fold(text)
    for m in re.finditer(PROPOSAL[lang], folded):
        if not re.search(BEFORE_DONE[lang], folded[max(0, m.start() - DONE_REACH) : m.start()]):
            return text[m.start() : m.end()]
    return None


def plan_kind(kind: KindGuess | None, words: str) -> KindGuess:
    """The kind of a plan: what its words say it makes. A kind read from a
    thing already there (a mechanism, "Thỏa thuận ... đã ký") is what the
    plan works with: the plan is carrying it out. With no kind, so is it."""
    if kind is None:
        return KindGuess("CooperationCarriedOut", words, 0.4)
    phrase = fold(kind.phrase)
    if re.search(r"\bda\b", phrase) or (kind.kind == "MechanismEstablished" and re.match(r"co che|mechanism", phrase)):
        return KindGuess("CooperationCarriedOut", kind.phrase, 0.4)
    return kind


def existing(text: str, lang: str) -> bool:
    """Whether a clause of a plan speaks of what is already there."""
    head = _head(fold(text), lang)
    return re.match(KEPT_UP[lang], head) is not None or re.match(THING[lang], head) is not None


def under_way(text: str, lang: str) -> str | None:
    """The words saying something is under way ("đang triển khai"), or None."""
    m = re.search(UNDER_WAY[lang], text.lower())
    return None if m is None else text[m.start() : m.end()]


def listed_after(sentence: str, start: int, lang: str) -> str | None:
    """The plan words of the head of a list in one sentence, for a part of it
    at ``start`` past the colon ("mong muốn ... với 4 nhóm vấn đề: A; B; C")."""
    colon = sentence.find(":")
    if colon < 0 or start <= colon:
        return None
    head = sentence[:colon]
    return proposal(head, lang) or cue(head, lang, PLANNED)


def plan_items(body: Sequence[Sentence], lang: str, heading: Callable[[str], bool]) -> tuple[dict[int, str], frozenset[int]]:
    """(the sentences of plan lists' items, each with the words that make its
    list a plan; the lists' opening sentences), sentences by their offset."""
    paragraphs: dict[int, list[Sentence]] = {}
    for sentence in body:
        paragraphs.setdefault(sentence.paragraph, []).append(sentence)
    order = list(paragraphs.values())
    items: dict[int, str] = {}
    intros = set()
    for at, paragraph in enumerate(order):
        intro = paragraph[-1]
        words = _intro(intro.text, lang)
        if words is None:
            continue
        last = _last_item(order, at, lang, heading)
        if last > at:
            intros.add(intro.span.start)
            items.update({s.span.start: words for p in order[at + 1 : last + 1] for s in p})
    return items, frozenset(intros)


def _intro(text: str, lang: str) -> str | None:
    """The words that make a sentence ending in a colon open a plan list."""
    if not text.rstrip().endswith(":"):
        return None
    return proposal(text, lang) or cue(text, lang, PLANNED)


def _last_item(order: list[list[Sentence]], at: int, lang: str, heading: Callable[[str], bool]) -> int:
    """The index of the last numbered paragraph of the list opened at ``at``
    (``at`` itself when none follows)."""
    last, gap = at, 0
    for index in range(at + 1, len(order)):
        paragraph = order[index]
        if all(heading(s.text) for s in paragraph):
            break
        if re.match(ITEM[lang], fold(paragraph[0].text)):
            last, gap = index, 0
        else:
            gap += 1
            if gap > GAP:
                break
    return last


def _head(folded: str, lang: str) -> str:
    """A clause's words from its verb or noun on, past numbering and lead-ins."""
    while True:
        m = re.match(LEAD_IN[lang], folded)
        if m is None or not m.group():
            return folded
        folded = folded[m.end() :].lstrip()
