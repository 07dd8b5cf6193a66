"""Guard-rails for newcomers (DESIGN.md section 8): a mistake is told, never answered with an empty or wrong result."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import PARTNERS
from tests.faults.helpers import cli, write_jsonl

# -- a query never creates a store ---------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["timeline"], ["partners"], ["partner", "van-son"], ["counters"], ["state"], ["show", "x"], ["log"], ["export"], ["audit"], ["replay"],
     ["rebuild"], ["correct", "x", "--set", "note=n", "--reason", "r"], ["retract", "x", "--reason", "r"]],
)  # fmt: skip
def test_a_command_on_a_mistyped_store_path_is_refused_and_creates_nothing(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "no" / "such" / "store.sqlite"
    code, out, err = cli("--store", str(missing), *command)
    assert code == 2, (out, err)
    assert err.strip() == f"chrono: error: no store at {missing}: a query never creates a store: check --store, or import or record into it first"
    assert not (tmp_path / "no").exists()


def test_a_query_on_an_empty_file_says_it_is_not_a_store_yet(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    code, _, err = cli("--store", str(empty), "timeline")
    assert code == 2
    assert "is empty, not a chrono store yet" in err
    assert empty.stat().st_size == 0


def test_writes_create_the_store_they_name(tmp_path: Path) -> None:
    store = tmp_path / "new" / "store.sqlite"
    code, _, err = cli("--store", str(store), "import", str(write_jsonl(tmp_path / "p.jsonl", PARTNERS)))
    assert code == 0, err
    assert cli("--store", str(store), "partners", "--format", "json")[0] == 0


@pytest.mark.postgres
def test_a_query_on_a_postgres_schema_without_a_store_creates_nothing(postgres_url: str) -> None:
    import psycopg

    from tests.conftest import POSTGRES_URL

    code, _, err = cli("--store", postgres_url, "timeline")
    assert code == 2, err
    assert "no chrono store at" in err and "a query never creates a store" in err
    schema = postgres_url.rsplit("schema=", 1)[1]
    with psycopg.connect(POSTGRES_URL) as connection:
        assert connection.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is None
