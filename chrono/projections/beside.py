"""Work done by a second process beside this one: one call, its answers sent back one by one.

As ``offload``'s, the second process is a command of its own (``python -m
chrono.projections.beside FD``), a fresh interpreter that only reads the
store: no connection, thread or lock of this one crosses over, and a script
that opens a store at its top level does not run twice (as it would under
``multiprocessing``). The work is one of ``WORKS``, named by key: the caller
never names a module to import. Each answer is written to a file of a
scratch directory and named on the pipe, so that the second process never
waits for this one to read it (a pipe holds 64 KB), and this one holds one
answer at a time.
"""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO

from chrono.collector import cycles_collected_after

WORKS = {
    "running totals": ("chrono.projections.totals_rows", "made_apart"),
    "running totals' fingerprints": ("chrono.projections.facetcheck", "sums_apart"),
}


class BesideFailed(Exception):
    """The second process could not do its work, or ended without saying it was done."""


@contextmanager
def started(work: str, args: tuple[Any, ...]) -> Iterator[Iterator[Any]]:
    """Start ``work`` (a key of ``WORKS``) on ``args`` in a second process; yields its answers as they come
    (``BesideFailed`` where it fails). The process is stopped on leaving, done or not."""
    with tempfile.TemporaryDirectory(prefix="chrono-beside-") as where:
        process, stream = spawned("chrono.projections.beside")
        assert process.stdin is not None
        try:
            with process.stdin:
                pickle.dump((work, args, where), process.stdin)
            yield _answers(stream, process)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            stream.close()


def _answers(stream: BinaryIO, process: subprocess.Popen[bytes]) -> Iterator[Any]:
    while True:
        try:
            kind, value = pickle.load(stream)  # noqa: S301 (written by chrono's own second process, through a pipe only the two hold)
        except EOFError:
            raise BesideFailed(f"the second process ended without saying it was done (exit code {process.wait()})") from None
        if kind == "done":
            return
        if kind == "error":
            raise BesideFailed(value)
        path = Path(value)
        with path.open("rb") as file:
            answer = pickle.load(file)  # noqa: S301 (written by chrono's own second process, in a directory of this one's)
        path.unlink()
        yield answer


def spawned(module: str) -> tuple[subprocess.Popen[bytes], BinaryIO]:
    """``python -m module FD`` in this interpreter, with chrono's path: the process (its stdin a pipe)
    and the stream it writes to ``FD``."""
    reading, writing = os.pipe()
    path = os.pathsep.join(entry for entry in sys.path if entry)
    try:
        process = subprocess.Popen(  # noqa: S603 (this interpreter, a module of chrono's, a number)
            [sys.executable, "-m", module, str(writing)], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(writing,), env={**os.environ, "PYTHONPATH": path},
        )  # fmt: skip
    finally:
        os.close(writing)
    return process, os.fdopen(reading, "rb")


def main() -> None:
    """``python -m chrono.projections.beside FD``: the work, its arguments and a directory pickled on stdin;
    each answer to a file there, named on ``FD``."""
    work, args, where = pickle.load(sys.stdin.buffer)  # noqa: S301 (sent by the chrono process that started this one)
    module, name = WORKS[work]
    with os.fdopen(int(sys.argv[1]), "wb") as stream, cycles_collected_after():  # counting many facets: see collector

        def say(kind: str, value: Any) -> None:
            pickle.dump((kind, value), stream)
            stream.flush()

        try:
            for number, answer in enumerate(getattr(importlib.import_module(module), name)(*args)):
                path = Path(where) / f"{number}.pickle"
                with path.open("wb") as file:
                    pickle.dump(answer, file, protocol=pickle.HIGHEST_PROTOCOL)
                say("answer", str(path))
            say("done", None)
        except BrokenPipeError:
            pass  # the first process gave up: nobody to tell
        except Exception as error:  # whatever the store provokes: the first process decides what to do
            with suppress(BrokenPipeError):
                say("error", f"{type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
