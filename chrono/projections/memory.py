"""Which entries a timeline shows: the filter shared by every view of entries."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

import attrs

from chrono.errors import Problem, Rejected
from chrono.events.entry import Entry
from chrono.events.kinds import KINDS
from chrono.events.values import Partner
from chrono.projections.hierarchy import descendants, find_partner
from chrono.when import When


@attrs.frozen
class TimelineQuery:
    """Which entries a timeline shows.

    Attributes:
        partners: ids an entry must touch (as partner or actor), descendants included.
        kinds: kinds to keep (all when empty).
        start: keep entries that may end on or after this date's start.
        end: keep entries that may start on or before this date's end.
        statuses: statuses to keep (all when empty).
        retracted: include retracted entries.
    """

    partners: frozenset[str] | None = None
    kinds: frozenset[str] = frozenset()
    start: When | None = None
    end: When | None = None
    statuses: frozenset[str] = frozenset()
    retracted: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace, partners: Mapping[str, Partner]) -> TimelineQuery:
        unknown = [kind for kind in args.kind if kind not in KINDS]
        if unknown:
            raise Rejected([Problem("command line", 0, "kind", f"unknown kind {unknown[0]!r} (known: {', '.join(KINDS)})")])
        ids: set[str] | None = None
        if args.partner:
            ids = set()
            for query in args.partner:
                partner = find_partner(query, partners)
                ids |= {partner.id} if getattr(args, "exact", False) else descendants(partner.id, partners)
        return cls(
            partners=frozenset(ids) if ids is not None else None,
            kinds=frozenset(args.kind),
            start=When.parse(args.start) if args.start else None,
            end=When.parse(args.end) if args.end else None,
            statuses=frozenset(args.status),
            retracted=args.retracted,
        )

    def accepts(self, entry: Entry) -> bool:
        facts = entry.facts
        if entry.retracted and not self.retracted:
            return False
        if self.kinds and entry.kind not in self.kinds:
            return False
        if self.statuses and entry.status not in self.statuses:
            return False
        if self.partners is not None and not self.partners & {*facts.partners, *facts.actors}:
            return False
        when = facts.when
        if self.start is not None and self.start.earliest_key and when.latest_key and when.latest_key < self.start.earliest_key:
            return False
        return not (self.end is not None and self.end.latest_key and when.earliest_key and when.earliest_key > self.end.latest_key)
