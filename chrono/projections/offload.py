"""A reference's rows derived in a second process, while this one writes them.

Making a reference read model from the whole log (``reference``) is two kinds
of work of about the same size: reading and decoding each event and deriving
its rows (``ReadModel.derive``, the very code a rebuild runs), and writing the
rows, then comparing or copying the tables. On a machine with more than one
core they run side by side: a second process reads the store's log and sends
each page's rows over a pipe, while this one copies the log into the reference
and writes the rows as they come (``ReadModel.take``). The second process is
a fresh interpreter (no connection, thread or lock of this one crosses over)
and only reads.

The log is taken in stages, ending where the store made its facets (a running
total, an explained segment), so that each facet is made from the tables as
they stood then, as a read model made in one process makes them. After each
stage come the entry counts its events changed; after the last, the watcher
that saw every revision (the audit's ``ChronicleCheck``), which this process's
takes over.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, BinaryIO, Protocol

from chrono.projections.cores import cores_to_spare
from chrono.projections.rows import Rows
from chrono.projections.share import Both, Here, Share, derived_here
from chrono.projections.tallies import Tallies

# Events from which a log is derived by two processes: a second process takes about half a second to
# start, and below this one process does it as fast (measured: at 5,400 events a forced rebuild takes as
# long either way and an audit 0.8 s instead of 1.0 s; at 10,500, 1.1 s instead of 1.6 s).
FROM = 5_000
AHEAD = 16  # pages the second process may derive before this one takes them (their bytes: a few MB each)
# The share of the log's entries this process derives beside writing every row: about as much work as
# the second process's share, which derives the rest (``Share``).
HERE = 10


class Watcher(Protocol):
    """What is shown every revision as a reference is made, and takes over what a copy of it saw elsewhere
    (or, where each saw a part of the log, adds it to what it saw: ``merge``)."""

    def see(self, aggregate: Any) -> None: ...

    def take_over(self, other: Any) -> None: ...

    def merge(self, other: Any) -> None: ...


class DerivingFailed(Exception):
    """The second process could not derive the rows (a damaged event), or ended without saying why."""


def worth(events: int) -> bool:
    """Whether a log of ``events`` is better derived in a second process: long enough, and a core to run it on."""
    return events >= FROM and cores_to_spare()


class Derived:
    """The pages of one stage of the log, derived apart: ``(start, last, size, rows)`` each, then
    ``counts``, the entry counts the stage changed (``ReadModel.take`` writes both)."""

    def __init__(self, apart: Apart) -> None:
        self._apart = apart
        self._counts: Tallies | None = None

    def __iter__(self) -> Iterator[tuple[int, int, int, Rows]]:
        while True:
            message = self._apart.receive()
            if message[0] == "stage":
                self._counts = message[1]
                return
            _, start, last, size, tables = message
            yield start, last, size, Rows.of(self._apart.veil, tables)

    @property
    def counts(self) -> Tallies:
        if self._counts is None:
            raise DerivingFailed("the entry counts of a stage were asked for before its pages were taken")
        return self._counts


class Apart:
    """The second process, and its messages as they come: read by a thread of this process into a
    queue of their bytes (``AHEAD`` of them at most), so that the second process goes on deriving
    while this one does other work (checks the chain, copies the log)."""

    def __init__(self, stream: BinaryIO, process: subprocess.Popen[bytes], veil: Any) -> None:
        self.stream, self.process, self.veil = stream, process, veil
        self.here: Here | None = None  # this process's share, where it derives one (``apart``)
        self._messages: queue.Queue[bytes | None] = queue.Queue(maxsize=AHEAD)
        self._closed = threading.Event()
        self._done = False
        self._early: Any = None
        self._reader = threading.Thread(target=self._read, name="chrono-derived-pages", daemon=True)
        self._reader.start()

    def stage(self) -> Derived | Both:
        """The next stage's pages (with this process's share of them, where it derives one)."""
        return Derived(self) if self.here is None else Both(Derived(self), self.here)

    def finish(self, watcher: Watcher | None) -> None:
        """Wait for the end; ``watcher`` takes over what the second process's copy of it saw (or adds
        it to what it saw of this process's share)."""
        message = self.receive()
        if message[0] != "done":
            raise DerivingFailed(f"the process deriving the rows sent {message[0]!r} where its end was due")
        self._done = True
        if watcher is not None and self.here is not None:
            watcher.merge(message[1])
        elif watcher is not None:
            watcher.take_over(message[1])

    def fingerprints(self, tick: Callable[[int], None] | None) -> tuple[Any, Any]:
        """The second process's fingerprints of the log's rows (``fingerprints.derive``: None where they
        cannot be made) and its watcher, each page's events told to ``tick`` as it was derived."""
        while True:
            message = self.receive()
            if message[0] == "fingerprints":
                self._done = True
                return message[1], message[2]
            if tick is not None:
                tick(message[1])

    def pending(self, tick: Callable[[int], None] | None) -> None:
        """Tell ``tick`` of the pages derived meanwhile, without waiting (their messages would fill the queue)."""
        while not self._messages.empty():
            message = self.receive()
            if message[0] == "fingerprints":  # none comes before its last page: kept for ``fingerprints``
                self._early = message
                return
            if tick is not None:
                tick(message[1])

    def receive(self) -> Any:
        if self._early is not None:
            message, self._early = self._early, None
            return message
        data = self._messages.get()
        if data is None:
            code = self.process.wait(5)
            raise DerivingFailed(f"the process deriving the rows ended without a word (exit code {code})")
        message = pickle.loads(data)  # noqa: S301 (written by chrono's own second process, through a pipe only the two hold)
        if message[0] == "error":
            raise DerivingFailed(message[1])
        return message

    def close(self) -> None:
        """Stop the second process unless it has ended, and the thread reading it."""
        self._closed.set()
        if self._done:  # it said all it had to say: let it close its store
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(5)
        if self.process.poll() is None:
            self.process.kill()  # its pipe closes: the reading thread meets its end
        self.process.wait()
        self._reader.join()
        self.stream.close()

    def _read(self) -> None:
        while not self._closed.is_set():
            head = self.stream.read(8)
            data = self.stream.read(int.from_bytes(head, "big")) if len(head) == 8 else b""
            ended = len(head) < 8 or not data
            while not self._closed.is_set():
                try:
                    self._messages.put(None if ended else data, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if ended:
                return


@contextmanager
def apart(
    env: dict[str, str], bounds: Sequence[int], veil: Any, watcher: Watcher | None, prints: Any = None, *, store: Any = None
) -> Iterator[Apart]:  # fmt: skip
    """A second process deriving the rows of the log of the store ``env`` names, in stages ending at
    ``bounds`` (positions, the last included), showing ``watcher`` (a copy) every revision. With
    ``prints`` (a ``fingerprints.Slice``), it sends the fingerprints of that slice of the rows of the
    log up to the last bound instead of the rows. With ``store`` (the application ``env`` opens), this
    process derives a share of the entries of each page itself (``HERE``), showing them to ``watcher``,
    and the second process the rest: deriving is most of the work, writing the rows the smaller part.

    A command of its own (``python -m chrono.projections.offload``) rather than ``multiprocessing``,
    whose processes import the program that started them again: a script that opens a store at its
    top level would run twice."""
    from chrono.projections.beside import spawned

    shared = store is not None and prints is None
    process, stream = spawned("chrono.projections.offload")
    assert process.stdin is not None
    with process.stdin:
        pickle.dump((env, list(bounds), watcher, prints, Share(HERE) if shared else Share()), process.stdin)
    derived = Apart(stream, process, veil)
    try:
        if shared:
            derived.here = derived_here(store, bounds[-1], watcher, Share(0, HERE))  # while the second process starts
        yield derived
    finally:
        derived.close()


def remake(model: Any, progress: Any = None) -> int:
    """``model.rebuild`` (a ``ReadModel``) of the whole log, its rows derived by a second process
    while this one writes them where the log is long enough and a core is free."""
    head = int(model.app.head_position() or 0)
    if not worth(head):
        return int(model.rebuild(progress))
    with apart(dict(model.app.env), [head], model.veil, None, store=model.app) as derived:
        done = int(model.rebuild(progress, derived.stage()))
        derived.finish(None)
    return done


def _derive(send: Callable[[Any], None], env: dict[str, str], bounds: list[int], watcher: Watcher | None, prints: Any, *, share: Share) -> None:
    """The second process: derive the rows of ``share`` of each stage and ``send`` them, page by page
    (or, with ``prints``, their fingerprints once the log up to the last bound is derived)."""
    from chrono.collector import cycles_collected_after
    from chrono.events.application import Chronicle
    from chrono.projections.rawlog import later_versions
    from chrono.projections.readmodel import PAGE, deriving

    app = Chronicle(env={**env, "CREATE_TABLE": "false"})  # it only reads
    try:
        if prints is not None:
            from chrono.projections.fingerprints import derive

            sums = derive(app, prints, bounds[-1], watcher, lambda events: send(("tick", events)))
            send(("fingerprints", sums, watcher))
            return
        with cycles_collected_after():
            model = deriving(app, later_versions(app, bounds[-1]), watcher)
            start = 0
            for bound in bounds:
                while page := app.recorder.select_notifications(start=start + 1, limit=PAGE, stop=bound):
                    send(("page", start, page[-1].id, len(page), model.derive(share.of(page)).tables()))
                    start = page[-1].id
                send(("stage", model.counts()))
        send(("done", watcher))
    except BrokenPipeError:
        pass  # the writing process gave up: nobody to tell
    except Exception as error:  # a damaged event provokes whatever it provokes, as it would in one process
        send(("error", f"{type(error).__name__}: {error}"))
    finally:
        app.close()


def main() -> None:
    """``python -m chrono.projections.offload FD``: the arguments pickled on stdin, the messages to ``FD``."""
    env, bounds, watcher, prints, share = pickle.load(sys.stdin.buffer)  # noqa: S301 (sent by the chrono process that started this one)
    with os.fdopen(int(sys.argv[1]), "wb") as stream:

        def send(message: Any) -> None:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
            stream.write(len(data).to_bytes(8, "big") + data)
            stream.flush()

        _derive(send, env, bounds, watcher, prints, share=share)


if __name__ == "__main__":
    main()
