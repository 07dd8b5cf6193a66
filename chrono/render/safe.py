"""Text from the store, shown safely in a terminal.

Titles, quotes and names come from imported files and the command line. In a
terminal, an escape sequence (``\\x1b[31m``, or ``\\x1b]0;...`` that retitles
the window) or a bidirectional override would be obeyed, not shown; so
control characters never reach the terminal as such. Rich markup in the same
text (``[bold]``) is not interpreted either: chrono's consoles have markup
and emoji codes off.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderableType, RenderHook, RenderResult
from rich.segment import Segment

from chrono.interchange.controls import UNSAFE, clean, strip

__all__ = ["SafeOutput", "clean", "safe_console", "sanitise", "strip"]


class _Sanitised:
    """A renderable whose rendered text holds no control character."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from sanitise(console.render(self.renderable, options))


def sanitise(segments: Iterable[Segment]) -> Iterator[Segment]:
    """Segments with the control characters of their text removed.

    Rich's own control segments (cursor moves) and its styles, which become
    escape sequences only when written out, are kept.
    """
    for segment in segments:
        if segment.control or not UNSAFE.search(segment.text):
            yield segment
        else:
            yield Segment(strip(segment.text), segment.style)


class SafeOutput(RenderHook):
    """A render hook that sanitises everything a console prints."""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Sanitised(renderable) for renderable in renderables]


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # Rich exits 1 when the reader goes away (``chrono audit | head``), which is
        # chrono's code for a failed audit; the command line answers a broken pipe itself.
        raise BrokenPipeError


def safe_console(**options: Any) -> Console:
    """A Rich console for chrono's output: no markup, no emoji codes, and no
    control character from the data reaching the terminal."""
    console = _Console(markup=False, emoji=False, highlight=False, **options)
    console.push_render_hook(SafeOutput())
    return console
