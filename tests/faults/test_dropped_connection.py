"""A PostgreSQL connection the server drops after a write has committed.

The write stands, and chrono says so: never that it was "rolled back whole".
The drop is real: the server ends the store's own connections
(``pg_terminate_backend``, found by an ``application_name`` passed in the
store's URL) between the commit and the read model's catch-up.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import POSTGRES_URL
from tests.factories import PARTNERS, entry
from tests.faults.helpers import cli, postgres_schema, write_jsonl

RECORD = ("record", "VisitMade", "--id", "e-2", "--when", "2024", "--title", "T", "--partner", "van-son", "--source", "s", "--quote", "q")


def _drop(name: str) -> int:
    """End every connection of the server named ``name``; how many there were."""
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", (name,)).fetchall()
    return len(rows)


def test_a_connection_dropped_after_the_commit_leaves_the_write_standing_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chrono.cli import writes

    with postgres_schema() as base:
        name = f"chrono-drop-{uuid.uuid4().hex[:8]}"
        url = f"{base}&application_name={name}"
        assert cli("--store", url, "import", str(write_jsonl(tmp_path / "in.jsonl", [*PARTNERS, entry("e-1")])))[0] == 0
        real = writes._report
        dropped: list[int] = []

        def after_the_commit(*args: Any) -> int:
            dropped.append(_drop(name))
            return int(real(*args))

        monkeypatch.setattr(writes, "_report", after_the_commit)
        code, out, err = cli("--store", url, *RECORD)
        monkeypatch.undo()
        assert dropped and dropped[0] > 0  # the store's connections were ended by the server
        assert "rolled back" not in err and "nothing was written" not in err
        assert code == 0, err
        assert "recorded 1" in err  # said before the catch-up met the dropped connection
        assert "recorded e-2" in out or "the write was committed" in err
        code, out, _ = cli("--store", url, "show", "e-2")
        assert code == 0 and "e-2" in out
        assert cli("--store", url, "audit")[0] == 0
