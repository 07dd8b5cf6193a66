"""Answers too long to hold: written as they are read, a chunk at a time, in every format."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from chrono.cli.present import command_line, err
from chrono.interchange import shapes
from chrono.interchange.controls import for_terminal


def stream_log(args: argparse.Namespace, found: Any) -> None:
    """Every event of the log (``answers.log`` with no page): JSON, CSV, Markdown or tables, chunk by chunk."""
    from chrono.render.entry import LOG_COLUMNS, log_json, log_rows, log_table

    out = for_terminal(sys.stdout)  # CSV keeps the text exact; a terminal is shown its control characters
    first = True
    console = None
    if args.format == "json":
        out.write('{"total": ' + json.dumps(found.total) + ', "page": null, "events": [')
    elif args.format == "csv":
        from chrono.interchange.csvfile import write_csv

        write_csv(LOG_COLUMNS, (), out)
    elif args.format == "md":
        from chrono.interchange.markdown import markdown_table

        out.write("# Event log\n\n" + markdown_table(LOG_COLUMNS, []))
    else:
        from chrono.render.output import make_console

        console = make_console(record=getattr(args, "svg", None) is not None)
    for chunk in found.events:
        found.names.learn(event.originator_id for _, event in chunk)
        if args.format == "json":
            for position, event in chunk:
                out.write(("" if first else ", ") + shapes.dumps(log_json(position, event, found.names)))
                first = False
        elif args.format == "csv":
            from chrono.interchange.csvfile import write_rows

            write_rows(log_rows(chunk, found.names), out)
        elif args.format == "md":
            from chrono.interchange.markdown import markdown_rows

            out.write(markdown_rows(log_rows(chunk, found.names)))
        else:
            assert console is not None
            console.print(log_table(chunk, args.lang, found.names, title=first))
            first = False
    if args.format == "json":
        out.write("]}\n")
    elif console is not None:
        if first:
            console.print(log_table([], args.lang))
        if getattr(args, "svg", None) is not None:
            replacing = args.svg.exists()
            console.save_svg(str(args.svg), title=command_line(args))
            if replacing:
                err(f"replaced {args.svg} with the picture")
