"""The audit of every read-model table: made again from the log, and compared row by row.

The reference is a read model made from the store's own stored events, byte
for byte, in a scratch SQLite file (so memory stays bounded however long the
log is), by the same code that made the stored one. The running totals and
the explained segments are made lazily, per facet, at the read model's
position of the time: each facet the store holds is made in the reference
at that same position. Then each table is read from both, in key order, a
row at a time, and the first differing row of each is named.

A facet whose totals were moved (``totals_pending``: steps not yet folded
in) is compared by the running totals it answers, day by day, rather than
row by row; its ``totals_keys`` must be the last row of its ``totals``.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs

from chrono.projections.rawlog import Raw, dialect_of, raw_log
from chrono.projections.schema import COLUMNS, Dialect

# Each compared table: the columns that identify a row (a prefix of its
# columns), and every column, in the order they are read.
_SUPERSEDED = ("superseded_at",)
TABLES: dict[str, tuple[int, tuple[str, ...]]] = {
    "revisions": (2, (*COLUMNS["revisions"], *_SUPERSEDED)),
    "revision_partners": (4, (*COLUMNS["revision_partners"], *_SUPERSEDED)),
    "partners": (2, (*COLUMNS["partners"], *_SUPERSEDED)),
    "contributions": (3, (*COLUMNS["contributions"], *_SUPERSEDED)),
    "tallies": (6, ("scope", "side", "kind", "status", "retracted", "year", "n")),
    "totals": (5, COLUMNS["totals"]),
    "totals_keys": (4, COLUMNS["totals_keys"]),
    "conflicts": (8, COLUMNS["conflicts"]),
    "members": (18, COLUMNS["members"]),
}
# Rows that say nothing: a count that went back to zero stays as a row where it was counted down.
_WHERE = {"tallies": "n <> 0"}
_FACET_TABLES = ("totals", "totals_keys")
_STATE_TABLES = ("revisions", "partners")


@attrs.frozen
class Difference:
    """The first row where a stored table and the one made from the log differ, and how many do."""

    table: str
    key: tuple[Any, ...]
    message: str
    count: int


class Unreadable(Exception):
    """The log could not be made into a read model (a damaged event): nothing to compare with."""


def compare(app: Any, progress: Callable[[int], None] | None = None, until: int | None = None) -> list[Difference]:
    """Every table of ``app``'s read model against one made from its log (up to position ``until``)."""
    with reference(app, progress, until) as scratch:
        return list(differences(app, scratch))


# -- the reference ---------------------------------------------------------------------------------------


@contextmanager
def reference(
    app: Any, progress: Callable[[int], None] | None = None, until: int | None = None, observer: Callable[[Any], None] | None = None
) -> Iterator[Any]:
    """A read model made from ``app``'s stored events (up to position ``until``: where its own read
    model stands) in a scratch store, with the facets ``app`` holds; ``observer`` is shown every
    revision as it is projected (``ReadModel.observer``)."""
    from chrono.events.application import Chronicle

    with tempfile.TemporaryDirectory(prefix="chrono-audit-") as directory:
        env = {key: str(value) for key, value in app.env.items() if key.startswith(("CIPHER_", "COMPRESSOR_"))}
        env |= {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(Path(directory) / "reference.sqlite")}
        scratch = Chronicle(env=env)
        try:
            _make(app, scratch, progress, until, observer)
            yield scratch
        finally:
            scratch.close()


def _make(app: Any, scratch: Any, progress: Callable[[int], None] | None, until: int | None, observer: Callable[[Any], None] | None) -> None:
    from chrono.projections.readmodel import ReadModel

    stages = _facets(app)
    model = ReadModel(scratch)
    model.observer = observer
    copied, made = 0, False
    for position in sorted(p for p in stages if until is None or p <= until):
        copied = _copy(app, scratch, copied, position, progress)
        _project(model, made)
        made = True
        for make in stages[position]:
            make(model)
    if _copy(app, scratch, copied, until, progress) > copied or not made:
        _project(model, made)


