"""The command line: parse the words, run one command, report failures in one line.

The commands live in ``queries`` (what the store says), ``writes`` (what
changes it), ``audits`` (audit, replay, diff) and ``exports``; ``present``
is the one place that turns an answer into a table, JSON, CSV, Markdown or
an SVG picture. Each module is imported when its command runs.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from chrono.cli.examples import EXAMPLES
from chrono.cli.parser import COMMANDS, DATE_OPTIONS, build_parser
from chrono.errors import ChronoError, Problem, Rejected, StoreDamaged

__all__ = ["COMMANDS", "EXAMPLES", "build_parser", "main", "run"]

# Which module holds each command's handler (``cmd_<name>``).
HANDLERS = {
    **dict.fromkeys(("timeline", "partners", "partner", "counters", "explain", "state", "show", "log"), "queries"),
    **dict.fromkeys(("record", "import", "correct", "retract", "rebuild", "update-chronicle"), "writes"),
    **dict.fromkeys(("audit", "replay", "diff", "reanchor"), "audits"),
    "export": "exports",
    "draft": "drafting",
}

EXIT_FOUND = 1  # a check failed: the audit, or a store found damaged
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3  # a bug: chrono failed in a way it does not expect
EXIT_BROKEN_PIPE = 141  # as the shell reports a reader that went away (128 + SIGPIPE)


MOST = 10**9  # the largest count or position an option takes (SQL integers are 64 bits; no answer is that long)


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(only=set(words))
    args = parser.parse_args(words)
    if getattr(args, "svg", None) is not None and args.format != "table":
        parser.error("--svg saves the table view: use it with --format table")
    if getattr(args, "svg", None) is not None and _is_the_store(args):
        parser.error(f"--svg {args.svg} is the store itself: save the picture to another file")
    for option in ("page", "limit", "latest", "until"):
        value = getattr(args, option, None)
        if value is not None and not 0 <= value <= MOST:
            parser.error(f"--{option} takes a whole number from 0 to {MOST:,}")
    args.argv = list(sys.argv[1:] if argv is None else argv)  # the command line, to title an --svg picture
    module = importlib.import_module(f"chrono.cli.{HANDLERS[args.command]}")
    handler: Callable[[argparse.Namespace], int] = getattr(module, "cmd_" + args.command.replace("-", "_"))
    if not args.debug:
        _quiet_libraries(args.store)
    try:
        _check_arguments(args)
        _check_dates(args)
        return handler(args)
    except KeyboardInterrupt:
        _say("interrupted; a write is one transaction, so nothing was half-written")
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as error:
        if args.debug:
            raise
        return _failed(error)


def _failed(error: Exception) -> int:
    """Report ``error`` in one line per problem; never a traceback."""
    from chrono.store import describe_failure

    if isinstance(error, Rejected):
        for problem in error.problems:
            _say(str(problem))
        _say(f"error: rejected {len(error.problems)} problem(s); nothing was written")
        return EXIT_BAD_INPUT
    if isinstance(error, StoreDamaged):
        _say(f"error: {error}")
        return EXIT_FOUND
    if isinstance(error, ChronoError):
        _say(f"error: {error}")
        return EXIT_BAD_INPUT
    failure = describe_failure(error)
    if failure is not None:
        _say(f"error: {failure}")
        return EXIT_BAD_INPUT
    if isinstance(error, OSError):
        _say(f"error: {error.strerror or error}{f': {error.filename}' if error.filename else ''}")
        return EXIT_BAD_INPUT
    first = (str(error).strip().splitlines() or [""])[0]
    if _read_from_the_store(error):
        reason = f"{type(error).__name__}: {first[:100]}"
        _say(f"error: the store holds a value chrono cannot read ({reason}): it was changed outside chrono or is damaged; run chrono audit")
        return EXIT_FOUND
    _say(f"internal error: {type(error).__name__}: {first} (run again with --debug for the traceback, and report it)")
    return EXIT_INTERNAL


def _read_from_the_store(error: Exception) -> bool:
    """Whether ``error`` is a value read from the read model's tables that is not what chrono wrote
    (text where a number was, a malformed list): raised by a conversion in the read model's code.
    ``chrono audit`` tells a store changed by hand from a bug; damaged data never exits 3."""
    import decimal

    if not isinstance(error, ValueError | TypeError | KeyError | IndexError | AttributeError | decimal.InvalidOperation):
        return False
    frame = error.__traceback__
    while frame is not None:
        if f"{os.sep}chrono{os.sep}projections{os.sep}" in frame.tb_frame.f_code.co_filename:
            return True
        frame = frame.tb_next
    return False


def _is_the_store(args: argparse.Namespace) -> bool:
    from chrono.store.config import is_store_file, locate

    try:
        return is_store_file(args.svg, locate(args.store))
    except ChronoError:  # a store chrono cannot name: the command says so when it opens it
        return False


def _say(line: str) -> None:
    from chrono.render.safe import clean

    # Messages quote file names, ids and values from the input: written out,
    # a control character in them cannot drive the terminal.
    print(f"chrono: {clean(line)}", file=sys.stderr)


def _check_dates(args: argparse.Namespace) -> None:
    """Refuse a date option given empty or blank: it is not the option left out
    (a script's unset variable would get today's or now's answer without a word)."""
    for dest, option in DATE_OPTIONS.items():
        given = getattr(args, dest, None)
        for value in given if isinstance(given, list) else [given]:
            if isinstance(value, str) and not value.strip():
                raise ChronoError(f"{option} {value!r} is {'blank' if value else 'empty'}: give a date, or leave {option} out")


def _check_arguments(args: argparse.Namespace) -> None:
    """Refuse arguments that are not valid text (undecodable bytes in argv)
    before they reach the store, where they could not be encoded."""
    problems = []
    for name, value in vars(args).items():
        if name == "argv":  # the same arguments again, whole
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and _undecodable(item):
                problems.append(Problem("command line", 0, name, "is not valid UTF-8 text"))
                break
    if problems:
        raise Rejected(problems)


def _undecodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _quiet_libraries(store: str | None) -> None:
    # Libraries log to the root logger, and Python prints their warnings on
    # stderr when nothing is configured (psycopg_pool's "discarding closed
    # connection" when a server drops us). chrono says what went wrong in
    # its own line; --debug shows theirs. The libraries that log are
    # PostgreSQL's (psycopg, psycopg_pool, eventsourcing.postgres): a command
    # on an SQLite store does not import logging just to silence it.
    named = store or os.environ.get("CHRONO_STORE") or ""
    if "logging" not in sys.modules and "://" not in named:
        return
    import logging

    logging.getLogger().addHandler(logging.NullHandler())


def _quiet_stdout() -> None:
    # The reader of our output has gone (``chrono export | head``): point
    # stdout at nothing, so that flushing it at exit raises no second error.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run() -> None:
    """Console entry point."""
    _defer_collection()
    _writable_streams()
    code = main()
    # The process ends here. Python's shutdown would otherwise walk every
    # object the command made (modules, classes, the rows it showed) looking
    # for reference cycles to free, which takes a good part of a short
    # command's time; freezing them skips that walk. Output is flushed and
    # the store closed either way: only memory the process returns anyway is
    # left alone.
    gc.freeze()
    sys.exit(code)


def _writable_streams() -> None:
    """Stdout and stderr that can write any text, whatever their encoding.

    On a terminal or pipe that is not UTF-8 (PYTHONIOENCODING=ascii, LANG=C
    on an old system) a character it cannot encode was a UnicodeEncodeError
    (exit 3): it is written as a \\uXXXX escape instead, which JSON reads
    back as the same character.
    """
    import codecs

    codecs.register_error("chrono-escape", _escape)
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if not encoding.startswith("utf") and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="chrono-escape")


def _escape(error: UnicodeError) -> tuple[str, int]:
    """JSON's escapes for the characters an encoding cannot hold (a surrogate pair past U+FFFF)."""
    assert isinstance(error, UnicodeEncodeError)
    out = []
    for char in error.object[error.start : error.end]:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out), error.end


FIRST_COLLECTION = 100_000  # objects made before the cyclic GC first runs


def _defer_collection() -> None:
    """Hold the cyclic GC off while a command loads, then go at Python's pace.

    Loading a command makes tens of thousands of objects that live as long
    as the process (modules, classes, functions): collecting as they come
    walks them again and again, for nothing. The first collection waits for
    FIRST_COLLECTION of them; after it the usual thresholds are back, so a
    long import or rebuild collects as often as Python would have it.
    """
    usual = gc.get_threshold()
    pending = [True]

    def restore(phase: str, info: dict[str, int]) -> None:
        if pending and phase == "stop":
            pending.clear()
            gc.set_threshold(*usual)

    gc.callbacks.append(restore)
    gc.set_threshold(FIRST_COLLECTION, *usual[1:])
