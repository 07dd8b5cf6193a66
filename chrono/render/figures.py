"""How a counter's value reads: its bounds, qualifiers and disagreements in a few characters.

"≥ 2,000" when no upper bound is known, "≈ 350 bn" when approximate,
"3–6 (sources disagree)" for competing claims, "12–15" when possible
entries or upper bounds widen it. Large amounts are shortened ("40.912 bn",
"9.61 m"): JSON keeps every digit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.text import Text

from chrono.render.labels import label
from chrono.render.text import number

_SCALES = ((Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "m"))
_SCALE_WORDS = {"vi": {"bn": "tỷ", "m": "triệu"}}


def amount(value: Decimal | int, lang: str = "en") -> str:
    """A number, shortened to billions or millions from a billion or ten million up."""
    value = Decimal(value)
    for size, word in _SCALES:
        if abs(value) >= size * (1 if word == "bn" else 10):
            scaled = (value / size).quantize(Decimal("0.001")).normalize()
            return f"{number(scaled, lang)} {_SCALE_WORDS.get(lang, {}).get(word, word)}"
    return number(value, lang)


def low_text(counter: Any, lang: str) -> Text:
    """The value that certainly counts, with what bounds it: "≥ 2,000", "≈ 350 bn", "3–6 (sources disagree)"."""
    low = amount(counter.definite, lang)
    if counter.conflicts and counter.high is not None and counter.high != counter.definite + counter.possible:
        text = Text(f"{low}–{amount(counter.high, lang)}", style="chrono.definite")
        text.append(f" ({label(lang, 'disagree')})", style="chrono.muted")
        return text
    if counter.high is None:
        return Text(f"≥ {low}", style="chrono.definite")
    if counter.approximate:
        return Text(f"≈ {low}", style="chrono.definite")
    return Text(low, style="chrono.definite")


def range_text(counter: Any, lang: str) -> Text:
    """The range the sources allow, possible entries included: "low–high", "≥ low", or empty when it is one value."""
    top = counter.definite + counter.possible
    if counter.high is None:
        return Text(f"≥ {amount(top, lang)}", style="chrono.possible") if counter.possible else Text("")
    if counter.high == counter.definite:
        return Text("")
    return Text(f"{amount(counter.definite, lang)}–{amount(counter.high, lang)}", style="chrono.possible")
