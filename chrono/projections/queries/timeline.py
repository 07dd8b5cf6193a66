"""Pages of the chronicle in its order, filtered, straight from the indexes.

Without a partner, a page is one range of the revisions' order index. With
partners (a family), each partner's entries are a range of the
``revision_partners`` order index: a few rows are read from each, merged,
and only the ranges that might hide one of the rows wanted are read
further, so the cost grows with the number of partners and the depth of
the page, never with the length of their histories. Only the entries of
the page are decoded.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import attrs

from chrono.events.entry import Entry
from chrono.projections.counting.rule import year_of
from chrono.projections.queries.parts import family
from chrono.projections.readmodel import ReadModel
from chrono.projections.rows import time_key
from chrono.projections.schema import order_key
from chrono.projections.tallies import OPEN_YEAR

Key = tuple[str, str]  # (order key, entry id): where an entry stands in the chronicle's order
WALK = 2000  # rows of the chronicle's order a page of a family may walk instead of seeking into each partner's range


@attrs.frozen
class Filter:
    """Which entries a timeline holds.

    Attributes:
        partners: ids an entry must touch (as partner or actor); None for all.
        scope: the one partner whose family ``partners`` is, if it is one
            family: the entry counts of ``projections.tallies`` are kept per family.
        kinds: kinds to keep (all when empty).
        statuses: statuses to keep (all when empty).
        start: keep entries whose dates may end on or after this day key.
        end: keep entries whose dates may start on or before this day key.
        begun_by: keep entries begun by this day key (an as-of date).
        retracted: keep retracted entries too.
    """

    partners: frozenset[str] | None = None
    scope: str | None = None
    kinds: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    start: int | None = None
    end: int | None = None
    begun_by: int | None = None
    retracted: bool = False

    def where(self, model: ReadModel, known_at: datetime | None, alias: str) -> tuple[str, list[Any]]:
        """The SQL condition (and its parameters) on ``alias`` (revisions or revision_partners)."""
        clause, params = model.known(known_at, alias)
        more, values = self.holds(alias)
        return clause + more, params + values

    def holds(self, alias: str) -> tuple[str, list[Any]]:
        """`` AND`` the conditions on a revision's own columns (``alias``: revisions or revision_partners), its partners aside."""
        clause = ""
        params: list[Any] = []
        if not self.retracted:
            clause += f" AND {alias}.retracted = 0"
        for column, values in (("kind", self.kinds), ("status", self.statuses)):
            if values:
                clause += f" AND {alias}.{column} IN ({', '.join('?' for _ in values)})"
                params += sorted(values)
        if self.start is not None:
            clause += f" AND ({alias}.latest IS NULL OR {alias}.latest >= ?)"
            params.append(self.start)
        bound = self.begins_before()
        if bound is not None:
            # Entries begun by a day are a prefix of the chronicle's order: a range of its index.
            clause += f" AND {alias}.order_key < ?"
            params.append(bound)
        return clause, params

    @property
    def last_start(self) -> int | None:
        """The last day an entry may begin on (``end`` and ``begun_by``), if any."""
        days = [day for day in (self.end, self.begun_by) if day is not None]
        return min(days) if days else None

    def begins_before(self) -> str | None:
        """The order key before which every entry begun by ``last_start`` lies."""
        return None if self.last_start is None else start_key(self.last_start + 1)


def keys(model: ReadModel, flt: Filter, known_at: datetime | None, offset: int, limit: int, *, backwards: bool = False) -> list[tuple[str, int]]:
    """The (aggregate, revision) of entries ``offset`` to ``offset + limit`` in the chronicle's order (or from its end)."""
    if limit <= 0:
        return []
    if flt.partners is None:
        where, params = flt.where(model, known_at, "r")
        order = "DESC" if backwards else ""
        query = f"SELECT r.aggregate, r.revision FROM {{t:revisions}} r WHERE {where} ORDER BY r.order_key {order}, r.entry {order} LIMIT ? OFFSET ?"
        return [(str(row["aggregate"]), int(row["revision"])) for row in model.rows(query, [*params, limit, offset])]
    return _Merge(model, flt, known_at, backwards).first(offset + limit)[offset:]


