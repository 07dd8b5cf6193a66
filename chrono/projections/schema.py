"""The read model's tables, in the store beside the event log.

One row per entry revision with its recorded time and the time a later
revision superseded it, so that "as known at T" is an index lookup:
``recorded_at <= T AND (superseded_at IS NULL OR superseded_at > T)``.
Dates are integer keys (yyyymmdd) so that "as of D" is a range lookup too,
and the chronicle's total order is a text key (``order_key``) that sorts as
``When.sort_key`` does, so that a page of a timeline is an index scan.

``contributions`` holds what each entry revision adds to the counters (one
row per counter it feeds, see ``projections.counting``), so that a counter's
contributions are an index range rather than a fold of every entry. In an
encrypted store its metrics, units and values, and those of the tables made
from it, are sealed (``projections.veil``): SQL looks them up by equality only.

The layout has a version (``VERSION``): a store whose read model was built by
another layout has it dropped and rebuilt from the log when it is opened.
"""

from __future__ import annotations

from functools import lru_cache

import attrs

VERSION = 22
NAME = f"chronicle-v{VERSION}"  # the read model's tracking name: a new layout is a new read model
TABLES = (
    "tracking",
    "revisions",
    "revision_partners",
    "partners",
    "chain",
    "contributions",
    "tallies",
    "totals_keys",
    "totals_pending",
    "totals",
    "conflicts",
    "members",
    "anchors",
    "chain_replaced",
    "seals",
)
# The evidence: the hash chain, and the log of its re-anchorings with the links
# they replaced. Never dropped, by a rebuild or a change of layout (ledger.py).
KEPT = ("chain", "anchors", "chain_replaced")
# Every table made from the log: all but tracking and the evidence.
DERIVED = (
    "revision_partners", "revisions", "partners", "contributions", "tallies",
    "totals", "totals_keys", "totals_pending", "conflicts", "members", "seals",
)  # fmt: skip
# Tables of read models of earlier layouts, dropped with the derived ones.
OBSOLETE: tuple[str, ...] = ()


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
        # an empty list of marks is an empty set in both (PostgreSQL refuses the bare "IN ()" SQLite takes)
        return statement.replace("IN ()", "IN (SELECT NULL WHERE 1 = 0)").replace("?", self.placeholder)

    @property
    def postgres(self) -> bool:
        return self.placeholder == "%s"


_TOTALS = ("definite", "possible", "high", "open_highs", "approx", "n_definite", "n_possible", "n_covered")
COLUMNS: dict[str, tuple[str, ...]] = {
    "revisions": (
        "aggregate", "revision", "entry", "recorded_at", "kind", "status", "retracted",
        "earliest", "latest", "order_key", "position", "topic", "state",
    ),
    "revision_partners": (
        "aggregate", "revision", "partner", "role", "entry", "order_key", "retracted", "kind", "status", "earliest", "latest", "recorded_at",
    ),
    "contributions": (
        "aggregate", "revision", "part", "entry", "kind", "metric", "unit", "low", "whole", "high", "approximate",
        "measure", "earliest", "latest", "year", "counted", "scope", "edtf", "order_key", "recorded_at",
    ),
    "partners": ("aggregate", "revision", "id", "parent", "recorded_at", "topic", "state"),
    "chain": ("position", "hash"),
    "anchors": ("anchored_at", "position", "old_head", "new_head", "reason"),
    "chain_replaced": ("anchored_at", "position", "hash"),
    "seals": ("name", "position", "digest"),
    "tallies": ("scope", "side", "kind", "status", "retracted", "year", "n"),
    "totals": ("facet", "grp", "metric", "unit", "day", *_TOTALS),
    "totals_keys": ("facet", "grp", "metric", "unit", "last_day", *_TOTALS),
    "totals_pending": ("facet", "grp", "metric", "unit", "day", *_TOTALS),
    "conflicts": ("facet", "grp", "metric", "unit", "start_day", "end_day", "entries", "claimed"),
    "members": (
        "facet", "metric", "unit", "state", "start_day", "end_day", "order_key", "entry", "part", "kind", "measure", "edtf",
        "low", "high", "stated", "covered_by", "claim_entries", "claim_values",
    ),
}  # fmt: skip


def statements(dialect: Dialect) -> list[str]:
    """Every table and index, tracking first."""
    return [*tables(dialect), *indexes(dialect)]


def tables(dialect: Dialect) -> list[str]:
    return [statement for statement in _ddl(dialect) if "CREATE TABLE" in statement]


def kept(dialect: Dialect) -> list[str]:
    """The tracking table and the evidence's tables, made (if need be) whatever the layout."""
    return [statement for statement in tables(dialect) if any(f"{dialect.table(name)} " in statement for name in ("tracking", *KEPT))]


def indexes(dialect: Dialect) -> list[str]:
    """The secondary indexes (a rebuild drops them and makes them again at the end)."""
    return [statement for statement in _ddl(dialect) if " INDEX " in statement]


