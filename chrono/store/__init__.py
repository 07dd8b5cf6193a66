"""Stores: an SQLite file or a PostgreSQL database, through eventsourcing's persistence modules.

``config`` says where a store is and how eventsourcing is set up for it;
``meta``, ``sqlite_file`` and ``server`` check a store read-only before
anything is written into it (chrono never writes into what it cannot read);
``opening`` opens it; ``failures`` words what a storage error means;
``postgres`` holds chrono's PostgreSQL recorder. Opening a store never fills
it: the command line seeds a new default store with the bundled chronicle.
"""

from __future__ import annotations

from chrono.store.config import Location, default_path, locate, new_key, postgres_env, store_key
from chrono.store.failures import describe_failure
from chrono.store.opening import Opened, open_location, open_store

__all__ = [
    "Location", "Opened", "default_path", "describe_failure", "locate", "new_key", "open_location", "open_store",
    "postgres_env", "store_key",
]  # fmt: skip