def _project(model: Any, made: bool) -> None:
    from chrono.projections.readmodel import retry_busy

    try:
        if made:
            model.catch_up()
        else:
            model.rebuild()
        retry_busy(model._recount)  # the entry counts settled as a query settles them (a rebuild leaves that to it)
    except Exception as error:  # a damaged event provokes whatever it provokes in the projection
        raise Unreadable(f"{type(error).__name__}: {error}") from error


def _copy(app: Any, scratch: Any, after: int, until: int | None, progress: Callable[[int], None] | None) -> int:
    """Copy the stored events after position ``after`` (up to ``until``) into the scratch store; the last copied."""
    statement = "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?, ?)"
    batch: list[tuple[Any, ...]] = []
    last = after

    def flush() -> None:
        with scratch.recorder.datastore.transaction(commit=True) as cursor:
            cursor.executemany(statement, batch)
        if progress is not None:
            progress(len(batch))
        batch.clear()

    for raw in raw_log(app, after + 1):
        if until is not None and raw.id > until:
            break
        batch.append(_row(raw))
        last = raw.id
        if len(batch) >= 2000:
            flush()
    if batch:
        flush()
    return last


def _row(raw: Raw) -> tuple[Any, ...]:
    originator = raw.originator_id
    # SQLite keeps ids as hex text (PostgreSQL as uuid): as eventsourcing's SQLite recorder writes them
    return (raw.id, originator.hex if isinstance(originator, UUID) else originator, raw.originator_version, raw.topic, raw.state)


def _facets(app: Any) -> dict[int, list[Callable[[Any], None]]]:
    """The facets the store holds, by the position they were made at, each as how to make it."""
    from chrono.projections import veil
    from chrono.projections.reader import NAME

    dialect = dialect_of(app)
    stages: dict[int, list[Callable[[Any], None]]] = {}
    for name, position in _rows(app, dialect, "SELECT name, position FROM {t:tracking} ORDER BY name"):
        made = _facet_maker(str(name), NAME, veil.of(app))
        if made is not None and type(position) is int and position >= 0:
            stages.setdefault(position, []).append(made)
    return stages


def _facet_maker(name: str, layout: str, codec: Any) -> Callable[[Any], None] | None:
    """How to make the facet a tracking row names (its metric as ``codec``, the store's ``veil``, hides it)."""
    from chrono.errors import StoreDamaged
    from chrono.projections import members, totals

    if name.startswith(f"{layout}/totals/"):
        facet = _facet(name.removeprefix(f"{layout}/totals/"))
        return None if facet is None else (lambda model: totals.refresh(model, facet))
    if name.startswith(f"{layout}/members/"):
        spec, _, stored = name.removeprefix(f"{layout}/members/").partition("/")
        facet = _facet(spec)
        try:
            metric = codec.show(stored)
        except StoreDamaged:  # a name chrono did not seal: made from the log, it is not there (its rows differ)
            return None
        if facet is None or not metric:
            return None
        return lambda model: members.refresh(model, spec, facet.partner, metric)
    return None


def _facet(spec: str) -> Any:
    from chrono.projections.facets import Facet

    fields = dict(item.partition("=")[::2] for item in spec.split(";") if item)
    if set(fields) - {"partner", "by"}:
        return None
    facet = Facet(fields.get("partner"), fields.get("by"))
    return facet if facet.name == spec else None


def made(scratch: Any) -> Iterator[tuple[str, list[str], Iterator[tuple[Any, ...]]]]:
    """Every derived table of the ``reference``: its name, its columns and its rows, streamed (``ReadModel.adopt``)."""
    from chrono.projections.schema import DERIVED

    dialect = dialect_of(scratch)
    for table in DERIVED:
        with scratch.recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(dialect.sql(f"SELECT * FROM {{t:{table}}} LIMIT 0"))
            columns = [str(column[0]) for column in getattr(cursor, "sqlite_cursor", cursor).description]
        yield table, columns, _rows(scratch, dialect, f"SELECT {', '.join(columns)} FROM {{t:{table}}}")


