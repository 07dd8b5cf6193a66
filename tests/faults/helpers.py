"""Shared helpers of the fault tests: the CLI in a subprocess, stores, schemas."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import POSTGRES_SKIP, POSTGRES_URL
from tests.factories import entry, jsonl


def chrono(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m chrono ARGS`` as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "chrono", *args],
        check=False, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "COLUMNS": "160", **(env or {})},
    )  # fmt: skip


def chrono_popen(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "chrono", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
    )  # fmt: skip


def assert_clean_failure(result: subprocess.CompletedProcess[str], code: int = 2) -> list[str]:
    """A failure the way chrono promises it: the exit code, one-line reasons, no traceback."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert lines, "no reason given on stderr"
    assert all(line.startswith("chrono: ") for line in lines), result.stderr
    return lines


def records(count: int, prefix: str = "e") -> list[dict[str, Any]]:
    """``count`` valid entries, with quotes long enough to make the file weigh something."""
    return [
        entry(f"{prefix}-{n}", when=f"{1990 + n % 35}-{1 + n % 12:02d}", title={"en": f"Entry {n}", "vi": f"Mục {n}"},
              sources=[{"document": "big.txt", "quote": f"Trích dẫn số {n}. " + "Lorem ipsum dolor sit amet. " * 4}])
        for n in range(count)
    ]  # fmt: skip


def write_jsonl(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_bytes(jsonl(items))
    return path


@contextmanager
def postgres_schema(prefix: str = "chrono_fault") -> Iterator[str]:
    """A URL of a new schema on the test server, dropped afterwards."""
    import psycopg
    import pytest
    from psycopg import sql

    if POSTGRES_SKIP:
        pytest.skip(POSTGRES_SKIP)
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}schema={schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def cli(*argv: str) -> tuple[int, str, str]:
    """The command line in this process: exit code, stdout and stderr."""
    import contextlib
    import io

    from chrono.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def same_entries(first: str, second: str) -> None:
    """The two stores hold the same live entries, field for field (times aside)."""
    from chrono.store import open_store

    def entries(url: str) -> dict[str, Any]:
        app = open_store(url)
        try:
            state = app.snapshot()
            return {slug: (e.kind, e.status, e.facts, e.sources) for slug, e in state.entries.items() if not e.retracted}
        finally:
            app.close()

    assert entries(first) == entries(second)


@contextmanager
def no_hang(seconds: float = 30) -> Iterator[None]:
    """Fail, rather than wait for ever, if the block runs past ``seconds``.

    A guard against hangs (an input that makes chrono loop or blow up),
    far above any normal run: it measures nothing.
    """
    import signal

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
