"""``chrono state``: the relationships, counters, latest entries and overdue plans as of a date."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from chrono.projections.results.common import Axes
from chrono.projections.results.counters import Counters
from chrono.projections.results.entries import Dated
from chrono.projections.results.partners import Activity, Relationship


@attrs.frozen
class State:
    """``chrono state``: everything as of a date.

    Attributes:
        axes: the date and recording time asked.
        relationships: the state of each top-level foreign partner's relationship that has entries.
        counters: the overall counters.
        latest: the latest entries begun by the date, latest last.
        overdue: planned entries whose date passed with no outcome recorded.
        activity: happenings per year.
        partners: the partner registry, for names.
    """

    axes: Axes
    relationships: tuple[Relationship, ...]
    counters: Counters
    latest: tuple[Dated, ...]
    overdue: tuple[Any, ...]
    activity: Activity
    partners: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        from chrono.interchange.shapes import entry_brief

        return {
            **self.axes.to_json(), "relationships": {r.partner: r.to_json() for r in self.relationships},
            "counters": [c.to_json() for c in self.counters.counters],
            "latest": [d.to_json(self.partners) for d in self.latest],
            "overdue": [entry_brief(e) for e in self.overdue], "activity": self.activity.to_json(),
        }  # fmt: skip
