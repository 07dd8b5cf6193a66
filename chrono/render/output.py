"""Where views go: the terminal (or a pipe), and an SVG picture.

The console is left to follow the terminal: colour only on a terminal that
has it (never with NO_COLOR or into a pipe), its width or COLUMNS.
"""

from __future__ import annotations

import os
import shutil

from rich.console import Console

NARROWEST = 20  # columns: below this no view says anything readable


def make_console(*, stderr: bool = False, record: bool = False) -> Console:
    """chrono's console: the theme, and data shown as text (see ``render.safe``)."""
    from chrono.render.safe import safe_console
    from chrono.render.theme import CHRONO_THEME

    return safe_console(theme=CHRONO_THEME, stderr=stderr, record=record, width=_width())


def _width() -> int | None:
    """The width to lay out in, when COLUMNS would have Rich print nothing (``COLUMNS=0``)
    or squeeze a view past reading; None to let Rich follow the terminal or COLUMNS."""
    columns = os.environ.get("COLUMNS", "").strip()
    if not columns.isdigit() or int(columns) >= NARROWEST:
        return None
    if int(columns) > 0:
        return NARROWEST
    return max(NARROWEST, shutil.get_terminal_size((80, 24)).columns)
