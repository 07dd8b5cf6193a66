"""The builders' former home, kept so that older imports keep working.

Each view now lives in a module named for what it holds: ``timeline``,
``partner``, ``counters``, ``state``, ``entry`` and ``audit``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import RenderableType

from chrono.events.values import Partner
from chrono.render.audit import DiffView, ReplayView, audit_view, replay_line
from chrono.render.counters import CountersView, ExplainView
from chrono.render.entry import entry_panel, log_json, log_table, revision_json
from chrono.render.labels import LABELS
from chrono.render.partner import PartnerHistoryView, PartnerTreeView
from chrono.render.state import StateView
from chrono.render.timeline import TimelineView


def timeline_table(rows: Sequence[Any], partners: Mapping[str, Partner], lang: str = "en") -> RenderableType:
    return TimelineView(rows, partners, lang)


def history_view(found: Any, partners: Mapping[str, Partner], lang: str = "en") -> RenderableType:
    return PartnerHistoryView(found, partners, lang)


def counters_table(rows: Sequence[Any], partners: Mapping[str, Partner], lang: str = "en") -> RenderableType:
    return CountersView(rows, partners, lang)


def explain_view(data: Mapping[str, Any], lang: str = "en") -> RenderableType:
    return ExplainView(data, {}, lang)


def state_view(data: Mapping[str, Any], partners: Mapping[str, Partner], lang: str = "en") -> RenderableType:
    return StateView(data, partners, lang)


def partner_tree(partners: Mapping[str, Partner], lang: str = "en") -> RenderableType:
    return PartnerTreeView(partners, lang)


__all__ = [
    "LABELS", "DiffView", "ReplayView", "audit_view", "counters_table", "entry_panel", "explain_view", "history_view",
    "log_json", "log_table", "partner_tree", "replay_line", "revision_json", "state_view", "timeline_table",
]  # fmt: skip
