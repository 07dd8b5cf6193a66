"""How many entries each family holds, by kind, status and start year: timeline totals without counting rows.

A paged answer says how many entries there are in all (DESIGN.md section 8).
Counting them in SQL means reading every row of a family (COUNT DISTINCT
over hundreds of thousands at a million entries), so the catch-up keeps the
counts instead: each entry revision adds one, and the one it supersedes
takes one away, under every *scope* it belongs to: '' (everything) and every
partner at or above one of its partners or actors, each once. The counts of a
family are then a few rows, whatever its size.

A partner moved to another parent changes which families hold which entries:
the counts are then made again from the rows (``stale``), as a rebuild does.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

from chrono.projections.counting.rule import KEY_LIMIT, year_of

EVERYTHING = ""
OPEN_YEAR = -KEY_LIMIT  # the start year of an entry with an open start: before every year
Key = tuple[str, str, str, str, int, int]  # scope, side, kind, status, retracted, start year
Bucket = tuple[str, str, str, int, int]  # a key without its scope
PARTNER, ACTOR = "partner", "actor"  # the side an entry belongs to a scope by: through a partner, or only through an actor
_EVERYTHING_ONLY = frozenset({EVERYTHING})  # the scopes of no partner at all


class Tallies:
    """Changes to the counts while a page of events is applied.

    The scopes each partner belongs to are worked out once while the hierarchy stays as it is;
    an entry's are their union. Counted in and counted out are kept apart, each a ``Counter`` of
    scopes per bucket (side, kind, status, retracted, start year), so that an entry's scopes are
    counted by ``Counter.update`` in one call rather than one key at a time (a seventh of a
    rebuild's derivation went into that loop).
    """

    def __init__(self, parents: Mapping[str, str | None]) -> None:
        self.parents = dict(parents)
        self._in: dict[Bucket, Counter[str]] = defaultdict(Counter)
        self._out: dict[Bucket, Counter[str]] = defaultdict(Counter)
        self.stale = False
        self._scopes: dict[str, frozenset[str]] = {}  # each partner's scopes ('' and it and every partner above it)

    def entry(self, facts: Any, kind: str, status: str, retracted: bool, sign: int) -> None:
        """Count one entry revision in (``sign`` 1) or out (-1)."""
        start = facts.when.earliest_key
        self.add(facts.partners, facts.actors, (kind, status, int(retracted), OPEN_YEAR if start is None else start[0]), sign)

    def add(self, partners: Sequence[str], actors: Sequence[str], key: tuple[str, str, int, int], sign: int = 1) -> None:
        """Count an entry (kind, status, retracted, start year) with these partners and actors in every scope it
        belongs to, once each: on the partner side where a partner brings it there, else on the actor side.
        ``sign``: 1 counts it in, -1 out."""
        kind, status, retracted, year = key
        year = max(-KEY_LIMIT, min(KEY_LIMIT, year))
        counted = self._in if sign > 0 else self._out
        through = self._within(partners)
        counted[(PARTNER, kind, status, retracted, year)].update(through)
        if actors:
            counted[(ACTOR, kind, status, retracted, year)].update(self._within(actors) - through)

    def merge(self, other: Tallies) -> None:
        """Add the changes ``other`` gathered (of other entries, in the same hierarchy)."""
        for mine, theirs in ((self._in, other._in), (self._out, other._out)):
            for bucket, scopes in theirs.items():
                mine[bucket].update(scopes)

    @property
    def changes(self) -> dict[Key, int]:
        """The net change of each count (zero where as many were counted out as in)."""
        net: dict[Key, int] = defaultdict(int)
        for counted, sign in ((self._in, 1), (self._out, -1)):
            for (side, kind, status, retracted, year), scopes in counted.items():
                for scope, n in scopes.items():
                    net[(scope, side, kind, status, retracted, year)] += sign * n
        return net

    def _within(self, ids: Sequence[str]) -> frozenset[str]:
        """``scopes``, from each partner's own scopes, worked out once while the hierarchy stays as it is
        (a registry's few hundred: memory stays bounded, unlike one per set of partners)."""
        if len(ids) == 1:
            return self._above(ids[0])
        return frozenset().union(*map(self._above, ids)) if ids else _EVERYTHING_ONLY

    def _above(self, pid: str) -> frozenset[str]:
        found = self._scopes.get(pid)
        if found is None:
            found = self._scopes[pid] = frozenset(self.scopes((pid,)))
        return found

    def scopes(self, ids: Iterable[str]) -> set[str]:
        """'' and every partner at or above one of ``ids``."""
        found = {EVERYTHING}
        for pid in ids:
            current: str | None = pid
            while current is not None and current not in found:
                found.add(current)
                current = self.parents.get(current)
        return found

    def partner(self, pid: str, parent: str | None) -> None:
        if pid in self.parents and self.parents[pid] != parent:
            self.stale = True  # families changed shape: counted again from the rows
        if self.parents.get(pid, ()) != parent:
            self._scopes.clear()  # the hierarchy changed: the scopes are worked out again
        self.parents[pid] = parent

    def rows(self) -> list[tuple[str, str, str, str, int, int, int]]:
        return [(*key, n) for key, n in sorted(self.changes.items()) if n]


UPSERT = (
    "INSERT INTO {t:tallies} (scope, side, kind, status, retracted, year, n) VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (scope, side, kind, status, retracted, year) DO UPDATE SET n = {t:tallies}.n + excluded.n"
)


def start_year(earliest: int | None) -> int:
    """The start year of an entry whose earliest day key is ``earliest``."""
    return OPEN_YEAR if earliest is None else int(year_of(earliest, None) or 0)


# Every live entry revision with its partners and actors, an aggregate's rows together: what the counts are made again from.
LIVE_LINKS = (
    "SELECT r.aggregate, r.kind, r.status, r.retracted, r.earliest, p.partner, p.role FROM {t:revisions} r"
    " LEFT JOIN {t:revision_partners} p ON p.aggregate = r.aggregate AND p.revision = r.revision"
    " WHERE r.superseded_at IS NULL ORDER BY r.aggregate"
)


def recounted(parents: Mapping[str, str | None], rows: Iterable[Sequence[Any]]) -> Tallies:
    """The counts of the entries ``rows`` hold (``LIVE_LINKS``'s, in its order), in the hierarchy ``parents``."""
    counted = Tallies(parents)
    for _, links in groupby(rows, key=itemgetter(0)):
        members = list(links)
        _, kind, status, retracted, earliest = members[0][:5]
        key = (str(kind), str(status), int(retracted), start_year(earliest))
        linked = [(str(row[5]), row[6]) for row in members if row[5] is not None]
        counted.add([pid for pid, role in linked if role == PARTNER], [pid for pid, role in linked if role != PARTNER], key)
    return counted