def stream(model: ReadModel, flt: Filter, known_at: datetime | None, chunk: int = 500) -> Iterator[Entry]:
    """Every entry the filter holds, in the chronicle's order, decoded a chunk at a time
    (keyset pages: memory stays flat however many there are)."""
    after: Key | None = None
    while True:
        found = _after(model, flt, known_at, after, chunk)
        if not found:
            return
        yield from model.revisions_of([(aggregate, revision) for aggregate, revision, _ in found])
        if len(found) < chunk:
            return
        after = found[-1][2]


def _after(model: ReadModel, flt: Filter, known_at: datetime | None, after: Key | None, limit: int) -> list[tuple[str, int, Key]]:
    if flt.partners is not None:
        return _Merge(model, flt, known_at, False, after).first_keys(limit)
    where, params = flt.where(model, known_at, "r")
    since = " AND (r.order_key, r.entry) > (?, ?)" if after is not None else ""
    query = f"SELECT r.aggregate, r.revision, r.order_key, r.entry FROM {{t:revisions}} r WHERE {where}{since} ORDER BY r.order_key, r.entry LIMIT ?"
    rows = model.rows(query, [*params, *(after or ()), limit])
    return [(str(row["aggregate"]), int(row["revision"]), (str(row["order_key"]), str(row["entry"]))) for row in rows]


def start_key(day: int) -> str:
    """The smallest order key of an entry beginning on ``day`` (a day key; the day after a month's
    last is fine: keys of real days compare the same way)."""
    year, rest = divmod(day, 10000)
    month, date = divmod(rest, 100)
    return order_key((1, year, month, date))


def count(model: ReadModel, flt: Filter, known_at: datetime | None) -> int:
    """How many entries the filter holds."""
    return sum(kinds(model, flt, known_at).values())


def kinds(model: ReadModel, flt: Filter, known_at: datetime | None) -> dict[str, int]:
    """How many entries the filter holds, by kind: from the kept counts where the question
    allows (``projections.tallies``), else by counting rows."""
    scope = "" if flt.partners is None else flt.scope
    if known_at is not None:
        return _as_known(model, flt, known_at)
    if flt.start is None and scope is not None:
        return _tallied(model, flt, scope)
    return counted(model, flt, None)


def _as_known(model: ReadModel, flt: Filter, known_at: datetime) -> dict[str, int]:
    """``kinds`` as known at ``known_at``: as known now, less the revisions recorded since that stand
    now, plus those superseded since that stood then. The work grows with what was recorded since
    (``chrono_revisions_recorded``, ``chrono_revisions_superseded``), not with the chronicle."""
    # The kept counts are of each family as it stands now: one that has changed since is counted from its rows.
    same = flt.partners is None or (flt.scope is not None and family(model, None).of(flt.scope) == flt.partners)
    found = kinds(model, flt, None) if same else counted(model, flt, None)
    holds, params = flt.holds("r")
    touching = ""
    if flt.partners is not None:
        if not flt.partners:
            return {}
        touching, ids = _touches(model, sorted(flt.partners))
        params = [*params, *ids]
    moment = time_key(known_at)
    since = f"SELECT r.kind, COUNT(*) AS n FROM {{t:revisions}} r WHERE r.recorded_at > ? AND r.superseded_at IS NULL{holds}{touching} GROUP BY r.kind"
    before = f"SELECT r.kind, COUNT(*) AS n FROM {{t:revisions}} r WHERE r.superseded_at > ? AND r.recorded_at <= ?{holds}{touching} GROUP BY r.kind"
    for sign, query, moments in ((-1, since, [moment]), (1, before, [moment, moment])):
        for row in model.rows(query, [*moments, *params]):
            found[str(row["kind"])] = found.get(str(row["kind"]), 0) + sign * int(row["n"])
    return {kind: n for kind, n in sorted(found.items()) if n}


def years(model: ReadModel, flt: Filter, known_at: datetime | None) -> tuple[int, int] | None:
    """The first and last start year of the entries the filter holds (open starts left out), if the kept
    counts can tell; None when they cannot (the caller then looks at the first and last entries)."""
    scope = "" if flt.partners is None else flt.scope
    if known_at is not None or flt.start is not None or scope is None:
        return None
    where, params = _kept(flt, scope)
    where, params = where + " AND n > 0 AND year > ?", [*params, OPEN_YEAR]
    if flt.last_start is not None:
        where += " AND year <= ?"
        params.append(int(year_of(flt.last_start, None) or 0))
    row = model.rows(f"SELECT MIN(year) AS first, MAX(year) AS last FROM {{t:tallies}} WHERE {where}", params)[0]
    return (0, 0) if row["first"] is None else (int(row["first"]), int(row["last"]))


