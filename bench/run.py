"""Measure the figures of DESIGN.md section 9, each beside its baseline.

    python -m bench.run --size 10000 --backend sqlite --out bench/results/latest.json
    python -m bench.run --size 10000 --size 100000 --backend both

Every size gets a fresh store per backend: the synthetic chronicle
(``bench.generate``) is imported in chunks, its corrections and retractions
applied, the read model caught up and then rebuilt. Beside them, in the same
run: eventsourcing's own batched ``save`` of the same aggregates into another
fresh store, and reading and decoding the log alone. At the largest size the
queries are timed against the same questions asked in plain SQL of flat
tables made for the purpose, and the rebuild's peak memory is measured in a
process of its own. ``When`` parsing and the cold start of ``chrono
timeline`` do not depend on the size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pendulum

from bench import generate

AS_OF = pendulum.Date(2021, 12, 31)
POSTGRES_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
REPEAT = 7


# -- stores -------------------------------------------------------------------


class Stores:
    """Fresh stores on one backend, removed afterwards unless kept."""

    def __init__(self, backend: str, workdir: Path, postgres: str, keep: bool) -> None:
        self.backend, self.workdir, self.postgres, self.keep = backend, workdir, postgres, keep
        self.made: list[str] = []

    def new(self, label: str) -> str:
        if self.backend == "sqlite":
            url = str(self.workdir / f"{label}-{uuid.uuid4().hex[:6]}.sqlite")
        else:
            separator = "&" if "?" in self.postgres else "?"
            url = f"{self.postgres}{separator}schema=bench_{label}_{uuid.uuid4().hex[:6]}"
        self.made.append(url)
        return url

    def clean(self) -> None:
        if self.keep:
            return
        for url in self.made:
            if self.backend == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    Path(url + suffix).unlink(missing_ok=True)
            else:
                _drop_schema(self.postgres, url.rsplit("schema=", 1)[1])


def _drop_schema(base: str, schema: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(base.split("?", maxsplit=1)[0], autocommit=True) as connection:
        connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def _open(url: str) -> Any:
    from chrono.store import open_store

    return open_store(url)


# -- the write side -------------------------------------------------------------


def chunks(path: Path, lines: int) -> Iterator[tuple[bytes, str]]:
    """The chronicle file in pieces of ``lines`` records, each one import."""
    with path.open("rb") as file:
        number = 0
        while True:
            block = [line for _, line in zip(range(lines), file, strict=False)]
            if not block:
                return
            number += 1
            yield b"".join(block), f"{path.stem}-part{number}.jsonl"


def count_entries(path: Path) -> int:
    with path.open("rb") as file:
        return sum(1 for line in file if b'"type":"entry"' in line)


def measure_import(url: str, chronicle: Path, chunk: int) -> dict[str, float]:
    from chrono.interchange.importing import import_files

    app = _open(url)
    seconds = 0.0
    for data, name in chunks(chronicle, chunk):
        started = time.perf_counter()
        import_files(app, [(data, name)])
        seconds += time.perf_counter() - started
    return {"seconds": seconds}


def measure_baseline(url: str, chronicle: Path, chunk: int) -> dict[str, float]:
    """eventsourcing alone: build the same aggregates from parsed records and ``app.save`` each chunk."""
    from chrono.events.application import _Batch
    from chrono.interchange.importing import commands
    from chrono.interchange.reading import read_records

    app = _open(url)
    build = save = 0.0
    for data, name in chunks(chronicle, chunk):
        parsed = sorted(commands(read_records(data, name)), key=lambda c: type(c).__name__ != "PartnerDraft")
        targets = {c.slug for c in parsed if type(c).__name__ in ("Citation", "Outcome")}
        batch = _Batch(app, app.stored_ids(_target_ids(targets)))  # what earlier chunks hold, untimed
        started = time.perf_counter()
        for command in parsed:
            batch.add(command)
        aggregates = list(batch.changed.values())
        build += time.perf_counter() - started
        started = time.perf_counter()
        app.save(*aggregates)
        save += time.perf_counter() - started
    return {"build_seconds": build, "save_seconds": save}


def _target_ids(slugs: set[str]) -> Iterator[Any]:
    from chrono.events.entry import entry_uuid

    return (entry_uuid(slug) for slug in slugs)


def apply_changes(url: str, changes: Path) -> dict[str, float]:
    """The corrections and retractions, one command each, as ``chrono correct`` makes them."""
    from chrono.events.commands import Origin
    from chrono.interchange.changes import parse_changes

    app = _open(url)
    started = time.perf_counter()
    count = 0
    with changes.open(encoding="utf-8") as file:
        for line in file:
            change = json.loads(line)
            if change["op"] == "retract":
                app.retract(change["id"], change["reason"])
            else:
                entry = app.entry(change["id"])
                assignments = parse_changes(entry.kind, entry.facts, change["set"], Origin("changes"))
                app.correct(change["id"], assignments, change["reason"], None)
            count += 1
    return {"seconds": time.perf_counter() - started, "changes": count}


# -- the read side --------------------------------------------------------------


def child(kind: str, url: str) -> dict[str, float]:
    """Run in a process of its own: a rebuild, a catch-up, decoding the log alone, or parsing dates."""
    if kind == "when":
        return measure_when()
    app = _open(url)
    started = time.perf_counter()
    if kind == "decode":
        events = 0
        for events, notification in enumerate(app.stored_notifications(), start=1):  # noqa: B007 (the count is wanted)
            app.mapper.to_domain_event(notification)
    else:
        from chrono.projections.readmodel import ReadModel

        model = ReadModel(app)
        events = model.rebuild() if kind == "rebuild" else model.catch_up()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "events": events, "max_rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across fork and exec)."""
    with Path("/proc/self/status").open() as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(kind: str, url: str) -> dict[str, float]:
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "bench.run", "--child", kind, "--url", url],
        check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def median_ms(action: Callable[[], Any], repeat: int = REPEAT) -> float:
    action()  # warm: the first run pays for opening connections and caches
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def flat_tables(model: Any) -> None:
    """The baseline's flat tables: one row per counted contribution, one per (partner, entry)."""
    with model.datastore.transaction(commit=True) as cursor:
        for name in ("bench_flat_counts", "bench_flat_partners"):
            cursor.execute(f"DROP TABLE IF EXISTS {model.dialect.prefix}{name}")
        cursor.execute(model.sql(
            f"CREATE TABLE {model.dialect.prefix}bench_flat_counts AS SELECT entry, metric, unit, whole, earliest, latest"
            " FROM {t:contributions} WHERE superseded_at IS NULL AND counted = 1"
        ))  # fmt: skip
        cursor.execute(f"CREATE INDEX bench_flat_counts_i ON {model.dialect.prefix}bench_flat_counts (metric, unit, latest, earliest, whole)")
        cursor.execute(model.sql(
            f"CREATE TABLE {model.dialect.prefix}bench_flat_partners AS SELECT partner, entry, order_key"
            " FROM {t:revision_partners} WHERE superseded_at IS NULL AND retracted = 0"
        ))  # fmt: skip
        cursor.execute(f"CREATE INDEX bench_flat_partners_i ON {model.dialect.prefix}bench_flat_partners (partner, order_key, entry)")
    with model.datastore.transaction(commit=True) as cursor:
        cursor.execute("ANALYZE")


