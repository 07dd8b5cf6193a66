"""A store on a disk that fills up: a write fails saying so and writes nothing; the audit tells a read
model that could not catch up from one that differs; freeing space lets the next command finish."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from chrono.interchange.importing import import_files
from chrono.store import open_store
from tests.factories import PARTNERS, entry, jsonl
from tests.faults.helpers import cli


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs, where this machine lets us mount one (root in a container that allows it)."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here to fill up ({(made.stderr or 'not permitted').strip()})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb") as file:
        try:
            while True:
                file.write(b"\0" * 65536)
                file.flush()
        except OSError:
            pass
    return filler


def test_a_full_disk_is_named_and_nothing_is_lost(small_disk: Path, tmp_path: Path) -> None:
    store = str(small_disk / "s.sqlite")
    app = open_store(store)
    import_files(app, [(jsonl([*PARTNERS, *(entry(f"e-{n}", when=str(2000 + n)) for n in range(5))]), "a.jsonl")])
    assert cli("--store", store, "timeline")[0] == 0
    # Written to the log, not yet taken into the read model (as a write whose catch-up was cut short).
    import_files(app, [(jsonl([entry(f"late-{n}", when="2020") for n in range(30)]), "b.jsonl")])
    app.close()
    # A connection kept open keeps SQLite's shared memory mapped: commands can still open the store.
    keeper = sqlite3.connect(store)
    keeper.execute("SELECT COUNT(*) FROM stored_events").fetchone()
    filler = _fill(small_disk)
    more = tmp_path / "more.jsonl"
    more.write_bytes(jsonl([entry(f"more-{n}", when="2021", sources=[{"document": "x", "quote": "q" * 2000}]) for n in range(200)]))
    code, _, err = cli("--store", store, "import", str(more))
    assert code == 2 and "disk" in err and "full" in err, err
    assert "Traceback" not in err and "internal error" not in err
    code, _, err = cli("--store", store, "timeline")
    assert code == 2 and "disk" in err and "full" in err, err
    # The audit cannot catch the read model up: it says why, and compares the tables up to where
    # the read model is, instead of reporting every row it has not caught up yet as a difference.
    code, out, err = cli("--store", store, "audit", "--format", "json")
    assert code == 1, err
    messages = " ".join(p["message"] for p in json.loads(out)["problems"])
    assert "full" in messages and "is at position" in messages, messages
    assert "chrono_" not in messages, messages
    keeper.close()
    filler.unlink()
    code, out, err = cli("--store", store, "timeline", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["total"] == 35
    assert cli("--store", store, "audit")[0] == 0
