"""A rebuild takes the tables of the reference it compared (``ReadModel.adopt``), copied by SQLite itself.

The reference is made from a copy of the store's log (copied by SQLite too),
keeps no chain of its own (the store's is the evidence) and makes no index
that its comparison does not read, unless facets are made in it.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from chrono.interchange.bundled import import_bundled
from chrono.projections import adopted
from chrono.projections.readmodel import ReadModel
from chrono.projections.reference import reference
from chrono.projections.schema import DERIVED
from chrono.store import open_store
from tests.faults.helpers import cli


def _filled(path: Path, *queries: list[str]) -> str:
    app = open_store(str(path))
    try:
        import_bundled(app)
    finally:
        app.close()
    for argv in (*queries, ["correct", "2018-thien-bao-commune-twinning", "--set", "when=2018-05", "--reason", "minutes"]):
        code, _, err = cli("--store", str(path), *argv)
        assert code == 0, (argv, err)
    return str(path)


def _dump(path: str) -> dict[str, Any]:
    """Every derived table's rows (sorted), the tracking rows, and the names of the indexes."""
    with closing(sqlite3.connect(path)) as db:
        tables = {table: sorted(map(repr, db.execute(f"SELECT * FROM chrono_{table}"))) for table in DERIVED}
        tracking = sorted(db.execute("SELECT name, position FROM chrono_tracking"))
        indexes = sorted(row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'chrono_%'"))
    return {"tables": tables, "tracking": tracking, "indexes": indexes}


def test_a_forced_rebuild_adopts_what_a_rebuild_in_place_makes(tmp_path: Path) -> None:
    path = _filled(tmp_path / "store.sqlite", ["counters"], ["counters", "--by", "year"], ["explain", "twinnings"])
    twin = str(tmp_path / "twin.sqlite")
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(twin)) as target:
        source.backup(target)  # the file with what its write-ahead log holds
    app = open_store(twin)
    try:
        ReadModel(app, repair=True).rebuild()  # made from the log in the store itself, row by row
    finally:
        app.close()
    code, _, err = cli("--store", path, "rebuild", "--force")
    assert code == 0, err
    adopted_dump, in_place = _dump(path), _dump(twin)
    assert adopted_dump["indexes"] == in_place["indexes"]
    assert all(adopted_dump["tables"][table] for table in ("revisions", "contributions", "totals", "members"))
    # The facets of the store were made in the reference at their positions, and taken with their tracking rows.
    assert [name for name, _ in adopted_dump["tracking"] if "/totals/" in name or "/members/" in name]
    assert {name for name, _ in adopted_dump["tracking"]} >= {name for name, _ in in_place["tracking"]}
    for table in ("revisions", "revision_partners", "partners", "contributions", "tallies"):
        assert adopted_dump["tables"][table] == in_place["tables"][table], table
    assert cli("--store", path, "audit")[0] == 0


def _indexes(db: sqlite3.Connection) -> set[str]:
    return {str(row[0]) for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'chrono_%'")}


@pytest.mark.parametrize("facets", [False, True])
def test_the_reference_copies_the_log_and_keeps_no_chain(tmp_path: Path, facets: bool) -> None:
    path = _filled(tmp_path / "store.sqlite", *([["counters", "--by", "year"]] if facets else []))
    app = open_store(path)
    try:
        with reference(app) as scratch:
            made = Path(str(scratch.env["SQLITE_DBNAME"]))
            with closing(sqlite3.connect(path)) as db, closing(sqlite3.connect(made)) as copy:
                query = "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
                assert copy.execute(query).fetchall() == db.execute(query).fetchall()
                assert copy.execute("SELECT count(*) FROM chrono_chain").fetchone() == (0,)
                assert db.execute("SELECT count(*) FROM chrono_chain").fetchone()[0] > 0
                keys = {name for name in _indexes(db) if name.endswith("_key")}
                # the keys the comparison looks rows up by; the rest only where a facet's queries read them
                assert _indexes(copy) == (_indexes(db) if facets else keys)
    finally:
        app.close()


def _schemas(url: str, like: str) -> list[str]:
    import psycopg

    with psycopg.connect(url.split("?", 1)[0], autocommit=True) as connection:
        return [str(row[0]) for row in connection.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (like,))]


