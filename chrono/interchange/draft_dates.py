"""The date of a draft and the measure of its amounts.

A happening takes its sentence's date phrase; without one, the date its
sentence, paragraph or article frames (a period framing it makes a one-of
set: it happened sometime within), the sentence before (marked uncertain),
or else "on or before the article's date" (``[..D]``; ``../D`` for what is
kept up, "tiếp tục duy trì"). A figure's amounts are flows over the period
that governs them, or stocks observed on a date: a level ("12/12", "hiện
có", "tính đến nay"), or a count with no period, as of the article's date.
"""

from __future__ import annotations

from typing import Any

from chrono.interchange.article import Article
from chrono.interchange.dates import DatePhrase
from chrono.interchange.draft_records import Guess, quantity
from chrono.interchange.numbers import Amount

NO_DATE = "[..20XX]"  # an article with no date at all: this century, to be set by its reviewer


def happening_when(article: Article, dates: list[DatePhrase], context: Any, ongoing: str | None, done: bool) -> tuple[str, list[Guess]]:
    """(EDTF, the guess behind it) of a happening."""
    if dates:
        phrase = dates[0]
        return phrase.edtf, [Guess("when", phrase.text, phrase.confidence, _phrase_note(phrase))]
    if context is not None:
        return _framed(context)
    now = article.reference.now
    if now is None:
        return NO_DATE, [Guess("when", "", 0.1, "the article gives no date: draft again with --published")]
    if ongoing is not None:
        return f"../{now}", [Guess("when", ongoing, 0.4, "no date in the sentence: kept up until the article's date")]
    if article.published is None and done:
        return f"{now}?", [Guess("when", "", 0.3, "no date in the sentence; the article's year, estimated from its own dates")]
    return f"[..{now}]", [Guess("when", "", 0.4, "no date in the sentence: on or before the article's date")]


def _framed(context: Any) -> tuple[str, list[Guess]]:
    phrase, how = context.phrase, context.how
    edtf = phrase.edtf
    if how == "previous":
        plain = not any(c in edtf for c in "[/?~%")
        return (f"{edtf}?" if plain else edtf), [Guess("when", phrase.text, 0.4, "no date in the sentence: the year of the sentence before, uncertain")]
    if "/" in edtf and ".." not in edtf and not edtf.startswith("["):
        start, end = edtf.split("/")
        edtf = f"[{start}..{end}]"
    return edtf, [Guess("when", phrase.text, 0.5, f"no date in the sentence: within what its {how} names")]


def figure_quantities(
    article: Article, amounts: list[Amount], dates: list[DatePhrase], context: Any, level: str | None,
) -> tuple[str, list[dict[str, Any]], list[Guess]]:  # fmt: skip
    """(EDTF of the figure, its quantities, the guesses behind them)."""
    governing = dates[0] if dates else (context.phrase if context is not None else None)
    now = article.reference.now
    when = governing.edtf if governing else (now or NO_DATE)
    guesses = [Guess("when", governing.text if governing else "", governing.confidence if governing else 0.3, _figure_note(governing, context, dates))]
    quantities = []
    for index, amount in enumerate(amounts):
        stock = level is not None or amount.out_of is not None or governing is None
        if stock:
            observed = _observed(when, now)
            quantities.append(quantity(amount, observed=observed))
            note = f"a stock (a level): as of {observed}" if observed else "a stock: set its observed date"
        else:
            quantities.append(quantity(amount, period=when))
            note = f"a flow over {when}"
        guesses.append(Guess(f"quantities.{index}", amount.text, 0.7 if amount.sure else 0.4, note))
    return when, quantities, guesses


def _observed(when: str, now: str | None) -> str | None:
    """The day a level held: the end of the figure's period, else the article's date."""
    if "/" in when:
        end = when.split("/")[1]
        return end if end and end != ".." else now
    return now if when.startswith("[") else when


def _phrase_note(phrase: DatePhrase) -> str:
    if phrase.estimated:
        return "a year or 'now' taken from the article's estimated year (it gives no date)"
    return "the year is the article's: the phrase gives none" if phrase.guessed_year else ""


def _figure_note(governing: DatePhrase | None, context: Any, dates: list[DatePhrase]) -> str:
    if governing is None:
        return "no period given: a level as of the article's date"
    if not dates and context is not None:
        return f"the period its {context.how} names"
    return _phrase_note(governing)
