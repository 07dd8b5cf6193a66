"""Commands that write: record, import, correct, retract, update the bundled chronicle, rebuild the read model.

Each write is one transaction; what it recorded and the head digest after it
are reported on stderr.
"""

from __future__ import annotations

import argparse
import stat
from typing import TYPE_CHECKING, Any

from chrono.cli.present import err, present
from chrono.cli.reading import open_chronicle
from chrono.collector import cycles_collected_after
from chrono.errors import Problem, Rejected, StoreDamaged

if TYPE_CHECKING:
    from collections.abc import Callable

    from chrono.events.application import Chronicle, Report
    from chrono.events.commands import Origin
    from chrono.projections.readmodel import ReadModel


def _command_line_origin() -> Origin:
    """Where a record typed on the command line comes from, for its problems."""
    from chrono.events.commands import Origin

    return Origin("command line")


def _writer(args: argparse.Namespace) -> Chronicle:
    """The store, its read model caught up and following each write in the write's own transaction."""
    app = open_chronicle(args)
    _caught_up(app)
    return app


def _caught_up(app: Chronicle) -> ReadModel:
    from chrono.projections.readmodel import ReadModel
    from chrono.render.progress import progress

    model = app.projector if isinstance(app.projector, ReadModel) else ReadModel(app)
    # Also after a write: one the read model could not follow (another process
    # wrote first, or a step after its commit failed) is taken from the log.
    with progress("updating the read model", max(0, app.head_position() - model.position())) as tracker:
        model.catch_up(tracker)
    app.follow(model)
    return model


def _report(app: Chronicle, report: Report, args: argparse.Namespace | None = None) -> int:
    """Say what a committed write recorded; catch the read model up, print the head digest and witness it.

    The write is committed by now: a later step that fails says so, and that
    the next command finishes it, rather than that nothing was written.
    """
    from chrono.projections.witness import named
    from chrono.store.failures import cause

    where = named(getattr(args, "witness", None))  # a bad witness is refused before anything is said
    if report.recorded:
        err(f"recorded {len(report.recorded)}, already there {len(report.unchanged)}")
    else:
        err(f"nothing new: all {len(report.unchanged)} record(s) were already recorded")
    try:
        head = _caught_up(app).head()
    except StoreDamaged as error:  # the write stands; the store was found changed outside chrono
        err(f"warning: the write was committed, but the read model cannot be updated: {error}")
        return 1
    except Exception as error:  # the write stands whatever the catch-up met
        err(f"warning: the write was committed, but updating the read model failed ({cause(error)}): the next command finishes it")
        return 0
    err(f"head {head}")
    if where is not None:
        _witness(where, head)
    return 0


def _witness(where: str, head: Any) -> None:
    from chrono.projections.witness import append
    from chrono.store.config import redacted
    from chrono.store.failures import cause

    try:
        append(where, head)
    except Exception as error:  # the write stands; the next write's digest covers this one's
        err(f"warning: the write was committed, but its digest could not be written to the witness {redacted(where)} ({cause(error)})")


