"""One piece of work done by a second process beside this one: one call, its answer sent back.

As ``offload``'s, the second process is a command of its own (``python -m
chrono.projections.beside FD``), a fresh interpreter that only reads the
store: no connection, thread or lock of this one crosses over, and a script
that opens a store at its top level does not run twice (as it would under
``multiprocessing``). The work is one of ``WORKS``, named by key: the caller
never names a module to import.
"""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, BinaryIO

WORKS = {"running totals": ("chrono.projections.totals", "made_apart")}


class BesideFailed(Exception):
    """The second process could not do its work, or ended without an answer."""


@contextmanager
def started(work: str, args: Any) -> Iterator[Callable[[], Any]]:
    """Start ``work`` (a key of ``WORKS``) on ``args`` in a second process; yields a function that waits
    for its answer (``BesideFailed`` if there is none). The process is stopped on leaving, answered or not."""
    process, stream = spawned("chrono.projections.beside")
    assert process.stdin is not None
    try:
        with process.stdin:
            pickle.dump((work, args), process.stdin)
        yield lambda: _answer(stream, process)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        stream.close()


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


def _answer(stream: Any, process: subprocess.Popen[bytes]) -> Any:
    try:
        kind, value = pickle.load(stream)  # noqa: S301 (written by chrono's own second process, through a pipe only the two hold)
    except EOFError:
        raise BesideFailed(f"the second process ended without an answer (exit code {process.wait()})") from None
    if kind == "error":
        raise BesideFailed(value)
    return value


def main() -> None:
    """``python -m chrono.projections.beside FD``: the work and its arguments pickled on stdin, the answer to ``FD``."""
    work, args = pickle.load(sys.stdin.buffer)  # noqa: S301 (sent by the chrono process that started this one)
    module, name = WORKS[work]
    with os.fdopen(int(sys.argv[1]), "wb") as stream:
        try:
            answer: tuple[str, Any] = ("ok", getattr(importlib.import_module(module), name)(*args))
        except Exception as error:  # whatever the store provokes: the first process decides what to do
            answer = ("error", f"{type(error).__name__}: {error}")
        with suppress(BrokenPipeError):
            pickle.dump(answer, stream, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main()
