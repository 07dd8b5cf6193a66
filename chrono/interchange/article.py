"""A news article as drafting reads it: header, date, body sentences, frames.

The header is the lines before the body: a kicker, the headline and a
dateline such as "09:07, 04/07/2022" or "10:24 | 07/04/2016", which gives
the publication date when the command line does not. The body ends where a
page's trailing matter starts ("Ý kiến bạn đọc", "Cùng chuyên mục", a
byline "Bài, ảnh: ...").

An article without a date is resolved against an estimated year: the latest
year its own dates start in, leaving out what it says is planned. A date
phrase opening one of its first sentences ("Trong năm 2021, ...") frames
the whole article; one opening a paragraph ("giai đoạn 2015 – 2020, ...")
frames the paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

import attrs

from chrono.interchange.dates import DatePhrase, Reference, find_dates
from chrono.interchange.fold import fold
from chrono.interchange.sentences import Sentence, Span, paragraphs, sentences
from chrono.when import When

TRAILERS: Final = r"^(?:y kien ban doc|cung chuyen muc|tin lien quan|bai,? anh:|bai va anh:|related|comments|read more)\b"
_DATELINE: Final = re.compile(r"^[^\w]*(?:\d{1,2}:\d{2}\s*[,|-]?\s*)?(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?:\s*[,|-]?\s*\d{1,2}:\d{2})?\W*$")
FRAME_REACH: Final = 45  # how far into a sentence a framing date phrase may start


@attrs.frozen
class Article:
    """An article's text and what drafting knows of it.

    Attributes:
        text: the whole text, as read.
        lang: "vi" or "en".
        title: the headline, if the header has one.
        published: the publication date (command line, else dateline), or None.
        reference: what relative phrases resolve against.
        body: the sentences of the body, in order.
        frame: a date phrase that frames the whole article, or None.
        lines: the article's non-blank lines (``Sentence.paragraph`` indexes them).
    """

    text: str
    lang: str
    title: str
    published: When | None
    reference: Reference
    body: tuple[Sentence, ...]
    frame: DatePhrase | None
    lines: tuple[Span, ...] = ()

    @classmethod
    def read(cls, text: str, lang: str | None = None, published: When | None = None) -> Article:
        """Read ``text``; ``lang`` is guessed from its letters when not given."""
        lang = lang or guess_language(text)
        lines = list(paragraphs(text))
        start, dateline, title = _header(lines, lang)
        published = published or dateline
        end = next((line.start for line in lines if line.start >= start and re.match(TRAILERS, fold(line.text))), len(text))
        body = tuple(s for s in sentences(text, lang) if start <= s.span.start < end and not s.text.startswith("|"))
        reference = Reference(published) if published else Reference(year=_estimated_year(body, lang))
        frame = _article_frame(body, lang, reference)
        return cls(text, lang, title, published, reference, body, frame, tuple(lines))

    def line(self, sentence: Sentence) -> str:
        """The whole line (paragraph) a sentence is in."""
        return self.lines[sentence.paragraph].text if sentence.paragraph < len(self.lines) else sentence.text

    def dates(self, sentence: Sentence) -> list[DatePhrase]:
        """The date phrases of a sentence, offsets within the sentence."""
        return find_dates(sentence.text, self.lang, self.reference)


def guess_language(text: str) -> str:
    """ "vi" when the text carries Vietnamese letters, else "en"."""
    vietnamese = len(re.findall(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", text.lower()))
    return "vi" if vietnamese > max(3, len(text) // 500) else "en"


def _header(lines: Sequence[object], lang: str) -> tuple[int, When | None, str]:
    """(where the body starts, the dateline's date, the headline)."""
    header: list[str] = []
    for line in lines[:8]:
        text = str(getattr(line, "text", ""))
        m = _DATELINE.match(text)
        if m is not None:
            title = max((h for h in header if not h.endswith(":")), key=len, default="")
            try:
                when = When.parse(f"{m.group('y')}-{int(m.group('m')):02d}-{int(m.group('d')):02d}")
            except ValueError:
                break
            return int(getattr(line, "end", 0)), when, title
        header.append(text)
    return 0, None, ""


def _estimated_year(body: Sequence[Sentence], lang: str) -> int | None:
    """The latest year the article's dates start in, planned ones aside."""
    years = []
    for sentence in body:
        for phrase in find_dates(sentence.text, lang):
            earliest = When.parse(phrase.edtf).earliest_key
            if earliest is not None and not phrase.planned and "du kien" not in fold(sentence.text):
                years.append(earliest[0])
    return max(years, default=None)


def _article_frame(body: Sequence[Sentence], lang: str, reference: Reference) -> DatePhrase | None:
    """A year or period opening one of the first full sentences: "Trong năm 2021, ..."."""
    full = [s for s in body if s.text.endswith(".") and len(s.text.split()) >= 8][:3]
    for sentence in full:
        phrase = opening_date(sentence, lang, reference)
        if phrase is not None:
            return phrase
    return None


def opening_date(sentence: Sentence, lang: str, reference: Reference) -> DatePhrase | None:
    """A date phrase that opens a sentence and is followed by a comma: a frame."""
    for phrase in find_dates(sentence.text, lang, reference):
        tail = sentence.text[phrase.end : phrase.end + 2]
        if phrase.start <= FRAME_REACH and tail.startswith(",") and phrase.shape in ("point", "period", "set"):
            precision = When.parse(phrase.edtf).precision.value
            if phrase.shape != "point" or precision == "year":
                return phrase
    return None
