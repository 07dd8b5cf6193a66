"""The command line: parse arguments, call the application, render the result.

Every command is a small function taking the parsed arguments and returning
an exit code; what they print comes from ``chrono.render``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from chrono.errors import ChronoError, Rejected

EXAMPLES = {
    "timeline": [
        "chrono timeline",
        "chrono timeline --partner 'Van Son' --from 2018 --to 2021",
        "chrono timeline --kind AgreementSigned --format json",
    ],
    "partners": ["chrono partners", "chrono partners --format json"],
    "partner": ["chrono partner 'Van Son'", "chrono partner yunnan --as-of 2019-12-31", "chrono partner thien-bao --exact"],
    "counters": ["chrono counters", "chrono counters --partner 'Văn Sơn' --as-of 2021-12-31", "chrono counters --by year"],
    "explain": ["chrono explain agreements", "chrono explain twinnings --partner van-son --as-of 2021"],
    "state": ["chrono state --as-of 2021-12-31", "chrono state --as-of 2019 --known-at 2026-01-01 --format json"],
    "rebuild": ["chrono rebuild"],
    "audit": ["chrono audit", "chrono audit --expect 148:7e23d80e...", "chrono audit --format json"],
    "replay": ["chrono replay --until 20", "chrono replay --known-at 2026-01-01 --format json"],
    "diff": ["chrono diff --known-at 2026-01-01 --known-at 2026-06-30"],
    "show": ["chrono show 2018-thien-bao-commune-twinning", "chrono show 2018-thien-bao-commune-twinning --format json"],
    "record": [
        "chrono record VisitMade --when 2024-03 --title 'Delegation to Wenshan' --partner van-son "
        "--actor ha-giang --source minutes.pdf --quote 'Đoàn đại biểu tỉnh Hà Giang ...'",
    ],
    "import": ["chrono import chronicle.jsonl", "chrono import visits.csv more.yaml"],
    "correct": ["chrono correct 2018-thien-bao-commune-twinning --set when=2018-05 --reason 'minutes give May'"],
    "retract": ["chrono retract 2019-duplicate-visit --reason 'same visit as 2019-wenshan-visit'"],
    "log": ["chrono log", "chrono log --format json"],
    "export": ["chrono export --format jsonl > chronicle.jsonl", "chrono export --format events > log.jsonl"],
}


def _help(purpose: str, command: str) -> dict[str, Any]:
    examples = "\n".join(f"  {line}" for line in EXAMPLES.get(command, []))
    return {
        "help": purpose,
        "description": purpose,
        "epilog": f"examples:\n{examples}" if examples else None,
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }


def build_parser() -> argparse.ArgumentParser:  # noqa: PLR0915 (one statement per option)
    parser = argparse.ArgumentParser(
        prog="chrono",
        description="An event-sourced, bitemporal chronicle: record dated happenings, query them as of any date.",
        epilog="examples:\n  chrono timeline\n  chrono show 2018-thien-bao-commune-twinning\n"
        "  chrono --store team.sqlite import chronicle.jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--store", help="SQLite file or postgresql:// URL (default: CHRONO_STORE, else your data directory)")
    parser.add_argument("--lang", choices=("en", "vi"), default="en", help="language of titles, names and dates")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    timeline = commands.add_parser("timeline", **_help("Entries in date order, filtered.", "timeline"))
    timeline.add_argument("--partner", action="append", default=[], help="partner id or name (with its descendants)")
    timeline.add_argument("--kind", action="append", default=[], help="entry kind, e.g. AgreementSigned")
    timeline.add_argument("--from", dest="start", help="EDTF: entries that may end on or after this")
    timeline.add_argument("--to", dest="end", help="EDTF: entries that may start on or before this")
    timeline.add_argument("--status", action="append", default=[], help="happened, planned, held, postponed, cancelled")
    timeline.add_argument("--retracted", action="store_true", help="include retracted entries")
    timeline.add_argument("--exact", action="store_true", help="only the partners named, not their descendants")
    timeline.add_argument("--limit", type=int, default=0, help="show at most this many entries")
    _query_options(timeline)

    partner = commands.add_parser("partner", **_help("A partner's history and the state of the relationship.", "partner"))
    partner.add_argument("partner", help="id or name in any language, diacritics optional")
    partner.add_argument("--exact", action="store_true", help="leave out the partner's descendants")
    _query_options(partner)

    counters = commands.add_parser("counters", **_help("Cumulative counts and sums, definite and possible.", "counters"))
    counters.add_argument("--partner", help="only what touches this partner (and its descendants)")
    counters.add_argument("--by", choices=("year", "partner", "kind"), help="group the counters")
    _query_options(counters)

    explain = commands.add_parser("explain", **_help("The entries, figures and sources behind a counter.", "explain"))
    explain.add_argument("metric", help="e.g. agreements, twinnings, aid_value")
    explain.add_argument("--partner", help="only what touches this partner (and its descendants)")
    _query_options(explain)

    state = commands.add_parser("state", **_help("Relationships, counters and the latest happenings as of a date.", "state"))
    state.add_argument("--latest", type=int, default=10, help="how many latest happenings to show")
    _query_options(state)

    commands.add_parser("rebuild", **_help("Rebuild the read model from the event log.", "rebuild"))

    audit = commands.add_parser("audit", **_help("Verify the hash chain, the projections and the chronicle.", "audit"))
    audit.add_argument("--expect", metavar="POSITION:HASH", help="a head digest noted earlier that must still hold")
    _format_option(audit)

    replay = commands.add_parser("replay", **_help("Walk the log, showing each event and its effect.", "replay"))
    replay.add_argument("--until", type=int, metavar="POSITION", help="stop after this log position")
    replay.add_argument("--known-at", help="stop at this recording time")
    replay.add_argument("--step", action="store_true", help="wait for Enter after each event")
    _format_option(replay)

    diff = commands.add_parser("diff", **_help("What changed in the chronicle between two recording times.", "diff"))
    diff.add_argument("--known-at", action="append", required=True, metavar="T", help="give it twice: from T1 to T2")
    _format_option(diff)

    partners = commands.add_parser("partners", **_help("The partner registry, as a hierarchy.", "partners"))
    _format_option(partners)
    partners.add_argument("--known-at", help="recording time (ISO date or date-time)")

    show = commands.add_parser("show", **_help("One entry with all its revisions.", "show"))
    show.add_argument("id")
    show.add_argument("--known-at", help="recording time (ISO date or date-time)")
    _format_option(show)

    record = commands.add_parser("record", **_help("Record one entry.", "record"))
    record.add_argument("kind", help="RelationsEstablished, TwinningSigned, AgreementSigned, ...")
    record.add_argument("--id", help="readable id (default: derived from year, kind and title)")
    record.add_argument("--when", required=True, help="EDTF date, e.g. 2018, 2016-03, 2015/2020")
    record.add_argument("--title", required=True, help="English title")
    record.add_argument("--title-vi", default="", help="Vietnamese title")
    record.add_argument("--partner", action="append", default=[], help="foreign-side partner id (repeatable)")
    record.add_argument("--actor", action="append", default=[], help="home-side actor id (repeatable)")
    record.add_argument("--status", default="happened", help="happened or planned")
    record.add_argument("--quantity", action="append", default=[], metavar="METRIC=VALUE UNIT [QUALIFIER] [PERIOD]")
    record.add_argument("--source", required=True, help="source document")
    record.add_argument("--quote", required=True, help="verbatim supporting passage")
    record.add_argument("--publisher", default="")
    record.add_argument("--published", help="EDTF date the source was published")
    record.add_argument("--cameo", help="CAMEO code among the kind's codes")
    record.add_argument("--note", default="")

    importer = commands.add_parser("import", **_help("Import JSON Lines, CSV or YAML files, all or nothing.", "import"))
    importer.add_argument("files", nargs="+", type=Path)

    correct = commands.add_parser("correct", **_help("Correct some fields of an entry.", "correct"))
    correct.add_argument("id")
    correct.add_argument("--set", dest="changes", action="append", required=True, metavar="FIELD=VALUE")
    correct.add_argument("--reason", required=True)
    correct.add_argument("--source", help="document backing the correction")
    correct.add_argument("--quote", help="verbatim passage backing the correction")

    retract = commands.add_parser("retract", **_help("Retract an entry (it stays in the log).", "retract"))
    retract.add_argument("id")
    retract.add_argument("--reason", required=True)

    log = commands.add_parser("log", **_help("The event log in recording order.", "log"))
    log.add_argument("--known-at", help="stop at this recording time")
    _format_option(log)

    export = commands.add_parser("export", **_help("Export the chronicle or its full event log.", "export"))
    export.add_argument("--format", choices=("jsonl", "events"), default="jsonl")
    return parser


def _format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("table", "json"), default="table")


def _query_options(parser: argparse.ArgumentParser) -> None:
    _format_option(parser)
    parser.add_argument("--as-of", help="real-world date (EDTF): the state on that date")
    parser.add_argument("--known-at", help="recording time: what the store held then")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from chrono import commands

    handler: Callable[[argparse.Namespace], int] = getattr(commands, "cmd_" + args.command)
    try:
        return handler(args)
    except Rejected as error:
        if args.debug:
            raise
        for problem in error.problems:
            print(f"chrono: {problem}", file=sys.stderr)
        print(f"chrono: error: rejected {len(error.problems)} problem(s); nothing was written", file=sys.stderr)
        return 2
    except ChronoError as error:
        if args.debug:
            raise
        print(f"chrono: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("chrono: interrupted; nothing half-written", file=sys.stderr)
        return 130


def run() -> None:
    """Console entry point."""
    sys.exit(main())
