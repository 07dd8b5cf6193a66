"""The figures that do not depend on the size: ``When`` parsing and the cold start.

The cold start is ``chrono timeline`` on a store holding the bundled
chronicle, the median of 7 runs. On SQLite it is the default store (made
in the bench's own home by a first run); on PostgreSQL a schema into which
the bundled chronicle's files were imported with ``chrono import``. The
SQLite one is also compared with a bare ``python -c "import rich,
pendulum, eventsourcing"`` (DESIGN.md section 9).
"""

from __future__ import annotations

import statistics
import sys
import time
from importlib import resources

from bench import proc

REPEAT = 7


def when_strings(count: int) -> list[str]:
    """``count`` distinct EDTF strings of every precision."""
    out: list[str] = []
    year = 1000
    while len(out) < count:
        for month in range(1, 13):
            out += [f"{year}-{month:02d}-{day:02d}" for day in range(1, 29)]
            out += [f"{year}-{month:02d}", f"{year}-{month:02d}/{year + 1}-{month:02d}", f"{year}-{month:02d}~"]
        out += [str(year), f"{year}/{year + 3}", f"{year}/..", f"{year}?", f"[{year}-03-21..{year}-03-31]", f"{year}-21", f"{year}-33"]
        year += 1
    return out[:count]


def measure_when(count: int = 100_000) -> dict[str, float]:
    """Parse ``count`` distinct strings with the parser's cache cleared (run in a fresh process)."""
    from chrono.when import When, parsing, value

    strings = when_strings(count)
    assert len(set(strings)) == count
    value._parse.cache_clear()
    parsing.parts_of.cache_clear()
    started = time.perf_counter()
    for text in strings:
        When.parse(text)
    seconds = time.perf_counter() - started
    return {"strings": count, "per_second": count / seconds}


def bundled_files() -> list[str]:
    """The bundled chronicle's files as installed: the partners first, then the entries."""
    root = resources.files("chrono.data")
    chronicle = sorted(str(f) for f in (root / "chronicle").iterdir() if f.name.endswith(".jsonl"))
    return [str(root / "partners.jsonl"), *chronicle]


def fill_bundled(store: str | None, env: dict[str, str]) -> None:
    """Make a store hold the bundled chronicle: the default store fills itself; another imports the files."""
    args = ["timeline", "--limit", "1"] if store is None else ["--store", store, "import", *bundled_files()]
    done = proc.run([*proc.chrono_command(), *args], env, timeout=300)
    if not done.ok:
        raise RuntimeError(f"could not fill a store with the bundled chronicle: {done.error}")


def cold_start(store: str | None, env: dict[str, str]) -> dict[str, float | list[float]]:
    """``chrono timeline`` on the bundled chronicle (``store`` None: the default store), median of 7."""
    argv = [*proc.chrono_command(), *(["--store", store] if store else []), "timeline"]
    runs = [proc.run(argv, env, timeout=60) for _ in range(REPEAT)]
    if not all(r.ok for r in runs):
        raise RuntimeError(f"chrono timeline failed on the bundled chronicle: {runs[-1].error}")
    return {"seconds": statistics.median(r.seconds for r in runs), "runs": [round(r.seconds, 4) for r in runs]}


def bare_import(env: dict[str, str]) -> float:
    argv = [sys.executable, "-c", "import rich, pendulum, eventsourcing"]
    return statistics.median(proc.run(argv, env, timeout=60).seconds for _ in range(REPEAT))
