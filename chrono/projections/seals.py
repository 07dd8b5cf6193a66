"""Seals over the lazily made tables: so that making them again never erases a change unseen.

Running totals (``totals``, ``totals_keys``, ``totals_pending``,
``conflicts``) and explained segments (``members``) are made per facet when
first asked for, moved or made again later, their old rows deleted. A change
made by hand to rows about to be deleted would vanish with them, so each
facet's rows carry a seal: the sum of a hash of every row it wrote (a sum,
so that moved totals add their pending steps' hashes) and the position they
were made at. Before the rows are deleted the seal is checked, and a broken
one is logged as an incident (``ledger``) that every audit reports until
accepted; the audit checks every seal too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from hashlib import sha256
from typing import Any

from chrono.projections import ledger
from chrono.projections.schema import COLUMNS, Dialect

MODULUS = 1 << 128
TOTALS = ("totals", "totals_keys", "totals_pending", "conflicts")


def row_sum(table: str, rows: Iterable[Sequence[Any]], *, stored: bool = False) -> int:
    """The sum of the rows' hashes (each over its table's name and its values as stored). ``stored``:
    the rows hold only what the store gives back as it is (text, integers, None): running totals made
    here, 800,000 rows at a million entries, are not looked at value by value (``as_stored``)."""
    total = 0
    for row in rows:
        text = repr((table, *row)) if stored else repr((table, *as_stored(row)))
        total += int.from_bytes(sha256(text.encode("utf-8", "backslashreplace")).digest()[:16], "big")
    return total % MODULUS


def as_stored(row: Sequence[Any]) -> tuple[Any, ...]:
    """A row made in Python as the store gives it back: a bool column an integer, a memoryview bytes."""
    return tuple(_stored(value) for value in row)


def _stored(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def seal(cursor: Any, dialect: Dialect, name: str, position: int, digest: int, *, since: int | None = None) -> None:
    """Set the seal of the rows made under the tracking row ``name``; with ``since`` (the position
    they were moved from), add ``digest`` to it, once it is found to be the seal of that position."""
    if since is not None:
        cursor.execute(dialect.sql("SELECT position, digest FROM {t:seals} WHERE name = ?"), (name,))
        row = cursor.fetchone()
        if row is None or row["position"] != since:
            ledger.incident_in(cursor, dialect, f"moved over changed rows: the seal of {name} is not the seal of position {since}")
        try:
            digest = (digest + (int(row["digest"], 16) if row is not None else 0)) % MODULUS
        except ValueError:  # a seal changed by hand: the audit finds the rows no longer match it
            digest = 0
    upsert = (
        "INSERT INTO {t:seals} (name, position, digest) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET position = excluded.position, digest = excluded.digest"
    )
    cursor.execute(dialect.sql(upsert), (name, position, f"{digest:032x}"))


def rows_of(cursor: Any, dialect: Dialect, table: str, where: str, params: Sequence[Any]) -> int:
    """The sum of the hashes of the rows of ``table`` that meet ``where``, as stored now (read a chunk at a time)."""
    real = getattr(cursor, "sqlite_cursor", cursor)  # eventsourcing's SQLite cursor has no fetchmany
    real.execute(dialect.sql(f"SELECT {', '.join(COLUMNS[table])} FROM {{t:{table}}} WHERE {where}"), tuple(params))
    total = 0
    while chunk := real.fetchmany(5000):
        total += row_sum(table, (tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in chunk))
    return total % MODULUS


def totals_sum(cursor: Any, dialect: Dialect, facet: str) -> int:
    return sum(rows_of(cursor, dialect, table, "facet = ?", [facet]) for table in TOTALS) % MODULUS


def members_sum(cursor: Any, dialect: Dialect, facet: str, metric: str) -> int:
    return rows_of(cursor, dialect, "members", "facet = ? AND metric = ?", [facet, metric])


def broken(cursor: Any, dialect: Dialect, name: str, position: int | None, digest: int) -> str | None:
    """Why the seal of ``name`` does not hold for rows summing to ``digest`` made at ``position`` (None: it holds, or there is none)."""
    cursor.execute(dialect.sql("SELECT position, digest FROM {t:seals} WHERE name = ?"), (name,))
    row = cursor.fetchone()
    if row is None:
        return None if digest == 0 else f"rows of {name} that no seal covers"
    if position is not None and row["position"] != position:
        return f"the position of {name} is {position}, its rows were made at {row['position']}"
    if str(row["digest"]) != f"{digest:032x}":
        return f"the rows of {name} are not the rows chrono wrote"
    return None


def check_before_forgetting(cursor: Any, dialect: Dialect, name: str, position: int | None, digest: int) -> None:
    """Before rows are deleted to be made again: log a broken seal (the audit reports it until accepted)."""
    why = broken(cursor, dialect, name, position, digest)
    if why is not None:
        ledger.incident_in(cursor, dialect, f"made again over changed rows: {why}")