def made_positions(scratch: Any) -> dict[str, int]:
    """The positions the ``reference``'s tables were made at (the read model's, and each facet's)."""
    from chrono.projections.reader import NAME

    rows = _rows(scratch, dialect_of(scratch), "SELECT name, position FROM {t:tracking} WHERE name = ? OR name LIKE ?", [NAME, f"{NAME}/%"])
    return {str(name): int(position) for name, position in rows if str(name).startswith((NAME + "/totals/", NAME + "/members/")) or name == NAME}


# -- the comparison --------------------------------------------------------------------------------------


def differences(app: Any, scratch: Any) -> Iterator[Difference]:
    """Each table's first differing row, between ``app``'s store and the ``reference`` made from its log."""
    moved = _moved(app)
    plain = {"stored": _plain(app), "made": _plain(scratch)}
    conditions = compared(app)
    same = same_tables(app, scratch, conditions)
    for table, (width, columns) in TABLES.items():
        if table in same:
            continue
        where, params = conditions[table]
        found = _merge(
            table, width, columns,
            _table(app, table, (where, params), plain["stored"]),
            _table(scratch, table, (where, params), plain["made"]),
        )  # fmt: skip
        if found is not None:
            yield found
    for facet in sorted(moved):
        found = _moved_facet(app, scratch, facet)
        if found is not None:
            yield found
    yield from _seals(app)


def compared(app: Any) -> dict[str, tuple[str, list[Any]]]:
    """The rows of each table that are compared row by row (a WHERE clause and its parameters): all
    but a count back at zero, and the running totals of a facet with pending steps (compared by answer)."""
    moved = _moved(app)
    out: dict[str, tuple[str, list[Any]]] = {}
    for table in TABLES:
        if table in _FACET_TABLES and moved:
            out[table] = (f"facet NOT IN ({', '.join('?' for _ in moved)})", sorted(moved))
        else:
            out[table] = (_WHERE.get(table, ""), [])
    return out


def _moved(app: Any) -> set[str]:
    return {str(row[0]) for row in _rows(app, dialect_of(app), "SELECT DISTINCT facet FROM {t:totals_pending}")}


def same_tables(app: Any, scratch: Any, conditions: dict[str, tuple[str, list[Any]]]) -> set[str]:
    """The tables whose compared rows are the same in both stores, row for row, as SQLite itself finds
    (two plain SQLite files); the rest, and every table of other stores, are compared row by row in Python,
    which names the first difference. Reading a million rows into Python to find none took most of an audit."""
    mine, theirs = _sqlite_file(app), _sqlite_file(scratch)
    if mine is None or theirs is None or getattr(app.mapper, "cipher", None) is not None:
        return set()  # an encrypted snapshot differs from an equal one in every byte: compared by what it encrypts
    same: set[str] = set()
    with closing(sqlite3.connect(f"{mine.as_uri()}?mode=ro", uri=True)) as db:
        try:
            db.execute("ATTACH DATABASE ? AS made", (f"{theirs.as_uri()}?mode=ro",))
        except sqlite3.Error:
            return same
        for table, (where, params) in conditions.items():
            if _same(db, table, where, params):
                same.add(table)
    return same


