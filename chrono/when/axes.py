"""The two time axes of a query: real-world ``as of`` and recording ``known at``."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from chrono.errors import InvalidWhen
from chrono.when.value import When, day_of

# The clock of a date-time as written: hours, then minutes, seconds and a fraction if given.
_CLOCK = re.compile(r"[T ](\d{2})(:?\d{2})?(:?\d{2})?([.,]\d+)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$")


def parse_known_at(text: str | None) -> datetime | None:
    """A recording time, meaning the end of what it names (UTC unless it says).

    A date is the end of that day; a date-time given to the second (as chrono
    shows recording times) the end of that second, to the minute the end of
    that minute: so that pasting a time chrono printed includes the change
    recorded at it, which was recorded to the microsecond. A fraction of a
    second is taken as it is. Only None is "not given": ``""`` is no time.
    """
    if text is None:
        return None
    try:
        if "T" not in text and " " not in text.strip():
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max, tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidWhen(text, "a recording time is an ISO date or date-time, e.g. 2024-05-01T12:00Z") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment + _rest_of(text.strip())


def _rest_of(text: str) -> timedelta:
    """How long the unit a date-time is written to lasts after its start, less a microsecond."""
    clock = _CLOCK.search(text)
    if clock is None or clock[4]:
        return timedelta(0)
    unit = timedelta(seconds=1) if clock[3] else timedelta(minutes=1) if clock[2] else timedelta(hours=1)
    return unit - timedelta(microseconds=1)


def parse_as_of(text: str | None) -> date:
    """A real-world date: the last day an EDTF date can mean; today without one (None, not ``""``)."""
    if text is None:
        # Today's date needs no pendulum: a timeline without --as-of starts
        # without importing it (DESIGN.md section 9, cold start).
        return date.today()
    latest = day_of(When.parse(text).latest_key)  # not When.latest's pendulum date: no pendulum to import (56 ms)
    if latest is None:
        raise InvalidWhen(text, "an as-of date needs a closed end")
    return latest