def _kept(flt: Filter, scope: str) -> tuple[str, list[Any]]:
    """The condition on the kept counts of a scope for the filter's kinds, statuses and retraction."""
    where, params = "scope = ?", [scope]
    for column, values in (("kind", flt.kinds), ("status", flt.statuses)):
        if values:
            where += f" AND {column} IN ({', '.join('?' for _ in values)})"
            params += sorted(values)
    if not flt.retracted:
        where += " AND retracted = 0"
    return where, params


def _tallied(model: ReadModel, flt: Filter, scope: str) -> dict[str, int]:
    """The kept counts of whole start years, and the rows of the last, partly asked-for year."""
    last = flt.last_start
    year = None if last is None else int(year_of(last, None) or 0)
    if last is not None and year is not None and last % 10000 == 1231:
        last, year = None, year + 1  # the whole year is asked for (an as-of date is often its last day): all kept
    where, params = _kept(flt, scope)
    if year is not None:
        where += " AND year < ?"
        params.append(year)
    found: dict[str, int] = {}
    for row in model.rows(f"SELECT kind, SUM(n) AS n FROM {{t:tallies}} WHERE {where} GROUP BY kind", params):
        found[str(row["kind"])] = int(row["n"] or 0)
    if year is not None and last is not None:
        partial = attrs.evolve(flt, end=None, begun_by=last)  # the asked-for part of the last year, from its rows
        for kind, n in counted(model, partial, None, since=start_key(year * 10000 + 101)).items():
            found[kind] = found.get(kind, 0) + n
    return {kind: n for kind, n in sorted(found.items()) if n}


def counted(model: ReadModel, flt: Filter, known_at: datetime | None, since: str | None = None) -> dict[str, int]:
    """Count the rows as known at ``known_at``, by kind (from the order key ``since``, if given): the
    plain way, a scan of what the filter holds, that the kept counts and ``_as_known`` answer faster."""
    if flt.partners is None:
        where, params = flt.where(model, known_at, "r")
        if since is not None:
            where, params = where + " AND r.order_key >= ?", [*params, since]
        query = f"SELECT r.kind, COUNT(*) AS n FROM {{t:revisions}} r WHERE {where} GROUP BY r.kind"
    elif not flt.partners:
        return {}
    else:
        where, params = flt.where(model, known_at, "p")
        if since is not None:
            where, params = where + " AND p.order_key >= ?", [*params, since]
        marks = ", ".join("?" for _ in flt.partners)
        query = f"SELECT p.kind, COUNT(DISTINCT p.aggregate) AS n FROM {{t:revision_partners}} p WHERE p.partner IN ({marks}) AND {where} GROUP BY p.kind"
        params = [*sorted(flt.partners), *params]
    return {str(row["kind"]): int(row["n"]) for row in sorted(model.rows(query, params), key=lambda row: str(row["kind"]))}


def firsts(model: ReadModel, families: dict[str, frozenset[str]], flt: Filter, known_at: datetime | None) -> dict[str, tuple[str, int]]:
    """The first entry (aggregate, revision) each family holds of what ``flt`` asks for (its partners aside):
    a dense family's by walking the chronicle's order, the others' from one query for all their partners
    (the first row of each partner's range, the least of a family's)."""
    out: dict[str, tuple[str, int]] = {}
    sparse: dict[str, frozenset[str]] = dict(families)
    if known_at is None:  # the kept counts of every family, read at once, say which to walk
        every, held = _every(model, flt), kinds_of(model, families, _undated(flt))
        for pid, members in families.items():
            if members and _walks(1, every, sum(held[pid].values()), len(members)):
                walked = _Merge(model, attrs.evolve(flt, partners=members, scope=pid), None, False)._walk(1)
                out.update((pid, (aggregate, revision)) for aggregate, revision, _ in walked)
                del sparse[pid]
    return out | _seek_firsts(model, sparse, flt, known_at)