def _filled_postgres(url: str) -> Any:
    app = open_store(url)
    import_bundled(app)
    ReadModel(app).catch_up()
    return app


@pytest.mark.postgres
def test_a_postgresql_stores_reference_is_a_schema_beside_it_dropped_after(postgres_url: str) -> None:
    from chrono.projections.rawlog import log_table, streamed

    app = _filled_postgres(postgres_url)
    schema = app.recorder.datastore.schema
    try:
        assert not adopted.copied(app, Path("absent.sqlite"), [], "x")  # no SQLite file to copy into
        with reference(app) as scratch:
            made = scratch.recorder.datastore.schema
            assert made.startswith(f"{schema}_ref_") and _schemas(postgres_url, made) == [made]
            query = "SELECT notification_id, originator_id, originator_version, topic, state FROM {} ORDER BY notification_id"
            logs = [list(streamed(store, ReadModel(store).dialect, query.format(log_table(store, ReadModel(store).dialect)[0]))) for store in (app, scratch)]
            assert logs[0] == logs[1] and len(logs[0]) == app.head_position()
        with pytest.raises(RuntimeError), reference(app) as scratch:
            made = scratch.recorder.datastore.schema
            raise RuntimeError("cut short")
        assert _schemas(postgres_url, f"{schema}_ref_%") == []
    finally:
        app.close()
    code, _, err = cli("--store", postgres_url, "rebuild", "--force")
    assert code == 0, err
    assert cli("--store", postgres_url, "audit")[0] == 0
    assert _schemas(postgres_url, f"{schema}_ref_%") == []


@pytest.mark.postgres
def test_postgresql_compares_untouched_tables_itself(postgres_url: str) -> None:
    """Two schemas of one database are compared by the server (no row read into Python) where they agree."""
    import psycopg

    from chrono.projections.compared import TABLES, compared, same_tables

    app = _filled_postgres(postgres_url)
    try:
        with reference(app) as scratch:
            conditions = compared(app)
            assert same_tables(app, scratch, conditions) == set(TABLES)
            with psycopg.connect(postgres_url.split("?", 1)[0], autocommit=True) as connection:
                connection.execute(f"UPDATE {app.recorder.datastore.schema}.chrono_contributions SET low = '7' WHERE part = 1")
            assert same_tables(app, scratch, conditions) == set(TABLES) - {"contributions"}
    finally:
        app.close()


@pytest.mark.postgres
def test_a_role_that_may_not_make_a_schema_audits_through_a_scratch_file(postgres_url: str) -> None:
    import uuid

    import psycopg

    app = _filled_postgres(postgres_url)
    schema = app.recorder.datastore.schema
    app.close()
    role = f"chrono_role_{uuid.uuid4().hex[:8]}"
    server = postgres_url.split("?", 1)[0]
    with psycopg.connect(server, autocommit=True) as connection:
        for statement in (
            f"CREATE ROLE {role} LOGIN", f"GRANT ALL ON SCHEMA {schema} TO {role}",
            f"GRANT ALL ON ALL TABLES IN SCHEMA {schema} TO {role}", f"GRANT ALL ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
            f"UPDATE {schema}.chrono_contributions SET low = '7' WHERE part = 1",
        ):  # fmt: skip
            connection.execute(statement)
    try:
        url = postgres_url.replace("://postgres@", f"://{role}@", 1)
        assert url != postgres_url
        with psycopg.connect(url.split("?", 1)[0], autocommit=True) as connection, pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute(f"CREATE SCHEMA {role}_own")  # the reference cannot be made beside the store
        code, out, err = cli("--store", url, "audit", "--format", "json")
        assert code == 1, err  # the change is found, by the row by row comparison of a scratch file
        assert any(p["message"].startswith("chrono_contributions") for p in json.loads(out)["problems"])
        assert _schemas(postgres_url, f"{schema}_ref_%") == []
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f"DROP OWNED BY {role}")
            connection.execute(f"DROP ROLE {role}")
