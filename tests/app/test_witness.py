"""Digest witnesses: every write's head digest kept outside the store, every one checked by the audit."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_SKIP, POSTGRES_URL
from tests.factories import PARTNERS, entry, jsonl
from tests.faults.helpers import cli, postgres_schema

RECORDS = [*PARTNERS, *(entry(f"e-{n}", when=str(2000 + n)) for n in range(5))]


def _write(tmp_path: Path, store: str, witness: str) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(jsonl(RECORDS))
    assert cli("--store", store, "--witness", witness, "import", str(source))[0] == 0
    code, _, err = cli("--store", store, "--witness", witness, "retract", "e-1", "--reason", "twice")
    assert code == 0, err


def test_every_write_is_witnessed_and_every_digest_checked(tmp_path: Path) -> None:
    store, witness = str(tmp_path / "s.sqlite"), str(tmp_path / "digests.txt")
    _write(tmp_path, store, witness)
    lines = Path(witness).read_text().splitlines()
    assert len(lines) == 2
    heads = [line.split("\t")[1] for line in lines]
    assert heads[1].startswith(f"{len(RECORDS) + 1}:")
    assert cli("--store", store, "--witness", witness, "audit")[0] == 0
    # Someone who can write the store rewrites an event, and makes the read model (chain included)
    # again from the changed log: without the witness nothing is left to tell.
    with sqlite3.connect(store) as connection:
        rowid, state = next(row for row in connection.execute("SELECT rowid, state FROM stored_events") if b'"2000"' in row[1])
        connection.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (state.replace(b'"2000"', b'"1999"'), rowid))
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'chrono_%' AND name <> 'chrono_meta'").fetchall():
            connection.execute(f"DROP TABLE {name}")
    assert cli("--store", store, "audit")[0] == 0
    code, out, _ = cli("--store", store, "--witness", witness, "audit", "--format", "json")
    assert code == 1
    assert '"check": "witness"' in out and "has changed since" in out


def test_the_witness_variable_and_bad_witnesses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, witness = str(tmp_path / "s.sqlite"), tmp_path / "w.txt"
    monkeypatch.setenv("CHRONO_WITNESS", str(witness))
    _write(tmp_path, store, str(witness))
    assert cli("--store", store, "audit")[0] == 0
    for bad in ("", store):
        code, _, err = cli("--store", store, "--witness", bad, "audit")
        assert code == 2, err
    witness.write_text(witness.read_text() + "2026-01-01T00:00:00\tnot-a-digest\n")
    code, _, err = cli("--store", store, "audit")
    assert code == 2 and "not a digest" in err


@pytest.mark.parametrize("expect", ["", "   ", "12", "12:abc", "x:" + "0" * 64, "12:" + "g" * 64])
def test_an_empty_or_malformed_expect_is_bad_usage(tmp_path: Path, expect: str) -> None:
    store = str(tmp_path / "s.sqlite")
    _write(tmp_path, store, str(tmp_path / "w.txt"))
    code, _, err = cli("--store", store, "audit", "--expect", expect)
    assert code == 2, err


@pytest.fixture
def witness_url() -> Iterator[str]:
    """A schema in another database of the test server than the stores' (``postgres``)."""
    if POSTGRES_SKIP:
        pytest.skip(POSTGRES_SKIP)
    import psycopg

    schema = f"chrono_witness_{uuid.uuid4().hex[:12]}"
    base = POSTGRES_URL.split("?", 1)[0].rsplit("/", 1)[0] + "/postgres"
    yield f"{base}?schema={schema}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.mark.postgres
def test_a_postgres_witness_of_a_postgres_store(tmp_path: Path, witness_url: str) -> None:
    with postgres_schema("chrono_witnessed") as store:
        _write(tmp_path, store, witness_url)
        assert cli("--store", store, "--witness", witness_url, "audit")[0] == 0
        schema = store.rsplit("schema=", 1)[1]
        import psycopg

        with psycopg.connect(store.split("?", 1)[0], autocommit=True) as connection:
            connection.execute(
                f"UPDATE {schema}.chrono_events SET state = replace(encode(state, 'escape'), '\"2001\"', '\"1999\"')::bytea"
                " WHERE position('\"2001\"'::bytea in state) > 0"
            )
            tables = connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_name LIKE 'chrono\\_%%'"
                " AND table_name NOT IN ('chrono_meta', 'chrono_events')",
                (schema,),
            ).fetchall()
            for (table,) in tables:
                connection.execute(f"DROP TABLE {schema}.{table}")
        assert cli("--store", store, "audit")[0] == 0
        code, _, err = cli("--store", store, "--witness", witness_url, "audit")
        assert code == 1, err
        # The store's own database is no witness.
        same = store.split("?", 1)[0] + "?schema=elsewhere"
        assert cli("--store", store, "--witness", same, "audit")[0] == 2


@pytest.mark.postgres
def test_a_sqlite_store_witnessed_in_postgres(tmp_path: Path, witness_url: str) -> None:
    store = str(tmp_path / "s.sqlite")
    _write(tmp_path, store, witness_url)
    assert cli("--store", store, "--witness", witness_url, "audit")[0] == 0


@pytest.mark.postgres
def test_reading_a_witness_that_holds_nothing_makes_nothing(tmp_path: Path, witness_url: str) -> None:
    import psycopg

    store = str(tmp_path / "s.sqlite")
    source = tmp_path / "in.jsonl"
    source.write_bytes(jsonl([*PARTNERS, entry("e-1")]))
    assert cli("--store", store, "import", str(source))[0] == 0
    code, _, err = cli("--store", store, "--witness", witness_url, "audit")
    assert code == 2 and "holds no digests" in err, err
    schema = witness_url.rsplit("schema=", 1)[1]
    with psycopg.connect(witness_url.split("?", 1)[0]) as connection:
        assert connection.execute("SELECT to_regnamespace(%s)", (schema,)).fetchone()[0] is None  # the audit wrote nothing there
