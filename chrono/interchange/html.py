"""One self-contained HTML page: a zoomable timeline that needs no network.

The page holds its data as JSON blocks and draws it with the plain SVG and
JavaScript of ``web/timeline.js`` (no library): lanes by partner or kind,
each entry from its earliest to its latest bound (an uncertain span faded,
an interval solid, an open end fading out), an as-of slider that marks
entries definite, possible or not yet exactly as ``chrono timeline --as-of``
does, a known-at selector when entries were corrected after they were
recorded, a partner filter, an English/Vietnamese switch and a panel with
each entry's sources and quotes.

Safety: data is written as JSON with ``<``, ``>`` and ``&`` escaped, so no
title or quote can close its block, and the script shows it with
``textContent`` only. A Content-Security-Policy allows nothing but the
page's own script and style (by their SHA-256), so the page makes no
request at view time and an injected script would not run.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from html import escape
from importlib import resources
from typing import Any, TextIO

import attrs

from chrono.events.entry import Entry
from chrono.events.values import Facts, Partner, Quantity, Source
from chrono.interchange.base import ExportOptions, Key, Written, chain, phrase
from chrono.when import When

LANGS = ("en", "vi")
EPOCH = date(1970, 1, 1).toordinal()
# Years are clamped for the page's arithmetic: y * 10000 + m * 100 + d stays an exact JavaScript number.
SAFE_YEAR = 900_000_000_000
QUALIFIER_SIGNS = {"exact": "", "at_least": "≥ ", "about": "≈ ", "at_most": "≤ "}


@attrs.frozen
class Revision:
    """An entry as it stood after one of its events.

    Attributes:
        recorded: when that event was recorded.
        facts: the entry's facts then.
        status: its status then.
        retracted: whether it was retracted by then.
        sources: its sources then.
    """

    recorded: datetime
    facts: Facts
    status: str
    retracted: bool
    sources: tuple[Source, ...]

    @classmethod
    def of(cls, entry: Entry, recorded: datetime) -> Revision:
        return cls(recorded, entry.facts, entry.status, entry.retracted, tuple(entry.sources))


def key_number(key: Key | None) -> int | None:
    """A bound as one integer that orders like the date (the page compares these)."""
    if key is None:
        return None
    return max(-SAFE_YEAR, min(SAFE_YEAR, key[0])) * 10000 + key[1] * 100 + key[2]


def day_number(key: Key | None, after: bool = False) -> int | None:
    """Days from 1970-01-01 to a bound (the day after it with ``after``), years clamped to 1..9999 for drawing."""
    if key is None:
        return None
    day = date(1, 1, 1) if key[0] < 1 else date(9999, 12, 31) if key[0] > 9999 else date(*key)
    return day.toordinal() - EPOCH + (1 if after else 0)


def when_data(when: When) -> dict[str, Any]:
    lo, hi = when.earliest_key, when.latest_key
    return {
        "edtf": when.edtf, "text": {lang: when.display(lang) for lang in LANGS}, "lo": key_number(lo), "hi": key_number(hi),
        "x0": day_number(lo), "x1": day_number(hi, after=True), "interval": when.is_interval,
    }  # fmt: skip


def quantity_text(quantity: Quantity, lang: str) -> str:
    text = f"{QUALIFIER_SIGNS.get(quantity.qualifier, '')}{quantity.value} {quantity.unit}"
    if quantity.observed is not None:
        return f"{text} ({phrase('as_of', lang, date=quantity.observed.display(lang))})"
    return f"{text} ({quantity.period.display(lang)})" if quantity.period is not None else text


def second(moment: datetime) -> str:
    """A recording time to the second, in UTC, as ``log`` and ``show`` print it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def revision_data(rev: Revision) -> dict[str, Any]:
    facts = rev.facts
    return {
        "t": second(rev.recorded), "title": {"en": facts.title.en, "vi": facts.title.vi}, "when": when_data(facts.when),
        "status": rev.status, "retracted": rev.retracted, "partners": list(facts.partners), "actors": list(facts.actors),
        "quantities": [{"metric": q.metric, "text": {lang: quantity_text(q, lang) for lang in LANGS}} for q in facts.quantities],
        "note": facts.note,
        "sources": [{"document": s.document, "publisher": s.publisher, "title": s.title,
                     "published": s.published.edtf if s.published else "", "quote": s.quote} for s in rev.sources],
    }  # fmt: skip


def reachable(revisions: Sequence[Revision]) -> list[Revision]:
    """The revisions a known-at time can show: the page offers recording times to the second, so of the
    revisions recorded in one second (an entry and its corrections in one import) only the last is ever seen."""
    return [rev for rev, after in zip(revisions, [*revisions[1:], None], strict=True) if after is None or second(after.recorded) != second(rev.recorded)]


