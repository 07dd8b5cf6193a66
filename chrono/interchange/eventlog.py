"""The event log, both directions: every stored event as it is stored, and back.

``chrono export --format events`` writes each stored event with its log
position; an import of such a file puts the events into an empty store byte
for byte, so that its hash chain is the same.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from typing import Any

from chrono.errors import Problem, Rejected
from chrono.events.application import Chronicle
from chrono.events.commands import Origin
from chrono.interchange.fields import shown
from chrono.interchange.schema import unknown_fields


def checked_events(app: Chronicle, events: list[tuple[Any, Origin]]) -> list[Any]:
    """The stored events of an event log, once each has been read back.

    They go into the store byte for byte: one that does not decode (damaged,
    hand-edited, or encrypted with another key) or does not follow its
    aggregate's previous event would make the store unreadable.
    """
    from chrono.events.application import fold_events

    problems = []
    decoded = []
    for stored, origin in events:
        try:
            decoded.append(app.mapper.to_domain_event(stored))
        except Exception as error:  # the mapper raises whatever the bytes provoke
            problems.append(Problem(origin.file, origin.line, "state", f"cannot be read ({type(error).__name__}; another key?)"))
    if not problems:
        try:
            fold_events(decoded)
        except Exception as error:  # an event that does not fit its aggregate's history
            problems.append(Problem(events[0][1].file, 0, "", f"the events do not make a coherent log ({type(error).__name__}: {error})"))
    if problems:
        raise Rejected(problems)
    return [stored for stored, _ in events]


def stored_event(data: dict[str, Any], origin: Origin) -> Any:
    """A stored event from a line of ``chrono export --format events``."""
    import base64
    from uuid import UUID

    from eventsourcing.persistence import StoredEvent

    unknown = unknown_fields(data, "event")
    if unknown:
        raise Rejected([Problem(origin.file, origin.line, field, why) for field, why in unknown])
    topic = data.get("topic")
    # Resolving a topic imports its module: only the topics of chrono's own events, matched
    # exactly, are let in (a prefix would let "chrono.__main__:run" re-run the command line).
    if not isinstance(topic, str) or topic not in event_topics():
        raise Rejected([Problem(origin.file, origin.line, "topic", f"{shown(topic)} is not one of chrono's events")])
    try:
        state = data["state"]
        raw = base64.b64decode(state) if isinstance(state, str) else json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode()
        version = int(data["originator_version"])
        if not 1 <= version < 2**31:
            raise ValueError(f"version {version} is out of range")
        return StoredEvent(originator_id=UUID(data["originator_id"]), originator_version=version, topic=topic, state=raw)
    except (KeyError, ValueError, TypeError, AttributeError, OverflowError, RecursionError) as error:
        raise Rejected([Problem(origin.file, origin.line, "", f"not an exported event ({str(error)[:80]})")]) from None


@lru_cache(maxsize=1)
def event_topics() -> frozenset[str]:
    """The topic of every event chrono writes into its log (an entry's and a partner's)."""
    from eventsourcing.utils import get_topic

    from chrono.events.entry import Entry, PartnerRecord

    entry_events: list[type] = [*Entry.Recorded.__subclasses__(), Entry.Corrected, Entry.Retracted, Entry.SourceCited, Entry.OutcomeRecorded]
    return frozenset(get_topic(cls) for cls in [*entry_events, PartnerRecord.Registered, PartnerRecord.Amended])


def event_json(notification: Any) -> dict[str, Any]:
    """One stored event exactly as the store holds it, with its log position.

    The state is the transcoder's own JSON, so importing it again reproduces
    the same stored bytes.
    """
    try:
        state: Any = json.loads(notification.state)
    except (UnicodeDecodeError, json.JSONDecodeError):
        # Compressed or encrypted stores keep opaque bytes.
        state = base64.b64encode(notification.state).decode()
    return {
        "type": "event",
        "position": notification.id,
        "originator_id": str(notification.originator_id),
        "originator_version": notification.originator_version,
        "topic": notification.topic,
        "state": state,
    }
