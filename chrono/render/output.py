"""Where views go: the terminal (or a pipe), and an SVG picture.

The console is left to follow the terminal: colour only on a terminal that
has it (never with NO_COLOR or into a pipe), its width or COLUMNS.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console, RenderableType


def make_console(*, stderr: bool = False, record: bool = False) -> Console:
    """chrono's console: the theme, and data shown as text (see ``render.safe``)."""
    from chrono.render.safe import safe_console
    from chrono.render.theme import CHRONO_THEME

    return safe_console(theme=CHRONO_THEME, stderr=stderr, record=record)


def show(renderable: RenderableType, svg: Path | None = None, title: str = "chrono") -> None:
    """Print ``renderable``; with ``svg``, also save what was shown as an SVG picture."""
    console = make_console(record=svg is not None)
    console.print(renderable)
    if svg is not None:
        console.save_svg(str(svg), title=title)
