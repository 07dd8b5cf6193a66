"""Keyed fingerprints of the read model's tables: the stored tables checked against the log without a scratch store.

The audit and ``chrono rebuild`` ask whether the stored tables are the ones
the log makes. Making them again in a scratch store and comparing
(``reference``, ``audit_tables``) writes every row a second time, indexes it
and reads it back: most of an audit's work. Instead each table is reduced to
a fingerprint, the number of its rows and the sum (mod 2**128) of a keyed
hash of each, once as the store holds them and once as the log derives them
(by the very code that makes the rows: ``Deriving.derive``), in a second
process on a long log while this one reads the stored tables. Tables whose
fingerprints agree hold the same rows, each as many times; where one
differs, the reference is made as before to name the first differing row.

The key is drawn afresh for every check: whoever changed the store before
cannot make other rows whose hashes sum the same (for a sum of unkeyed hashes
that can be forged, many rows at once). A row is hashed as ``marshal``
writes its columns (version 0: no references between equal objects, text the
same whether interned or not), its ``superseded_at`` apart: a row derived
from the log learns it only when a later revision supersedes it, so only the
hash of the rest waits until then.

The entry counts are gathered while deriving, each slice its own, and added
up; where a partner moved in the log they are stale, and are made from the
stored rows of the other tables instead (``tallies.recounted``, as a
partner's move makes them again), those being found to be the log's.

Facets (running totals, explained segments) are made again from the tables
once those agree (``facetcheck``). Checked by the reference alone: a facet
made before the last write or moved since (what the tables made then), and an
encrypted store (its snapshots differ byte for byte from equal ones).
"""

from __future__ import annotations

import marshal
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from hashlib import blake2b
from typing import Any

import attrs

from chrono.projections import tallies
from chrono.projections.compared import TABLES as COMPARED
from chrono.projections.compared import WHERE
from chrono.projections.rawlog import dialect_of, pieces, streamed
from chrono.projections.rows import Rows
from chrono.projections.share import Share

MODULUS = 1 << 128
ENTRY_TABLES = ("revisions", "revision_partners", "contributions")
STATED = (*ENTRY_TABLES, "partners")  # the tables whose rows are superseded
TABLES = (*STATED, "tallies")


def _keyed(key: bytes) -> Callable[[bytes], bytes]:
    """The keyed hash of some bytes: a copy of a hasher keyed once (keying one afresh for every row
    costs a third of hashing it)."""
    keyed = blake2b(key=key, digest_size=16)

    def digest(data: bytes) -> bytes:
        hasher = keyed.copy()
        hasher.update(data)
        return bytes(hasher.digest())

    return digest


class Sums:
    """Each table's fingerprint: how many rows, and the sum of their keyed hashes.

    A row never superseded is hashed by its columns but ``superseded_at``; a row superseded
    since in two steps, those columns first (``core``), then with the time it was superseded,
    so that the log's side can hash a row before it knows when it will be.
    """

    def __init__(self, key: bytes) -> None:
        self.key = key
        self._hash = _keyed(key)
        self.rows: dict[str, int] = defaultdict(int)
        self.sums: dict[str, int] = defaultdict(int)

    def fold(self, table: str, rows: Iterable[tuple[Any, ...]], *, stored: bool = True) -> None:
        """Count ``rows``: as stored (``superseded_at`` last, for a superseded table), or else as
        derived, never superseded and without that column."""
        hashed, dumps, from_bytes = self._hash, marshal.dumps, int.from_bytes
        stated = stored and table in STATED
        count = total = 0
        for row in rows:
            digest = self._closed(self.core(row[:-1]), row[-1]) if stated else hashed(dumps(row, 0))
            total += from_bytes(digest, "big")
            count += 1
        self.rows[table] += count
        self.sums[table] += total

    def core(self, columns: tuple[Any, ...]) -> bytes:
        """The first step of a superseded row's hash: its columns but ``superseded_at``."""
        return self._hash(marshal.dumps(columns, 0))

    def superseded(self, table: str, core: bytes, superseded: str | None) -> None:
        """Count a row of ``table`` whose columns but ``superseded_at`` hash to ``core``."""
        self.rows[table] += 1
        self.sums[table] += int.from_bytes(self._closed(core, superseded), "big")

    def _closed(self, core: bytes, superseded: str | None) -> bytes:
        """The hash of a row whose other columns hash to ``core``: that, if it was never superseded."""
        return core if superseded is None else self._hash(core + marshal.dumps(superseded, 0))

    def add(self, other: Sums) -> None:
        """Count ``other``'s rows too (those of another slice of the log: ``Slice``)."""
        for table in other.rows:
            self.rows[table] += other.rows[table]
            self.sums[table] += other.sums[table]

    def differing(self, other: Sums) -> list[str]:
        """The tables whose fingerprints differ from ``other``'s (of those either counted, in ``TABLES``' order first)."""
        tables = [*TABLES, *sorted((self.rows.keys() | other.rows.keys()) - set(TABLES))]
        return [t for t in tables if self.rows[t] != other.rows[t] or self.sums[t] % MODULUS != other.sums[t] % MODULUS]

    def to_plain(self) -> dict[str, tuple[int, int]]:
        return {table: (self.rows[table], self.sums[table] % MODULUS) for table in self.rows}

    @classmethod
    def from_plain(cls, key: bytes, plain: dict[str, tuple[int, int]]) -> Sums:
        sums = cls(key)
        for table, (rows, total) in plain.items():
            sums.rows[table], sums.sums[table] = rows, total
        return sums


