"""``chrono export``: the chronicle or its full event log, in a file format."""

from __future__ import annotations

import argparse
import sys

from chrono.cli.reading import open_chronicle
from chrono.render import shapes


def cmd_export(args: argparse.Namespace) -> int:
    app = open_chronicle(args)
    out = sys.stdout
    if args.format == "events":
        from chrono.interchange.eventlog import event_json

        for notification in app.stored_notifications():
            out.write(shapes.dumps(event_json(notification)) + "\n")
        return 0
    state = app.snapshot()
    entries = [e for e in sorted(state.entries.values(), key=lambda e: (e.facts.when.sort_key, e.slug)) if not e.retracted]
    if args.format == "csv":
        from chrono.interchange.csvfile import chronicle_csv

        chronicle_csv(entries, out)
        return 0
    if args.format == "md":
        from chrono.render.report import chronicle_markdown

        out.write(chronicle_markdown(entries, state.partners, args.lang))
        return 0
    for partner in state.partners.values():
        out.write(shapes.dumps(shapes.partner_json(partner)) + "\n")
    for entry in entries:
        out.write(shapes.dumps(shapes.entry_json(entry, state.partners)) + "\n")
    return 0
