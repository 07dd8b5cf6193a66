"""Unicode bars and sparklines, so that a trend is seen at a glance.

Bars use eighth blocks for their fractional end, so short bars still differ;
the possible part of a count is drawn in a lighter shade after the definite
part, since the true value lies somewhere along it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rich.text import Text

SPARKS = "▁▂▃▄▅▆▇█"
EIGHTHS = " ▏▎▍▌▋▊▉█"
POSSIBLE = "░"


def sparkline(values: Sequence[Decimal | int | float]) -> str:
    """One block per value, its height relative to the largest (zero: a space)."""
    numbers = [float(v) for v in values]
    top = max(numbers, default=0.0)
    if top <= 0:
        return " " * len(numbers)
    return "".join(" " if v <= 0 else SPARKS[min(len(SPARKS) - 1, int(v / top * (len(SPARKS) - 1) + 0.5))] for v in numbers)


def _blocks(cells: float) -> str:
    """``cells`` character cells of bar, with an eighth block for the fraction."""
    whole = int(cells)
    eighths = round((cells - whole) * 8)
    if eighths == 8:
        return "█" * (whole + 1)
    return "█" * whole + (EIGHTHS[eighths] if eighths else "")


def bar(definite: Decimal | int | float, possible: Decimal | int | float, top: Decimal | int | float, width: int) -> Text:
    """A bar of at most ``width`` cells: definite solid, possible shaded after it.

    A non-zero value always gets at least a sliver, so that it differs from nothing.
    """
    scale = width / float(top) if float(top) > 0 else 0.0
    solid = _blocks(float(definite) * scale)
    if float(definite) > 0 and not solid.strip():
        solid = EIGHTHS[1]
    shaded_cells = round((float(definite) + float(possible)) * scale) - len(solid)
    shaded = POSSIBLE * max(shaded_cells, 1 if float(possible) > 0 else 0)
    text = Text(solid, style="chrono.bar")
    text.append(shaded, style="chrono.bar.possible")
    return text
