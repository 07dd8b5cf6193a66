"""The audit of every read-model table: each compared, in key order, with the reference made from the log.

Each table is read from the store and from the ``reference`` (a read model
made from the store's own log), in key order, a row at a time, and the first
differing row of each is named; two plain SQLite stores are first compared
by SQLite itself (``compared.same_tables``), and only a table that differs is
read row by row.

The counters of a facet whose totals were moved (``totals_pending``: steps
not yet folded in) that the steps touched are compared by the running totals
they answer (``audit_moved``); every facet's seal is checked against its rows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any

from chrono.projections.audit_moved import moved_facet
from chrono.projections.compared import TABLES, compared, moved, same_tables
from chrono.projections.difference import Difference, before, opened, plainly
from chrono.projections.rawlog import dialect_of, streamed

_STATE_TABLES = ("revisions", "partners")


# -- the comparison --------------------------------------------------------------------------------------


def differences(app: Any, scratch: Any, only: Collection[str] | None = None) -> Iterator[Difference]:
    """Each table's first differing row, between ``app``'s store and the ``reference`` made from its log
    (of the tables ``only`` names, if given: the moved facets and the seals are always compared)."""
    from chrono.projections import veil

    pending = moved(app)
    plain = {"stored": _plain(app), "made": _plain(scratch)}
    shown = opened(veil.of(app))
    conditions = {table: condition for table, condition in compared(app, pending).items() if only is None or table in only}
    same = same_tables(app, scratch, conditions)
    for table, (width, columns) in TABLES.items():
        if table in same or table not in conditions:
            continue
        where, params = conditions[table]
        found = _merge(
            table, width, columns,
            _table(app, table, (where, params), plain["stored"]),
            _table(scratch, table, (where, params), plain["made"]), shown=shown,
        )  # fmt: skip
        if found is None:
            same.add(table)
        else:
            yield found
    for facet in sorted(pending.facets):
        found = moved_facet(app, scratch, facet, pending.of(facet))
        if found is not None:
            yield found
    yield from seal_differences(app, _made_digests(scratch, same, pending.facets))


def _made_digests(scratch: Any, same: set[str], pending: Collection[str]) -> dict[str, int]:
    """The seals' digests the reference made of the running totals that the store holds row for row
    (every table of a facet found the same, and the facet not moved): the sum of the hashes of the
    store's rows is theirs, and need not be worked out again (a second of an audit at 100k entries)."""
    from chrono.projections import seals
    from chrono.projections.schema import NAME

    if not {"totals", "totals_keys", "conflicts"} <= same:
        return {}
    moved_names = {f"{NAME}/totals/{facet}" for facet in pending}
    rows = streamed(scratch, dialect_of(scratch), "SELECT name, digest FROM {t:seals} WHERE name LIKE ?", [f"{NAME}/totals/%"])
    return {str(name): int(str(digest), 16) % seals.MODULUS for name, digest in rows if str(name) not in moved_names}


def seal_differences(app: Any, made: Mapping[str, int] | None = None) -> Iterator[Difference]:
    """Each facet's seal against its rows and its tracking row (``seals``): a change to rows that a
    query would make again, or to the position they were made at, is found before it could be erased.
    ``made``: the digests of facets whose rows are known to be the reference's (``_made_digests``)."""
    from chrono.projections import seals
    from chrono.projections.schema import NAME

    dialect = dialect_of(app)
    with app.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(dialect.sql("SELECT name, position FROM {t:tracking} WHERE name LIKE ? OR name LIKE ?"), (f"{NAME}/totals/%", f"{NAME}/members/%"))
        tracked = {str(row["name"]): row["position"] for row in cursor.fetchall()}
        cursor.execute(dialect.sql("SELECT name FROM {t:seals}"))
        names = sorted(set(tracked) | {str(row["name"]) for row in cursor.fetchall()})
        for name in names:
            if made is not None and name in made:
                digest = made[name]
            elif name.startswith(f"{NAME}/totals/"):
                digest = seals.totals_sum(cursor, dialect, name.removeprefix(f"{NAME}/totals/"))
            else:
                facet, _, metric = name.removeprefix(f"{NAME}/members/").partition("/")
                digest = seals.members_sum(cursor, dialect, facet, metric)
            why = seals.broken(cursor, dialect, name, tracked.get(name), digest)
            if why is None and name not in tracked:
                cursor.execute(dialect.sql("SELECT position FROM {t:seals} WHERE name = ?"), (name,))
                why = None if cursor.fetchone() is None else f"the tracking row of {name} is gone, its sealed rows are not"
            if why is None and name in tracked:
                cursor.execute(dialect.sql("SELECT 1 FROM {t:seals} WHERE name = ?"), (name,))
                why = None if cursor.fetchone() is not None or digest == 0 else f"rows of {name} that no seal covers"
            if why is not None:
                yield Difference("seals", (name,), f"chrono_seals: {why}", 1)