def secondary(dialect: Dialect) -> list[tuple[str, str]]:
    """The indexes that no write looks rows up by, as (drop, create) statements: a rebuild, and a
    write into an empty read model, make them once after the rows (much faster than row by row)."""
    made = [statement for statement in indexes(dialect) if " UNIQUE " not in statement]
    return [(f"DROP INDEX IF EXISTS {dialect.prefix}{_index_name(statement)}", statement) for statement in made]


def _index_name(statement: str) -> str:
    return statement.split(" IF NOT EXISTS ")[1].split(maxsplit=1)[0]


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
        " kind TEXT NOT NULL, status TEXT NOT NULL, earliest BIGINT, latest BIGINT,"
        " recorded_at TEXT NOT NULL, superseded_at TEXT)",
        # The keys are unique indexes rather than primary keys, so that a
        # rebuild appends rows to bare tables and sorts each key once at the end.
        "CREATE UNIQUE INDEX IF NOT EXISTS chrono_revisions_key ON {t:revisions} (aggregate, revision)",
        "CREATE UNIQUE INDEX IF NOT EXISTS chrono_revision_partners_key ON {t:revision_partners} (aggregate, revision, partner, role)",
        "CREATE UNIQUE INDEX IF NOT EXISTS chrono_partners_key ON {t:partners} (aggregate, revision)",
        "CREATE UNIQUE INDEX IF NOT EXISTS chrono_contributions_key ON {t:contributions} (aggregate, revision, part)",
        "CREATE INDEX IF NOT EXISTS chrono_revision_partners_order ON {t:revision_partners} (partner, order_key, entry)",
        # A family's first entry of a kind (relations since, twinned since; timeline --kind K --partner P).
        "CREATE INDEX IF NOT EXISTS chrono_revision_partners_kind ON {t:revision_partners} (partner, kind, order_key, entry)",
        # The chronicle's order, for timeline pages: every revision (as known
        # at a time), and the current, live ones (as known now).
        "CREATE INDEX IF NOT EXISTS chrono_revisions_order ON {t:revisions} (order_key, entry)",
        "CREATE INDEX IF NOT EXISTS chrono_revisions_live ON {t:revisions} (order_key, entry) WHERE superseded_at IS NULL AND retracted = 0",
        "CREATE INDEX IF NOT EXISTS chrono_revisions_entry ON {t:revisions} (entry, revision)",
        "CREATE INDEX IF NOT EXISTS chrono_revisions_planned ON {t:revisions} (latest) WHERE superseded_at IS NULL AND status = 'planned'",
        "CREATE TABLE IF NOT EXISTS {t:partners} ("
        " aggregate TEXT NOT NULL, revision INTEGER NOT NULL, id TEXT NOT NULL, parent TEXT,"
        " recorded_at TEXT NOT NULL, superseded_at TEXT,"
        f" topic TEXT, state {blob})",
        "CREATE TABLE IF NOT EXISTS {t:chain} (position BIGINT PRIMARY KEY, hash TEXT NOT NULL)",
        # Each re-anchoring of the chain (chrono reanchor), and the links it replaced.
        "CREATE TABLE IF NOT EXISTS {t:anchors} (anchored_at TEXT NOT NULL, position BIGINT NOT NULL,"
        " old_head TEXT NOT NULL, new_head TEXT NOT NULL, reason TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS {t:chain_replaced} (anchored_at TEXT NOT NULL, position BIGINT NOT NULL, hash TEXT NOT NULL)",
        # A seal over the rows made under each facet's tracking row (projections/seals.py).
        "CREATE TABLE IF NOT EXISTS {t:seals} (name TEXT PRIMARY KEY, position BIGINT NOT NULL, digest TEXT NOT NULL)",
        # What each entry revision adds to the counters (projections.counting):
        # ``part`` 0 is the one its kind counts, ``part`` i the i-th quantity;
        # ``low``/``high`` the value bounds (NULL high: open), ``measure``
        # event, flow or stock; ``scope`` the revision's partner ids, sorted
        # and comma-joined. ``whole`` is ``low`` when it is a whole number
        # that fits 64 bits, else NULL (and NULL in an encrypted store, which seals every value).
        "CREATE TABLE IF NOT EXISTS {t:contributions} ("
        f" aggregate TEXT NOT NULL, revision INTEGER NOT NULL, part INTEGER NOT NULL, entry {key} NOT NULL,"
        " kind TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL, low TEXT NOT NULL, whole BIGINT, high TEXT,"
        " approximate INTEGER NOT NULL, measure TEXT NOT NULL,"
        " earliest BIGINT, latest BIGINT, year BIGINT, counted INTEGER NOT NULL, scope TEXT NOT NULL,"
        f" edtf TEXT NOT NULL, order_key {key} NOT NULL, recorded_at TEXT NOT NULL, superseded_at TEXT)",
        "CREATE INDEX IF NOT EXISTS chrono_contributions_sums ON {t:contributions} (superseded_at, counted, metric, unit, latest, earliest, whole, aggregate)",
        # The figures of a counter, few among its rows, as a move of its totals reads them (projections.moves).
        "CREATE INDEX IF NOT EXISTS chrono_contributions_figures ON {t:contributions} (metric, unit, latest)"
        " WHERE superseded_at IS NULL AND counted = 1 AND measure <> 'event'",
        # Running totals per facet, group, counter and day (projections.totals).
        "CREATE TABLE IF NOT EXISTS {t:totals} (facet TEXT NOT NULL, grp TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL,"
        f" day BIGINT NOT NULL, {_TOTALS_DDL}, PRIMARY KEY (facet, grp, metric, unit, day))",
        "CREATE TABLE IF NOT EXISTS {t:totals_keys} (facet TEXT NOT NULL, grp TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL,"
        f" last_day BIGINT NOT NULL, {_TOTALS_DDL}, PRIMARY KEY (facet, grp, metric, unit))",
        # Steps of the writes since a facet's totals were made, not yet folded in (projections.totals).
        "CREATE TABLE IF NOT EXISTS {t:totals_pending} (facet TEXT NOT NULL, grp TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL,"
        f" day BIGINT NOT NULL, {_TOTALS_DDL})",
        "CREATE INDEX IF NOT EXISTS chrono_totals_pending_facet ON {t:totals_pending} (facet, day)",
        "CREATE INDEX IF NOT EXISTS chrono_revisions_position ON {t:revisions} (position)",
        # What was recorded, and what was superseded, after a time: a count as known then is the
        # count now, less the one, plus the other (superseded rows are few: a partial index). Each
        # holds the columns a timeline's filter reads, so that the counts read no row of the table.
        "CREATE INDEX IF NOT EXISTS chrono_revisions_recorded ON {t:revisions} (recorded_at, superseded_at, retracted, kind, status, order_key, latest)",
        "CREATE INDEX IF NOT EXISTS chrono_revisions_superseded ON {t:revisions} (superseded_at, recorded_at, retracted, kind, status, order_key, latest)"
        " WHERE superseded_at IS NOT NULL",
        # Each contribution's segments of days, per facet and metric, for ``explain`` (projections.members).
        "CREATE TABLE IF NOT EXISTS {t:members} (facet TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL, state TEXT NOT NULL,"
        f" start_day BIGINT NOT NULL, end_day BIGINT NOT NULL, order_key {key} NOT NULL, entry {key} NOT NULL, part INTEGER NOT NULL,"
        " kind TEXT NOT NULL, measure TEXT NOT NULL, edtf TEXT NOT NULL, low TEXT NOT NULL, high TEXT, stated TEXT NOT NULL,"
        " covered_by TEXT, claim_entries TEXT, claim_values TEXT)",
        "CREATE INDEX IF NOT EXISTS chrono_members_page ON {t:members} (facet, metric, unit, state, end_day, order_key, entry, part)",
        "CREATE TABLE IF NOT EXISTS {t:conflicts} (facet TEXT NOT NULL, grp TEXT NOT NULL, metric TEXT NOT NULL, unit TEXT NOT NULL,"
        " start_day BIGINT NOT NULL, end_day BIGINT NOT NULL, entries TEXT NOT NULL, claimed TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS chrono_conflicts_facet ON {t:conflicts} (facet, start_day)",
        # How many current entries each scope holds (projections.tallies).
        "CREATE TABLE IF NOT EXISTS {t:tallies} (scope TEXT NOT NULL, side TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,"
        " retracted INTEGER NOT NULL, year BIGINT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (scope, side, kind, status, retracted, year))",
    ]
    return [dialect.sql(statement) for statement in ddl]


_TOTALS_DDL = (
    "definite TEXT NOT NULL, possible TEXT NOT NULL, high TEXT NOT NULL, open_highs BIGINT NOT NULL, approx BIGINT NOT NULL,"
    " n_definite BIGINT NOT NULL, n_possible BIGINT NOT NULL, n_covered BIGINT NOT NULL"
)


def zeroing(dialect: Dialect, sealed: bool) -> list[str]:
    """What SQLite is told before it frees a read model's pages (its tables dropped): an encrypted
    store's are zeroed (its tables of layouts before 22 held metrics, units and values in the clear),
    a plain store's only freed, since they hold nothing the log does not hold in the clear. Zeroing
    is the default of some builds (Debian's among them): it made dropping the tables of a rebuild a
    third of the time of copying them in."""
    return [] if dialect.postgres else [f"PRAGMA secure_delete = {'ON' if sealed else 'OFF'}"]


def drops(dialect: Dialect) -> list[str]:
    """Statements that drop every derived table (to rebuild another layout)."""
    return [f"DROP TABLE IF EXISTS {dialect.table(name)}" for name in (*DERIVED, *OBSOLETE)]


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
