"""chrono: an event-sourced, bitemporal chronology engine.

The public API is small: dates (``When``), opening a store (``open_store``),
the application it returns (``Chronicle``) and the errors chrono raises.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chrono.errors import ChronoError, InvalidWhen, Problem, Rejected, StoreError

if TYPE_CHECKING:
    from chrono.events.application import Chronicle
    from chrono.store import open_store
    from chrono.when import When

__all__ = ["Chronicle", "ChronoError", "InvalidWhen", "Problem", "Rejected", "StoreError", "When", "open_store"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Imported on first use: ``When`` needs pendulum and attrs, the store
    # eventsourcing. ``import chrono`` (which every ``chrono.*`` import runs
    # first) stays light, and the command line loads only what its command uses.
    if name == "When":
        from chrono.when import When

        return When
    if name == "open_store":
        from chrono.store import open_store

        return open_store
    if name == "Chronicle":
        from chrono.events.application import Chronicle

        return Chronicle
    raise AttributeError(f"module 'chrono' has no attribute {name!r}")
