"""The one named theme for kinds, statuses and certainty."""

from __future__ import annotations

from rich.theme import Theme

CHRONO_THEME = Theme(
    {
        "chrono.date": "bold cyan",
        "chrono.kind": "magenta",
        "chrono.partner": "green",
        "chrono.actor": "blue",
        "chrono.title": "default",
        "chrono.muted": "dim",
        "chrono.planned": "yellow",
        "chrono.held": "green",
        "chrono.postponed": "yellow",
        "chrono.cancelled": "red",
        "chrono.retracted": "red strike",
        "chrono.corrected": "yellow",
        "chrono.possible": "italic yellow",
        "chrono.definite": "bold",
        "chrono.quote": "italic",
    }
)