def _merge(
    table: str, width: int, columns: Sequence[str], stored: Iterator[tuple[Any, ...]], made: Iterator[tuple[Any, ...]],
    *, shown: Callable[[Any], str] | None = None,
) -> Difference | None:  # fmt: skip
    """The first difference of two row streams in key order, and how many rows differ."""
    named_as = shown or plainly
    first: tuple[tuple[Any, ...], str] | None = None
    count = 0
    mine, theirs = next(stored, None), next(made, None)
    while mine is not None or theirs is not None:
        if mine is not None and (theirs is None or before(mine[:width], theirs[:width])):
            note = (mine[:width], "is in the store but not in a read model made from the log")
            mine = next(stored, None)
        elif theirs is not None and (mine is None or before(theirs[:width], mine[:width])):
            note = (theirs[:width], "is missing from the store")
            theirs = next(made, None)
        else:
            assert mine is not None and theirs is not None
            if mine == theirs:
                mine, theirs = next(stored, None), next(made, None)
                continue
            changed = [f"{c} is {named_as(a)}, the log gives {named_as(b)}" for c, a, b in zip(columns, mine, theirs, strict=True) if a != b]
            note = (mine[:width], "; ".join(changed))
            mine, theirs = next(stored, None), next(made, None)
        count += 1
        first = first or note
    if first is None:
        return None
    key, what = first
    named = ", ".join(f"{c}={named_as(v)}" for c, v in zip(columns, key, strict=False))
    more = f" ({count} rows differ)" if count > 1 else ""
    return Difference(table, key, f"chrono_{table} row ({named}): {what}{more}", count)


def _table(app: Any, table: str, condition: tuple[str, Sequence[Any]], plain: Callable[[Any], Any]) -> Iterator[tuple[Any, ...]]:
    """A table's rows in key order (those meeting ``condition``: a WHERE clause and its parameters)."""
    dialect = dialect_of(app)
    width, columns = TABLES[table]
    where, params = condition
    collate = ' COLLATE "C"' if dialect.postgres else ""
    order = ", ".join(f"{c}{collate if _text(c) else ''}" for c in columns[:width])
    query = f"SELECT {', '.join(columns)} FROM {{t:{table}}}{f' WHERE {where}' if where else ''} ORDER BY {order}"
    state = columns.index("state") if table in _STATE_TABLES else -1
    for row in streamed(app, dialect, query, params):
        values = tuple(row)
        if state >= 0:
            values = (*values[:state], plain(values[state]), *values[state + 1 :])
        yield values


def _text(column: str) -> bool:
    return column not in {"revision", "part", "retracted", "year", "day", "last_day", "start_day", "end_day", "earliest", "latest",
                          "position", "whole", "approximate", "counted", "n", "open_highs", "approx", "n_definite",
                          "n_possible", "n_covered"}  # fmt: skip


def _plain(app: Any) -> Callable[[Any], Any]:
    """A stored snapshot's plain bytes: an encrypted one is compared by what it encrypts (each encryption differs)."""
    cipher = getattr(app.mapper, "cipher", None)
    if cipher is None:
        return lambda state: state

    def plain(state: Any) -> Any:
        if not isinstance(state, bytes | bytearray | memoryview):
            return state
        try:
            return ("decrypted", cipher.decrypt(bytes(state)))
        except Exception:  # a damaged ciphertext fails its authentication: it differs from any made one
            return ("undecryptable", bytes(state))

    return plain