def _same(db: sqlite3.Connection, table: str, where: str, params: list[Any]) -> bool:
    """Whether ``table`` holds the same rows, each as many times, in the main and the ``made`` database."""
    width, columns = TABLES[table]
    cond = f" WHERE {where}" if where else ""
    if width == len(columns):  # no key: each distinct row and how many times it is there, both ways
        listed = ", ".join(columns)
        grouped = [f"SELECT {listed}, count(*) FROM {name}.chrono_{table}{cond} GROUP BY {listed}" for name in ("main", "made")]
        query = f"SELECT NOT (EXISTS ({grouped[0]} EXCEPT {grouped[1]}) OR EXISTS ({grouped[1]} EXCEPT {grouped[0]}))"
        return _answer(db, query, params * 4) == (1,)
    # A key the made table holds once per row: as many rows, each stored row made (looked up by its
    # key), and no key stored twice, is the same rows, without sorting whole rows.
    equal = " AND ".join(f"b.{column} IS a.{column}" for column in columns)
    query = (
        f"SELECT (SELECT count(*) FROM main.chrono_{table}{cond}), (SELECT count(*) FROM made.chrono_{table}{cond}),"
        f" (SELECT count(*) FROM main.chrono_{table} AS a WHERE {where or 1} AND EXISTS (SELECT 1 FROM made.chrono_{table} AS b WHERE {equal})),"
        f" (SELECT count(*) FROM (SELECT DISTINCT {', '.join(columns[:width])} FROM main.chrono_{table}{cond}))"
    )
    found = _answer(db, query, params * 4)
    return found is not None and len(set(found)) == 1


def _answer(db: sqlite3.Connection, query: str, params: list[Any]) -> tuple[Any, ...] | None:
    try:
        return tuple(db.execute(query, params).fetchone())
    except sqlite3.Error:  # a damaged table: the row by row comparison says how
        return None


def _sqlite_file(app: Any) -> Path | None:
    """The file of ``app``'s SQLite store (None for PostgreSQL or a store in memory)."""
    if dialect_of(app).postgres:
        return None
    name = str(app.env.get("SQLITE_DBNAME", ""))
    if not name or name.startswith("file:") or ":memory:" in name:
        return None
    path = Path(name)
    return path if path.is_absolute() and path.is_file() else None


def _seals(app: Any) -> Iterator[Difference]:
    """Each facet's seal against its rows and its tracking row (``seals``): a change to rows that a
    query would make again, or to the position they were made at, is found before it could be erased."""
    from chrono.projections import seals
    from chrono.projections.reader import NAME

    dialect = dialect_of(app)
    with app.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(dialect.sql("SELECT name, position FROM {t:tracking} WHERE name LIKE ? OR name LIKE ?"), (f"{NAME}/totals/%", f"{NAME}/members/%"))
        tracked = {str(row["name"]): row["position"] for row in cursor.fetchall()}
        cursor.execute(dialect.sql("SELECT name FROM {t:seals}"))
        names = sorted(set(tracked) | {str(row["name"]) for row in cursor.fetchall()})
        for name in names:
            if name.startswith(f"{NAME}/totals/"):
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


def _merge(table: str, width: int, columns: Sequence[str], stored: Iterator[tuple[Any, ...]], made: Iterator[tuple[Any, ...]]) -> Difference | None:
    """The first difference of two row streams in key order, and how many rows differ."""
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
            changed = [f"{c} is {_shown(a)}, the log gives {_shown(b)}" for c, a, b in zip(columns, mine, theirs, strict=True) if a != b]
            note = (mine[:width], "; ".join(changed))
            mine, theirs = next(stored, None), next(made, None)
        count += 1
        first = first or note
    if first is None:
        return None
    key, what = first
    named = ", ".join(f"{c}={_shown(v)}" for c, v in zip(columns, key, strict=False))
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


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _table(app: Any, table: str, condition: tuple[str, Sequence[Any]], plain: Callable[[Any], Any]) -> Iterator[tuple[Any, ...]]:
    """A table's rows in key order (those meeting ``condition``: a WHERE clause and its parameters)."""
    dialect = dialect_of(app)
    width, columns = TABLES[table]
    where, params = condition
    collate = ' COLLATE "C"' if dialect.postgres else ""
    order = ", ".join(f"{c}{collate if _text(c) else ''}" for c in columns[:width])
    query = f"SELECT {', '.join(columns)} FROM {{t:{table}}}{f' WHERE {where}' if where else ''} ORDER BY {order}"
    state = columns.index("state") if table in _STATE_TABLES else -1
    for row in _rows(app, dialect, query, params):
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


