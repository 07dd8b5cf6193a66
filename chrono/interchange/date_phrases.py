"""Date phrases in an article's words, in Vietnamese or English: the entry points of ``dates``.

``dates`` holds the machinery (points, grammars, the scanner); each
language's grammar (``dates_vi``, ``dates_en``) is built from it, and this
module picks the grammar of a language: so that ``dates`` never imports the
grammars that import it.
"""

from __future__ import annotations

from chrono.interchange.dates import DatePhrase, Reference, Scanner

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
