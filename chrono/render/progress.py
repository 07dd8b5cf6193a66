"""Progress bars for long work, on stderr, only when stderr is a terminal.

Piped or redirected, chrono stays quiet: the tracker is a no-op and Rich's
progress module is not even imported.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# What an import is doing, for the bar's description.
STAGES = {  # the stages an import reports (interchange.importing)
    "read": "reading files",
    "save": "saving records",
    "finish": "indexing and committing",
}


class Tracker:
    """Reports progress to a bar; the base class reports nowhere."""

    def __call__(self, advance: int) -> None:
        """``advance`` more units done (the read model's page callback)."""

    def stage(self, description: str, total: int | None) -> None:
        """Start a new stage of the work, with its own total (None: unknown)."""

    def step(self, stage: str, done: int, total: int) -> None:
        """``done`` of ``total`` in ``stage`` (the import's callback)."""


class _Bar(Tracker):
    def __init__(self, progress: Any, description: str, total: int | None) -> None:
        self.progress = progress
        self.task = progress.add_task(description, total=total)
        self._stage: str | None = None

    def __call__(self, advance: int) -> None:
        self.progress.advance(self.task, advance)

    def stage(self, description: str, total: int | None) -> None:
        self._begin(description, total)

    def step(self, stage: str, done: int, total: int) -> None:
        if stage != self._stage:
            self._stage = stage
            self._begin(STAGES.get(stage, stage), total or None)
        self.progress.update(self.task, completed=done, total=total or None)

    def _begin(self, description: str, total: int | None) -> None:
        # A task of its own for each stage: Rich keeps a task's total when given None (a reset
        # too), and a task whose steps pass its total counts as finished (bar full, clock stopped).
        self.progress.remove_task(self.task)
        self.task = self.progress.add_task(description, total=total)


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Tracker]:
    """A tracker drawing a transient bar on stderr when it is a terminal, else a silent one."""
    from chrono.render.output import make_console

    console = make_console(stderr=True)
    if not console.is_terminal or console.is_dumb_terminal:
        yield Tracker()
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        yield _Bar(bar, description, total)
