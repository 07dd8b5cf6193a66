"""How the read model shows the long work it does on a reader's behalf.

A query may first catch up a long stretch of the log that no write
followed, or make the running totals or explained segments it reads (a
minute at a million entries). The read model says so through its
``working`` (``ReadModel.working``): a context manager, given what is done
and how much there is (None: not known), yielding a callable that is told
how much more is done. The command line gives one that draws a bar on a
terminal (``render.progress.progress``); by default the work is shown
nowhere, and the read side imports nothing of the views.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

Advance = Callable[[int], None]
Working = Callable[[str, int | None], AbstractContextManager[Advance]]


def _nothing(advance: int) -> None:
    """Told of work done, and shows it nowhere."""


@contextmanager
def unseen(description: str, total: int | None) -> Iterator[Advance]:
    """Long work shown nowhere: the read model's ``working`` unless a command gives one."""
    yield _nothing