def flat_counters(model: Any) -> list[Any]:
    day = AS_OF.year * 10000 + AS_OF.month * 100 + AS_OF.day
    return model.rows(
        "SELECT metric, unit, SUM(CASE WHEN latest <= ? THEN whole ELSE 0 END) AS definite,"
        " SUM(CASE WHEN (latest IS NULL OR latest > ?) AND (earliest IS NULL OR earliest <= ?) THEN whole ELSE 0 END) AS possible"
        f" FROM {model.dialect.prefix}bench_flat_counts GROUP BY metric, unit",
        [day, day, day],
    )


def flat_page(model: Any, family: list[str]) -> list[Any]:
    marks = ", ".join("?" for _ in family)
    return model.rows(
        f"SELECT entry, order_key FROM {model.dialect.prefix}bench_flat_partners WHERE partner IN ({marks})"
        " GROUP BY entry, order_key ORDER BY order_key, entry LIMIT 50",
        family,
    )


def measure_queries(url: str) -> dict[str, Any]:
    from chrono.projections import sqlcounters
    from chrono.projections.hierarchy import descendants
    from chrono.projections.readmodel import fresh

    model = fresh(_open(url))
    flat_tables(model)
    partners = model.partners()
    out: dict[str, Any] = {
        # The first after the log moved makes the running totals.
        "counters_first_ms": once_ms(lambda: sqlcounters.counters(model, AS_OF, ids=False)),
        "counters_ms": median_ms(lambda: sqlcounters.counters(model, AS_OF, ids=False)),
        "counters_other_date_ms": median_ms(lambda: sqlcounters.counters(model, pendulum.Date(2003, 6, 30), ids=False)),
        "counters_flat_ms": median_ms(lambda: flat_counters(model)),
        "counters_partner_first_ms": once_ms(lambda: sqlcounters.counters(model, AS_OF, partner="cn-p1", ids=False)),
        "counters_partner_ms": median_ms(lambda: sqlcounters.counters(model, AS_OF, partner="cn-p1", ids=False)),
        "counters_by_year_first_ms": once_ms(lambda: sqlcounters.counters(model, AS_OF, by="year", ids=False)),
        "counters_by_year_ms": median_ms(lambda: sqlcounters.counters(model, AS_OF, by="year", ids=False)),
        "counters_with_ids_ms": median_ms(lambda: sqlcounters.counters(model, AS_OF), repeat=1),
    }
    for label, pid in (("large", "china"), ("small", "cn-p1-f1-c1")):
        family = sorted(descendants(pid, partners))
        out[f"page_{label}_ms"] = median_ms(lambda family=family: model.page(family, limit=50))  # type: ignore[misc]
        out[f"page_{label}_flat_ms"] = median_ms(lambda family=family: flat_page(model, family))  # type: ignore[misc]
        out[f"page_{label}_partners"] = len(family)
    out.update(first_counters_after_a_correction(model))
    return out


