"""Text folded for matching: lower case, no diacritics, the same length.

Date, number and partner patterns are written once, in plain ASCII, and run
over the folded text; a match's offsets are the same in the original, so
that a quote or a phrase is always cut from the article as it was written.
"""

from __future__ import annotations

import functools
import unicodedata


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0].lower()
    # One character in, one out: lower() of a few letters (İ) is longer.
    return base[0] if len(base) == 1 else char


def fold(text: str) -> str:
    """``text`` in lower case without diacritics, character for character.

    ``fold("Cuối tháng 3/2024")`` is ``"cuoi thang 3/2024"``; ``len`` is kept.
    """
    return "".join(map(_fold_char, text))


def plain(text: str) -> bool:
    """Whether ``text`` carries no diacritics (so a folded match is all it can have)."""
    return all(_fold_char(c) == c.lower() or not c.isalpha() for c in text)
