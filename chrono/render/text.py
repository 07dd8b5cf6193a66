"""Small pieces every view shares: data as plain Text, names, numbers, markers.

Data always goes into ``Text`` objects, never into strings Rich would parse:
a title containing ``[bold]`` must print as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
from rich.text import Text

from chrono.events.entry import Entry
from chrono.events.values import Partner
from chrono.interchange.controls import one_line
from chrono.render.labels import label, quantity_dated, status_label
from chrono.render.theme import kind_style

if TYPE_CHECKING:
    from rich.table import Table

GLYPHS = {
    "definite": "●",
    "possible": "◐",
    "future": "○",
    "planned": "◇",
    "retracted": "✗",
    "corrected": "✎",
}


def plain(text: object, style: str = "") -> Text:
    """``text`` as literal Text: no markup, no emoji codes, and one line (a line
    break in a title shows as ⏎: it cannot print what looks like another row)."""
    return Text(one_line(str(text)), style=style)


def partner_name(pid: str | None, partners: Mapping[str, Partner], lang: str) -> str:
    if pid is None:
        return label(lang, "all")
    partner = partners.get(pid)
    return partner.name.get(lang) if partner else pid


def names(ids: Iterable[str], partners: Mapping[str, Partner], lang: str) -> str:
    return ", ".join(partner_name(pid, partners, lang) for pid in ids)


def number(value: Decimal | int | str, lang: str = "en") -> str:
    """A number with thousands grouped as each language writes them (1,000 / 1.000)."""
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    text = f"{int(amount):,}" if amount == amount.to_integral_value() else f"{amount.normalize():,f}"
    if lang == "vi":
        # Vietnamese swaps the separators: 1.234,5
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def quantity_text(quantity: Any, lang: str) -> str:
    """An amount as ``show`` prints it beside its metric: "at least 6 twinning (as of 4 July 2022)"."""
    period = f" ({quantity_dated(quantity, lang)})" if quantity.period or quantity.observed else ""
    qualifier = "" if quantity.qualifier == "exact" else f"{quantity.qualifier.replace('_', ' ')} "
    return f"{qualifier}{number(quantity.value, lang)} {quantity.unit}{period}"


def when_text(edtf: str | None, lang: str) -> str:
    """The human text of an EDTF string; the string itself if it does not parse."""
    if not edtf:
        return "—"
    from chrono.when import When

    try:
        return When.parse(edtf).display(lang)
    except ValueError:
        return edtf


@attrs.frozen
class Marks:
    """How an entry is marked in a timeline.

    Attributes:
        glyph: the symbol on the timeline's rule.
        style: the glyph's style.
        words: the markers spelled out, with their styles.
    """

    glyph: str
    style: str
    words: tuple[tuple[str, str], ...]


def marks(entry: Entry, certainty: str, lang: str) -> Marks:
    """The glyph and the words that mark ``entry`` as planned, possible, corrected or retracted."""
    words: list[tuple[str, str]] = []
    status = entry.status
    if status != "happened":
        words.append((status_label(status, lang) if status != "planned" else label(lang, "marker.planned"), f"chrono.{status}"))
    if certainty in ("possible", "future"):
        words.append((label(lang, f"marker.{certainty}"), f"chrono.{certainty}"))
    if entry.facts != entry.original:
        words.append((label(lang, "marker.corrected"), "chrono.corrected"))
    if entry.retracted:
        words.append((label(lang, "marker.retracted"), "chrono.retracted"))
    return Marks(*_glyph(entry, certainty), words=tuple(words))


def _glyph(entry: Entry, certainty: str) -> tuple[str, str]:
    if entry.retracted:
        return GLYPHS["retracted"], "chrono.retracted"
    if entry.status == "planned":
        return GLYPHS["planned"], "chrono.planned"
    if certainty in ("possible", "future"):
        return GLYPHS[certainty], f"chrono.{certainty}"
    return GLYPHS["definite"], kind_style(entry.kind)


def status_text(entry: Entry, certainty: str | None, lang: str) -> Text:
    """An entry's status with its markers, for a table cell."""
    found = marks(entry, certainty or "definite", lang)
    if not found.words:
        return Text(status_label(entry.status, lang), style="chrono.muted")
    text = Text()
    for index, (word, style) in enumerate(found.words):
        if index:
            text.append(" · ", style="chrono.muted")
        text.append(word, style=style)
    return text


def cell(value: Any) -> str:
    """A value as the text of an exported cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "; ".join(cell(item) for item in value)
    return str(value)


def data_table(title: str | None = None, title_style: str = "chrono.heading") -> Table:
    """The one look of chrono's tables: a rule under the header, no frame, so they copy cleanly."""
    # Imported here: the timeline, the most used view, has no table.
    from rich import box
    from rich.table import Table

    return Table(
        box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="chrono.heading",
        title=Text(title, style=title_style) if title else None, title_justify="left",
    )  # fmt: skip
