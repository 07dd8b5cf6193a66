"""Answers too long to hold: written as they are read, a chunk at a time, in every format."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from chrono.cli.present import save_picture
from chrono.interchange import shapes
from chrono.interchange.controls import for_terminal


def stream_log(args: argparse.Namespace, found: Any) -> None:
    """Every event of the log (``answers.log`` with no page): JSON, CSV, Markdown or tables, chunk by chunk."""
    from chrono.render.entry import LOG_COLUMNS, log_json, log_rows, log_table

    out = for_terminal(sys.stdout)  # CSV keeps the text exact; a terminal is shown its control characters
    first = True
    console = _opening(args, out, '{"total": ' + json.dumps(found.total) + ', "page": null, "events": [', LOG_COLUMNS, "Event log")
    for chunk in found.events:
        found.names.learn(event.originator_id for _, event in chunk)
        if args.format == "json":
            for position, event in chunk:
                out.write(("" if first else ", ") + shapes.dumps(log_json(position, event, found.names)))
                first = False
        elif args.format == "csv":
            from chrono.interchange.csvfile import write_rows

            write_rows(log_rows(chunk, found.names, args.lang), out)
        elif args.format == "md":
            from chrono.interchange.markdown import markdown_rows

            out.write(markdown_rows(log_rows(chunk, found.names, args.lang)))
        else:
            assert console is not None
            console.print(log_table(chunk, args.lang, found.names, title=first))
            first = False
    if args.format == "json":
        out.write("]}\n")
    elif console is not None:
        if first:
            console.print(log_table([], args.lang))
        save_picture(args, console)


def _opening(args: argparse.Namespace, out: Any, json_start: str, columns: Any, title: str) -> Any:
    """Write a streamed answer's opening in its format: the console of a table view, None for the others."""
    if args.format == "json":
        out.write(json_start)
    elif args.format == "csv":
        from chrono.interchange.csvfile import write_csv

        write_csv(columns, (), out)
    elif args.format == "md":
        from chrono.interchange.markdown import markdown_table

        out.write(f"# {title}\n\n" + markdown_table(columns, []))
    else:
        from chrono.render.output import make_console

        return make_console(record=getattr(args, "svg", None) is not None)
    return None


CHUNK = 500  # entries a streamed timeline holds at once


def stream_timeline(args: argparse.Namespace, found: Any, *, head: dict[str, Any] | None = None, before: Any = None) -> None:
    """Every entry of a timeline (``answers.timeline`` streamed): JSON, CSV, Markdown or the view, chunk by chunk.

    ``head`` holds the JSON answer's other keys (the axes and total by default); ``before`` is a view
    printed ahead of the timeline (a partner's panel).
    """
    from chrono.render.timeline import TIMELINE_COLUMNS, TimelineView, group_label, timeline_rows

    out = for_terminal(sys.stdout)
    partners, lang = found.partners, args.lang
    head = head if head is not None else {**found.axes.to_json(), "total": found.total}
    console = _opening(args, out, shapes.dumps(head)[:-1] + ', "entries": [', TIMELINE_COLUMNS, "Timeline")
    if console is not None and before is not None:
        console.print(before)
    first = True
    chunks = _by_group(found.entries, lambda d: group_label(d.entry.facts.when, found.by, lang))
    chunk = next(chunks, None)
    while chunk is not None:
        following = next(chunks, None)  # one chunk ahead: the last one shows the legend
        if args.format == "json":
            out.write(("" if first else ", ") + ", ".join(shapes.dumps(d.to_json(partners)) for d in chunk))
        elif args.format == "csv":
            from chrono.interchange.csvfile import write_rows

            write_rows(timeline_rows(chunk, partners, lang), out)
        elif args.format == "md":
            from chrono.interchange.markdown import markdown_rows

            out.write(markdown_rows(timeline_rows(chunk, partners, lang)))
        else:
            assert console is not None
            axes = found.axes
            console.print(TimelineView(chunk, partners, lang, as_of=axes.as_of, known_at=axes.known_at, by=found.by, total=found.total,
                                       ids=getattr(args, "ids", False), caption=first and before is None,
                                       footer=following is None))  # fmt: skip
        first = False
        chunk = following
    if args.format == "json":
        out.write("]}\n")
    elif console is not None:
        save_picture(args, console)


def _by_group(items: Any, group: Any) -> Any:
    """Chunks of about CHUNK items, each ending where a group does (a view's headings are not repeated)."""
    chunk: list[Any] = []
    for item in items:
        if len(chunk) >= CHUNK and group(item) != group(chunk[-1]):
            yield chunk
            chunk = []
        chunk.append(item)
    if chunk:
        yield chunk