def _rows(app: Any, dialect: Dialect, query: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
    """The rows of a query, streamed in one read (SQLite's cursor, PostgreSQL's server-side one)."""
    with app.recorder.datastore.transaction(commit=False) as cursor:
        if dialect.postgres:
            with cursor.connection.cursor(name=f"chrono_audit_{id(query)}") as named:
                named.execute(dialect.sql(query), tuple(params))
                while chunk := named.fetchmany(5000):
                    yield from (tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in chunk)
            return
        own = getattr(cursor, "sqlite_cursor", cursor).connection.cursor()
        try:
            own.execute(dialect.sql(query), tuple(params))
            while chunk := own.fetchmany(5000):
                yield from (tuple(row) for row in chunk)
        finally:
            own.close()


# -- moved facets ----------------------------------------------------------------------------------------

_FIELDS = ("definite", "possible", "high", "open_highs", "approx", "n_definite", "n_possible", "n_covered")


def _moved_facet(app: Any, scratch: Any, facet: str) -> Difference | None:
    """A facet with pending steps: the running totals it answers, against the ones made from the log."""
    from chrono.errors import StoreDamaged
    from chrono.projections import veil

    stored, made = dialect_of(app), dialect_of(scratch)
    fields = ", ".join(_FIELDS)
    show = veil.of(app).show  # the sums as stored (sealed, in an encrypted store): both stores' keys are one
    try:
        base = _series(_rows(app, stored, f"SELECT grp, metric, unit, day, {fields} FROM {{t:totals}} WHERE facet = ?", [facet]), show)
        steps = _series(_rows(app, stored, f"SELECT grp, metric, unit, day, {fields} FROM {{t:totals_pending}} WHERE facet = ?", [facet]), show, add=True)
        theirs = _series(_rows(scratch, made, f"SELECT grp, metric, unit, day, {fields} FROM {{t:totals}} WHERE facet = ?", [facet]), show)
    except (InvalidOperation, TypeError, ValueError, StoreDamaged) as error:
        return Difference("totals", (facet,), f"chrono_totals and chrono_totals_pending of facet {facet!r} cannot be read ({type(error).__name__})", 1)
    keys_row = _rows(app, stored, f"SELECT grp, metric, unit, last_day, {fields} FROM {{t:totals_keys}} WHERE facet = ?", [facet])
    lasts = {tuple(row[:3]): tuple(row[3:]) for row in keys_row}
    raw_last = {}
    for row in _rows(app, stored, f"SELECT grp, metric, unit, day, {fields} FROM {{t:totals}} WHERE facet = ? ORDER BY grp, metric, unit, day", [facet]):
        raw_last[tuple(row[:3])] = tuple(row[3:])
    if lasts != raw_last:
        key = min(set(lasts) ^ set(raw_last) or {k for k in lasts if lasts[k] != raw_last.get(k)}, key=_order)
        return Difference(
            "totals_keys",
            (facet, *key),
            f"chrono_totals_keys row (facet={facet!r}, grp={key[0]!r}, metric={key[1]!r}, unit={key[2]!r}) is not the last row of its totals",
            1,
        )
    mine = _effective(base, steps)
    wanted = _effective(theirs, {})
    for key in sorted(set(mine) | set(wanted), key=_order):
        if mine.get(key, []) != wanted.get(key, []):
            return Difference(
                "totals",
                (facet, *key),
                f"chrono_totals and chrono_totals_pending of facet {facet!r}, counter {key[1]} ({key[2]}) group {key[0]!r}:"
                " the running totals with their pending steps differ from the log's",
                1,
            )
    return None


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
