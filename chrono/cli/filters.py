"""Which entries the command line asks for: the timeline filter of ``timeline`` and ``export``."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from datetime import date
from typing import Any

from chrono.cli import choices
from chrono.projections.queries.filters import Filter


def timeline_filter(args: argparse.Namespace, partners: Mapping[str, Any], begun_by: date | None) -> Filter:
    """The filter of ``--partner`` (with descendants unless ``--exact``), ``--kind``, ``--status``,
    ``--from``, ``--to`` and ``--retracted``; with ``begun_by``, only entries begun by that date."""
    from chrono.projections.counting import day_key
    from chrono.projections.hierarchy import descendants, find_partner
    from chrono.when import When

    choices.kinds(args.kind)
    choices.statuses(getattr(args, "status", ()))
    ids: set[str] | None = None
    scope: str | None = None
    exact = getattr(args, "exact", False)
    if args.partner:
        ids = set()
        for query in args.partner:
            partner = find_partner(query, partners)
            ids |= {partner.id} if exact else descendants(partner.id, partners)
        if len(args.partner) == 1 and not exact:
            scope = partner.id
    start, end = getattr(args, "start", None), getattr(args, "end", None)
    return Filter(
        partners=frozenset(ids) if ids is not None else None, scope=scope, kinds=frozenset(args.kind), statuses=frozenset(getattr(args, "status", ())),
        start=day_key(When.parse(start).earliest_key) if start is not None else None, end=day_key(When.parse(end).latest_key) if end is not None else None,
        begun_by=day_key(begun_by) if begun_by is not None else None, retracted=getattr(args, "retracted", False),
    )  # fmt: skip
