"""``chrono export``: the chronicle or its full event log, in a file format.

Which entries an export holds is ``select``: the timeline's filter (as
known at ``--known-at``, begun by ``--as-of``, touching ``--partner`` or its
descendants, of ``--kind``) streamed from the read model's order index, a
chunk at a time, so that an export of a million entries never holds them
all. The formats are in ``chrono.interchange``: each a function over the
entries, the partner registry and an ``ExportOptions``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import attrs

from chrono.cli.filters import timeline_filter
from chrono.cli.present import err
from chrono.cli.reading import Reading, open_chronicle
from chrono.errors import Problem, Rejected
from chrono.events.entry import Entry
from chrono.events.values import Partner
from chrono.interchange import shapes
from chrono.interchange.base import ExportOptions, Qids, Words, Written
from chrono.interchange.controls import for_terminal
from chrono.when.axes import parse_as_of, parse_known_at

if TYPE_CHECKING:
    from chrono.events.application import Chronicle
    from chrono.interchange.html import Revision

# The formats of other tools, each a module of chrono.interchange.
FORMATS = ("timelinejs", "ics", "plover", "quickstatements", "html")
FILTERS = ("as_of", "known_at", "partner", "kind")


def cmd_export(args: argparse.Namespace) -> int:
    out = for_terminal(sys.stdout)  # the formats keep text exact; a terminal is shown its control characters
    if args.format == "events":
        refuse_filters(args)
        from chrono.interchange.eventlog import event_json

        for notification in open_chronicle(args).stored_notifications():
            out.write(shapes.dumps(event_json(notification)) + "\n")
        return 0
    reading = Reading(args)
    if args.format in FORMATS:
        return export(reading, args, out, notice=err)
    chosen = select(reading, args)
    if args.format == "csv":
        from chrono.interchange.csvfile import chronicle_csv

        chronicle_csv(chosen.entries, out)
        return 0
    if args.format == "md":
        from chrono.render.report import chronicle_markdown

        out.write(chronicle_markdown(list(chosen.entries), chosen.partners, args.lang))
        return 0
    from chrono.projections.hierarchy import top_down

    for partner in top_down(chosen.partners):
        out.write(shapes.dumps(shapes.partner_json(partner)) + "\n")
    for entry in chosen.entries:
        out.write(shapes.dumps(shapes.entry_json(entry, chosen.partners)) + "\n")
    return 0


@attrs.frozen
class Selection:
    """What an export holds.

    Attributes:
        entries: the chosen entries, in the chronicle's order, streamed.
        partners: the partner registry as known at the time asked.
        root: the one partner the export was filtered to, if one.
    """

    entries: Iterator[Entry]
    partners: Mapping[str, Partner]
    root: str | None = None


def select(reading: Reading, args: argparse.Namespace, *, every_date: bool = False, retracted: bool = False) -> Selection:
    """The entries an export holds; ``every_date`` keeps those not begun by ``--as-of``
    and ``retracted`` the retracted ones (the HTML page shows them at earlier recording times)."""
    from chrono.projections.hierarchy import find_partner
    from chrono.projections.queries.timeline import stream

    strict = reading.as_of_text is not None and not every_date
    flt = timeline_filter(args, reading.partners, reading.as_of if strict else None)
    if retracted:
        flt = attrs.evolve(flt, retracted=True)
    root = find_partner(args.partner[0], reading.partners).id if len(args.partner) == 1 else None
    return Selection(stream(reading.model, flt, reading.known_at), reading.partners, root)


def refuse_filters(args: argparse.Namespace) -> None:
    """The event log is exported whole: a filter asked for is bad usage, not silently ignored."""
    given = [name for name in FILTERS if getattr(args, name, None)]
    if given:
        option = "--" + given[0].replace("_", "-")
        raise Rejected([Problem("command line", 0, option, "--format events exports the whole log; filters do not apply")])


def export(reading: Reading, args: argparse.Namespace, out: TextIO, notice: Any) -> int:
    """Write ``args.format`` (one of ``FORMATS``) to ``out``; ``notice`` prints what was left out."""
    html = args.format == "html"
    chosen = select(reading, args, every_date=html, retracted=html)
    app = reading.app
    options = ExportOptions(
        lang=args.lang, as_of=parse_as_of(args.as_of) if args.as_of is not None else None, known_at=parse_known_at(args.known_at),
        group=args.group, root=chosen.root,
        words=words(), qids=load_qids(args.qids),
    )  # fmt: skip
    module: Any = import_module(f"chrono.interchange.{args.format}")
    if html:
        entries = list(chosen.entries)  # the page holds them all, and the histories of the corrected ones first
        written = module.write(entries, chosen.partners, options, out, histories(app, entries, parse_known_at(args.known_at)))
    else:
        written = module.write(chosen.entries, chosen.partners, options, out)
    for line in summary(written, args.format):
        notice(line)
    return 0


def summary(written: Written, format_name: str) -> list[str]:
    """The lines a person should read on stderr: what the format could not hold."""
    lines = [f"{format_name}: left out {count} entr{'y' if count == 1 else 'ies'}: {why}" for why, count in written.left_out.items()]
    return lines + [f"{format_name}: {note}" for note in written.notes]


def words() -> Words:
    from chrono.render.labels import KIND_LABELS, STATUS_LABELS

    return Words(kinds=KIND_LABELS, statuses=STATUS_LABELS)


def load_qids(path: Path | None) -> Qids:
    """The Wikidata ids a person gave in ``--qids FILE``; none without it."""
    if path is None:
        return Qids()
    try:
        return Qids.from_json(json.loads(path.read_text(encoding="utf-8")))
    except OSError as error:
        raise Rejected([Problem(str(path), 0, "", error.strerror or str(error))]) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise Rejected([Problem(str(path), 0, "", str(error))]) from None


def histories(app: Chronicle, entries: Sequence[Entry], known_at: datetime | None) -> dict[str, list[Revision]]:
    """Each corrected entry as it stood after each of its events (up to ``known_at``)."""
    from chrono.interchange.html import Revision

    found: dict[str, list[Revision]] = {}
    for entry in entries:
        if entry.version < 2:
            continue
        aggregate: Any = None
        steps: list[Revision] = []
        for event in app.revisions(entry.slug):
            if known_at is not None and event.timestamp > known_at:
                break
            aggregate = event.mutate(aggregate)
            steps.append(Revision.of(aggregate, event.timestamp))
        found[entry.slug] = steps
    return found
