"""Contributions as ``counting.Part``, read from ``chrono_contributions`` (no entry decoded).

Metrics, units and values are stored as the read model's codec hides them
(``veil``): a metric asked for is hidden to be looked up, and each row shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Generic, TypeVar

from chrono.projections.counting import Family, Part
from chrono.projections.reader import Reader
from chrono.projections.reads import Reads, Tables
from chrono.projections.veil import Veil
from chrono.when import When

Key = tuple[str, str]
PART_COLUMNS = "c.entry, c.kind, c.part, c.metric, c.unit, c.low, c.high, c.approximate, c.measure, c.edtf, c.earliest, c.latest, c.scope"


def family(model: Reader, known_at: datetime | None) -> Family:
    """The partner hierarchy as known at ``known_at`` (no state decoded)."""
    known, params = model.known(known_at, "p")
    rows = model.rows(f"SELECT p.id, p.parent FROM {{t:partners}} p WHERE {known}", params)
    return Family({str(row["id"]): row["parent"] for row in rows})


def family_in(read: Reads) -> Family:
    """The partner hierarchy standing now, in one read of the tables."""
    return Family({str(row["id"]): row["parent"] for row in read.rows("SELECT id, parent FROM {t:partners} WHERE superseded_at IS NULL", [])})


def contributions_of(model: Tables, ids: Iterable[str] | None, known_at: datetime | None, *, most: bool = False) -> tuple[str, list[Any]]:
    """What a query reads contributions ``c`` from (and its parameters, which come first): every row, or
    with ``ids`` only those of entries touching one of them (as partner or actor), as known at ``known_at``.

    A family's entries are read first, then each one's contributions by key (``CROSS JOIN`` keeps that
    order): SQLite otherwise reads every standing contribution and tests each against the family, which
    took twice as long for a family of a twentieth of the rows at a million entries. On SQLite the key is
    named (``INDEXED BY``): for a query that the index of sums covers, SQLite would take that index, with
    two terms of equality to its one, and read all its standing rows again for each entry."""
    if ids is None:
        return "{t:contributions} c", []
    wanted = sorted(ids)
    marks = ", ".join("?" for _ in wanted)
    known, params = model.known(known_at, "f")
    if most and not model.dialect.postgres:
        return _each_tested(wanted, marks, known, params)
    entries = f"SELECT DISTINCT f.aggregate FROM {{t:revision_partners}} f WHERE f.partner IN ({marks}) AND {known}"
    # PostgreSQL plans the join itself (and takes no ``ON`` after ``CROSS JOIN``); ``INDEXED BY`` names schema.py's key.
    join = "JOIN {t:contributions} c" if model.dialect.postgres else "CROSS JOIN {t:contributions} c INDEXED BY chrono_contributions_key"
    return f"({entries}) a {join} ON c.aggregate = a.aggregate", [*wanted, *params]


def _each_tested(wanted: list[str], marks: str, known: str, params: list[Any]) -> tuple[str, list[Any]]:
    """``contributions_of`` a family that holds most entries (``most``): every contribution tested for an
    entry of the family, in the order of the index of sums. Reading the family's entries first costs as
    much as reading every contribution of them, whatever metrics are asked; a family split over its
    metrics (``shares``) was read in full once per part: China's family, 84% of the bench's 100k, took
    1.55 s for each half of its metrics read from the family's entries, 0.76 s tested one by one."""
    family = f"SELECT 1 FROM {{t:revision_partners}} f WHERE f.aggregate = x.aggregate AND f.partner IN ({marks}) AND {known}"
    return f"(SELECT * FROM {{t:contributions}} x WHERE EXISTS ({family})) c", [*wanted, *params]


def sizes(read: Reads, wanted: frozenset[str] | None) -> dict[str, int]:
    """How many counted contributions each metric (as stored) has, of entries touching ``wanted``."""
    source, params = contributions_of(read.model, wanted, None)
    live, more = read.model.known(None, "c")
    rows = read.rows(f"SELECT c.metric, COUNT(*) AS n FROM {source} WHERE {live} AND c.counted = 1 GROUP BY c.metric", [*params, *more])
    return {str(row["metric"]): int(row["n"]) for row in rows}


def parts(model: Reader, known_at: datetime | None, wanted: frozenset[str] | None = None, metric: str | None = None) -> dict[Key, list[Part]]:
    """The counted contributions as known at ``known_at``, per counter; only those of
    entries touching ``wanted`` (a partner's family) and of ``metric`` if given."""
    source, params = contributions_of(model, wanted, known_at)
    known, more = model.known(known_at, "c")
    where, params = f"{known} AND c.counted = 1", [*params, *more]
    if metric is not None:
        where, params = where + " AND c.metric = ?", [*params, model.veil.hide(metric)]
    out: dict[Key, list[Part]] = defaultdict(list)
    query = f"SELECT {PART_COLUMNS} FROM {source} WHERE {where} ORDER BY c.order_key, c.entry, c.part"
    for part in as_parts(model.veil, model.plain(query, params)):
        out[part.key].append(part)
    return out


