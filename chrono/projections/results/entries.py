"""``chrono timeline`` and ``chrono log``: entries in the chronicle's order, and the log's events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from chrono.projections.results.common import Axes, Page


@attrs.frozen
class Dated:
    """An entry with its certainty as of the date asked (``counting.certainty``).

    Attributes:
        entry: the entry (an ``Entry`` aggregate) as known at the time asked.
        certainty: ``definite``, ``possible`` or ``future``.
    """

    entry: Any
    certainty: str

    def to_json(self, partners: Mapping[str, Any]) -> dict[str, Any]:
        from chrono.interchange.shapes import entry_json

        return {**entry_json(self.entry, partners), "certainty": self.certainty}


@attrs.frozen
class Timeline:
    """``chrono timeline``: a page of entries in the chronicle's order.

    Attributes:
        axes: the date and recording time asked.
        entries: the entries shown (a page, or all of them).
        page: which page, when paging; None when every entry is shown.
        total: how many entries the filter holds in all.
        by: ``year`` or ``decade``: how the entries are grouped when shown.
        partners: the partner registry, for names.
    """

    axes: Axes
    entries: tuple[Dated, ...]
    page: Page | None
    total: int
    by: str
    partners: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        paging = {"page": self.page.to_json()} if self.page else {}
        return {**self.axes.to_json(), "total": self.total, **paging, "entries": [d.to_json(self.partners) for d in self.entries]}


@attrs.frozen
class Log:
    """``chrono log``: events in recording order.

    Attributes:
        events: (position, event) pairs: a page, or (with no page) every event, streamed.
        names: each aggregate's readable id (entry or partner), by its UUID.
        page: which page, when paging; None when every event is shown.
        total: how many events the log holds (as known at the time asked).
    """

    events: Any
    names: Mapping[Any, str]
    page: Page | None
    total: int
