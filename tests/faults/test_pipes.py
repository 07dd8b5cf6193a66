"""Named pipes as inputs: an import reads one as its writer writes it, and loses nothing."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from tests.factories import PARTNERS, entry
from tests.faults.helpers import cli, no_hang


def test_an_import_reads_a_named_pipe_its_writer_fills(tmp_path: Path) -> None:
    """``mkfifo p; producer > p & chrono import p``: the import opens the pipe once (checked and then
    read, it was opened twice, which cut the writer off after the check) and records every line."""
    pipe = tmp_path / "records.jsonl"
    os.mkfifo(pipe)
    lines = "".join(json.dumps(record) + "\n" for record in [*PARTNERS, entry("2021-piped"), entry("2022-piped")])
    failures: list[BaseException] = []

    def write() -> None:
        try:
            with pipe.open("w") as out:
                out.write(lines)
        except BaseException as error:  # a reader that went away: the test says so
            failures.append(error)

    writer = threading.Thread(target=write)
    writer.start()
    with no_hang(60):
        code, _, err = cli("--store", str(tmp_path / "s.sqlite"), "import", str(pipe))
    writer.join(timeout=60)
    assert code == 0, err
    assert not failures, failures
    code, out, _ = cli("--store", str(tmp_path / "s.sqlite"), "show", "2022-piped", "--format", "json")
    assert code == 0 and json.loads(out)["id"] == "2022-piped"
