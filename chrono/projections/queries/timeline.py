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
from chrono.projections.queries.counts import kinds, kinds_of, overall, walks
from chrono.projections.queries.filters import Filter, Key, touches, undated
from chrono.projections.queries.parts import family
from chrono.projections.readmodel import ReadModel


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


def entries(model: ReadModel, found: Sequence[tuple[str, int]]) -> list[Entry]:
    """The entries of ``found`` (aggregate, revision), decoded, in that order."""
    return model.revisions_of(found)


def firsts(model: ReadModel, families: dict[str, frozenset[str]], flt: Filter, known_at: datetime | None) -> dict[str, tuple[str, int]]:
    """The first entry (aggregate, revision) each family holds of what ``flt`` asks for (its partners aside):
    a dense family's by walking the chronicle's order, the others' from one query for all their partners
    (the first row of each partner's range, the least of a family's)."""
    out: dict[str, tuple[str, int]] = {}
    sparse: dict[str, frozenset[str]] = dict(families)
    if known_at is None:  # the kept counts of every family, read at once, say which to walk
        every, held = overall(model, flt), kinds_of(model, families, undated(flt))
        for pid, members in families.items():
            if members and walks(1, every, sum(held[pid].values()), len(members)):
                walked = _Merge(model, attrs.evolve(flt, partners=members, scope=pid), None, False)._walk(1)
                out.update((pid, (aggregate, revision)) for aggregate, revision, _ in walked)
                del sparse[pid]
    return out | _seek_firsts(model, sparse, flt, known_at)


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
        held = sum(kinds(self.model, undated(self.flt), None).values())
        return walks(wanted, overall(self.model, self.flt) if every is None else every, held, len(self.ids))

    def _walk(self, wanted: int) -> list[tuple[str, int, Key]]:
        """``first_keys`` by walking the chronicle's order, keeping the entries that touch the family."""
        where, params = self.flt.where(self.model, None, "r")
        order, compare = ("DESC", "<") if self.backwards else ("", ">")
        if self.after is not None:
            where, params = where + f" AND (r.order_key, r.entry) {compare} (?, ?)", [*params, *self.after]
        touching, ids = touches(self.model, self.ids)
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
