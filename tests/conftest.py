"""Shared fixtures: real stores on SQLite files and on the PostgreSQL server.

PostgreSQL tests read their server from CHRONO_TEST_POSTGRES (``.ci/run``
sets it) and skip, saying why, where it is unset or no server answers. Each
test gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Tests never time things: hypothesis's deadline (200 ms an example) is a timing, and it
# misfires when the suite's workers share a loaded machine. Examples run as long as they take.
settings.register_profile("chrono", deadline=None)
settings.load_profile("chrono")

POSTGRES_URL = os.environ.get("CHRONO_TEST_POSTGRES", "")


def _postgres_reason() -> str | None:
    if not POSTGRES_URL:
        return "CHRONO_TEST_POSTGRES is not set (export postgresql://user@127.0.0.1:5432/db to run these)"
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return None
    except Exception as error:  # any failure to connect means: skip, visibly
        return f"no PostgreSQL server answers at CHRONO_TEST_POSTGRES: {str(error).splitlines()[0]}"


POSTGRES_SKIP = _postgres_reason()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL of a fresh, empty schema on the test server."""
    if POSTGRES_SKIP:
        pytest.skip(POSTGRES_SKIP)
    import psycopg
    from psycopg import sql

    schema = f"chrono_test_{uuid.uuid4().hex[:12]}"
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}schema={schema}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return str(tmp_path / "store.sqlite")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "store.sqlite")
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # Never touch the developer's own default store or CHRONO_STORE.
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CHRONO_STORE", raising=False)
