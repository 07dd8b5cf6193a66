"""The command line's words: every command and its options (its examples: ``examples``).

``build_parser(only=...)`` builds just the options of the command asked for:
most of the parser is not built for nothing (DESIGN.md section 9, cold start).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

from chrono.cli.examples import EXAMPLES


def _help(purpose: str, command: str) -> dict[str, Any]:
    examples = "\n".join(f"  {line}" for line in EXAMPLES.get(command, []))
    return {
        "help": purpose,
        "description": purpose,
        "epilog": f"examples:\n{examples}" if examples else None,
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }


def build_parser(only: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``only``, the options of just those commands.

    Every command is known (listed by ``--help``, accepted as a choice), but
    its own options are added only if ``only`` is None or names it. ``main``
    passes the words of the command line, which name the command given: the
    others' options, most of the parser, are not built for nothing.
    """
    parser = argparse.ArgumentParser(
        prog="chrono",
        description="An event-sourced, bitemporal chronicle: record dated happenings, query them as of any date.",
        epilog="examples:\n  chrono timeline\n  chrono show 2018-thien-bao-commune-twinning\n  chrono --store team.sqlite import chronicle.jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from chrono import __version__

    parser.add_argument("--version", action="version", version=f"chrono {__version__}")
    parser.add_argument("--store", help=STORE_HELP)
    parser.add_argument("--lang", choices=("en", "vi"), default="en", help="language of titles, names and dates")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--witness", help=WITNESS_HELP)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, purpose, options in COMMANDS:
        command = commands.add_parser(name, **_help(purpose, name))
        if only is None or name in only:
            options(command)
            _global_options(command)
    return parser


WITNESS_HELP = "a file or postgresql:// URL outside the store: writes append their head digest, the audit checks them all (default: CHRONO_WITNESS)"
STORE_HELP = "SQLite file or postgresql:// URL (default: CHRONO_STORE, else your data directory)"


def _global_options(parser: argparse.ArgumentParser) -> None:
    """The global options, accepted after the command too (``chrono timeline --store x.sqlite``).

    SUPPRESS: when not given after the command, the value given before it
    (or its default) stands.
    """
    parser.add_argument("--store", default=argparse.SUPPRESS, help=STORE_HELP)
    parser.add_argument("--witness", default=argparse.SUPPRESS, help=WITNESS_HELP)
    if "--lang" not in parser._option_string_actions:
        parser.add_argument("--lang", choices=("en", "vi"), default=argparse.SUPPRESS, help="language of titles, names and dates")
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")


def _no_options(parser: argparse.ArgumentParser) -> None:
    """A command with no options of its own."""


def _timeline_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--partner", action="append", default=[], help="partner id or name (with its descendants)")
    parser.add_argument("--kind", action="append", default=[], help="entry kind, e.g. AgreementSigned")
    parser.add_argument("--from", dest="start", help="EDTF: entries that may end on or after this")
    parser.add_argument("--to", dest="end", help="EDTF: entries that may start on or before this")
    parser.add_argument("--status", action="append", default=[], help="happened, planned, held, postponed, cancelled")
    parser.add_argument("--retracted", action="store_true", help="include retracted entries")
    parser.add_argument("--exact", action="store_true", help="only the partners named, not their descendants")
    parser.add_argument("--ids", action="store_true", help="show each entry's id (for show, correct and retract)")
    _paging_options(parser)
    _query_options(parser)


def _partner_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("partner", help="id or name in any language, diacritics optional")
    parser.add_argument("--exact", action="store_true", help="leave out the partner's descendants")
    _paging_options(parser)
    _query_options(parser)


def _counters_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--partner", help="only what touches this partner (and its descendants)")
    parser.add_argument("--by", choices=("year", "partner", "kind"), help="group the counters")
    parser.add_argument("--ids", action="store_true", help="list the contributing entries (the first --limit of each list, 20 by default)")
    parser.add_argument("--limit", type=int, default=20, help="with --ids: how many ids of each list (0: all)")
    _query_options(parser)


def _explain_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("metric", help="e.g. agreements, twinnings, aid_value")
    parser.add_argument("--partner", help="only what touches this partner (and its descendants)")
    _paging_options(parser)
    _query_options(parser)


def _state_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--latest", type=int, default=10, help="how many latest happenings to show")
    _query_options(parser, formats=("table", "json", "md"))


def _audit_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--expect", metavar="POSITION:HASH", help="a head digest noted earlier that must still hold")
    parser.add_argument(
        "--accept-anchor", action="append", default=[], metavar="POSITION:HASH",
        help="a re-anchoring of the chain you have reviewed, by the new head it printed (repeatable)",
    )  # fmt: skip
    _format_option(parser, TABULAR)


def _rebuild_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help="make the tables again even when every row agrees with the log")


