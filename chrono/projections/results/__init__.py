"""Typed answers to the questions people ask (``answers``), as views and exports take them.

Each has ``to_json`` in the shapes of DESIGN.md section 8. Numbers in JSON are
integers when whole, else decimal strings in plain notation: a currency sum
must not lose digits.
"""

from __future__ import annotations

from chrono.projections.results.common import Axes, Correction, IdPage, Page, json_number
from chrono.projections.results.counters import Conflict, Contribution, Counter, Counters, Explanation
from chrono.projections.results.entries import Dated, Log, Timeline
from chrono.projections.results.partners import Activity, History, Relationship, Since
from chrono.projections.results.state import State

__all__ = [
    "Activity",
    "Axes",
    "Conflict",
    "Contribution",
    "Correction",
    "Counter",
    "Counters",
    "Dated",
    "Explanation",
    "History",
    "IdPage",
    "Log",
    "Page",
    "Relationship",
    "Since",
    "State",
    "Timeline",
    "json_number",
]