@cycles_collected_after()  # derives the log, holding what later events follow on from: see collector
def cmd_rebuild(args: argparse.Namespace) -> int:
    """Make the read model again, once the log is found to be the one its chain recorded.

    The stored tables are checked against the log first, by their fingerprints
    (``tablecheck``) or, where those differ or do not apply, against a read
    model made from the log in a scratch store: a difference (a table changed
    outside chrono) is repaired, but logged, and every later audit reports it
    until it is accepted; the command then exits 1. The tables made for the
    comparison are the ones the store takes: the log is projected once.
    """
    from contextlib import ExitStack

    from chrono.projections import ledger, offload, reference
    from chrono.projections.rawlog import tracked
    from chrono.projections.readmodel import ReadModel
    from chrono.projections.schema import NAME
    from chrono.render.progress import progress

    app = open_chronicle(args)
    verified: list[bool] = []

    def verify() -> None:  # before anything is written: a log that parted from its chain is not rebuilt over
        if not verified:
            ledger.verify(app)
            verified.append(True)

    with ExitStack() as stack:
        with progress("checking the read model against the log", app.head_position()) as tracker:
            scratch, found = _checked(app, stack, tracker, verify, remade=args.force)
        verify()  # if no reference could be made to run it beside
        if found:
            ledger.record_incident(app, found)
        elif not args.force and _settled(app):
            # Every row of the store already is the log's (its fingerprints, or the reference just made, say so).
            err(f"the read model agrees with the log in every table; nothing to make again (head at position {app.head_position()}; --force makes it anyway)")
            return 0
        model = ReadModel(app, repair=True)
        positions = {} if scratch is None else reference.made_positions(scratch)
        standing = tracked(app, NAME) or 0
        if scratch is None and found == "" and not args.force and not _far_behind(standing, app.head_position()):
            # The tables are the log's up to where they stand (their fingerprints say so): the catch-up
            # below brings them to the log's head, as a reference would have been.
            err(f"the read model agrees with the log up to position {standing}")
        elif scratch is None or _far_behind(positions.get(NAME, 0), app.head_position()):
            # No reference was made (the fingerprints agreed; or it could not be, and the rebuild meets what
            # stopped it), or the tables stood far behind the log (a new layout, writes not followed): the
            # log is made whole, indexes after.
            with progress("rebuilding the read model", app.head_position()) as tracker:
                offload.remake(model, tracker)
        else:
            with progress("taking the tables made from the log", None) as tracker:
                model.adopt(scratch, positions, tracker)
    ReadModel(app).catch_up()  # what the log holds after where the tables stood
    err(f"rebuilt the read model from {app.head_position()} events; head at position {app.head_position()}")
    if found:
        err(f"the read model differed from the log ({found}): it was made again, and every audit reports this until it is accepted")
        return 1
    return 0


