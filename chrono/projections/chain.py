"""The hash chain over the event log: a tamper-evident link per position.

Each link is SHA-256 over the previous link and the stored event's canonical
bytes (its id, version, topic and state exactly as stored), in notification
order. The chain is append-only evidence: a link is written once, by the
catch-up that first projects its event (in the same transaction as the rows
it derives), and never recomputed or rewritten, by ``rebuild`` or anything
else. ``rebuild`` checks the log against it first (``first_difference``).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from typing import Any
from uuid import UUID

import attrs

GENESIS = bytes(32)
# What a stored value that is not of its column's type hashes as: never the
# bytes of a well-formed value, so that a BLOB turned TEXT breaks the chain.
_DAMAGED = b"\xff\x00damaged:"


def canonical(notification: Any) -> bytes:
    """The stored event's identity and bytes, each length-prefixed.

    Takes eventsourcing's notifications and the audit's raw rows
    (``rawlog.Raw``) alike; a value of the wrong type (a damaged row) gives
    bytes no well-formed event gives, instead of an error.
    """
    parts = (
        _originator(notification.originator_id),
        str(notification.originator_version).encode() if type(notification.originator_version) is int else _damaged(notification.originator_version),
        notification.topic.encode() if isinstance(notification.topic, str) else _damaged(notification.topic),
        bytes(notification.state) if isinstance(notification.state, bytes | bytearray | memoryview) else _damaged(notification.state),
    )
    return b"".join(struct.pack(">I", len(part)) + part for part in parts)


def _originator(value: Any) -> bytes:
    if isinstance(value, UUID):
        return value.hex.encode()
    try:
        parsed = UUID(value)
    except (TypeError, ValueError, AttributeError):
        return _damaged(value)
    # SQLite keeps the id as hex text: only that one spelling is the id (another
    # spelling of the same UUID would not be found by the log's own lookups).
    return parsed.hex.encode() if parsed.hex == value else _damaged(value)


def _damaged(value: Any) -> bytes:
    return _DAMAGED + repr(value).encode("utf-8", "backslashreplace")


def link(previous: bytes, notification: Any) -> bytes:
    """The chain's link at ``notification`` given the link before it."""
    # Imported here: a query that finds the chain caught up hashes nothing,
    # and loading OpenSSL's hashes is a part of the command line's cold start.
    from hashlib import sha256

    return sha256(previous + canonical(notification)).digest()


@attrs.frozen
class Digest:
    """The head of the chain: a position in the log and its link.

    Attributes:
        position: the notification id of the last event covered (0: empty log).
        hash: the link at that position, in hex.
    """

    position: int
    hash: str

    def __str__(self) -> str:
        return f"{self.position}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Digest:
        position, sep, digest = text.strip().partition(":")
        if not sep or not position.isascii() or not position.isdigit() or len(digest) != 64:
            raise ValueError(f"{text!r} is not a digest; expected POSITION:HASH as printed by chrono")
        try:
            bytes.fromhex(digest)
        except ValueError:
            raise ValueError(f"{text!r} is not a digest: its hash is not 64 hexadecimal digits") from None
        return cls(int(position), digest.lower())

    def to_json(self) -> dict[str, Any]:
        return {"position": self.position, "hash": self.hash}


EMPTY = Digest(0, GENESIS.hex())


def walk(notifications: Iterable[Any], previous: bytes = GENESIS) -> Iterator[tuple[int, bytes]]:
    """Each position with its link, recomputed from the stored events."""
    for notification in notifications:
        previous = link(previous, notification)
        yield notification.id, previous


@attrs.frozen
class Parting:
    """Where the log and the stored chain first part ways, and how."""

    position: int
    message: str


def first_difference(computed: Iterable[tuple[int, bytes]], stored: Iterable[tuple[int, str]]) -> Parting | None:
    """The first position where the recomputed links and the stored ones differ.

    Events after the chain's last link are not a difference (they are linked
    by the next catch-up); a link for which the log has no event is.
    """
    mine, theirs = iter(computed), iter(stored)
    for found in mine:
        recorded = next(theirs, None)
        if recorded is None:
            return None
        if found[0] != recorded[0]:
            position = min(p for p in (found[0], recorded[0]) if p >= 0)  # -1: a damaged stored position
            return Parting(position, f"the log and the chain part ways at position {position} (an event removed or inserted)")
        if found[1].hex() != recorded[1]:
            return Parting(found[0], f"the stored event at position {found[0]} differs from the one the chain recorded")
    left = next(theirs, None)
    if left is not None:
        return Parting(left[0], f"the chain records position {left[0]} but the log has no such event (removed?)")
    return None
