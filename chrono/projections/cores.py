"""How many cores this process may run on: whether work shared with a second process, or a sort
shared with SQLite's worker threads, runs beside this one rather than taking turns with it."""

from __future__ import annotations

import os


def cores_to_spare() -> bool:
    """Whether a second process (or thread) would run on a core of its own."""
    return _cores() > 1


def _cores() -> int:
    """The cores this process may run on (all of the machine's where the system does not say)."""
    affinity = getattr(os, "sched_getaffinity", None)  # Linux's; not macOS's
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1