def _reanchor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reason", required=True, help="why the log was changed (kept with the anchor, shown by every audit)")


def _replay_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--until", type=int, metavar="POSITION", help="stop after this log position")
    parser.add_argument("--known-at", help="stop at this recording time")
    parser.add_argument("--step", action="store_true", help="wait for Enter after each event")
    _format_option(parser, TABULAR)


def _diff_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--known-at", action="append", required=True, metavar="T", help="give it twice: from T1 to T2")
    _format_option(parser, TABULAR)


def _partners_options(parser: argparse.ArgumentParser) -> None:
    _format_option(parser, TABULAR)
    parser.add_argument("--known-at", help="recording time (ISO date or date-time)")


def _show_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id")
    parser.add_argument("--known-at", help="recording time (ISO date or date-time)")
    _format_option(parser, ("table", "json", "md"))


def _record_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", help="RelationsEstablished, TwinningSigned, AgreementSigned, ...")
    parser.add_argument("--id", help="readable id (default: derived from year, kind and title)")
    parser.add_argument("--when", required=True, help="EDTF date, e.g. 2018, 2016-03, 2015/2020")
    parser.add_argument("--title", required=True, help="English title")
    parser.add_argument("--title-vi", default="", help="Vietnamese title")
    parser.add_argument("--partner", action="append", default=[], help="foreign-side partner id (repeatable)")
    parser.add_argument("--actor", action="append", default=[], help="home-side actor id (repeatable)")
    parser.add_argument("--status", default="happened", help="happened or planned")
    parser.add_argument("--quantity", action="append", default=[], metavar="METRIC=VALUE UNIT [QUALIFIER] [PERIOD]")
    parser.add_argument("--source", required=True, help="source document")
    parser.add_argument("--quote", required=True, help="verbatim supporting passage")
    parser.add_argument("--publisher", default="")
    parser.add_argument("--published", help="EDTF date the source was published")
    parser.add_argument("--cameo", help="CAMEO code among the kind's codes")
    parser.add_argument("--note", default="")


def _import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path)


def _correct_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id")
    parser.add_argument("--set", dest="changes", action="append", required=True, metavar="FIELD=VALUE")
    parser.add_argument("--reason", required=True)
    parser.add_argument("--source", help="document backing the correction")
    parser.add_argument("--quote", help="verbatim passage backing the correction")


def _update_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="show what would be recorded, and record nothing")
    _format_option(parser, ("table", "json"))


def _retract_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id")
    parser.add_argument("--reason", required=True)


def _log_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--known-at", help="stop at this recording time")
    _paging_options(parser)
    _format_option(parser, TABULAR)


def _export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=("jsonl", "events", "csv", "md", "timelinejs", "ics", "plover", "quickstatements", "html"), default="jsonl",
        help="jsonl: entries and partners, re-importable; events: every stored event; "
        "csv: entries in the import columns (partners not included); md: a readable report; "
        "timelinejs: TimelineJS3 JSON; ics: iCalendar; plover: PLOVER event records (JSON Lines); "
        "quickstatements: Wikidata QuickStatements V1; html: one self-contained timeline page",
    )  # fmt: skip
    parser.add_argument("--lang", choices=("en", "vi"), default=argparse.SUPPRESS, help="language of titles, names and dates")
    parser.add_argument("--as-of", help="real-world date (EDTF): only entries begun by then (html: where the slider starts)")
    parser.add_argument("--known-at", help="recording time: the chronicle as the store held it then")
    parser.add_argument("--partner", action="append", default=[], help="partner id or name (with its descendants)")
    parser.add_argument("--kind", action="append", default=[], help="entry kind, e.g. AgreementSigned")
    parser.add_argument("--exact", action="store_true", help="only the partners named, not their descendants")
    parser.add_argument("--group", choices=("partner", "kind"), default="partner", help="timelinejs groups and html lanes")
    parser.add_argument("--qids", type=Path, metavar="FILE", help="JSON of Wikidata ids: {partners, kinds, documents: {name: Q-id}}")
    parser.set_defaults(start=None, end=None, status=[], retracted=False)


