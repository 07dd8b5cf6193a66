"""chrono: an event-sourced, bitemporal chronology engine.

The public API is small: dates (``When``), opening a store (``open_store``),
the application it returns (``Chronicle``) and the errors chrono raises.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chrono.errors import ChronoError, InvalidWhen, Problem, Rejected, StoreError
from chrono.when import When

if TYPE_CHECKING:
    from chrono.events.application import Chronicle
    from chrono.store import open_store

__all__ = ["Chronicle", "ChronoError", "InvalidWhen", "Problem", "Rejected", "StoreError", "When", "open_store"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # The store pulls in eventsourcing; keep `import chrono` light for When users.
    if name == "open_store":
        from chrono.store import open_store

        return open_store
    if name == "Chronicle":
        from chrono.events.application import Chronicle

        return Chronicle
    raise AttributeError(name)
