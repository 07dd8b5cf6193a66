"""The one named theme for kinds, statuses and certainty.

Views only name styles (``chrono.kind.TwinningSigned``, ``chrono.possible``);
what they look like is decided here, so a plain console (NO_COLOR, a pipe)
drops them all at once.
"""

from __future__ import annotations

from rich.theme import Theme

# Kinds of the same PLOVER family share a hue: support green, consult blue,
# aid and cooperation warm, figures neutral.
KIND_STYLES = {
    "RelationsEstablished": "bold green",
    "TwinningSigned": "green",
    "AgreementSigned": "bright_green",
    "MechanismEstablished": "dark_sea_green4",
    "TalksHeld": "blue",
    "ConferenceHeld": "bright_blue",
    "VisitMade": "cyan",
    "AidProvided": "magenta",
    "CooperationCarriedOut": "dark_orange",
    "FigureReported": "grey70",
}

CHRONO_THEME = Theme(
    {
        "chrono.date": "bold cyan",
        "chrono.year": "bold cyan",
        "chrono.gutter": "grey50",
        "chrono.heading": "bold",
        "chrono.kind": "magenta",
        **{f"chrono.kind.{kind}": style for kind, style in KIND_STYLES.items()},
        "chrono.partner": "green",
        "chrono.partner.strong": "bold green",
        "chrono.actor": "blue",
        "chrono.title": "bold",
        "chrono.muted": "dim",
        "chrono.id": "dim",
        "chrono.happened": "default",
        "chrono.planned": "yellow",
        "chrono.held": "green",
        "chrono.postponed": "yellow",
        "chrono.cancelled": "red",
        "chrono.retracted": "red strike",
        "chrono.corrected": "yellow",
        "chrono.definite": "bold",
        "chrono.possible": "italic yellow",
        "chrono.future": "dim italic",
        "chrono.quote": "italic",
        "chrono.bar": "cyan",
        "chrono.bar.possible": "yellow",
        "chrono.ok": "bold green",
        "chrono.fail": "bold red",
        "chrono.finding": "yellow",
        "chrono.added": "green",
        "chrono.removed": "red",
    }
)


def kind_style(kind: str) -> str:
    """The style name of ``kind``; unknown kinds fall back to the generic one."""
    return f"chrono.kind.{kind}" if kind in KIND_STYLES else "chrono.kind"