def once_ms(action: Any) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def first_counters_after_a_correction(model: Any) -> dict[str, float]:
    """The first counters after one happening is corrected (the running totals are moved, not made)."""
    from chrono.projections import sqlcounters
    from chrono.when import When

    rows = model.rows("SELECT entry FROM {t:revisions} WHERE kind <> 'FigureReported' AND superseded_at IS NULL ORDER BY entry LIMIT 1", [])
    model.app.correct(str(rows[0]["entry"]), {"when": When.parse("2003-04")}, "bench", None)
    model.catch_up()
    return {
        "counters_after_correction_ms": once_ms(lambda: sqlcounters.counters(model, AS_OF, ids=False)),
        "counters_partner_after_correction_ms": once_ms(lambda: sqlcounters.counters(model, AS_OF, partner="cn-p1", ids=False)),
    }


# -- independent of size --------------------------------------------------------------


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
    from chrono import when

    strings = when_strings(count)
    assert len(set(strings)) == count
    when._parse.cache_clear()
    started = time.perf_counter()
    for text in strings:
        when.When.parse(text)
    seconds = time.perf_counter() - started
    return {"strings": count, "per_second": count / seconds}


def measure_cold_start(repeat: int = 7) -> dict[str, float]:
    """``chrono timeline`` on the default store (bundled chronicle) against a bare import of its libraries."""
    home = Path(tempfile.mkdtemp(prefix="chrono-bench-home-"))
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
    env.pop("CHRONO_STORE", None)
    # As installed: pip compiles a package's modules, as it did the libraries
    # of the baseline; the first run compiles chrono's if nothing else has.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    timeline = [sys.executable, "-m", "chrono", "timeline"]
    bare = [sys.executable, "-c", "import rich, pendulum, eventsourcing"]
    subprocess.run(timeline, env=env, check=True, capture_output=True)  # noqa: S603 (creates the default store)

    def seconds(command: list[str]) -> float:
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
            runs.append(time.perf_counter() - started)
        return statistics.median(runs)

    try:
        return {"timeline_s": seconds(timeline), "bare_s": seconds(bare)}
    finally:
        shutil.rmtree(home, ignore_errors=True)


# -- a run ------------------------------------------------------------------------


WARM_RECORDS = 1000  # the partners and a few hundred entries


def warm_up(stores: Stores, args: argparse.Namespace, size: int) -> None:
    """Import and save the first records once, untimed, on throwaway stores.

    The first import in this process loads the parser and the importer;
    without this, the first size measured would pay for loading them in its
    import and not in its baseline.
    """
    chronicle, _ = generate.ensure(args.data, size, args.seed)
    sample = stores.workdir / "warm-up.jsonl"
    with chronicle.open("rb") as source:
        sample.write_bytes(b"".join(line for _, line in zip(range(WARM_RECORDS), source, strict=False)))
    measure_import(stores.new("warm"), sample, args.chunk)
    measure_baseline(stores.new("warmsave"), sample, args.chunk)


