"""Measure the figures of DESIGN.md section 9 as a user runs chrono, each beside its baseline.

    python -m bench.run --sizes 10000,100000 --backend sqlite,postgres
    python -m bench.run --sizes 10000 --backend sqlite --only 'timeline*,counters'

For each backend and size: a fresh store filled by ``chrono import`` of the
synthetic chronicle (``bench.generate``), its corrections and retractions,
``chrono rebuild``, then every query command of ``bench.queries`` as a
whole ``chrono`` process, minus the cold start of ``chrono timeline`` on the
bundled chronicle measured just before, with each process's peak memory,
beside the same question in flat SQL (``bench.baselines``); then the first
query after ``chrono record`` of one entry. The import is timed beside
eventsourcing's own ``save`` of the same events, the rebuild beside
decoding the log alone. The results go to a JSON file in bench/results/
and a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import fixed, generate, proc, queries, report, writes
from bench.baselines import Baselines

POSTGRES_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
BUDGET_S = 30  # a query is repeated until it has run this long (or --repeat times)


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


class Stores:
    """Fresh stores and flat tables on one backend, removed afterwards unless kept."""

    def __init__(self, backend: str, workdir: Path, postgres: str, keep: bool) -> None:
        self.backend, self.workdir, self.postgres, self.keep = backend, workdir, postgres.split("?", maxsplit=1)[0], keep
        self.made: list[str] = []

    def new(self, label: str) -> str:
        """A new store's path or URL (a PostgreSQL schema is created now)."""
        name = f"bench_{label}_{uuid.uuid4().hex[:6]}"
        if self.backend == "sqlite":
            url = str(self.workdir / f"{name}.sqlite")
        else:
            self.sql(f'CREATE SCHEMA "{name}"')
            url = f"{self.postgres}?schema={name}"
        self.made.append(url)
        return url

    def sql(self, statement: str) -> None:
        with pg_connect(self.postgres, autocommit=True) as connection:
            connection.execute(statement)

    def drop(self, url: str) -> None:
        if self.keep:
            return
        if self.backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(url + suffix).unlink(missing_ok=True)
        else:
            self.sql(f'DROP SCHEMA IF EXISTS "{url.rsplit("schema=", 1)[1]}" CASCADE')

    def clean(self) -> None:
        for url in self.made:
            self.drop(url)
        if self.keep:
            log(f"kept: {self.made}")

    def connect(self, url: str, *, read_only: bool = False) -> Any:
        """A connection to a store's file or schema."""
        if self.backend == "sqlite":
            return sqlite3.connect(f"file:{url}?mode=ro", uri=True) if read_only else sqlite3.connect(url)
        connection = pg_connect(self.postgres, autocommit=read_only)
        connection.execute(f'SET search_path TO "{url.rsplit("schema=", 1)[1]}"')
        return connection


def pg_connect(url: str, *, autocommit: bool) -> Any:
    """A connection to the server, tried a few times: the server is shared, and may be full for a moment."""
    import psycopg

    for attempt in range(5):
        try:
            return psycopg.connect(url, autocommit=autocommit)
        except psycopg.OperationalError as error:
            log(f"  PostgreSQL: {str(error).splitlines()[-1]}; trying again in 10 s")
            if attempt == 4:
                raise
            time.sleep(10)
    raise AssertionError