def _draft_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("article", type=Path, help="the article, a UTF-8 plain-text file ('-' for standard input)")
    parser.add_argument("--lang", dest="article_lang", choices=("vi", "en"), help="the article's language (default: guessed from its letters)")
    parser.add_argument("--published", help="EDTF date the article was published (default: its dateline, if any)")
    parser.add_argument("--source", help="the document's name in the drafts' sources (default: the file's name)")
    parser.add_argument("--publisher", default="", help="who published it")
    parser.add_argument("--home", metavar="P", help="partner id of the chronicle's own side (default: the store's most frequent actor)")
    parser.add_argument("--format", choices=("yaml", "jsonl"), default="yaml", help="yaml: for review (default); jsonl: for scripts")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write the drafts to FILE instead of standard output")


# The commands, in the order --help lists them: name, purpose, options.
COMMANDS: tuple[tuple[str, str, Callable[[argparse.ArgumentParser], None]], ...] = (
    ("timeline", "Entries in date order, filtered.", _timeline_options),
    ("partner", "A partner's history and the state of the relationship.", _partner_options),
    ("counters", "Cumulative counts and sums, definite and possible.", _counters_options),
    ("explain", "The entries, figures and sources behind a counter.", _explain_options),
    ("state", "Relationships, counters and the latest happenings as of a date.", _state_options),
    ("rebuild", "Rebuild the read model from the event log.", _rebuild_options),
    ("audit", "Verify the hash chain, the projections and the chronicle.", _audit_options),
    ("reanchor", "After an intended repair of the log: re-anchor the chain, on the record.", _reanchor_options),
    ("replay", "Walk the log, showing each event and its effect.", _replay_options),
    ("diff", "What changed in the chronicle between two recording times.", _diff_options),
    ("partners", "The partner registry, as a hierarchy.", _partners_options),
    ("show", "One entry with all its revisions.", _show_options),
    ("record", "Record one entry.", _record_options),
    ("import", "Import JSON Lines, CSV or YAML files, all or nothing.", _import_options),
    ("correct", "Correct some fields of an entry.", _correct_options),
    ("retract", "Retract an entry (it stays in the log).", _retract_options),
    ("update-chronicle", "Record the bundled chronicle's later corrections and additions in this store.", _update_options),
    ("log", "The event log in recording order.", _log_options),
    ("export", "Export the chronicle or its full event log.", _export_options),
    ("draft", "Draft entries from a news article, for review (never into the store).", _draft_options),
)

TABULAR = ("table", "json", "csv", "md")

# Every option that takes a date or a recording time, by its dest: given
# empty or blank it is refused (``main``), never taken as not given, so that
# ``--as-of "$DAY"`` with DAY unset does not answer for today.
DATE_OPTIONS = {"as_of": "--as-of", "known_at": "--known-at", "start": "--from", "end": "--to", "when": "--when", "published": "--published"}


def _format_option(parser: argparse.ArgumentParser, formats: Sequence[str] = TABULAR) -> None:
    """--format, --svg and --lang: how a query's answer is shown."""
    parser.add_argument("--format", choices=formats, default="table", help=f"{', '.join(formats)} (table: Rich, plain when piped)")
    parser.add_argument("--svg", type=Path, metavar="FILE", help="also save the table as an SVG picture")
    # SUPPRESS: when not given here, the global --lang (before the command) stands.
    parser.add_argument("--lang", choices=("en", "vi"), default=argparse.SUPPRESS, help="language of titles, names, dates and labels")


def _paging_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, default=0, help="show at most this many entries (the page size with --page)")
    parser.add_argument("--page", type=int, default=0, metavar="N", help="show page N (of --limit entries, 20 without it)")


def _query_options(parser: argparse.ArgumentParser, formats: Sequence[str] = TABULAR) -> None:
    _format_option(parser, formats)
    parser.add_argument("--as-of", help="real-world date (EDTF): the state on that date")
    parser.add_argument("--known-at", help="recording time: what the store held then")
