"""The one place that turns an answer into what the user asked to see.

A command gives ``present`` its answer in each form it has (JSON data, a
table's rows, a Rich view, a Markdown report), each as a function, so that
only the form asked for (``--format``, ``--svg``) is made.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from chrono.interchange import shapes
from chrono.interchange.controls import for_terminal


@attrs.frozen
class Rows:
    """A tabular answer for ``--format csv`` and ``md``.

    Attributes:
        title: the Markdown report's title.
        columns: the column names.
        rows: the cells, row by row.
        meta: lines under the Markdown title (the time axes asked for).
    """

    title: str
    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]
    meta: Sequence[str] = ()


def present(
    args: argparse.Namespace,
    *,
    json: Callable[[], Any],
    view: Callable[[], Any],
    rows: Callable[[], Rows] | None = None,
    markdown: Callable[[], str] | None = None,
) -> None:
    """Show an answer as ``args.format`` asks: table (Rich, with ``--svg``), json, csv or md."""
    fmt = getattr(args, "format", "table")
    if fmt == "json":
        print_json(json())
    elif fmt == "md" and markdown is not None:
        for_terminal(sys.stdout).write(markdown())
    elif fmt in ("csv", "md") and rows is not None:
        write_table(fmt, rows())
    else:
        from chrono.render.output import make_console

        console = make_console(record=getattr(args, "svg", None) is not None)
        console.print(view())
        save_picture(args, console)


def save_picture(args: argparse.Namespace, console: Any) -> None:
    """Save what ``console`` recorded as the ``--svg`` picture, if one was asked for, saying so if it replaced a file."""
    svg = getattr(args, "svg", None)
    if svg is None:
        return
    replacing = svg.exists()
    console.save_svg(str(svg), title=command_line(args))
    if replacing:
        err(f"replaced {svg} with the picture")


def write_table(fmt: str, table: Rows) -> None:
    """A tabular answer as CSV or Markdown on stdout."""
    if fmt == "csv":
        from chrono.interchange.csvfile import write_csv

        write_csv(table.columns, ([str(c) for c in row] for row in table.rows), for_terminal(sys.stdout))
    else:
        from chrono.interchange.markdown import rows_markdown

        for_terminal(sys.stdout).write(rows_markdown(table.title, table.meta, table.columns, table.rows))


def print_json(data: Any) -> None:
    sys.stdout.write(shapes.dumps(data) + "\n")


def err(message: str) -> None:
    print(f"chrono: {message}", file=sys.stderr)


def command_line(args: argparse.Namespace) -> str:
    """The command as typed, the title of its picture: without ``--svg FILE``,
    a store URL's password, or any control character (XML has no room for them)."""
    import shlex

    from chrono.interchange.controls import one_line, strip
    from chrono.store.config import redacted

    words = list(getattr(args, "argv", None) or [args.command])
    kept = [w for i, w in enumerate(words) if not w.startswith("--svg") and not (i and words[i - 1] == "--svg")]
    shown = [_secretless(word, redacted) for word in kept]
    return strip(one_line("chrono " + shlex.join(shown), " "))


def _secretless(word: str, redacted: Callable[[str], str]) -> str:
    option, equals, value = word.partition("=") if word.startswith("--") else ("", "", word)
    return f"{option}{equals}{redacted(value)}" if "://" in value else word