def by_counter(
    read: Reads, wanted: frozenset[str] | None, metric: str | None = None, stored: Sequence[str] | None = None, *, most: bool = False
) -> Iterator[tuple[Key, list[Part], Iterator[Part]]]:
    """Each counter's counted figures, and its happenings streamed (as recorded now; of entries
    touching ``wanted``, of ``metric``, of the metrics ``stored`` as the table holds them):
    a facet is made without holding a million contributions. ``most``: ``wanted`` is a family that
    holds most entries (``contributions_of``).

    One query, in counter order with each counter's figures first, so that a
    family's entries are looked up once, not once per counter. Counters come in
    the order of their stored (perhaps sealed) metric and unit: callers key
    what they make by counter, never rely on that order.
    """
    query, params = _in_counter_order(read, wanted, metric, stored, most=most)
    yield from _counters(as_parts(read.model.veil, read.stream(query, params)), _itself)


Touching = tuple[Part, str]  # a contribution, and the partner ids its entry's revision names (actors too), comma-joined


def by_counter_touching(read: Reads, stored: Sequence[str] | None = None) -> Iterator[tuple[Key, list[Touching], Iterator[Touching]]]:
    """``by_counter`` over every contribution, each with the partners its entry touches as partner or
    actor: the facets of several families made from one read of the table, each contribution handed to
    the families it touches (``totals_rows``), instead of one read of the table per family."""
    names = "string_agg(f.partner, ',')" if read.model.dialect.postgres else "group_concat(f.partner, ',')"
    touching = f"(SELECT {names} FROM {{t:revision_partners}} f WHERE f.aggregate = c.aggregate AND f.revision = c.revision)"
    query, params = _in_counter_order(read, None, None, stored, extra=touching)
    show = read.model.veil.show
    items = ((_part(show, row), str(row[-1] or "")) for row in read.stream(query, params))
    yield from _counters(items, _first)


def _in_counter_order(
    read: Reads, wanted: frozenset[str] | None, metric: str | None, stored: Sequence[str] | None, *, most: bool = False, extra: str = ""
) -> tuple[str, list[Any]]:  # fmt: skip
    """``by_counter``'s query: the counted contributions standing, a counter's figures first (``extra``: one more column)."""
    source, params = contributions_of(read.model, wanted, None, most=most)
    live, more = read.model.known(None, "c")  # the rows standing (or as they stood: ``stood``)
    where, params = f"{live} AND c.counted = 1", [*params, *more]
    if metric is not None:
        where, params = where + " AND c.metric = ?", [*params, read.model.veil.hide(metric)]
    if stored is not None:
        where, params = where + f" AND c.metric IN ({', '.join('?' for _ in stored)})", [*params, *stored]
    columns = f"{PART_COLUMNS}, {extra}" if extra else PART_COLUMNS
    return f"SELECT {columns} FROM {source} WHERE {where} ORDER BY c.metric, c.unit, CASE WHEN c.measure = 'event' THEN 1 ELSE 0 END", params


T = TypeVar("T")


def _counters(items: Iterator[T], part_of: Callable[[T], Part]) -> Iterator[tuple[Key, list[T], Iterator[T]]]:
    """Items in counter order, figures first, as each counter's figures and its happenings streamed."""
    rows = _Lookahead(items, part_of)
    while (first := rows.peek()) is not None:
        key = part_of(first).key
        figures = []
        while (item := rows.peek()) is not None and part_of(item).key == key and part_of(item).figure:
            figures.append(rows.take())
        yield key, figures, rows.while_key(key)


def _itself(part: Part) -> Part:
    return part


def _first(item: Touching) -> Part:
    return item[0]


class _Lookahead(Generic[T]):
    """An iterator one can peek at."""

    def __init__(self, items: Iterator[T], part_of: Callable[[T], Part]) -> None:
        self.items = items
        self.part_of = part_of
        self.next: T | None = next(items, None)

    def peek(self) -> T | None:
        return self.next

    def take(self) -> T:
        taken = self.next
        assert taken is not None
        self.next = next(self.items, None)
        return taken

    def while_key(self, key: Key) -> Iterator[T]:
        """The items up to the next counter (the caller reads them all before asking for it)."""
        part_of = self.part_of
        while self.next is not None and part_of(self.next).key == key:
            yield self.take()


def as_parts(veil: Veil, rows: Iterable[Sequence[Any]]) -> Iterator[Part]:
    """Rows of ``PART_COLUMNS`` (plain tuples: ``Reads.stream``, ``Reader.plain``) as parts, their
    metric, unit and values shown by ``veil``."""
    show = veil.show
    for row in rows:
        yield _part(show, row)


def _part(show: Callable[[str], str], row: Sequence[Any]) -> Part:
    """A row that starts with ``PART_COLUMNS`` as a part."""
    entry, kind, part, metric, unit, low, high, approximate, measure, edtf, earliest, latest, scope = row[:13]
    return Part(
        str(entry), str(kind), int(part), show(str(metric)), show(str(unit)), _decimal(show(str(low))),
        None if high is None else _decimal(show(str(high))), bool(approximate), str(measure), When.parse(str(edtf)),
        earliest, latest, _scope(scope),
    )  # fmt: skip


@lru_cache(maxsize=1 << 12)
def _decimal(text: str) -> Decimal:
    return Decimal(text)


@lru_cache(maxsize=1 << 16)  # a large chronicle has tens of thousands of scopes: a smaller cache thrashes
def _scope(text: str | None) -> tuple[str, ...]:
    return tuple(text.split(",")) if text else ()