def _walks(wanted: int, every: int, held: int, partners: int) -> bool:
    """Whether to walk the chronicle's order for ``wanted`` entries of a family of ``partners`` that
    holds ``held`` of the ``every`` entries the filter asks for (a walked row costs about a seek)."""
    rows = wanted * every  # expected rows walked, times ``held``
    return held > 0 and rows <= WALK * held and rows <= 2 * (partners + wanted) * held


def _touches(model: ReadModel, ids: Sequence[str]) -> tuple[str, list[str]]:
    """`` AND`` a condition on the revision ``r`` that it names one of ``ids`` (as partner or actor), and its parameters."""
    marks = ", ".join("?" for _ in ids)
    # SQLite would probe the key once per id of the list; "+" makes it read the revision's few
    # rows and test each (PostgreSQL plans that by itself, and has no unary plus for text).
    partner = "p.partner" if model.dialect.postgres else "+p.partner"
    clause = f" AND EXISTS (SELECT 1 FROM {{t:revision_partners}} p WHERE p.aggregate = r.aggregate AND p.revision = r.revision AND {partner} IN ({marks}))"
    return clause, list(ids)


def _undated(flt: Filter) -> Filter:
    return attrs.evolve(flt, start=None, end=None, begun_by=None)


def _every(model: ReadModel, flt: Filter) -> int:
    """How many entries of the whole chronicle the filter's kinds, statuses and retraction hold, dates aside."""
    return sum(kinds(model, attrs.evolve(_undated(flt), partners=None, scope=None), None).values())


def _seek_firsts(model: ReadModel, families: dict[str, frozenset[str]], flt: Filter, known_at: datetime | None) -> dict[str, tuple[str, int]]:
    ids = sorted(set().union(*families.values())) if families else []
    if not ids:
        return {}
    merge = _Merge(model, attrs.evolve(flt, partners=frozenset(ids)), known_at, False)
    best: dict[str, tuple[str, str, str, int]] = {}
    step = 1000 if model.dialect.postgres else 200
    for start in range(0, len(ids), step):
        for row in model.rows(*merge._query([(pid, None) for pid in ids[start : start + step]], 1)):
            best[str(row["partner"])] = (str(row["order_key"]), str(row["entry"]), str(row["aggregate"]), int(row["revision"]))
    out: dict[str, tuple[str, int]] = {}
    for pid, members in families.items():
        found = [best[member] for member in members if member in best]
        if found:
            first = min(found)
            out[pid] = (first[2], first[3])
    return out


def kinds_of(model: ReadModel, families: dict[str, frozenset[str]], flt: Filter) -> dict[str, dict[str, int]]:
    """``kinds`` of each family (as known now, its partners aside), the kept counts of all of them read at once."""
    if not families:
        return {}
    last = flt.last_start
    if last is not None and last % 10000 != 1231:  # a year partly asked for: its rows are counted family by family
        return {pid: kinds(model, attrs.evolve(flt, partners=ids, scope=pid), None) for pid, ids in families.items()}
    where, params = _kept(flt, "")
    where = where.replace("scope = ?", f"scope IN ({', '.join('?' for _ in families)})")
    params = [*sorted(families), *params[1:]]
    if last is not None:
        where += " AND year <= ?"
        params.append(int(year_of(last, None) or 0))
    out: dict[str, dict[str, int]] = {pid: {} for pid in families}
    for row in model.rows(f"SELECT scope, kind, SUM(n) AS n FROM {{t:tallies}} WHERE {where} GROUP BY scope, kind ORDER BY scope, kind", params):
        if int(row["n"] or 0):
            out[str(row["scope"])][str(row["kind"])] = int(row["n"])
    return out


def foreign(model: ReadModel, pids: Sequence[str], known_at: datetime | None) -> list[str]:
    """Those of ``pids`` that an entry names, or a partner below them, as a partner (the foreign side), not only as an actor."""
    if not pids:
        return []
    if known_at is None:  # the kept counts of all of them, read at once
        marks = ", ".join("?" for _ in pids)
        rows = model.rows(f"SELECT DISTINCT scope FROM {{t:tallies}} WHERE scope IN ({marks}) AND side = 'partner' AND n > 0", list(pids))
        found = {str(row["scope"]) for row in rows}
        return [pid for pid in pids if pid in found]
    return [pid for pid in pids if _foreign_then(model, pid, known_at)]


