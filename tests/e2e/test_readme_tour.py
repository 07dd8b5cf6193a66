"""The README's tour works as copied: each command of "A tour", in order, in a fresh home.

The commands are read from README.md itself (its indented blocks between
"## A tour" and the next section), run by a shell with the venv's ``bin``
first on PATH, as after ``source .venv/bin/activate``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def tour() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## A tour\n", 1)[1].split("\n### ", 1)[0]
    commands: list[str] = []
    pending = ""
    for raw in section.splitlines():
        if not raw.startswith("    "):
            continue
        joined = f"{pending} {raw.strip()}" if pending else raw[4:]
        pending = ""
        if joined.rstrip().endswith("\\"):
            pending = joined.rstrip()[:-1].rstrip()
            continue
        command = re.sub(r"\s{2,}#.*$", "", joined).strip()  # the comment beside a command
        if command.startswith("chrono"):
            commands.append(command)
    return commands


def test_the_tour_has_its_commands() -> None:
    assert len(tour()) >= 15


def test_the_readme_tour_runs_as_copied(tmp_path: Path) -> None:
    env = {
        **os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path), "COLUMNS": "100",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }  # fmt: skip
    env.pop("CHRONO_STORE", None)
    for command in tour():
        result = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
        if result.returncode != 0:
            pytest.fail(f"{command!r} exited {result.returncode}: {result.stderr.strip()[-500:]}")