class Bench:
    """One run: its arguments, its home and workdir, what it selected."""

    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args, self.workdir = args, workdir
        (workdir / "home").mkdir()
        self.env = proc.child_env(workdir / "home")
        self.chrono = proc.chrono_command()
        self.writes = 0  # entries recorded by the write figures, for their ids
        self.firsts: dict[str, Any] = {}  # each query's first run, which makes what its question keeps

    def wanted(self, name: str) -> bool:
        return not self.args.only or any(fnmatch.fnmatch(name, pattern) for pattern in self.args.only)

    def chrono_run(self, url: str, *args: str, timeout: float | None = None) -> proc.Measure:
        argv = [*self.chrono, "--store", url, *args]
        return proc.repeat(argv, self.env, times=1, timeout=timeout or self.args.import_timeout, budget=0)

    # -- one size ----------------------------------------------------------------

    def run_size(self, stores: Stores, size: int, cold_store: str | None) -> dict[str, Any]:
        chronicle, changes = generate.ensure(self.args.data, size, self.args.seed)
        result: dict[str, Any] = {"entries": writes.count_entries(chronicle), "load_average": os.getloadavg()}
        result["cold_start_before"] = self.cold(cold_store)
        url = self.fill(stores, size, chronicle, result)
        if url is None:
            return result
        if self.wanted("import"):
            log(f"{stores.backend} {size}: eventsourcing's save of the same events")
            target = stores.new(f"save{size}")
            saved = writes.measure_save(url, target, self.args.chunk)
            stores.drop(target)
            result["save"] = {**saved, "per_s": result["entries"] / saved["seconds"]}
            parsed = in_child("parse", str(chronicle))
            result["parse"] = {**parsed, "per_s": result["entries"] / parsed["seconds"]}
        log(f"{stores.backend} {size}: corrections and retractions")
        time.sleep(1.1)
        known_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        time.sleep(1.1)
        applied = writes.apply_changes(url, changes)
        result["changes"] = {**applied, "per_s": applied["changes"] / applied["seconds"]}
        if self.wanted("rebuild") or self.wanted("audit"):
            self.rebuild(url, result)
        question = queries.Question(known_at=known_at, show=first_corrected(changes))
        chosen = [q for q in queries.queries(question) if self.wanted(q.name)]
        if chosen:
            files = (chronicle, changes)
            result["queries"] = self.measure_queries(stores, url, chosen, files=files, question=question, cold_store=cold_store, result=result)
            if self.wanted("audit") and "decode" in result:
                # The queries made running totals and explained segments, and wrote entries after them: an
                # audit now makes each facet again, at the position it was made at, as a user's store has them.
                log("  chrono audit, after the queries")
                audited = self.chrono_run(url, "audit", "--format", "json")
                result["audit_facets"] = self.rate(audited, int(result["decode"]["events"]), "events/s", result["cold_start_before"]["seconds"])
        return result

    def fill(self, stores: Stores, size: int, chronicle: Path, result: dict[str, Any]) -> str | None:
        """``chrono import`` of the whole file; in pieces, one command each, if that fails."""
        log(f"{stores.backend} {size}: chrono import of {result['entries']:,} entries")
        url = stores.new(f"chrono{size}")
        imported = self.chrono_run(url, "import", str(chronicle))
        result["import"] = self.rate(imported, result["entries"], "entries/s", result["cold_start_before"]["seconds"])
        if imported.status == "ok":
            return url
        log(f"  import {imported.status}: {imported.runs[-1].error}; importing in pieces of {self.args.chunk} records")
        stores.drop(url)
        url = stores.new(f"pieces{size}")
        started, failed = time.perf_counter(), ""
        for piece in writes.pieces(chronicle, self.args.chunk, self.workdir):
            done = self.chrono_run(url, "import", str(piece))
            piece.unlink()
            if done.status != "ok":
                failed = failed or done.runs[-1].error or done.status
        result["import_pieces"] = {"seconds": time.perf_counter() - started, "error": failed}
        return None if failed else url

    def rate(self, measure: proc.Measure, count: int, unit: str, cold: float) -> dict[str, Any]:
        seconds = measure.seconds
        per_s = None if seconds is None else count / max(seconds - cold, 1e-9)
        return {**measure.as_json(), "unit": unit, "count": count, "cold_s": cold, "per_s": per_s}

    def rebuild(self, url: str, result: dict[str, Any]) -> None:
        log("  chrono rebuild, and decoding the log alone")
        decoded = in_child("decode", url)
        result["decode"] = {**decoded, "per_s": decoded["events"] / decoded["seconds"]}
        cold = result["cold_start_before"]["seconds"]
        # The corrections were written without the read model following them, as no chrono command
        # leaves it: the first command after them catches up (measured apart, no target), so that the
        # rebuild and the audit meet the tables as a user's would.
        log("  catching up the corrections (chrono timeline --limit 1)")
        caught = self.chrono_run(url, "timeline", "--limit", "1")
        result["catch_up"] = self.rate(caught, int(result["changes"]["changes"]), "events/s", cold)
        if self.wanted("rebuild"):
            rebuilt = self.chrono_run(url, "rebuild")  # the tables agree with the log: checked, and left as they are
            result["rebuild"] = self.rate(rebuilt, int(decoded["events"]), "events/s", cold)
            log("  chrono rebuild --force")
            forced = self.chrono_run(url, "rebuild", "--force")
            result["rebuild_force"] = self.rate(forced, int(decoded["events"]), "events/s", cold)
        if self.wanted("audit"):
            log("  chrono audit")
            audited = self.chrono_run(url, "audit", "--format", "json")
            result["audit"] = self.rate(audited, int(decoded["events"]), "events/s", result["cold_start_before"]["seconds"])

    def cold(self, store: str | None) -> dict[str, Any]:
        return fixed.cold_start(store, self.env)

    # -- the queries ---------------------------------------------------------------

    def measure_queries(self, stores: Stores, url: str, chosen: list[queries.Query], *, files: tuple[Path, Path], question: queries.Question,
                cold_store: str | None, result: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
        log("  the flat tables of the baselines")
        flat_url = stores.new(f"flat{result['entries']}")
        flat = stores.connect(flat_url)
        result["flat_rows"] = flat_load(flat, stores.backend == "postgres", files)
        baselines = Baselines(flat, stores.connect(url, read_only=True), stores.backend == "postgres", log_table(stores.backend, url, question.show))
        cold = self.cold(cold_store)
        result["cold_start"] = cold
        out: dict[str, Any] = {}
        for query in chosen:
            log(f"  {query.label}")
            records: list[dict[str, Any]] = []
            measured = self.write_then(url, query, records) if query.write else self.query(url, query)
            chrono = measured.as_json()
            over = None if chrono["seconds"] is None else (chrono["seconds"] - cold["seconds"]) * 1000
            out[query.name] = {"label": query.label, "args": list(query.args), "chrono": chrono, "over_cold_ms": over,
                               "baseline_ms": round(baselines.measure_ms(query.baseline), 3), "first": self.firsts.get(query.name)}  # fmt: skip
            if query.write:
                out[query.name]["records"] = records
        flat.close()
        baselines.log.close()
        return out

    def query(self, url: str, query: queries.Query) -> proc.Measure:
        """The query's runs; the first, which makes what the question keeps (a facet's running
        totals, an explained metric's segments), is run before them and reported apart (``first``)."""
        argv = [*self.chrono, "--store", url, *query.args]
        first = proc.repeat(argv, self.env, times=1, timeout=self.args.import_timeout, budget=0)
        self.firsts[query.name] = first.as_json()
        return proc.repeat(argv, self.env, times=self.args.repeat, timeout=self.args.timeout, budget=BUDGET_S)

    def write_then(self, url: str, query: queries.Query, records: list[dict[str, Any]]) -> proc.Measure:
        """``chrono record`` of one entry (its run kept in ``records``), then the query: the first query after a write."""
        runs: list[proc.Run] = []
        while len(runs) < self.args.repeat and sum(r.seconds for r in runs) < BUDGET_S:
            self.writes += 1
            recorded = proc.run([*self.chrono, "--store", url, *queries.record_args(self.writes)], self.env, self.args.timeout)
            records.append(proc.Measure((recorded,)).as_json())
            if not recorded.ok:
                return proc.Measure((recorded,))
            runs.append(proc.run([*self.chrono, "--store", url, *query.args], self.env, self.args.timeout))
            if not runs[-1].ok:
                break
        return proc.Measure(tuple(runs))


def first_corrected(changes: Path) -> str:
    with changes.open(encoding="utf-8") as file:
        return str(next(c["id"] for c in map(json.loads, file) if c["op"] == "correct"))


def log_table(backend: str, url: str, entry: str) -> tuple[str, str, Any]:
    """eventsourcing's log table in chrono's store (named after the application, "chrono"), its position column, the entry's id."""
    from chrono.events.entry import entry_uuid

    if backend == "sqlite":
        return "stored_events", "rowid", entry_uuid(entry).hex
    return f'"{url.rsplit("schema=", 1)[1]}".chrono_events', "notification_id", entry_uuid(entry)


def flat_load(connection: Any, postgres: bool, files: tuple[Path, Path]) -> dict[str, int]:
    from bench import flat

    counts = flat.load(connection, postgres, *files)
    if postgres:
        connection.autocommit = True
    return counts


def in_child(kind: str, url: str) -> dict[str, float]:
    """``decode``, ``parse`` (``url``: the chronicle file) or ``when`` in a fresh process of our own interpreter."""
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "bench.run", "--child", kind, "--url", url],
        check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def child(kind: str, url: str) -> dict[str, float]:
    measured = fixed.measure_when() if kind == "when" else writes.parse(url) if kind == "parse" else writes.decode(url)
    return {**measured, "max_rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM)."""
    with Path("/proc/self/status").open() as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


# -- a run ------------------------------------------------------------------------


def run_backend(bench: Bench, backend: str) -> dict[int, dict[str, Any]]:
    stores = Stores(backend, bench.workdir, bench.args.postgres, bench.args.keep)
    try:
        cold_store = None
        if backend == "postgres":
            cold_store = stores.new("bundled")
            fixed.fill_bundled(cold_store, bench.env)
        out = {}
        for size in bench.args.sizes:
            started = time.time()
            try:
                out[size] = bench.run_size(stores, size, cold_store)
            # The other sizes and backends are still measured; this one says why it is missing.
            except Exception as error:
                log(f"{backend} {size}: stopped by {error!r}")
                out[size] = {"error": repr(error)}
            out[size]["minutes"] = round((time.time() - started) / 60, 1)
            for url in [u for u in stores.made if u != cold_store]:
                stores.drop(url)  # each size's stores go once measured: the disk holds one at a time
        return out
    finally:
        stores.clean()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="", help="entries, comma-separated (default 10000)")
    parser.add_argument("--size", type=int, action="append", default=[], help="one size (repeatable; as --sizes)")
    parser.add_argument("--backend", default="sqlite", help="sqlite, postgres, or both: sqlite,postgres")
    parser.add_argument("--only", default="", help="figures to measure, comma-separated shell patterns (e.g. 'timeline*,import')")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each query (the median is reported)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a query is killed and recorded as a timeout")
    parser.add_argument("--import-timeout", type=float, default=7200, help="seconds before an import or a rebuild is killed")
    parser.add_argument("--out", type=Path, help="the JSON file (default: bench/results/run-<time>.json)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=Path("bench/data"), help="where generated chronicles are kept")
    parser.add_argument("--chunk", type=int, default=5000, help="events per save of the baseline; records per piece of a fallback import")
    parser.add_argument("--postgres", default=os.environ.get("CHRONO_BENCH_POSTGRES") or os.environ.get("CHRONO_TEST_POSTGRES") or POSTGRES_DEFAULT)
    parser.add_argument("--keep", action="store_true", help="keep the stores (printed) instead of removing them")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()} | set(args.size)) or [10_000]
    names = {"both": ["sqlite", "postgres"], "sqlite": ["sqlite"], "postgres": ["postgres"]}
    args.backends = list(dict.fromkeys(b for part in args.backend.split(",") for b in names.get(part.strip(), [part.strip()])))
    if set(args.backends) - {"sqlite", "postgres"}:
        parser.error(f"--backend: sqlite, postgres or both, not {args.backend!r}")
    args.only = [p.strip() for p in args.only.split(",") if p.strip()]
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.url)))
        return
    started = time.time()
    workdir = Path(tempfile.mkdtemp(prefix="chrono-bench-"))
    bench = Bench(args, workdir)
    try:
        fixed.fill_bundled(None, bench.env)  # the default store of the bench's home
        results: dict[str, dict[int, dict[str, Any]]] = {}
        for backend in args.backends:
            try:
                results[backend] = run_backend(bench, backend)
            except Exception as error:
                log(f"{backend}: stopped by {error!r}")
                results[backend] = {}
            write_report(args, started, results, when=None, cold=None, chrono=bench.chrono)  # kept if a later backend hangs
        log("When parsing, cold start against the bare import")
        when = cold = None
        try:  # a failure here must not lose the sizes measured before it
            when = in_child("when", "") if bench.wanted("when") else None
            cold = {"timeline_s": bench.cold(None)["seconds"], "bare_s": fixed.bare_import(bench.env)} if bench.wanted("cold-start") else None
        except Exception as error:
            log(f"the fixed figures: stopped by {error!r}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    write_report(args, started, results, when=when, cold=cold, chrono=bench.chrono)


def write_report(args: argparse.Namespace, started: float, results: dict[str, Any], *, when: Any, cold: Any, chrono: list[str]) -> None:
    rows = [row for backend, sizes in results.items() for row in report.bulk_rows(backend, sizes) + report.query_rows(backend, sizes)]
    if when and cold:
        rows += report.fixed_rows(when, cold)
    colds = {b: {s: r.get("cold_start", {}).get("seconds", 0) for s, r in sizes.items()} for b, sizes in results.items()}
    info = report.machine(args.backends, args.postgres)
    table = report.markdown(rows, colds)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(started))
    out = args.out or Path("bench/results") / f"run-{stamp}.json"
    document = {
        "run": {"sizes": args.sizes, "backends": args.backends, "seed": args.seed, "only": args.only, "repeat": args.repeat,
                "timeout_s": args.timeout, "chrono": chrono, "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
                "minutes": round((time.time() - started) / 60, 1)},
        "machine": info, "figures": rows, "when": when, "cold_start": cold,
        "results": {b: {str(s): r for s, r in sizes.items()} for b, sizes in results.items()},
    }  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(report.machine_line(info) + "\n\n" + table, encoding="utf-8")
    print(report.machine_line(info) + "\n")
    print(table)
    log(f"wrote {out} and {out.with_suffix('.md')} ({document['run']['minutes']} minutes)")


if __name__ == "__main__":
    main()