def _foreign_then(model: ReadModel, pid: str, known_at: datetime) -> bool:
    ids = sorted(family(model, known_at).of(pid))
    known, params = model.known(known_at, "p")
    marks = ", ".join("?" for _ in ids)
    query = f"SELECT 1 AS found FROM {{t:revision_partners}} p WHERE p.partner IN ({marks}) AND p.role = 'partner' AND {known} LIMIT 1"
    return bool(model.rows(query, [*ids, *params]))


def overdue(model: ReadModel, day: int, known_at: datetime | None, limit: int) -> list[tuple[str, int]]:
    """Planned entries (not retracted) whose dates ended by ``day`` with no outcome recorded, in order."""
    known, params = model.known(known_at, "r")
    # The overdue plans are found by their end (chrono_revisions_planned), then ordered. Asked in one
    # query, PostgreSQL walked the chronicle's order for them, expecting plans all along it: at 1M
    # entries, none overdue, it read every row (2.4 s). OFFSET 0 keeps the inner query apart there
    # (SQLite plans it well, and takes no OFFSET without a LIMIT).
    fence = " OFFSET 0" if model.dialect.postgres else ""
    query = (
        f"SELECT s.aggregate, s.revision FROM (SELECT r.aggregate, r.revision, r.order_key, r.entry FROM {{t:revisions}} r WHERE {known}"
        f" AND r.status = 'planned' AND r.retracted = 0 AND r.latest IS NOT NULL AND r.latest <= ?{fence}) AS s ORDER BY s.order_key, s.entry LIMIT ?"
    )
    return [(str(row["aggregate"]), int(row["revision"])) for row in model.rows(query, [*params, day, limit])]


def entries(model: ReadModel, found: Sequence[tuple[str, int]]) -> list[Entry]:
    """The entries of ``found`` (aggregate, revision), decoded, in that order."""
    return model.revisions_of(found)


