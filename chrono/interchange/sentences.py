"""An article's paragraphs, sentences and clauses, with their offsets.

Sentences come from sentencex (Wikimedia's rule-based segmenter, no model
to load); an article's lines are its paragraphs, since news text puts a
heading, a caption or a dateline on a line of its own. A clause is a part
of a sentence between semicolons: "2 bên trao trả 384 lần/2.693 công dân" and
"mỗi năm tỉnh Hà Giang cung cấp 2 suất học bổng" are drafted apart. A
heading is short and has no sentence's end; a photo caption is a line that
ends in its credit ("Toàn cảnh buổi Hội đàm. Ảnh: Duy Tuấn |").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

import attrs

# A photo's credit ending its caption's line, matched on the lower-cased text.
CREDIT: Final = r"(?:^|[\s.])(?:ảnh|photo)\s*:\s*[^.:!?|]{1,60}\|?\s*$"


@attrs.frozen
class Span:
    """A stretch of the article: ``text`` is ``article[start:end]``."""

    start: int
    end: int
    text: str


@attrs.frozen
class Sentence:
    """A sentence, its paragraph's number and its place in the paragraph."""

    span: Span
    paragraph: int
    index: int

    @property
    def text(self) -> str:
        return self.span.text


def paragraphs(article: str) -> Iterator[Span]:
    """The article's non-blank lines."""
    for m in re.finditer(r"[^\n]+", article):
        if m.group().strip():
            yield _trimmed(article, m.start(), m.end())


def sentences(article: str, lang: str) -> list[Sentence]:
    """The sentences of ``article``, each within one line."""
    from sentencex import get_sentence_boundaries

    found = []
    for number, line in enumerate(paragraphs(article)):
        index = 0
        for boundary in get_sentence_boundaries(lang, line.text):
            if boundary["is_paragraph_break"] or not str(boundary["text"]).strip():
                continue
            start, end = line.start + int(boundary["start_index"]), line.start + int(boundary["end_index"])
            for span in _after_ellipses(article, start, end):
                found.append(Sentence(span, number, index))
                index += 1
    return found


def clauses(sentence: Span) -> list[Span]:
    """The parts of a sentence between semicolons (none inside brackets or quotes)."""
    parts, start, depth = [], 0, 0
    for i, char in enumerate(sentence.text):
        if char in "(“":
            depth += 1
        elif char in ")”":
            depth = max(0, depth - 1)
        elif char == ";" and depth == 0:
            parts.append((start, i))
            start = i + 1
    parts.append((start, len(sentence.text)))
    spans = [_trimmed(sentence.text, a, b) for a, b in parts]
    return [Span(sentence.start + s.start, sentence.start + s.end, s.text) for s in spans if s.text]


def heading(text: str) -> bool:
    """A heading, kicker or caption credit: short and without a sentence's end."""
    words = len(text.split())
    return words < 4 or (words < 12 and not re.search(r"[.!?…”)]$", text))


def caption(line: str) -> bool:
    """Whether a line is a photo caption: it ends in the photo's credit."""
    return re.search(CREDIT, line.lower()) is not None


def _after_ellipses(article: str, start: int, end: int) -> Iterator[Span]:
    """A sentence split after an ellipsis that a capital letter follows
    ("... JICA (Nhật Bản)… Ấn tượng hơn, ..."), which sentencex keeps whole."""
    for m in re.finditer(r"(?:…|\.\.\.)\s+(?=[A-ZÀ-Ỹ])", article[start:end]):
        yield _trimmed(article, start, start + m.start() + (1 if m.group().startswith("…") else 3))
        start += m.end()
    yield _trimmed(article, start, end)


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end])
