"""What several answers share: the time axes, pages of a long answer, a correction, numbers for JSON."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs


@attrs.frozen
class Axes:
    """The two time axes of a question.

    Attributes:
        as_of: the real-world date (its last day counts).
        known_at: the recording time: what the store held then (None: now).
    """

    as_of: date
    known_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "known_at": self.known_at.isoformat() if self.known_at else None}


def json_number(value: Decimal | None) -> int | str | None:
    """A Decimal for JSON: an int when integral, else its plain decimal string."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return format(value.normalize(), "f")


@attrs.frozen
class IdPage:
    """A page of entry ids from a longer list.

    Attributes:
        ids: the ids shown, in order (none unless asked for).
        total: how many contributions there are in all (an entry stating
            two amounts of one counter is two).
    """

    ids: tuple[str, ...] = ()
    total: int = 0


@attrs.frozen
class Page:
    """Which slice of a long answer is shown: page ``number`` of ``size`` items out of ``total``."""

    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1

    @property
    def last(self) -> int:
        return min(self.number * self.size, self.total)

    def to_json(self) -> dict[str, int]:
        return {"number": self.number, "size": self.size, "total": self.total}


@attrs.frozen
class Correction:
    """A correction applied to an entry: when, which fields to what (as the event holds them:
    dates, quantities, names), and why."""

    recorded_at: datetime
    changes: dict[str, Any]
    reason: str

    def to_json(self) -> dict[str, Any]:
        from chrono.interchange.shapes import plain_value

        changes = {k: plain_value(v) for k, v in self.changes.items()}
        return {"recorded_at": self.recorded_at.isoformat(), "changes": changes, "reason": self.reason}