class _Merge:
    """The first rows of the union of the partners' ordered ranges, without repeats."""

    def __init__(self, model: ReadModel, flt: Filter, known_at: datetime | None, backwards: bool, after: Key | None = None) -> None:
        self.model = model
        self.flt, self.known_at = flt, known_at
        self.where, self.params = flt.where(model, known_at, "p")
        self.ids = sorted(flt.partners or ())
        self.backwards = backwards
        self.after = after

    def first(self, wanted: int) -> list[tuple[str, int]]:
        return [(aggregate, revision) for aggregate, revision, _ in self.first_keys(wanted)]

    def first_keys(self, wanted: int) -> list[tuple[str, int, Key]]:
        """The first ``wanted`` (aggregate, revision, key) after ``self.after``."""
        if not self.ids or wanted <= 0:
            return []
        if self._dense(wanted):
            return self._walk(wanted)
        found: dict[str, tuple[str, str, int]] = {}
        step = min(wanted, max(4, -(-2 * wanted // len(self.ids))))
        ranges: list[tuple[str, Key | None]] = [(pid, self.after) for pid in self.ids]
        while ranges:
            ends = self._gather(ranges, step, found)
            ranked = sorted((key[:2] for key in found.values()), reverse=self.backwards)
            cutoff = ranked[wanted - 1] if len(ranked) >= wanted else None
            ranges = [(pid, end) for pid, end in ends.items() if end is not None and (cutoff is None or self._before(end, cutoff))]
            step = min(wanted, step * 4)
        chosen = sorted(found.items(), key=lambda item: item[1][:2], reverse=self.backwards)[:wanted]
        return [(aggregate, key[2], (key[0], key[1])) for aggregate, key in chosen]

    def _before(self, one: Key, other: Key) -> bool:
        return one > other if self.backwards else one < other

    # A family that holds much of the chronicle (a country's: China's holds
    # most of it) is read faster by walking the chronicle's own order and
    # keeping its entries than by seeking into each of its partners' ranges
    # (200 of them, each a seek into pages no query of this process has read).
    def _dense(self, wanted: int, every: int | None = None) -> bool:
        """Whether walking the chronicle's order is expected to find ``wanted`` of the family's entries
        in fewer rows than seeking into its partners' ranges takes seeks (a walked row costs about
        a seek), and within ``WALK`` rows: by the kept counts, the family's share of what the filter
        asks, dates aside (``every``: the chronicle's count of it, if known)."""
        if self.known_at is not None or self.flt.scope is None:
            return False
        held = sum(kinds(self.model, _undated(self.flt), None).values())
        return _walks(wanted, _every(self.model, self.flt) if every is None else every, held, len(self.ids))

    def _walk(self, wanted: int) -> list[tuple[str, int, Key]]:
        """``first_keys`` by walking the chronicle's order, keeping the entries that touch the family."""
        where, params = self.flt.where(self.model, None, "r")
        order, compare = ("DESC", "<") if self.backwards else ("", ">")
        if self.after is not None:
            where, params = where + f" AND (r.order_key, r.entry) {compare} (?, ?)", [*params, *self.after]
        touching, ids = _touches(self.model, self.ids)
        query = (
            f"SELECT r.aggregate, r.revision, r.order_key, r.entry FROM {{t:revisions}} r WHERE {where}{touching}"
            f" ORDER BY r.order_key {order}, r.entry {order} LIMIT ?"
        )
        rows = self.model.rows(query, [*params, *ids, wanted])
        return [(str(row["aggregate"]), int(row["revision"]), (str(row["order_key"]), str(row["entry"]))) for row in rows]

    def _gather(self, ranges: Sequence[tuple[str, Key | None]], limit: int, found: dict[str, tuple[str, str, int]]) -> dict[str, Key | None]:
        """Read up to ``limit`` rows after each (partner, key) into ``found``; each partner's last key where more may follow."""
        ends: dict[str, Key | None] = {}
        counts: dict[str, int] = {}
        step = 1000 if self.model.dialect.postgres else 200
        for start in range(0, len(ranges), step):
            for row in self.model.rows(*self._query(ranges[start : start + step], limit)):
                key = (str(row["order_key"]), str(row["entry"]))
                pid = str(row["partner"])
                found.setdefault(str(row["aggregate"]), (*key, int(row["revision"])))
                counts[pid] = counts.get(pid, 0) + 1
                ends[pid] = key
        return {pid: (end if counts[pid] == limit else None) for pid, end in ends.items()}

    def _query(self, ranges: Sequence[tuple[str, Key | None]], limit: int) -> tuple[str, list[Any]]:
        columns = "p.partner, p.aggregate, p.revision, p.order_key, p.entry"
        order, compare = ("DESC", "<") if self.backwards else ("", ">")
        if self.model.dialect.postgres:
            return self._lateral(ranges, limit, columns, (order, compare))
        parts: list[str] = []
        params: list[Any] = []
        for index, (pid, after) in enumerate(ranges):
            since = f" AND (p.order_key, p.entry) {compare} (?, ?)" if after is not None else ""
            parts.append(
                f"SELECT * FROM (SELECT {columns} FROM {{t:revision_partners}} p WHERE p.partner = ? AND {self.where}{since}"
                f" ORDER BY p.order_key {order}, p.entry {order} LIMIT ?) AS s{index}"
            )
            params += [pid, *self.params, *(after or ()), limit]
        return " UNION ALL ".join(parts), params

    def _lateral(self, ranges: Sequence[tuple[str, Key | None]], limit: int, columns: str, direction: tuple[str, str]) -> tuple[str, list[Any]]:
        """``_query`` on PostgreSQL: one small plan for any number of partners (a union of one
        branch per partner cost more than its reads: 110 ms against 30 ms for China's family at 100k)."""
        order, compare = direction
        # '' sorts before every key and the sentinel after every key: "from the start" either way.
        start = ("\uffff", "\uffff") if self.backwards else ("", "")
        query = (
            "SELECT s.* FROM unnest(?::text[], ?::text[], ?::text[]) AS q(partner, after_key, after_entry)"
            f" CROSS JOIN LATERAL (SELECT {columns} FROM {{t:revision_partners}} p WHERE p.partner = q.partner AND {self.where}"
            f" AND (p.order_key, p.entry) {compare} (q.after_key, q.after_entry) ORDER BY p.order_key {order}, p.entry {order} LIMIT ?) AS s"
        )
        partners = [pid for pid, _ in ranges]
        keys = [after[0] if after else start[0] for _, after in ranges]
        entries = [after[1] if after else start[1] for _, after in ranges]
        return query, [partners, keys, entries, *self.params, limit]
