"""The baselines' flat tables: the chronicle as a person would lay it out for plain SQL.

Made by the bench from the same files it imports (the generated chronicle
and its changes), not from chrono's read model, so that the baselines do
not move when chrono's tables do. They hold the chronicle after its
corrections and retractions, one row per thing asked about, with an index
for each question:

- ``entries``: the current revision of each entry not retracted (id, kind,
  status, earliest and latest day as yyyymmdd, year, order key, title);
- ``revisions``: every revision with the import (1) or the changes (2) that
  recorded it and superseded it, for "as known at";
- ``entry_partners``: one row per entry and partner (with the entry's kind,
  dates and order key);
- ``amounts``: what each entry adds to a counter: one for its kind's count,
  and each quantity (metric, unit, value, dates, year);
- ``tree``: the partner hierarchy (id, parent).

The order key is the earliest day, the latest day and the id, as text. It
does not sort exactly as chrono's order does; a page costs the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from chrono.events.kinds import kind_info
from chrono.when import When

TABLES: dict[str, tuple[str, ...]] = {
    "entries": ("entry TEXT", "kind TEXT", "status TEXT", "earliest BIGINT", "latest BIGINT", "year BIGINT", "order_key TEXT", "title TEXT"),
    "revisions": ("entry TEXT", "recorded INTEGER", "superseded INTEGER", "retracted INTEGER", "kind TEXT", "order_key TEXT", "title TEXT"),
    "entry_partners": ("partner TEXT", "entry TEXT", "kind TEXT", "earliest BIGINT", "latest BIGINT", "order_key TEXT"),
    "amounts": (
        "entry TEXT", "kind TEXT", "metric TEXT", "unit TEXT", "value DOUBLE PRECISION",
        "earliest BIGINT", "latest BIGINT", "year BIGINT", "figure INTEGER", "order_key TEXT",
    ),
    "tree": ("id TEXT", "parent TEXT"),
}  # fmt: skip
INDEXES = (
    "CREATE INDEX entries_order ON entries (order_key)",
    "CREATE INDEX entries_kind ON entries (kind, order_key)",
    "CREATE INDEX revisions_order ON revisions (order_key)",
    "CREATE INDEX entry_partners_order ON entry_partners (partner, order_key)",
    "CREATE INDEX amounts_metric ON amounts (metric, order_key)",
    "CREATE INDEX tree_parent ON tree (parent)",
)
IMPORTED, CHANGED = 1, 2  # the "recording times" of the flat revisions
BATCH = 20_000


def day(date: Any, default: int) -> int:
    return default if date is None else date.year * 10000 + date.month * 100 + date.day


def dated(edtf: str) -> tuple[int, int, str]:
    """(earliest day, latest day, the date part of the order key) of an EDTF date."""
    when = When.parse(edtf)
    earliest, latest = day(when.earliest, 0), day(when.latest, 99_999_999)
    return earliest, latest, f"{earliest:08d}|{latest:08d}|"


def load_changes(changes: Path) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    with changes.open(encoding="utf-8") as file:
        for line in file:
            change = json.loads(line)
            out.setdefault(change["id"], []).append(change)
    return out


def changed(record: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """``record`` after one change of the changes file (a retraction sets ``retracted``)."""
    if change["op"] == "retract":
        return {**record, "retracted": True}
    out = dict(record)
    for assignment in change["set"]:
        field, _, value = assignment.partition("=")
        if field == "when":
            out["when"] = value
        elif field == "partners":
            out["partners"] = [p for p in value.split(",") if p]
        elif field == "quantities":
            out["quantities"] = json.loads(value)
        elif field == "title.en":
            out["title"] = {**record["title"], "en": value}
    return out


def rows(chronicle: Path, changes: Path) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(table, row) for every row of the flat tables, streamed from the files."""
    later = load_changes(changes)
    with chronicle.open(encoding="utf-8") as file:
        for line in file:
            record = json.loads(line)
            if record.get("type") == "partner":
                yield "tree", (record["id"], record.get("parent"))
            elif record.get("type", "entry") == "entry":
                revisions = [record]
                for change in later.get(record["id"], ()):
                    revisions.append(changed(revisions[-1], change))
                yield from entry_rows(revisions)


def entry_rows(revisions: list[dict[str, Any]]) -> Iterator[tuple[str, tuple[Any, ...]]]:
    for number, record in enumerate(revisions):
        earliest, latest, dates = dated(record["when"])
        key, retracted = dates + record["id"], bool(record.get("retracted"))
        recorded = IMPORTED if number == 0 else CHANGED
        superseded = CHANGED if number + 1 < len(revisions) else None
        title = record["title"]["en"]
        yield "revisions", (record["id"], recorded, superseded, int(retracted), record["kind"], key, title)
    if retracted:
        return
    entry, kind = record["id"], record["kind"]
    yield "entries", (entry, kind, record.get("status", "happened"), earliest, latest, latest // 10000, key, title)
    for partner in record["partners"]:
        yield "entry_partners", (partner, entry, kind, earliest, latest, key)
    yield "amounts", (entry, kind, kind_info(kind).metric, kind_info(kind).unit, 1.0, earliest, latest, latest // 10000, 0, key)
    for quantity in record["quantities"]:
        low, high, _ = dated(quantity.get("period") or quantity.get("observed") or record["when"])
        row = (entry, kind, quantity["metric"], quantity["unit"], float(quantity["value"]), low, high, high // 10000, int(kind == "FigureReported"), key)
        yield "amounts", row


# -- loading ---------------------------------------------------------------------


def load(connection: Any, postgres: bool, chronicle: Path, changes: Path) -> dict[str, int]:
    """Make and fill the flat tables on ``connection`` (its schema or file); return their row counts."""
    with closing(connection.cursor()) as cursor:
        for name, columns in TABLES.items():
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cursor.execute(f"CREATE TABLE {name} ({', '.join(columns)})")
    counts = dict.fromkeys(TABLES, 0)
    pending: dict[str, list[tuple[Any, ...]]] = {name: [] for name in TABLES}
    for table, row in rows(chronicle, changes):
        pending[table].append(row)
        counts[table] += 1
        if len(pending[table]) >= BATCH:
            _insert(connection, postgres, table, pending[table])
            pending[table] = []
    for table, left in pending.items():
        _insert(connection, postgres, table, left)
    with closing(connection.cursor()) as cursor:
        for statement in INDEXES:
            cursor.execute(statement)
    connection.commit()
    with closing(connection.cursor()) as cursor:
        cursor.execute("ANALYZE")
    connection.commit()
    return counts


def _insert(connection: Any, postgres: bool, table: str, batch: list[tuple[Any, ...]]) -> None:
    names = ", ".join(column.split()[0] for column in TABLES[table])
    with closing(connection.cursor()) as cursor:
        if postgres:
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in TABLES[table])
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)
