"""The audit of every read-model table: each compared, in key order, with the reference made from the log.

Each table is read from the store and from the ``reference`` (a read model
made from the store's own log), in key order, a row at a time, and the first
differing row of each is named; two plain SQLite stores are first compared
by SQLite itself (``compared.same_tables``), and only a table that differs is
read row by row.

A facet whose totals were moved (``totals_pending``: steps not yet folded
in) is compared by the running totals it answers, day by day, rather than
row by row; its ``totals_keys`` must be the last row of its ``totals``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from chrono.projections.compared import TABLES, compared, moved, same_tables
from chrono.projections.rawlog import dialect_of, streamed

_STATE_TABLES = ("revisions", "partners")


@attrs.frozen
class Difference:
    """The first row where a stored table and the one made from the log differ, and how many do."""

    table: str
    key: tuple[Any, ...]
    message: str
    count: int


# -- the comparison --------------------------------------------------------------------------------------


def differences(app: Any, scratch: Any, only: Collection[str] | None = None) -> Iterator[Difference]:
    """Each table's first differing row, between ``app``'s store and the ``reference`` made from its log
    (of the tables ``only`` names, if given: the moved facets and the seals are always compared)."""
    from chrono.projections import veil

    pending = moved(app)
    plain = {"stored": _plain(app), "made": _plain(scratch)}
    shown = _opened(veil.of(app))
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
        if found is not None:
            same.discard(table)
            yield found
        else:
            same.add(table)
    for facet in sorted(pending.facets):
        found = _moved_facet(app, scratch, facet, pending.of(facet))
        if found is not None:
            yield found
    yield from seal_differences(app, _made_digests(scratch, same, pending.facets))


def _made_digests(scratch: Any, same: set[str], pending: Collection[str]) -> dict[str, int]:
    """The seals' digests the reference made of the running totals that the store holds row for row
    (every table of a facet found the same, and the facet not moved): the sum of the hashes of the
    store's rows is theirs, and need not be worked out again (a second of an audit at 100k entries)."""
    from chrono.projections import seals
    from chrono.projections.reader import NAME

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
    from chrono.projections.reader import NAME

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
    named_as = shown or _plainly
    first: tuple[tuple[Any, ...], str] | None = None
    count = 0
    mine, theirs = next(stored, None), next(made, None)
    while mine is not None or theirs is not None:
        if mine is not None and (theirs is None or _before(mine[:width], theirs[:width])):
            note = (mine[:width], "is in the store but not in a read model made from the log")
            mine = next(stored, None)
        elif theirs is not None and (mine is None or _before(theirs[:width], mine[:width])):
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


def _before(first: tuple[Any, ...], second: tuple[Any, ...]) -> bool:
    """Whether key ``first`` sorts before ``second`` as SQL sorts them."""
    try:
        return first < second  # the keys of an undamaged table: values of one type per column
    except TypeError:
        return _order(first) < _order(second)


def _order(key: tuple[Any, ...]) -> tuple[tuple[int, Any], ...]:
    """A key as SQL orders it: NULL, numbers, text, bytes (so that a damaged value of another type compares)."""
    return tuple(_ranked(value) for value in key)


def _ranked(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, bool | int | float):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, bytes(value))


