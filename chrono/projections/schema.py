"""The read model's tables, in the store beside the event log.

One row per entry revision with its recorded time and the time a later
revision superseded it, so that "as known at T" is an index lookup:
``recorded_at <= T AND (superseded_at IS NULL OR superseded_at > T)``.
Dates are integer keys (yyyymmdd) so that "as of D" is a range lookup too,
and the chronicle's total order is a text key (``order_key``) that sorts as
``When.sort_key`` does, so that a page of a timeline is an index scan.

``contributions`` holds what each entry revision adds to the counters (one
row per counter it feeds, see ``projections.counters``), so that counters
are SQL aggregates over indexed columns rather than a fold of every entry.

The layout has a version (``VERSION``): a store whose read model was built by
another layout has it dropped and rebuilt from the log when it is opened.
"""

from __future__ import annotations

from functools import lru_cache

import attrs

VERSION = 8
TABLES = ("tracking", "revisions", "revision_partners", "partners", "chain", "contributions", "totals_keys", "totals")
# Every table but tracking, and the tables of read models of earlier layouts.
DERIVED = ("revision_partners", "revisions", "partners", "chain", "contributions", "totals", "totals_keys")


@attrs.frozen
class Dialect:
    """What differs between SQLite and PostgreSQL for our statements."""

    placeholder: str
    blob: str
    prefix: str  # schema-qualified table prefix
    collate: str = ""  # the collation that sorts text by code point

    def table(self, name: str) -> str:
        return f"{self.prefix}chrono_{name}"

    def sql(self, statement: str) -> str:
        """``statement`` with ``{t:name}`` tables and ``?`` placeholders filled in."""
        for name in TABLES:
            statement = statement.replace("{t:" + name + "}", self.table(name))
        return statement.replace("?", self.placeholder)

    @property
    def postgres(self) -> bool:
        return self.placeholder == "%s"


COLUMNS: dict[str, tuple[str, ...]] = {
    "revisions": (
        "aggregate", "revision", "entry", "recorded_at", "kind", "status", "retracted",
        "earliest", "latest", "order_key", "position", "topic", "state",
    ),
    "revision_partners": ("aggregate", "revision", "partner", "role", "entry", "order_key", "retracted", "recorded_at"),
    "contributions": (
        "aggregate", "revision", "part", "entry", "kind", "metric", "unit", "value", "whole",
        "earliest", "latest", "year", "figure", "counted", "scope", "edtf", "order_key", "recorded_at",
    ),
    "partners": ("aggregate", "revision", "id", "parent", "recorded_at", "topic", "state"),
    "chain": ("position", "hash"),
    "totals": ("facet", "grp", "metric", "unit", "axis", "day", "total", "count"),
    "totals_keys": ("facet", "grp", "metric", "unit", "axis", "last_day", "total", "count"),
}  # fmt: skip


def statements(dialect: Dialect) -> list[str]:
    """Every table and index, tracking first."""
    return [*tables(dialect), *indexes(dialect)]


def tables(dialect: Dialect) -> list[str]:
    return [statement for statement in _ddl(dialect) if "CREATE TABLE" in statement]


def indexes(dialect: Dialect) -> list[str]:
    """The secondary indexes (a rebuild drops them and makes them again at the end)."""
    return [statement for statement in _ddl(dialect) if " INDEX " in statement]


