"""The read model's tables kept in shape: made once after a rebuild, measured for PostgreSQL's
planner, and taken whole from a reference made elsewhere.

``readmodel`` runs the projection; a rebuild appends rows to bare tables, and
this module then makes the keys, settles which revisions later ones
superseded (one statement per table), and makes the secondary indexes, which
is much faster than keeping them up row by row. ``adopt`` takes the tables
``chrono rebuild`` has just compared (``reference``) instead of making them a
second time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

from chrono.projections import adopted
from chrono.projections.indexing import sorted_apart
from chrono.projections.rawlog import dialect_of, log_table, sqlite_file, streamed
from chrono.projections.reader import value
from chrono.projections.schema import DERIVED, NAME, indexes, secondary
from chrono.projections.scratch import beside

INDEXING = f"{NAME}/indexing"  # present while a rebuild has the secondary indexes dropped
ANALYSED = f"{NAME}/analysed"  # the position PostgreSQL's planner statistics were gathered at
RESTATE = 10_000  # events caught up before the statistics are gathered again (and a tenth of the log)
PAGE = 5000  # rows taken per statement when a reference's tables are adopted row by row

# Each table's rows are superseded by the next revision of the same aggregate
# in the table named beside it: set for all rows at once after a rebuild.
_SUPERSEDED_BY = {"revisions": "revisions", "revision_partners": "revisions", "contributions": "revisions", "partners": "partners"}
_SUPERSEDE = (
    "UPDATE {t:%(table)s} AS s SET superseded_at = n.recorded_at"
    " FROM (SELECT aggregate, revision - 1 AS revision, recorded_at FROM {t:%(source)s} WHERE revision > 1) AS n"
    " WHERE s.aggregate = n.aggregate AND s.revision = n.revision AND s.superseded_at IS NULL"
)
# SQLite plans the join above as a scan of every row of the table, with a
# lookup of its next revision each; this walks the later revisions (a few
# in a hundred) and looks up the rows they supersede (CROSS JOIN fixes the order).
_SUPERSEDE_SQLITE = (
    "UPDATE {t:%(table)s} SET superseded_at = (SELECT n.recorded_at FROM {t:%(source)s} n"
    " WHERE n.aggregate = {t:%(table)s}.aggregate AND n.revision = {t:%(table)s}.revision + 1)"
    " WHERE rowid IN (SELECT s.rowid FROM {t:%(source)s} n CROSS JOIN {t:%(table)s} s"
    " ON s.aggregate = n.aggregate AND s.revision = n.revision - 1 WHERE n.revision > 1 AND s.superseded_at IS NULL)"
)


def index(model: Any) -> None:  # a ReadModel
    """Make the keys and, unless ``model.secondary_indexes`` is off, the secondary indexes (again),
    settle supersession in between, and clear the rebuild's marker."""
    with model.datastore.transaction(commit=True) as cursor, sorted_apart(cursor, model.dialect):
        model.lock(cursor)
        # Supersession joins on the keys and sets a column the other
        # indexes hold: those are made after it rather than updated by it.
        for statement in [key for key in indexes(model.dialect) if " UNIQUE " in key]:
            cursor.execute(statement)
        supersede = _SUPERSEDE if model.dialect.postgres else _SUPERSEDE_SQLITE
        for table, source in _SUPERSEDED_BY.items():
            cursor.execute(model.sql(supersede % {"table": table, "source": source}))
        for _, statement in secondary(model.dialect) if model.secondary_indexes else ():
            cursor.execute(statement)
        cursor.execute(model.sql("DELETE FROM {t:tracking} WHERE name = ?"), (INDEXING,))
    if model.dialect.postgres:
        analyse(model)


# PostgreSQL plans from statistics that autovacuum gathers where it runs,
# in its own time. Without them it reads a partner's history in the wrong
# index order: a page of China's family at 100k took 18 s instead of 30 ms.
def restate(model: Any) -> None:
    """Gather the planner's statistics when the log has grown by a tenth
    (and by ``RESTATE`` events) since they were last gathered."""
    rows = model.rows("SELECT name, position FROM {t:tracking} WHERE name IN (?, ?)", [NAME, ANALYSED])
    positions = {str(value(row, "name")): int(value(row, "position")) for row in rows}
    position, analysed = positions.get(NAME, 0), positions.get(ANALYSED, 0)
    if position - analysed >= max(RESTATE, analysed // 10):
        analyse(model)


def analyse(model: Any) -> None:
    with model.datastore.transaction(commit=True) as cursor:
        for table in DERIVED:
            cursor.execute(model.sql(f"ANALYZE {{t:{table}}}"))
        cursor.execute(f"ANALYZE {log_table(model.app, model.dialect)[0]}")
        cursor.execute(
            model.sql(
                "INSERT INTO {t:tracking} (name, position) SELECT ?, position FROM {t:tracking} WHERE name = ?"
                " ON CONFLICT (name) DO UPDATE SET position = excluded.position"
            ),
            (ANALYSED, NAME),
        )


def adopt(model: Any, scratch: Any, tracked: dict[str, int], progress: Any = None) -> None:
    """Replace ``model``'s tables by those of ``scratch``, made from this very log (``reference.reference``,
    which ``chrono rebuild`` has just compared with these), and its tracking rows by ``tracked``, the
    positions they were made at: one transaction, with the marker that has the secondary indexes made
    after (``ReadModel.adopt``). The chain is kept as it is. The database copies the rows itself where it
    holds both (``adopted``: SQLite from file to file, PostgreSQL from schema to schema); otherwise they
    are streamed through Python."""
    marks = [*tracked.items(), (INDEXING, 0)]
    schemas = beside(model.app, scratch)
    if schemas is not None:
        adopted.copied_beside(model, schemas[1], marks, NAME)
        return
    copied = sqlite_file(scratch)
    if copied is None or not adopted.copied(model.app, copied, marks, NAME):
        _adopt_rows(model, _derived(scratch), marks, progress)


def _derived(store: Any) -> Iterator[tuple[str, list[str], Iterator[tuple[Any, ...]]]]:
    """Every derived table of ``store``: its name, its columns and its rows, streamed."""
    dialect = dialect_of(store)
    for table in DERIVED:
        with store.recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(dialect.sql(f"SELECT * FROM {{t:{table}}} LIMIT 0"))
            columns = [str(column[0]) for column in getattr(cursor, "sqlite_cursor", cursor).description]
        yield table, columns, streamed(store, dialect, f"SELECT {', '.join(columns)} FROM {{t:{table}}}")


def _adopt_rows(model: Any, made: Iterator[tuple[str, Sequence[str], Iterator[tuple[Any, ...]]]], marks: list[tuple[str, int]], progress: Any) -> None:
    def fill(cursor: Any) -> None:
        for table, columns, rows in made:
            while chunk := list(islice(rows, PAGE)):
                model.insert(cursor, table, chunk, columns)
                if progress is not None:
                    progress(len(chunk))

    with model.datastore.transaction(commit=True) as cursor:
        model.lock(cursor)
        adopted.replace(cursor, model.dialect, fill, marks, NAME)