def _plainly(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _opened(codec: Any) -> Callable[[Any], str]:
    """How a value is named in a finding: an encrypted store's sealed text by what it says, so that
    the auditor (who holds the key) reads the figure, not its ciphertext (``veil``)."""
    from chrono.errors import StoreDamaged
    from chrono.projections.veil import MARK

    if not codec.sealed:
        return _plainly

    def shown(value: Any) -> str:
        if not isinstance(value, str) or not value.startswith(MARK):
            return _plainly(value)
        try:
            return f"{_plainly(codec.show(value))} (sealed)"
        except StoreDamaged:
            return f"{_plainly(value)} (a text the store's key did not seal)"

    return shown


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


# -- moved facets ----------------------------------------------------------------------------------------


_FIELDS = ("definite", "possible", "high", "open_highs", "approx", "n_definite", "n_possible", "n_covered")


def _moved_facet(app: Any, scratch: Any, facet: str, only: Collection[tuple[str, str, str]] | None) -> Difference | None:
    """A facet with pending steps: the running totals it answers, against the ones made from the log
    (of its counters ``only``, if given: the rest are compared row by row, ``compared.Moved``)."""
    from chrono.errors import StoreDamaged
    from chrono.projections import veil

    stored, made = dialect_of(app), dialect_of(scratch)
    fields = ", ".join(_FIELDS)
    codec = veil.of(app)  # the sums as stored (sealed, in an encrypted store): both stores' keys are one
    show, named_as = codec.show, _opened(codec)
    lasts, raw_last = _lasts(app, facet, only)
    if lasts != raw_last:
        key = min(set(lasts) ^ set(raw_last) or {k for k in lasts if lasts[k] != raw_last.get(k)}, key=_order)
        return Difference(
            "totals_keys",
            (facet, *key),
            f"chrono_totals_keys row (facet={facet!r}, grp={key[0]!r}, metric={named_as(key[1])}, unit={named_as(key[2])}) is not the last row of its totals",
            1,
        )
    # One counter at a time: a million entries' facet holds hundreds of thousands of rows.
    counters = set(only) if only is not None else {
        tuple(row) for app_, dialect, table in ((app, stored, "totals"), (app, stored, "totals_pending"), (scratch, made, "totals"))
        for row in streamed(app_, dialect, f"SELECT DISTINCT grp, metric, unit FROM {{t:{table}}} WHERE facet = ?", [facet])
    }  # fmt: skip
    for key in sorted(counters, key=_order):
        where = "WHERE facet = ? AND grp = ? AND metric = ? AND unit = ?"
        try:
            base = _series(streamed(app, stored, f"SELECT grp, metric, unit, day, {fields} FROM {{t:totals}} {where}", [facet, *key]), show)
            steps = _series(streamed(app, stored, f"SELECT grp, metric, unit, day, {fields} FROM {{t:totals_pending}} {where}", [facet, *key]), show, add=True)
            theirs = _series(streamed(scratch, made, f"SELECT grp, metric, unit, day, {fields} FROM {{t:totals}} {where}", [facet, *key]), show)
        except (InvalidOperation, TypeError, ValueError, StoreDamaged) as error:
            return Difference("totals", (facet,), f"chrono_totals and chrono_totals_pending of facet {facet!r} cannot be read ({type(error).__name__})", 1)
        if _effective(base, steps).get(key, []) != _effective(theirs, {}).get(key, []):
            return Difference(
                "totals",
                (facet, *key),
                f"chrono_totals and chrono_totals_pending of facet {facet!r}, counter {named_as(key[1])} ({named_as(key[2])}) group {key[0]!r}:"
                " the running totals with their pending steps differ from the log's",
                1,
            )
    return None


def _lasts(app: Any, facet: str, only: Collection[tuple[str, str, str]] | None) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """Each counter's ``totals_keys`` row, and the last row of its totals (of the counters ``only``, if given)."""
    dialect, fields = dialect_of(app), ", ".join(_FIELDS)
    scopes = [("facet = ?", [facet])] if only is None else [("facet = ? AND grp = ? AND metric = ? AND unit = ?", [facet, *key]) for key in sorted(only)]
    lasts: dict[Any, Any] = {}
    raw_last: dict[Any, Any] = {}
    for where, params in scopes:
        for row in streamed(app, dialect, f"SELECT grp, metric, unit, last_day, {fields} FROM {{t:totals_keys}} WHERE {where}", params):
            lasts[tuple(row[:3])] = tuple(row[3:])
        for row in streamed(app, dialect, f"SELECT grp, metric, unit, day, {fields} FROM {{t:totals}} WHERE {where} ORDER BY grp, metric, unit, day", params):
            raw_last[tuple(row[:3])] = tuple(row[3:])
    return lasts, raw_last


def _series(rows: Iterator[tuple[Any, ...]], show: Callable[[str], str], add: bool = False) -> dict[tuple[Any, ...], dict[int, list[Any]]]:
    out: dict[tuple[Any, ...], dict[int, list[Any]]] = {}
    for row in rows:
        by_day = out.setdefault(tuple(row[:3]), {})
        values = [_decimal(show(v)) for v in row[4:7]] + [int(v) for v in row[7:]]
        current = by_day.get(int(row[3]))
        by_day[int(row[3])] = values if current is None or not add else [a + b for a, b in zip(current, values, strict=True)]
    return out


def _decimal(text: Any) -> Decimal:
    value = Decimal(str(text))
    if str(value) != text:  # only the text chrono writes: "1." or "01" is not a total it made
        raise ValueError(f"{text!r} is not a total as chrono writes it")
    return value


def _effective(base: dict[Any, dict[int, list[Any]]], steps: dict[Any, dict[int, list[Any]]]) -> dict[Any, list[tuple[int, tuple[Any, ...]]]]:
    """Each counter's running totals at the days they change: the stored values plus the pending steps up to each day."""
    out: dict[Any, list[tuple[int, tuple[Any, ...]]]] = {}
    for key in set(base) | set(steps):
        totals, pending = base.get(key, {}), steps.get(key, {})
        value: tuple[Any, ...] = (Decimal(0),) * 3 + (0,) * 5
        total: list[Any] = list(value)
        added: list[Any] = list(value)
        changes: list[tuple[int, tuple[Any, ...]]] = []
        for day in sorted(set(totals) | set(pending)):
            if day in totals:
                total = totals[day]
            if day in pending:
                added = [a + b for a, b in zip(added, pending[day], strict=True)]
            now = tuple(a + b for a, b in zip(total, added, strict=True))
            if now != value:
                changes.append((day, now))
                value = now
        if changes:
            out[key] = changes
    return out