def _ddl(dialect: Dialect) -> list[str]:
    blob, key = dialect.blob, f"TEXT{dialect.collate}"
    ddl = [
        "CREATE TABLE IF NOT EXISTS {t:tracking} (name TEXT PRIMARY KEY, position BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS {t:revisions} ("
        f" aggregate TEXT NOT NULL, revision INTEGER NOT NULL, entry {key} NOT NULL,"
        " recorded_at TEXT NOT NULL, superseded_at TEXT,"
        " kind TEXT NOT NULL, status TEXT NOT NULL, retracted INTEGER NOT NULL,"
        f" earliest BIGINT, latest BIGINT, order_key {key} NOT NULL, position BIGINT NOT NULL,"
        f" topic TEXT, state {blob})",
        # The partners and actors of each revision, with what a page of a
        # partner's history needs to be read in order from one index.
        "CREATE TABLE IF NOT EXISTS {t:revision_partners} ("
        " aggregate TEXT NOT NULL, revision INTEGER NOT NULL, partner TEXT NOT NULL, role TEXT NOT NULL,"
        f" entry {key} NOT NULL, order_key {key} NOT NULL, retracted INTEGER NOT NULL,"
        " recorded_at TEXT NOT NULL, superseded_at TEXT)",
        # The keys are unique indexes rather than primary keys, so that a
        # rebuild appends rows to bare tables and sorts each key once at the end.
        "CREATE UNIQUE INDEX IF NOT EXISTS chrono_revisions_key ON {t:revisions} (aggregate, revision)",
        "CREATE UNIQUE INDEX IF NOT EXISTS chrono_revision_partners_key ON {t:revision_partners} (aggregate, revision, partner, role)",
        "CREATE UNIQUE INDEX IF NOT EXISTS chrono_partners_key ON {t:partners} (aggregate, revision)",
        "CREATE UNIQUE INDEX IF NOT EXISTS chrono_contributions_key ON {t:contributions} (aggregate, revision, part)",
        "CREATE INDEX IF NOT EXISTS chrono_revision_partners_order ON {t:revision_partners} (partner, order_key, entry)",
        "CREATE TABLE IF NOT EXISTS {t:partners} ("
        " aggregate TEXT NOT NULL, revision INTEGER NOT NULL, id TEXT NOT NULL, parent TEXT,"
        " recorded_at TEXT NOT NULL, superseded_at TEXT,"
        f" topic TEXT, state {blob})",
        "CREATE TABLE IF NOT EXISTS {t:chain} (position BIGINT PRIMARY KEY, hash TEXT NOT NULL)",
        # What each entry revision adds to the counters: ``part`` 0 is the one
        # its kind counts, ``part`` i the i-th quantity; ``scope`` is the
        # revision's partner ids, sorted and comma-joined. ``whole`` is the value
        # when it is a whole number that fits 64 bits (SQL sums it exactly),
        # else NULL and ``value`` (the exact decimal) is summed in Python.
        "CREATE TABLE IF NOT EXISTS {t:contributions} ("
        f" aggregate TEXT NOT NULL, revision INTEGER NOT NULL, part INTEGER NOT NULL, entry {key} NOT NULL,"
        " kind TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL, value TEXT NOT NULL, whole BIGINT,"
        " earliest BIGINT, latest BIGINT, year BIGINT, figure INTEGER NOT NULL, counted INTEGER NOT NULL, scope TEXT NOT NULL,"
        f" edtf TEXT NOT NULL, order_key {key} NOT NULL, recorded_at TEXT NOT NULL, superseded_at TEXT)",
        # Running totals per facet (a partner's family and a grouping, '' for
        # everything ungrouped), group ('' for none), counter, axis (lo, hi,
        # cv) and day: projections.totals.
        "CREATE TABLE IF NOT EXISTS {t:totals} (facet TEXT NOT NULL, grp TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL,"
        " axis TEXT NOT NULL, day BIGINT NOT NULL, total TEXT NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (facet, grp, metric, unit, axis, day))",
        # Each key's last running total (NULL while it has only pending
        # steps): an as-of date after its last day needs no seek in totals.
        "CREATE TABLE IF NOT EXISTS {t:totals_keys} (facet TEXT NOT NULL, grp TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL,"
        " axis TEXT NOT NULL, last_day BIGINT, total TEXT, count BIGINT, PRIMARY KEY (facet, grp, metric, unit, axis))",
        "CREATE INDEX IF NOT EXISTS chrono_contributions_sums ON {t:contributions}"
        " (superseded_at, counted, figure, metric, unit, latest, earliest, whole, aggregate)",
    ]
    return [dialect.sql(statement) for statement in ddl]


def drops(dialect: Dialect) -> list[str]:
    """Statements that drop every derived table (to rebuild another layout)."""
    return [dialect.sql(f"DROP TABLE IF EXISTS {{t:{name}}}") for name in DERIVED]


def order_key(key: tuple[int | str, ...]) -> str:
    """``When.sort_key`` (or a tuple of them, flattened) as text in the same order.

    Integers get an order-preserving, prefix-free form: a sign letter, a
    length letter and the digits (complemented for negatives); text ends with
    a byte below every character EDTF uses. Compared by code point (SQLite's
    BINARY, PostgreSQL's "C" collation), the texts sort as the tuples do.
    """
    return "".join(_int_key(item) if isinstance(item, int) else f"{item}\x01" for item in key)


@lru_cache(maxsize=1 << 14)
def _int_key(number: int) -> str:
    if number >= 0:
        digits = str(number)
        return "p" + chr(ord("a") + len(digits)) + digits
    digits = str(-number)
    return "n" + chr(ord("z") - len(digits)) + digits.translate(_COMPLEMENT)


_COMPLEMENT = str.maketrans("0123456789", "9876543210")