def _far_behind(position: int, head: int) -> bool:
    """Whether tables made up to ``position`` are better made again than caught up to ``head``: a
    catch-up updates every index row by row, a rebuild makes them once (for a tenth of the log or more)."""
    from chrono.projections.readmodel import PAGE

    return head - position > max(PAGE, head // 10)


def _settled(app: Chronicle) -> bool:
    """Whether the read model stands at the log's head, with no rebuild or count left unfinished."""
    from chrono.projections.deriving import STALE_TALLIES
    from chrono.projections.rawlog import tracked
    from chrono.projections.schema import NAME
    from chrono.projections.upkeep import INDEXING

    unfinished = tracked(app, INDEXING) is not None or tracked(app, STALE_TALLIES) is not None
    return not unfinished and tracked(app, NAME) == app.head_position()


def _checked(app: Chronicle, stack: Any, tracker: Any, verify: Callable[[], None], *, remade: bool) -> tuple[Any, str]:
    """A read model made from the log (kept open on ``stack``; None when it could not be made, or
    was not needed: the tables' fingerprints agree with the log's) and the first table difference
    found, in a line ('' when the tables agree with it). ``verify`` (the log against its chain)
    runs while the log is derived; what it finds is raised. Tables to be ``remade`` anyway are
    checked against the reference alone: it is what they are made from."""
    from chrono.projections import audit_tables, reference, tablecheck
    from chrono.projections.rawlog import tracked
    from chrono.projections.schema import NAME

    # A read model behind the log (writes it did not follow yet) is compared up to where it stands.
    position = tracked(app, NAME)
    until = position if position is not None and position < app.head_position() else None
    if not remade and tablecheck.check(app, tracker, until, None, verify) == ():
        return None, ""  # every table is the log's, by its fingerprints: no reference to take them from
    try:
        scratch = stack.enter_context(reference.reference(app, tracker, until, meanwhile=verify))
    except StoreDamaged:
        raise  # the log parted from its chain: refused, whatever the tables are
    except Exception as error:  # a store damaged past reading: that is a difference too
        return None, _unreadable(error)
    try:
        found = list(audit_tables.differences(app, scratch))
    except Exception as error:
        return scratch, _unreadable(error)
    if not found:
        return scratch, ""
    more = f" and {len(found) - 1} more table(s)" if len(found) > 1 else ""
    return scratch, str(found[0].message) + more


def _unreadable(error: Exception) -> str:
    return f"the tables could not be read ({type(error).__name__}: {str(error)[:120]})"


def _commands_from(record: dict[str, Any]) -> list[Any]:
    from chrono.interchange.fields import RecordProblems
    from chrono.interchange.records import parse_record

    try:
        return parse_record(record, _command_line_origin())
    except RecordProblems as error:
        raise Rejected(error.problems) from None


def cmd_record(args: argparse.Namespace) -> int:
    from chrono.interchange.changes import parse_quantity_text

    source = {"document": args.source, "quote": args.quote, "publisher": args.publisher, "published": args.published}
    record = {
        "type": "entry", "id": args.id, "kind": args.kind, "status": args.status, "when": args.when,
        "title": {"en": args.title, "vi": args.title_vi}, "partners": args.partner, "actors": args.actor,
        "quantities": [parse_quantity_text(text) for text in args.quantity],
        "sources": [source], "codes": {"cameo": args.cameo} if args.cameo else {}, "note": args.note,
    }  # fmt: skip
    commands = _commands_from(record)
    app = _writer(args)
    report = app.submit(commands)
    _report(app, report, args)
    # The new entry's id and recording time, on stdout for a script to keep;
    # pasted into --known-at, the time (to the second) includes the entry.
    slug = (report.recorded or report.unchanged)[0]  # an id derived by an earlier chrono, if the entry was recorded under it
    recorded = app.entry(slug).created_on.isoformat(timespec="seconds")
    print(f"{'recorded' if slug in report.recorded else 'already recorded'} {slug} at {recorded}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from chrono.interchange.importing import import_files
    from chrono.render.progress import progress

    for path in args.files:  # before the store is opened (or made): a typo makes nothing
        try:
            # A named pipe is opened once, by the import: opened and closed here, it would
            # cut its writer off (or wait for one) before the import reads a line.
            if not stat.S_ISFIFO(path.stat().st_mode):
                path.open("rb").close()
        except OSError as error:
            raise Rejected([file_problem(str(path), error.strerror or str(error))]) from None
    app = _writer(args)
    with progress("importing") as tracker:
        report = import_files(app, args.files, progress=tracker.step)
    return _report(app, report, args)


def file_problem(name: str, message: str) -> Problem:
    return Problem(name, 0, "", message)


def cmd_correct(args: argparse.Namespace) -> int:
    from chrono.interchange.changes import parse_changes
    from chrono.interchange.fields import RecordProblems, source_from_record

    app = _writer(args)
    entry = app.entry(args.id)
    try:
        changes = parse_changes(entry.kind, entry.facts, args.changes, _command_line_origin())
    except RecordProblems as error:
        raise Rejected(error.problems) from None
    source = None
    if args.source or args.quote:
        try:
            source = source_from_record({"document": args.source, "quote": args.quote}, _command_line_origin())
        except RecordProblems as error:
            raise Rejected(error.problems) from None
    return _report(app, app.correct(args.id, changes, args.reason, source), args)


def cmd_retract(args: argparse.Namespace) -> int:
    app = _writer(args)
    return _report(app, app.retract(args.id, args.reason), args)


def cmd_update_chronicle(args: argparse.Namespace) -> int:
    from chrono.interchange.bundled_update import update
    from chrono.render.update import UpdateView

    app = _writer(args)
    result = update(app, dry_run=args.dry_run)
    present(args, json=result.to_json, view=lambda: UpdateView(result, args.lang))
    return 0 if result.report is None else _report(app, result.report, args)