def run_size(stores: Stores, size: int, args: argparse.Namespace, *, largest: bool) -> dict[str, Any]:
    seed, data, chunk = args.seed, args.data, args.chunk
    chronicle, changes = generate.ensure(data, size, seed)
    entries = count_entries(chronicle)
    log(f"  {stores.backend} {size}: import")
    url = stores.new(f"chrono{size}")
    imported = measure_import(url, chronicle, chunk)
    log(f"  {stores.backend} {size}: baseline save")
    baseline = measure_baseline(stores.new(f"save{size}"), chronicle, chunk)
    log(f"  {stores.backend} {size}: corrections and retractions")
    changed = apply_changes(url, changes)
    log(f"  {stores.backend} {size}: catch-up, rebuild, decode")
    caught_up = in_child("catch_up", url)
    rebuilt = in_child("rebuild", url)
    decoded = in_child("decode", url)
    result: dict[str, Any] = {
        "entries": entries,
        "import": {**imported, "entries_per_s": entries / imported["seconds"]},
        "baseline": {
            **baseline,
            "entries_per_s": entries / (baseline["build_seconds"] + baseline["save_seconds"]),
            "save_only_entries_per_s": entries / baseline["save_seconds"],
        },
        "changes": {**changed, "per_s": changed["changes"] / changed["seconds"]},
        "catch_up": {**caught_up, "events_per_s": caught_up["events"] / caught_up["seconds"]},
        "rebuild": {**rebuilt, "events_per_s": rebuilt["events"] / rebuilt["seconds"]},
        "decode": {**decoded, "events_per_s": decoded["events"] / decoded["seconds"]},
    }
    if largest:
        log(f"  {stores.backend} {size}: queries")
        result["queries"] = measure_queries(url)
    return result


def figures(results: dict[str, dict[int, dict[str, Any]]], when: dict[str, float], cold: dict[str, float]) -> list[dict[str, Any]]:
    """Each figure of DESIGN.md section 9 beside its baseline and target."""
    out: list[dict[str, Any]] = []

    def add(name: str, backend: str, size: int | None, value: float, baseline: float | None, *spec: Any) -> None:
        unit, target, met = spec
        out.append({
            "figure": name, "backend": backend, "size": size, "value": round(value, 3),
            "baseline": None if baseline is None else round(baseline, 3),
            "ratio": round(value / baseline, 3) if baseline else None, "unit": unit, "target": target, "met": bool(met),
        })  # fmt: skip

    for backend, sizes in results.items():
        for size, r in sorted(sizes.items()):
            imp, base = r["import"]["entries_per_s"], r["baseline"]["entries_per_s"]
            add("import", backend, size, imp, base, "entries/s", ">= 0.7x build+save", imp >= 0.7 * base)
            save_only = r["baseline"]["save_only_entries_per_s"]
            add("import vs save() alone", backend, size, imp, save_only, "entries/s", ">= 0.7x save", imp >= 0.7 * save_only)
            reb, dec = r["rebuild"]["events_per_s"], r["decode"]["events_per_s"]
            add("rebuild", backend, size, reb, dec, "events/s", ">= 0.5x decode", reb >= 0.5 * dec)
        largest = max(sizes)
        q = sizes[largest]["queries"]
        add("as-of counters", backend, largest, q["counters_ms"], q["counters_flat_ms"], "ms", "< 50 ms, <= 3x flat SQL",
            q["counters_ms"] < 50 and q["counters_ms"] <= 3 * q["counters_flat_ms"])  # fmt: skip
        other = q["counters_other_date_ms"]
        add("as-of counters, another date", backend, largest, other, q["counters_flat_ms"], "ms", "< 50 ms", other < 50)
        flat = q["counters_flat_ms"]
        add("as-of counters, first after an import or rebuild", backend, largest, q["counters_first_ms"], flat, "ms", "(makes the running totals)", True)
        after = q["counters_after_correction_ms"]
        add("as-of counters, first after a correction", backend, largest, after, flat, "ms", "< 50 ms (moves the running totals)", after < 50)
        for label, name in (("one partner", "partner"), ("by year", "by_year")):
            first = q[f"counters_{name}_first_ms"]
            add(f"as-of counters, {label}, first asked", backend, largest, first, None, "ms", "(makes its running totals)", True)
            add(f"as-of counters, {label}", backend, largest, q[f"counters_{name}_ms"], None, "ms", "< 50 ms", q[f"counters_{name}_ms"] < 50)
        after = q["counters_partner_after_correction_ms"]
        add("as-of counters, one partner, after a correction", backend, largest, after, None, "ms", "< 50 ms (moves them)", after < 50)
        add("as-of counters, with contributor ids", backend, largest, q["counters_with_ids_ms"], None, "ms", "(informative)", True)
        for label in ("large", "small"):
            value = q[f"page_{label}_ms"]
            add(f"partner history page ({label} family)", backend, largest, value, q[f"page_{label}_flat_ms"], "ms", "< 50 ms", value < 50)
        memory = sizes[largest]["rebuild"]["max_rss_mb"]
        add("peak memory, rebuild", backend, largest, memory, None, "MB", "< 400 MB", memory < 400)
    add("When parsing", "-", None, when["per_second"], None, "strings/s", ">= 100000/s", when["per_second"] >= 100_000)
    limit = 1.5 * cold["bare_s"] + 0.1
    add("cold start, chrono timeline", "-", None, cold["timeline_s"], cold["bare_s"], "s", f"<= 1.5x bare + 0.1 s (= {limit:.3f})", cold["timeline_s"] <= limit)
    return out


