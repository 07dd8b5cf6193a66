"""The read model's tables, in the store beside the event log.

One row per entry revision with its recorded time and the time a later
revision superseded it, so that "as known at T" is an index lookup:
``recorded_at <= T AND (superseded_at IS NULL OR superseded_at > T)``.
Dates are integer keys (yyyymmdd) so that "as of D" is a range lookup too.
"""

from __future__ import annotations

import attrs

TABLES = ("tracking", "revisions", "revision_partners", "partners", "chain")


@attrs.frozen
class Dialect:
    """What differs between SQLite and PostgreSQL for our statements."""

    placeholder: str
    blob: str
    prefix: str  # schema-qualified table prefix

    def table(self, name: str) -> str:
        return f"{self.prefix}chrono_{name}"

    def sql(self, statement: str) -> str:
        """``statement`` with ``{t:name}`` tables and ``?`` placeholders filled in."""
        for name in TABLES:
            statement = statement.replace("{t:" + name + "}", self.table(name))
        return statement.replace("?", self.placeholder)


def statements(dialect: Dialect) -> list[str]:
    blob = dialect.blob
    ddl = [
        "CREATE TABLE IF NOT EXISTS {t:tracking} (name TEXT PRIMARY KEY, position BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS {t:revisions} ("
        " aggregate TEXT NOT NULL, revision INTEGER NOT NULL, entry TEXT NOT NULL,"
        " recorded_at TEXT NOT NULL, superseded_at TEXT,"
        " kind TEXT NOT NULL, status TEXT NOT NULL, retracted INTEGER NOT NULL,"
        " earliest INTEGER, latest INTEGER, sort_key TEXT NOT NULL, position BIGINT NOT NULL,"
        f" state {blob} NOT NULL, PRIMARY KEY (aggregate, revision))",
        "CREATE INDEX IF NOT EXISTS chrono_revisions_current ON {t:revisions} (superseded_at, recorded_at)",
        "CREATE INDEX IF NOT EXISTS chrono_revisions_entry ON {t:revisions} (entry)",
        "CREATE INDEX IF NOT EXISTS chrono_revisions_dates ON {t:revisions} (earliest, latest)",
        "CREATE TABLE IF NOT EXISTS {t:revision_partners} ("
        " aggregate TEXT NOT NULL, revision INTEGER NOT NULL, partner TEXT NOT NULL, role TEXT NOT NULL,"
        " PRIMARY KEY (aggregate, revision, partner, role))",
        "CREATE INDEX IF NOT EXISTS chrono_revision_partners_partner ON {t:revision_partners} (partner)",
        "CREATE TABLE IF NOT EXISTS {t:partners} ("
        " aggregate TEXT NOT NULL, revision INTEGER NOT NULL, id TEXT NOT NULL,"
        " recorded_at TEXT NOT NULL, superseded_at TEXT,"
        f" state {blob} NOT NULL, PRIMARY KEY (aggregate, revision))",
        "CREATE TABLE IF NOT EXISTS {t:chain} (position BIGINT PRIMARY KEY, hash TEXT NOT NULL)",
    ]
    return [dialect.sql(statement) for statement in ddl]
