"""Running ``chrono`` as a user runs it: a whole process, timed, with its peak memory.

Each run is one child process, started by a small spawner of its own
(``bench/spawn.py``, which says why). Its wall time is measured around the
process (from the fork to its exit), its peak resident memory is its own
``ru_maxrss``, and a run that outlives its timeout is killed and recorded
as a timeout. A run that fails keeps its exit code and the line of stderr
that says why.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

SPAWN = Path(__file__).resolve().parent / "spawn.py"


def chrono_command() -> list[str]:
    """The installed ``chrono`` entry point beside this interpreter, else ``python -m chrono``."""
    script = shutil.which("chrono", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "chrono"]


def child_env(home: Path) -> dict[str, str]:
    """The environment of every child: a home of its own (no user's default
    store is touched), no colour, a fixed width, bytecode written as for an
    installed package."""
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "NO_COLOR": "1", "COLUMNS": "120"}
    for name in ("CHRONO_STORE", "PYTHONDONTWRITEBYTECODE", "CHRONO_KEY"):
        env.pop(name, None)
    return env


@attrs.frozen
class Run:
    """One child process.

    Attributes:
        seconds: wall time from start to exit.
        max_rss_mb: the child's peak resident memory.
        code: its exit code (negative: killed by that signal).
        timed_out: killed at the timeout.
        error: why it failed (a line of stderr), empty on success.
        out_bytes: how much it printed on stdout.
    """

    seconds: float
    max_rss_mb: float
    code: int
    timed_out: bool
    error: str
    out_bytes: int

    @property
    def ok(self) -> bool:
        return self.code == 0 and not self.timed_out


def run(argv: Sequence[str], env: dict[str, str], timeout: float) -> Run:
    """Run ``argv`` once through ``bench/spawn.py``, stdout and stderr into temporary files."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile(suffix=".json") as result:
        spawner = [sys.executable, "-I", "-S", str(SPAWN), result.name, str(timeout), *argv]
        # The spawner's own timeout is a backstop: the command's is inside it.
        subprocess.run(spawner, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err, check=False, timeout=timeout + 60)  # noqa: S603
        done = json.loads(Path(result.name).read_text(encoding="utf-8"))
        out.seek(0, os.SEEK_END)
        error = "" if done["code"] == 0 else _reason(err)
        return Run(done["seconds"], done["max_rss_kb"] / 1024, done["code"], done["timed_out"], error, out.tell())


def _reason(err: Any) -> str:
    """stderr's first line; for a usage error (argparse prints the usage first), its last."""
    err.seek(0)
    lines: list[str] = [line.strip() for line in err.read().decode("utf-8", "replace").splitlines() if line.strip()]
    if not lines:
        return ""
    return lines[-1] if lines[0].startswith("usage:") else lines[0]


@attrs.frozen
class Measure:
    """A command run a few times.

    Attributes:
        runs: every run, in order (the first may pay for caches the later ones find warm).
        status: ``ok``, ``timeout`` or ``failed``.
    """

    runs: tuple[Run, ...]

    @property
    def status(self) -> str:
        last = self.runs[-1]
        return "ok" if last.ok else "timeout" if last.timed_out else "failed"

    @property
    def seconds(self) -> float | None:
        """The median wall time of the successful runs (None unless every run succeeded)."""
        return statistics.median(r.seconds for r in self.runs) if self.status == "ok" else None

    @property
    def max_rss_mb(self) -> float:
        return max(r.max_rss_mb for r in self.runs)

    def as_json(self) -> dict[str, Any]:
        last = self.runs[-1]
        return {
            "status": self.status, "seconds": self.seconds, "max_rss_mb": round(self.max_rss_mb, 1),
            "runs": [round(r.seconds, 4) for r in self.runs], "out_bytes": last.out_bytes,
            "code": last.code, "error": last.error, "timed_out": last.timed_out,
        }  # fmt: skip


def repeat(argv: Sequence[str], env: dict[str, str], *, times: int, timeout: float, budget: float) -> Measure:
    """Run ``argv`` up to ``times`` times; stop at a failure, or once the runs took ``budget`` seconds."""
    runs: list[Run] = []
    while len(runs) < times:
        done = run(argv, env, timeout)
        runs.append(done)
        if not done.ok or sum(r.seconds for r in runs) >= budget:
            break
    return Measure(tuple(runs))
