"""What the write side is asked to do: commands, each with where it came from.

The application (``chrono.events.application``) takes these; reading them
from files or the command line, and refusing what is wrong, is the import
shapes' business (``chrono.interchange.records``).
"""

from __future__ import annotations

from typing import Any

import attrs

from chrono.events.values import Facts, Partner, Source
from chrono.when import When


@attrs.frozen
class Origin:
    """Where a record came from: a file (or ``command line``) and a line."""

    file: str
    line: int = 0


@attrs.frozen
class PartnerDraft:
    partner: Partner
    origin: Origin


@attrs.frozen
class Draft:
    """An entry to record.

    Attributes:
        slug: its readable id.
        kind: its event kind.
        facts: what it says.
        sources: where it is said.
        origin: the file and line it comes from.
        earlier: for an id derived from the record (it gave none), the id an earlier chrono derived
            where that differs (``slugs.derived_ids``): an entry stored under it is this record.
    """

    slug: str
    kind: str
    facts: Facts
    sources: tuple[Source, ...]
    origin: Origin
    earlier: str | None = None


@attrs.frozen
class Citation:
    slug: str
    source: Source
    origin: Origin


@attrs.frozen
class Outcome:
    slug: str
    outcome: str
    when: When | None
    source: Source | None
    origin: Origin


@attrs.frozen
class Correction:
    """New values for some of an entry's facts (a ``correct`` record)."""

    slug: str
    changes: dict[str, Any] = attrs.field(hash=False)
    reason: str
    source: Source | None
    origin: Origin


@attrs.frozen
class Retraction:
    """An entry that should not have been recorded (a ``retract`` record)."""

    slug: str
    reason: str
    origin: Origin


Command = PartnerDraft | Draft | Citation | Outcome | Correction | Retraction