def machine(backends: list[str], postgres: str) -> dict[str, Any]:
    from importlib.metadata import version

    import eventsourcing  # noqa: F401 (the version is what we want)

    model = ""
    with Path("/proc/cpuinfo").open() as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    import sqlite3

    info: dict[str, Any] = {
        "nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(), "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version, "eventsourcing": version("eventsourcing"),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }  # fmt: skip
    if "postgres" in backends:
        import psycopg

        with psycopg.connect(postgres.split("?", maxsplit=1)[0]) as connection:
            info["postgres"] = str(connection.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    return info


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def show(rows: list[dict[str, Any]]) -> None:
    print(f"{'figure':42} {'backend':8} {'size':>8} {'chrono':>12} {'baseline':>12} {'ratio':>7} {'unit':10} target")
    for r in rows:
        size = "" if r["size"] is None else str(r["size"])
        baseline = "" if r["baseline"] is None else f"{r['baseline']:,.3f}"
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        mark = "ok" if r["met"] else "MISSED"
        print(f"{r['figure']:42} {r['backend']:8} {size:>8} {r['value']:>12,.3f} {baseline:>12} {ratio:>7} {r['unit']:10} {r['target']} {mark}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, action="append", help="entries (repeat for several sizes; default 10000)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--out", type=Path, default=Path("bench/results/latest.json"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=Path("bench/data"), help="where generated chronicles are kept")
    parser.add_argument("--chunk", type=int, default=5000, help="records per import (one transaction each)")
    parser.add_argument("--postgres", default=os.environ.get("CHRONO_BENCH_POSTGRES") or os.environ.get("CHRONO_TEST_POSTGRES") or POSTGRES_DEFAULT)
    parser.add_argument("--keep", action="store_true", help="keep the stores (printed) instead of removing them")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.url)))
        return
    sizes = sorted(set(args.size or [10_000]))
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    started = time.time()
    results: dict[str, dict[int, dict[str, Any]]] = {}
    workdir = Path(tempfile.mkdtemp(prefix="chrono-bench-"))
    try:
        for backend in backends:
            stores = Stores(backend, workdir, args.postgres, args.keep)
            try:
                warm_up(stores, args, sizes[0])
                results[backend] = {size: run_size(stores, size, args, largest=size == sizes[-1]) for size in sizes}
            finally:
                if args.keep:
                    log(f"kept: {stores.made}")
                stores.clean()
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    log("  When parsing, cold start")
    # Parsing in a fresh process, as a command parses: here, the heap the
    # runs left behind makes every garbage collection the parses cause slower.
    when, cold = in_child("when", ""), measure_cold_start()
    rows = figures(results, when, cold)
    show(rows)
    report = {
        "run": {"sizes": sizes, "backends": backends, "seed": args.seed, "chunk": args.chunk,
                "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
                "minutes": round((time.time() - started) / 60, 1), "as_of": AS_OF.isoformat()},
        "machine": machine(backends, args.postgres),
        "figures": rows,
        "results": {backend: {str(size): r for size, r in sizes_.items()} for backend, sizes_ in results.items()},
        "when": when,
        "cold_start": cold,
    }  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