def stored(app: Any, key: bytes, ticks: Any = None) -> Sums:
    """The fingerprints of ``app``'s stored tables; ``ticks`` is called between pieces of them (to take messages meanwhile)."""
    sums = Sums(key)
    dialect = dialect_of(app)
    for table in TABLES:
        where = f" WHERE {WHERE[table]}" if table in WHERE else ""  # the rows the reference compares too
        query = f"SELECT {', '.join(COMPARED[table][1])} FROM {{t:{table}}}{where}"
        for piece in pieces(app, dialect, query, size=20_000):
            sums.fold(table, piece)
            if ticks is not None:
                ticks()
    return sums


class Derived:
    """The fingerprints of the rows the log derives, page by page (``page``). ``finals``: the last version of each aggregate with more than one,
    whose earlier rows wait, as their first hash, for the revision that supersedes them."""

    def __init__(self, key: bytes, finals: dict[str, int], *, partners: bool = True) -> None:
        self.sums = Sums(key)
        self.finals = finals
        self.partners = partners  # whether the partners' rows are counted here (``Slice``)
        self._waiting: dict[tuple[str, str, int], list[bytes]] = defaultdict(list)

    def page(self, rows: Rows) -> None:
        sums, finals, waiting = self.sums, self.finals, self._waiting
        for table, made in zip(STATED, (rows.revisions, rows.links, rows.contributions, rows.partners if self.partners else []), strict=True):
            final: list[tuple[Any, ...]] = []
            for row in made:
                if row[1] < finals.get(row[0], 0):
                    waiting[(table, row[0], row[1])].append(sums.core(row))
                else:
                    final.append(row)
            sums.fold(table, final, stored=False)
        self._supersede(ENTRY_TABLES, rows.superseded_entries)
        if self.partners:
            self._supersede(("partners",), rows.superseded_partners)

    def _supersede(self, tables: Sequence[str], superseded: Iterable[tuple[str, str, int]]) -> None:
        for recorded, aggregate, revision in superseded:
            for table in tables:
                for core in self._waiting.pop((table, aggregate, revision), ()):
                    self.sums.superseded(table, core, recorded)

    def finish(self) -> Sums:
        """The fingerprints (a row left waiting, which nothing superseded, counts as never superseded)."""
        for (table, _, _), cores in self._waiting.items():
            for core in cores:
                self.sums.superseded(table, core, None)
        self._waiting.clear()
        return self.sums


@attrs.frozen
class Slice(Share):
    """What one process derives of a check split between two: its ``Share`` of the log's rows,
    fingerprinted with this check's ``key``; the one whose share keeps the partners' rows counts them."""

    key: bytes = attrs.field(kw_only=True)


def derive(app: Any, part: Slice, last: int, watcher: Any = None, tick: Any = None) -> tuple[dict[str, tuple[int, int]], tallies.Tallies | None]:
    """The fingerprints of the rows of ``part`` that ``app``'s log derives up to position ``last``, and
    the entry counts of its entries (None where a partner moved: ``recounted`` then), ``watcher`` shown
    every revision derived and ``tick`` each page's events. Run by each process of a check split
    between two, else by the one that checks."""
    from chrono.collector import cycles_collected_after
    from chrono.projections.rawlog import later_versions
    from chrono.projections.readmodel import PAGE, deriving

    with cycles_collected_after():
        finals = later_versions(app, last)
        model = deriving(app, finals, watcher)
        derived = Derived(part.key, finals, partners=part.partners)
        start = 0
        while page := app.recorder.select_notifications(start=start + 1, limit=PAGE, stop=last):
            start = page[-1].id
            mine = part.of(page)
            if mine:
                derived.page(model.derive(mine))
            if tick is not None:
                tick(len(page))
        counted = model.counts()
        return derived.finish().to_plain(), None if counted.stale else counted


def counted(key: bytes, slices: Sequence[tallies.Tallies | None]) -> tuple[int, int] | None:
    """The fingerprint of the entry counts the slices of the log gathered (None if any is stale)."""
    if any(counts is None for counts in slices):
        return None
    merged = tallies.Tallies({})
    for counts in slices:
        assert counts is not None
        merged.merge(counts)
    sums = Sums(key)
    sums.fold("tallies", ((*count, n) for count, n in merged.changes.items() if n), stored=False)
    return sums.rows["tallies"], sums.sums["tallies"] % MODULUS


def recounted(app: Any, key: bytes) -> tuple[int, int]:
    """The fingerprint of the entry counts made again from ``app``'s stored rows, as a partner's move
    makes them (``tallies.recounted``): what the counts must be, where the rows are the log's (for a
    log where a partner moved, whose counts gathered while deriving are stale)."""
    dialect = dialect_of(app)
    parents = {str(pid): parent for pid, parent in streamed(app, dialect, "SELECT id, parent FROM {t:partners} WHERE superseded_at IS NULL")}
    counted = tallies.recounted(parents, streamed(app, dialect, tallies.LIVE_LINKS))
    sums = Sums(key)
    sums.fold("tallies", counted.rows())
    return sums.rows["tallies"], sums.sums["tallies"] % MODULUS