def script_json(data: Any) -> str:
    """JSON that cannot end the script block holding it, nor start markup."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def asset(name: str) -> str:
    return resources.files("chrono.interchange").joinpath("web", name).read_text(encoding="utf-8")


def digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def write(
    entries: Iterable[Entry], partners: Mapping[str, Partner], options: ExportOptions, out: TextIO,
    histories: Mapping[str, Sequence[Revision]] | None = None,
) -> Written:  # fmt: skip
    """The page, entries streamed into its data block; ``histories`` holds the revisions of corrected entries."""
    histories = histories or {}
    css, js = asset("timeline.css"), asset("timeline.js")
    out.write(HEAD.format(lang=options.lang, csp=f"default-src 'none'; script-src {digest(js)}; style-src {digest(css)}; img-src data:",
                          title=escape(phrase("chronicle", options.lang)), css=css))  # fmt: skip
    out.write('<script type="application/json" id="chrono-entries">[')
    used: set[str] = set()
    later: list[datetime] = []
    live = 0
    for index, entry in enumerate(entries):
        revisions = reachable(histories.get(entry.slug) or [Revision.of(entry, entry.created_on)])
        later += [rev.recorded for rev in revisions[1:]]
        used.update(pid for rev in revisions for pid in (*rev.facts.partners, *rev.facts.actors))
        data = {"id": entry.slug, "kind": entry.kind, "revs": [revision_data(rev) for rev in revisions]}
        out.write(("" if not index else ",\n") + script_json(data))
        live += not revisions[-1].retracted
    out.write("]</script>\n")
    meta = page_meta(live, used, later, partners, options)
    out.write(f'<script type="application/json" id="chrono-meta">{script_json(meta)}</script>\n<script>{js}</script>\n</body>\n</html>\n')
    return Written(live)


def page_meta(count: int, used: set[str], later: list[datetime], partners: Mapping[str, Partner], options: ExportOptions) -> dict[str, Any]:
    """What the page needs besides the entries: partners, labels, the times it can be seen as known at."""
    from chrono.events.kinds import KINDS
    from chrono.events.values import OUTCOMES, STATUSES

    shown = {pid for used_id in used for pid in chain(used_id, partners)}
    times = sorted({second(moment) for moment in later})
    known = [{"value": second(min(later) - timedelta(seconds=1)), "before": True}, *({"value": t} for t in times)] if times else []
    words = options.words
    return {
        "lang": options.lang, "asOf": options.as_of.isoformat() if options.as_of else None, "today": options.today.isoformat(),
        "group": options.group, "root": options.root, "knownAt": known, "knownAtDefault": "",
        "title": {lang: phrase("chronicle", lang) for lang in LANGS},
        # The page's as-of date is its slider's; the recording time asked is fixed.
        "subtitle": {lang: " · ".join([phrase("entries", lang, n=count), *options.axes(lang, as_of=False)]) for lang in LANGS},
        "partners": {pid: {"name": {"en": partners[pid].name.en, "vi": partners[pid].name.vi}, "parent": partners[pid].parent}
                     for pid in sorted(shown) if pid in partners},
        "kinds": {kind: {lang: words.kind(kind, lang) for lang in LANGS} for kind in KINDS},
        "statuses": {status: {lang: words.status(status, lang) for lang in LANGS} for status in (*STATUSES, *OUTCOMES)},
    }  # fmt: skip


HEAD = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="generator" content="chrono">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<header><h1 id="title"></h1><p id="subtitle"></p></header>
<section id="controls">
<label><span data-ui="asOf"></span> <input type="range" id="as-of"> <input type="date" id="as-of-date"></label>
<span id="counts"></span>
<label id="known-at-box" hidden><span data-ui="knownAt"></span> <select id="known-at"></select></label>
<label><span data-ui="partner"></span> <select id="partner"></select></label>
<label><span data-ui="lanes"></span> <select id="lanes"></select></label>
<span><button type="button" id="zoom-in" aria-label="+">+</button> <button type="button" id="zoom-out" aria-label="-">−</button>
<button type="button" id="zoom-reset" data-ui="reset"></button></span>
<span><button type="button" data-lang="en" id="lang-en">English</button> <button type="button" data-lang="vi" id="lang-vi">Tiếng Việt</button></span>
</section>
<main><div id="chart"></div><aside id="details" hidden></aside></main>
<footer><span data-ui="legend"></span>
<span class="key definite"></span><span data-ui="definite"></span><span class="key possible"></span><span data-ui="possible"></span>
<span class="key future"></span><span data-ui="future"></span><span class="key uncertain"></span><span data-ui="uncertain"></span></footer>
<noscript>This page draws the chronicle with JavaScript.</noscript>
"""
