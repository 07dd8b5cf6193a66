"""The kind and status a sentence suggests, from its verbs and nouns.

Each cue is a pattern over folded text, strong (the kind itself: "ký kết
nghĩa", "hội đàm", "signed ... agreement") or weak (a word many kinds use:
"hợp tác", "trao đổi", "cooperation"). The first strong cue in the order of
``CUES`` wins; without one, the first weak cue. A cue that folding would
blur ("thăm", visit, is "tham" of "tham dự", attend) is matched as written. "dự kiến", "sẽ", "kế hoạch",
"expected", "will" make a draft planned.
"""

from __future__ import annotations

import re
from typing import Final

import attrs

from chrono.interchange.fold import fold

# (kind, strong Vietnamese cue, strong English cue), in order of precedence.
CUES: Final = (
    ("TwinningSigned", r"ket nghia", r"twinn|sister[- ]cit"),
    ("AgreementSigned",
     r"ky(?: ket)? (?:\w+ ){0,3}(?:thoa thuan|chuong trinh|ban ghi nho|hop dong|van ban)"
     r"|(?:thoa thuan|hop dong)\b.{0,80}\bda ky|ky ket thoa thuan",
     r"sign\w* (?:\w+ ){0,4}(?:agreement|memorand|programme|program|contract|plan)|(?:agreement|memorandum) (?:\w+ ){0,4}signed"),
    ("RelationsEstablished", r"thiet lap (?:moi )?quan he|quan he (?:hop tac )?huu nghi|day manh quan he",
     r"(?:established|set up) (?:\w+ ){0,2}relations|friendship relations"),
    ("MechanismEstablished", r"co che|thanh lap|nhom cong tac lien hop|uy ban cong tac lien hop", r"mechanism|working group|joint committee|founded|set up a"),
    ("TalksHeld", r"hoi dam|hoi kien", r"\btalks\b|held talks"),
    ("ConferenceHeld", r"hoi nghi|hoi thao|giao ban|dien dan|hoi cho", r"conference|forum|workshop|seminar|summit"),
    ("VisitMade", r"chuyen tham|doan dai bieu|tham va lam viec|den tham|tiep doan|don tiep", r"\bvisit|delegation"),
    ("AidProvided", r"trao tang|tai tro|vien tro|hoc bong|tang qua", r"donat|\baid\b|grant|scholarship|funded"),
    # "The two sides signed." with no other kind's words: what is signed is most often an agreement.
    ("AgreementSigned", r"(?!)", r"\bsign(?:ed|s|ing)\b"),
    ("CooperationCarriedOut", r"tuan tra|phoi hop|hop tac|xuc tien|giao luu|trao doi|dua .{0,40}lao dong", r"cooperat|patrol|exchange|promot"),
)  # fmt: skip
PLANNED: Final = {
    "vi": r"\bdu kien\b|\bse\b|\bke hoach\b|\bmong muon\b|\bdu dinh\b|\bthoi gian toi\b",
    "en": r"\bexpect(?:s|ed)?\b|\bwill\b|\bplan(?:s|ned)? to\b|\bscheduled\b",
}
# Ongoing: kept up, not begun ("tiếp tục duy trì", "thường xuyên"); folded,
# "đăng ký" (register) reads "dang ky" and is not "đang" (under way).
ONGOING: Final = {"vi": r"\btiep tuc\b|\bduy tri\b|\bthuong xuyen\b|\bdang\b(?! ky\b)|\bdinh ky\b", "en": r"\bcontinu|\bmaintain|\bregular|\bongoing\b"}
# A level on the day it was stated: a stock, not a flow.
LEVEL: Final = {"vi": r"\bhien (?:nay|tai|co)\b|\btinh den nay\b|\bco \d", "en": r"\bcurrently\b|\bat present\b|\bto date\b|\bas of\b|\bnow has\b"}
# A level said to hold now ("hiện có", "tính đến nay"): on the article's date,
# whatever period its paragraph reviews; "Có 34/34 xã" holds at that period's end.
NOW_LEVEL: Final = {"vi": r"\bhien (?:nay|tai|co)\b|\btinh den nay\b", "en": r"\bcurrently\b|\bat present\b|\bto date\b|\bnow has\b"}
# Cues that folding would blur, matched on the text as written (any case):
# "thăm" (visit) folds to "tham" of "tham dự" (attend), "tham gia" (take
# part); "thăm hỏi" is asking after someone, no visit.
WRITTEN: Final = {"vi": {"VisitMade": r"\bthăm\b(?!\s+hỏi)"}, "en": {}}
WEAK: Final = ("CooperationCarriedOut",)
MEETINGS: Final = ("TalksHeld", "ConferenceHeld")
# A delegation (the kind's words) and a verb of visiting (on the lower-cased
# text: folded, "thăm" is "tham" of "tham dự", attend).
DELEGATION: Final = {"vi": r"doan dai bieu", "en": r"delegation"}
VISITING: Final = {"vi": r"\bthăm\b|\bsang làm việc\b|\bđến làm việc\b", "en": r"\bvisit"}


@attrs.frozen
class KindGuess:
    """A guessed kind, the words it came from and how sure it is."""

    kind: str
    phrase: str
    confidence: float


def guess_kind(text: str, lang: str) -> KindGuess | None:
    """The kind ``text`` suggests, or None when no cue is in it."""
    folded = fold(text)
    column = 1 if lang == "vi" else 2
    for cue in CUES:
        m = re.search(str(cue[column]), folded)
        written = WRITTEN[lang].get(str(cue[0]))
        if m is None and written is not None:
            m = re.search(written, text, re.IGNORECASE)
        if m is not None:
            confidence = 0.4 if cue[0] in WEAK else 0.7
            return KindGuess(str(cue[0]), text[m.start() : m.end()], confidence)
    return None


def at_meeting(kind: KindGuess, sentence: str, paragraph: str, lang: str) -> KindGuess:
    """The kind of a sentence that names delegations and no visit, in a
    paragraph that reports a meeting: the delegations came to the meeting
    ("Đoàn đại biểu tỉnh Hà Giang do ... làm Trưởng đoàn ... Tham dự Hội đàm
    có ..."). Any other kind is returned as it is."""
    if kind.kind != "VisitMade" or not re.fullmatch(DELEGATION[lang], fold(kind.phrase)) or re.search(VISITING[lang], sentence.lower()):
        return kind
    column = 1 if lang == "vi" else 2
    folded = fold(paragraph)
    for entry in CUES:
        m = re.search(str(entry[column]), folded) if entry[0] in MEETINGS else None
        if m is not None:
            return KindGuess(str(entry[0]), paragraph[m.start() : m.end()], 0.6)
    return kind


def cue(text: str, lang: str, table: dict[str, str]) -> str | None:
    """The words of ``text`` that match ``table``'s cue in ``lang``, or None."""
    folded = fold(text)
    m = re.search(table[lang], folded)
    return None if m is None else text[m.start() : m.end()]
