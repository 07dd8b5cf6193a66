"""Date phrases of an article as EDTF, at the precision the text gives.

The patterns of each language live in ``dates_vi`` and ``dates_en``; this
module holds what they share: the reference date that relative phrases are
resolved against, the EDTF each shape of phrase becomes, and the scan that
finds the phrases of a sentence. Patterns run over the folded text
(``fold``), so that offsets are the article's own.

A phrase is built of points ("tháng 3/2016", "late March 2024") and a shape
around them: a point, a period ("giai đoạn 2015 - 2020", "between 2015 and
2020"), a period up to now ("từ năm 2012 đến nay", "since 2012": the
reference date ends it, or it stays open without one), a one-of set or an
open bound ("until 2012", "2012 or earlier").
"""

from __future__ import annotations

from chrono.interchange.date_phrases import DatePhrase, Reference
from chrono.interchange.dates_grammar import Scanner

__all__ = ["DatePhrase", "Reference", "find_dates", "parse_date", "scanner"]

_SCANNERS: dict[str, Scanner] = {}


def scanner(lang: str) -> Scanner:
    """The scanner of ``lang`` ("vi" or "en"), made once."""
    if lang not in _SCANNERS:
        if lang == "vi":
            from chrono.interchange.dates_vi import GRAMMAR
        elif lang == "en":
            from chrono.interchange.dates_en import GRAMMAR
        else:
            raise ValueError(f"no date phrases known for language {lang!r} (vi or en)")
        _SCANNERS[lang] = Scanner(GRAMMAR)
    return _SCANNERS[lang]


def find_dates(text: str, lang: str, ref: Reference | None = None) -> list[DatePhrase]:
    """The date phrases of ``text`` in ``lang``, resolved against ``ref``."""
    return scanner(lang).find(text, ref or Reference())


def parse_date(text: str, lang: str, ref: Reference | None = None) -> str | None:
    """The EDTF of ``text`` read whole as a date phrase in ``lang``, or None.

    >>> parse_date("cuối tháng 3/2024", "vi")
    '[2024-03-21..2024-03-31]'
    """
    phrase = scanner(lang).parse(text, ref or Reference())
    return None if phrase is None else phrase.edtf
