"""Draft entries from a news article, for a person to review (DESIGN.md 8).

Each clause of the body that names a happening (a verb or noun of a kind) or
states amounts becomes a draft: its sentence, verbatim, is the quote; its
date phrase the ``when`` (or, without one, the date its paragraph or the
article frames, or "on or before the article's date"); the partners it names
its partners (foreign side) and actors (home side); its amounts the
quantities, flows over the period that governs them or stocks observed on a
date. A clause that proposes, or an item of a plan list, is a plan
(``proposals``). The article's lead reports its news: what it drafts has
happened. Headings, photo captions, a list's opening sentence and who
attended a meeting just reported are not drafted on their own. Drafting
works from a plain mapping of partners, without a store.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

import attrs

from chrono.events.values import Partner
from chrono.interchange import draft_records as records
from chrono.interchange import proposals
from chrono.interchange.article import Article, opening_date
from chrono.interchange.dates import DatePhrase
from chrono.interchange.draft_dates import by_date, comparison, figure_quantities, happening_when, planned_when
from chrono.interchange.draft_records import EntryDraft, Guess, PartnerDraft
from chrono.interchange.fold import fold
from chrono.interchange.kinds_guess import LEVEL, ONGOING, PLANNED, KindGuess, at_meeting, cue, guess_kind
from chrono.interchange.numbers import Amount, find_amounts
from chrono.interchange.partners_match import Mention, Registry
from chrono.interchange.sentences import Sentence, Span, caption, clauses, heading
from chrono.when import When

BOTH_SIDES: Final = {"vi": r"\b(?:hai|2) (?:ben|dia phuong|nuoc)\b|song phuong|doi dang", "en": r"\b(?:both|two) sides\b|\bbilateral|\bcounterpart"}
# Done, not kept up (matched on the lower-cased text: folded, "đã" is "đa").
DONE: Final = {"vi": r"\bđã\b|\blễ ký kết\b|\bvừa\b", "en": r"\bhas\b|\bhave\b|\bwas\b|\bwere\b|\bsigned\b|\bheld\b"}
# Who attended a meeting (folded): said of the happening just reported.
ATTENDANCE: Final = {
    "vi": r"(?:tham du|cung du|du)\b[^.;]{0,80}?\bco\b",
    "en": r"(?:also )?attending\b|present (?:at|were)\b|[\w ]{0,40}? (?:was|were) attended by\b",
}


@attrs.frozen
class Drafts:
    """What drafting found in one article."""

    article: Article
    document: str
    partners: tuple[PartnerDraft, ...]
    entries: tuple[EntryDraft, ...]


@attrs.frozen
class Context:
    """A date that a sentence without one takes from around it."""

    phrase: DatePhrase
    how: str  # "paragraph" (a framing period), "previous" (the sentence before), "article"


def draft_article(
    text: str, partners: Mapping[str, Partner], *, lang: str | None = None, published: When | None = None,
    document: str = "article.txt", publisher: str = "", home: str | None = None,
) -> Drafts:  # fmt: skip
    """The drafts of an article's text, its partners matched from ``partners``.

    ``home`` is the chronicle's own side (a partner id): partners of its
    country are actors, and a draft naming none has it as its actor.
    """
    article = Article.read(text, lang, published)
    drafter = _Drafter(article, Registry(partners), home, document, publisher)
    for sentence in article.body:
        drafter.sentence(sentence)
    return Drafts(article, document, tuple(drafter.proposed.values()), tuple(records.unique(records.distinct(drafter.entries))))


class _Drafter:
    def __init__(self, article: Article, registry: Registry, home: str | None, document: str, publisher: str) -> None:
        self.article, self.registry, self.home = article, registry, home
        self.home_country = registry.partners[home].country if home in registry.partners else None
        self.source: dict[str, Any] = {"document": document}
        if publisher:
            self.source["publisher"] = publisher
        if article.published is not None:
            self.source["published"] = article.published.edtf
        if article.title:
            self.source["title"] = article.title
        self.entries: list[EntryDraft] = []
        self.proposed: dict[str, PartnerDraft] = {}
        self.frame: Context | None = None
        self.previous: tuple[Sentence, DatePhrase] | None = None
        self.plans, self.intros = proposals.plan_items(article.body, article.lang, heading)
        self.lead = next((s.paragraph for s in article.body if not heading(s.text)), None)
        self.drafted: set[int] = set()  # paragraphs with a draft

    def sentence(self, sentence: Sentence) -> None:
        if self._skipped(sentence):
            return
        lang, ref = self.article.lang, self.article.reference
        if sentence.index == 0:
            opening = opening_date(sentence, lang, ref)
            self.frame = Context(opening, "paragraph") if opening is not None and opening.shape != "point" else None
        context = self._context(sentence)
        dates = [d for d in self.article.dates(sentence) if not comparison(sentence.text, d, lang)]
        opening = opening_date(sentence, lang, ref)
        for clause in clauses(sentence.span):
            self._clause(sentence, clause, context, opening)
        points = [d for d in dates if d.shape == "point"]
        self.previous = (sentence, points[-1]) if points else None

    def _skipped(self, sentence: Sentence) -> bool:
        """A heading, a photo caption without a date, the opening of a plan
        list (drafted through its items), or who attended what was just reported."""
        if heading(sentence.text) or sentence.span.start in self.intros:
            return True
        if caption(self.article.line(sentence)) and not self.article.dates(sentence):
            return True  # a dated caption may be the only word on its happening's date
        reported = sentence.paragraph in self.drafted or sentence.paragraph - 1 in self.drafted
        return reported and re.match(ATTENDANCE[self.article.lang], fold(sentence.text)) is not None

    def _context(self, sentence: Sentence) -> Context | None:
        if self.frame is not None and sentence.index > 0:
            return self.frame
        if self.previous is not None and self.previous[0].paragraph == sentence.paragraph and self.previous[0].index == sentence.index - 1:
            return Context(self.previous[1], "previous")
        frame = self.article.frame
        return Context(frame, "article") if frame is not None else None

    def _clause(self, sentence: Sentence, clause: Span, context: Context | None, opening: DatePhrase | None) -> None:
        lang = self.article.lang
        local = Span(clause.start - sentence.span.start, clause.end - sentence.span.start, clause.text)
        all_dates = [d for d in self.article.dates(sentence) if local.start <= d.start < local.end]
        dates = [d for d in all_dates if not comparison(sentence.text, d, lang)]
        if not dates and opening is not None and opening.shape == "point" and opening.start < local.start:
            context = Context(opening, "sentence")
        amounts = find_amounts(clause.text, lang, skip=[(d.start - local.start, d.end - local.start) for d in all_dates])
        kind, plan = self._kind(sentence, clause)
        if not amounts and kind is None:
            return
        mentions = self._mentions(sentence, clause)
        under_way = proposals.under_way(clause.text, lang) if plan is not None and kind is not None else None
        if under_way is not None and kind is not None:  # "như dự án ... đang triển khai": a happening beside the plan
            self._draft(sentence, clause, kind.kind, kind, dates=[], context=None, amounts=[], mentions=mentions, ongoing=under_way)
        if not amounts and not dates and kind is not None and kind.confidence < 0.7 and not self._other_side(clause.text, mentions):
            return  # "hợp tác" alone, with no one and no date: not a happening to draft
        groups = by_date(amounts, dates, all_dates, sentence.text, local)
        if len(groups) > 1 or (amounts and dates and groups[0][0] is not dates[0]):
            # Amounts of other dates than the happening's: each date's amounts
            # a figure, and the happening apart ("will visit in April, and
            # expects 2,000 visitors in the first half of 2024").
            if kind is not None and kind.confidence >= 0.7 and all(phrase is not dates[0] for phrase, _ in groups):
                self._draft(sentence, clause, kind.kind, kind, dates=dates[:1], context=context, amounts=[], mentions=mentions, plan=plan)
            for phrase, group in groups:
                self._draft(sentence, clause, "FigureReported", None, dates=[phrase] if phrase else [], context=context, amounts=group, mentions=mentions)
        else:
            self._draft(
                sentence, clause, kind.kind if kind else "FigureReported", kind, dates=dates, context=context, amounts=amounts, mentions=mentions, plan=plan
            )

    def _kind(self, sentence: Sentence, clause: Span) -> tuple[KindGuess | None, str | None]:
        """The kind of a clause, and the words that make it a plan (or None)."""
        lang = self.article.lang
        kind = guess_kind(clause.text, lang)
        whole = guess_kind(sentence.text, lang)
        if kind is None or (kind.confidence < 0.7 and whole is not None and whole.confidence >= 0.7):
            kind = whole  # a list item takes the kind its sentence names ("cơ chế ..., như: ...")
        kind = kind and at_meeting(kind, sentence.text, self.article.line(sentence), lang)
        plan = self._plan(sentence, clause)
        return (kind, None) if plan is None else (proposals.plan_kind(kind, plan), plan)

    def _mentions(self, sentence: Sentence, clause: Span) -> list[Mention]:
        return self.registry.find(clause.text, self.article.lang) or self.registry.find(sentence.text, self.article.lang)

    def _plan(self, sentence: Sentence, clause: Span) -> str | None:
        """The words that make a clause a plan: its own proposal, the opening
        of the plan list it is an item of (unless it speaks of what is already
        there), its own "sẽ", "dự kiến", or those of the words before the
        colon of a list it is part of; None for a clause that is no plan."""
        lang = self.article.lang
        intro = self.plans.get(sentence.span.start)
        if intro is not None and proposals.existing(clause.text, lang):
            return None
        own = proposals.proposal(clause.text, lang) or intro or cue(clause.text, lang, PLANNED)
        return own or proposals.listed_after(sentence.text, clause.start - sentence.span.start, lang)

    def _draft(
        self, sentence: Sentence, clause: Span, kind: str, guessed: KindGuess | None, *, dates: list[DatePhrase],
        context: Context | None, amounts: list[Amount], mentions: list[Mention], plan: str | None = None, ongoing: str | None = None,
    ) -> None:  # fmt: skip
        lang = self.article.lang
        guesses: list[Guess] = []
        level = cue(clause.text, lang, LEVEL)
        flows = bool(amounts) and (bool(dates) or context is not None or level is not None or any(a.out_of for a in amounts))
        if amounts and (flows or guessed is None or guessed.confidence < 0.7):
            kind = "FigureReported"
        if kind == "FigureReported":
            when, quantities, notes = figure_quantities(self.article, amounts, dates, context, level)
        else:
            if plan is not None and ongoing is None:
                when, notes = planned_when(self.article, dates, plan)
            else:
                when, notes = happening_when(self.article, dates, context, ongoing or cue(clause.text, lang, ONGOING), self._done(sentence, clause))
            quantities = [records.quantity(a) for a in amounts]
            notes += [Guess(f"quantities.{i}", a.text, 0.7 if a.sure else 0.4) for i, a in enumerate(amounts)]
        guesses += notes
        guesses.append(Guess("kind", guessed.phrase if guessed else "", guessed.confidence if guessed else 0.5))
        status = self._status(clause.text, dates, when, guesses, None if ongoing else plan)
        partners, actors = self._sides(mentions, guesses)
        metrics = [str(q["metric"]) for q in quantities]
        names = records.title(kind, partners, {**self.registry.partners, **{p.partner.id: p.partner for p in self.proposed.values()}}, metrics)
        guesses.append(Guess("title", "", 0.2, "made from the kind and partners: rewrite it"))
        source = {**self.source, "quote": sentence.text}
        record = records.entry_record(kind, status, when, names=names, partners=partners, actors=actors, quantities=quantities, source=source)
        self.entries.append(EntryDraft(record, tuple(guesses), sentence.span.start))
        self.drafted.add(sentence.paragraph)

    def _done(self, sentence: Sentence, clause: Span) -> bool:
        """Whether a happening is told as done: a completion cue in its
        sentence (in its own clause, for an item of a plan list), or the
        article's lead, which reports the news."""
        own = clause.text if sentence.span.start in self.plans else sentence.text
        return re.search(DONE[self.article.lang], own.lower()) is not None or sentence.paragraph == self.lead

    def _other_side(self, text: str, mentions: list[Mention]) -> bool:
        """Whether a foreign side is named, or "both sides" spoken of."""
        if re.search(BOTH_SIDES[self.article.lang], fold(text)):
            return True
        return any(m.partner.country != self.home_country for m in mentions)

    def _status(self, text: str, dates: list[DatePhrase], when: str, guesses: list[Guess], plan: str | None) -> str:
        if plan is not None:
            where = "" if plan in text else f"an item of a list opened by '{plan}'; "
            guesses.append(Guess("status", plan, 0.6, f"{where}proposed or planned: check that it had not happened by the article's date"))
            return "planned"
        words = cue(text, self.article.lang, PLANNED) or next((d.text for d in dates if d.planned), None)
        now = self.article.reference.ymd
        earliest = When.parse(when).earliest_key
        if words is None and now is not None and earliest is not None and earliest > now:
            words = when
        if words is None:
            return "happened"
        guesses.append(Guess("status", words, 0.6))
        return "planned"

    def _sides(self, mentions: list[Mention], guesses: list[Guess]) -> tuple[list[str], list[str]]:
        """(partners, actors): the most specific places named, split by country."""
        named = [m for i, m in enumerate(mentions) if not self._chained_after(i, mentions)]
        partners: list[str] = []
        actors: list[str] = []
        for m in named:
            home = self.home_country is not None and m.partner.country == self.home_country
            if home and m.partner.level == "country":
                continue
            side = actors if home else partners
            if m.partner.id not in side:
                side.append(m.partner.id)
                note = "" if m.known else "a new partner, proposed above"
                guesses.append(Guess(f"{'actors' if home else 'partners'}.{m.partner.id}", m.text, m.confidence, note))
            if not m.known and m.partner.id not in self.proposed:
                self.proposed[m.partner.id] = PartnerDraft(m.partner, m.text, m.confidence)
        if not actors and self.home is not None:
            actors.append(self.home)
            guesses.append(Guess(f"actors.{self.home}", "", 0.5, "the chronicle's own side; the sentence names none of it"))
        return partners, actors

    def _chained_after(self, i: int, mentions: list[Mention]) -> bool:
        """Whether mention ``i`` only says where the place before it lies:
        "trấn Thiên Bảo, Malypho, châu Văn Sơn", "tỉnh Vân Nam (Trung Quốc)"."""
        if i == 0 or mentions[i].start - mentions[i - 1].end > 4:
            return False
        return self._within(mentions[i - 1].partner, mentions[i].partner.id) or (
            self._chained_after(i - 1, mentions) and self._within(mentions[i - 1].partner, mentions[i].partner.id)
        )

    def _within(self, partner: Partner, ancestor: str) -> bool:
        parent, seen = partner.parent, 0
        while parent is not None and seen < 20:
            if parent == ancestor:
                return True
            known = self.registry.partners.get(parent) or (self.proposed[parent].partner if parent in self.proposed else None)
            parent, seen = (known.parent if known else None), seen + 1
        return False
