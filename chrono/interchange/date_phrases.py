"""What a date phrase grammar finds: the ``Reference`` a phrase is read against, the ``Point``s it
resolves and the ``DatePhrase`` it stands for (``dates_grammar`` finds them)."""

from __future__ import annotations

import attrs

from chrono.when import When


@attrs.frozen
class Reference:
    """What a phrase without a year, or "now", is resolved against.

    Attributes:
        published: the article's date, when the command line or the
            article's header gives it.
        year: the year to use when there is no publication date (estimated
            from the article's own dates), or None.
    """

    published: When | None = None
    year: int | None = None

    @property
    def now(self) -> str | None:
        """The EDTF of "now": the publication date, else the estimated year, else None."""
        if self.published is not None:
            return self.published.edtf
        return None if self.year is None else f"{self.year:04d}"

    @property
    def ymd(self) -> tuple[int, int, int] | None:
        """The reference as (year, month, day) for resolving "next April"; the
        estimated year counts as its first day."""
        if self.published is not None and self.published.latest_key is not None:
            return self.published.latest_key
        return None if self.year is None else (self.year, 1, 1)


@attrs.frozen
class Point:
    """One date of a phrase, resolved.

    Attributes:
        edtf: the date as EDTF.
        guessed_year: the text gave no year; it came from the reference.
        planned: the text speaks of it as coming ("tháng 4 tới", "next year").
    """

    edtf: str
    guessed_year: bool = False
    planned: bool = False


@attrs.frozen
class DatePhrase:
    """A date phrase found in a text, with the EDTF it stands for.

    Attributes:
        start: offset of its first character in the text searched.
        end: offset just past its last character.
        text: the phrase as written.
        edtf: the EDTF string (valid for ``When.parse``).
        shape: ``point``, ``period``, ``since`` (a period up to now),
            ``until``, ``set`` or ``bound``.
        guessed_year: a year came from the reference, not from the text.
        planned: the text speaks of it as coming.
        estimated: "now" or a missing year came from an estimated reference.
    """

    start: int
    end: int
    text: str
    edtf: str
    shape: str
    guessed_year: bool = False
    planned: bool = False
    estimated: bool = False

    @property
    def confidence(self) -> float:
        """How sure the reading is: lower when a year or "now" was supplied."""
        if self.estimated:
            return 0.3
        return 0.6 if self.guessed_year else 0.9
