"""A rebuild takes the tables of the reference it compared (``ReadModel.adopt``), copied by SQLite itself.

The reference is made from a copy of the store's log (copied by SQLite too),
keeps no chain of its own (the store's is the evidence) and makes no index
that its comparison does not read, unless facets are made in it.
"""

from __future__ import annotations

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
from tests.conftest import POSTGRES_SKIP
from tests.faults.helpers import cli, postgres_schema


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


@pytest.mark.postgres
def test_a_postgresql_store_is_not_copied_into_by_sqlite(tmp_path: Path) -> None:
    if POSTGRES_SKIP:
        pytest.skip(POSTGRES_SKIP)
    with postgres_schema("chrono_adopt") as url:
        app = open_store(url)
        try:
            import_bundled(app)
            ReadModel(app).catch_up()
            assert not adopted.copied(app, tmp_path / "absent.sqlite", {}, [], "x")
            with reference(app) as scratch:
                assert len(scratch.recorder.select_notifications(start=1, limit=10_000)) == app.head_position()  # copied row by row
        finally:
            app.close()
        code, _, err = cli("--store", url, "rebuild", "--force")
        assert code == 0, err
        assert cli("--store", url, "audit")[0] == 0
