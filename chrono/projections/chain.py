"""The hash chain over the event log: a tamper-evident link per position.

Each link is SHA-256 over the previous link and the stored event's canonical
bytes (its id, version, topic and state exactly as stored), in notification
order. The chain is written by the read model's catch-up, in the same
transaction as the rows it derives, so a query never sees it fall behind;
every write command catches it up before printing the head digest.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

GENESIS = bytes(32)


def canonical(notification: Any) -> bytes:
    """The stored event's identity and bytes, each length-prefixed."""
    originator = notification.originator_id
    parts = (
        (originator.hex if hasattr(originator, "hex") else str(originator)).encode(),
        str(notification.originator_version).encode(),
        notification.topic.encode(),
        bytes(notification.state),
    )
    return b"".join(struct.pack(">I", len(part)) + part for part in parts)


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
        position, sep, digest = text.partition(":")
        if not sep or not position.isdigit() or len(digest) != 64:
            raise ValueError(f"{text!r} is not a digest; expected POSITION:HASH as printed by chrono")
        bytes.fromhex(digest)
        return cls(int(position), digest.lower())

    def to_json(self) -> dict[str, Any]:
        return {"position": self.position, "hash": self.hash}


def walk(notifications: Iterable[Any], previous: bytes = GENESIS) -> Iterator[tuple[int, bytes]]:
    """Each position with its link, recomputed from the stored events."""
    for notification in notifications:
        previous = link(previous, notification)
        yield notification.id, previous
