"""The two time axes of a query: real-world ``as of`` and recording ``known at``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from chrono.errors import InvalidWhen
from chrono.when.value import When


def parse_known_at(text: str | None) -> datetime | None:
    """A recording time: an ISO date-time, or a date meaning the end of that day (UTC)."""
    if not text:
        return None
    try:
        if "T" not in text and " " not in text.strip():
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max, tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidWhen(text, "a recording time is an ISO date or date-time, e.g. 2024-05-01T12:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_as_of(text: str | None) -> date:
    """A real-world date: the last day an EDTF date can mean; today without one."""
    if not text:
        # Today's date needs no pendulum: a timeline without --as-of starts
        # without importing it (DESIGN.md section 9, cold start).
        return date.today()
    when = When.parse(text)
    if when.latest is None:
        raise InvalidWhen(text, "an as-of date needs a closed end")
    return when.latest
