"""The date of a draft and the measure of its amounts.

A happening takes its sentence's date phrase; without one, the date its
sentence, paragraph or article frames (a period framing it only says it
happened by the period's end, ``[..END]``: a review of "giai đoạn 2015 –
2020" does not date what it lists), the sentence before (marked uncertain),
or else "on or before the article's date" (``[..D]``; ``../D`` for what is
kept up, "tiếp tục duy trì"). A plan or proposal without a date of its own
is "from the article's date on" (``[D..]``). A figure's amounts are flows
over the period that governs them, or stocks observed on a date: a level
("12/12", "Có 34/34 xã") at the end of the period that governs it, one said
to hold now ("hiện có", "tính đến nay") or a count with no period on the
article's date; a figure of stocks only is dated when they were observed.
A date something is compared with ("so với cùng kỳ năm 2020") dates nothing
of its own sentence, and each amount goes with the date that governs it.
"""

from __future__ import annotations

import re
from typing import Any, Final

import attrs

from chrono.interchange.article import Article
from chrono.interchange.dates import DatePhrase
from chrono.interchange.draft_records import Guess, quantity
from chrono.interchange.fold import fold
from chrono.interchange.kinds_guess import NOW_LEVEL
from chrono.interchange.numbers import Amount
from chrono.interchange.sentences import Span

COMPARISON: Final = {"vi": r"so voi\s+(?:\w+\s+){0,2}$", "en": r"(?:compared (?:with|to)|than(?: in)?)\s+(?:\w+\s+){0,1}$"}
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


def planned_when(article: Article, dates: list[DatePhrase], words: str) -> tuple[str, list[Guess]]:
    """(EDTF, the guess behind it) of a plan: its own date, else from the article's date on."""
    if dates:
        phrase = dates[0]
        return phrase.edtf, [Guess("when", phrase.text, phrase.confidence, _phrase_note(phrase))]
    now = article.reference.now
    if now is None:
        return NO_DATE, [Guess("when", words, 0.1, "a plan, and the article gives no date: draft again with --published")]
    return f"[{now}..]", [Guess("when", words, 0.4, "a plan with no date: from the article's date on")]


def _framed(context: Any) -> tuple[str, list[Guess]]:
    phrase, how = context.phrase, context.how
    edtf = phrase.edtf
    if how == "previous":
        plain = not any(c in edtf for c in "[/?~%")
        return (f"{edtf}?" if plain else edtf), [Guess("when", phrase.text, 0.4, "no date in the sentence: the year of the sentence before, uncertain")]
    if "/" in edtf and ".." not in edtf and not edtf.startswith("["):
        # A period reviewed dates none of what it lists: only "by its end".
        end = edtf.split("/")[1]
        return f"[..{end}]", [Guess("when", phrase.text, 0.4, f"no date in the sentence: by the end of the period its {how} names")]
    return edtf, [Guess("when", phrase.text, 0.5, f"no date in the sentence: within what its {how} names")]


def figure_quantities(
    article: Article, amounts: list[Amount], dates: list[DatePhrase], context: Any, level: str | None,
) -> tuple[str, list[dict[str, Any]], list[Guess]]:  # fmt: skip
    """(EDTF of the figure, its quantities, the guesses behind them)."""
    governing = dates[0] if dates else (context.phrase if context is not None else None)
    now = article.reference.now
    when = governing.edtf if governing else (now or NO_DATE)
    guesses = [Guess("when", governing.text if governing else "", governing.confidence if governing else 0.3, _figure_note(governing, context, dates))]
    quantities: list[dict[str, Any]] = []
    for index, amount in enumerate(amounts):
        stock = level is not None or amount.out_of is not None or governing is None
        if stock:
            observed = now if now is not None and _now(level, article.lang) else _observed(when, now)
            quantities.append(quantity(amount, observed=observed))
            note = f"a stock (a level): as of {observed}" if observed else "a stock: set its observed date"
        else:
            quantities.append(quantity(amount, period=when))
            note = f"a flow over {when}"
        guesses.append(Guess(f"quantities.{index}", amount.text, 0.7 if amount.sure else 0.4, note))
    held = {q.get("observed") for q in quantities}
    if quantities and len(held) == 1 and None not in held and all("period" not in q for q in quantities):
        when = str(held.pop())  # levels only ("Có 34/34 xã"): the figure is dated when they held
        guesses[0] = attrs.evolve(guesses[0], note="levels only: dated when they were observed")
    return when, quantities, guesses


def _now(level: str | None, lang: str) -> bool:
    """Whether a level's words say it holds on the article's date ("hiện có")."""
    return level is not None and re.search(NOW_LEVEL[lang], fold(level)) is not None


def _observed(when: str, now: str | None) -> str | None:
    """The day a level held: the end of the figure's period, else the article's date."""
    if "/" in when:
        end = when.split("/")[1]
        return end if end and end != ".." else now
    return now if when.startswith("[") else when


def _phrase_note(phrase: DatePhrase) -> str:
    if phrase.estimated:
        return "a year or 'now' taken from the article's estimated year (it gives no date)"
    return "the year is reckoned from the article's date: the phrase gives none" if phrase.guessed_year else ""


def _figure_note(governing: DatePhrase | None, context: Any, dates: list[DatePhrase]) -> str:
    if governing is None:
        return "no period given: a level as of the article's date"
    if not dates and context is not None:
        return f"the period its {context.how} names"
    return _phrase_note(governing)


def comparison(text: str, phrase: DatePhrase, lang: str) -> bool:
    """A date something is compared with ("so với cùng kỳ năm 2020")."""
    return re.search(COMPARISON[lang], fold(text[max(0, phrase.start - 30) : phrase.start])) is not None


def by_date(
    amounts: list[Amount], dates: list[DatePhrase], all_dates: list[DatePhrase], text: str, local: Span,
) -> list[tuple[DatePhrase | None, list[Amount]]]:  # fmt: skip
    """Amounts grouped by the date that governs each: the last date before
    it, or a compared date right before it ("năm 2020 - 174,8 triệu USD")."""
    groups: dict[int, tuple[DatePhrase | None, list[Amount]]] = {}
    for amount in amounts:
        at = amount.start + local.start
        governing = next((d for d in reversed(all_dates) if d.end <= at and re.fullmatch(r"\s*[-–:]?\s*", text[d.end : at])), None)
        if governing is None and dates:  # the nearest date, before it (Vietnamese) or after it (English)
            governing = min(dates, key=lambda d: (at - d.end) if d.end <= at else (d.start - amount.end - local.start))
        key = -1 if governing is None else governing.start
        groups.setdefault(key, (governing, []))[1].append(amount)
    return list(groups.values())
