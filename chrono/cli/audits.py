"""Commands for auditors: audit the store, replay the log, diff two recording times."""

from __future__ import annotations

import argparse
from typing import Any

from chrono.cli.present import Rows, err, present
from chrono.cli.reading import open_chronicle
from chrono.cli.writes import file_problem
from chrono.collector import cycles_collected_after
from chrono.errors import Rejected
from chrono.when.axes import parse_known_at

AUDIT_STAGES = ("chain", "tables", "chronicle")


def _digest(option: str, text: str) -> Any:
    from chrono.projections.chain import Digest

    try:
        return Digest.parse(text)
    except ValueError as error:
        raise Rejected([file_problem(option, str(error))]) from None


@cycles_collected_after()  # derives the log and counts every facet again: see collector
def cmd_audit(args: argparse.Namespace) -> int:
    from chrono.projections.audit import audit
    from chrono.projections.witness import named, read
    from chrono.render.progress import progress

    # An empty --expect is an unset shell variable, not "nothing to expect": bad usage, never a pass.
    expect = _digest("--expect", args.expect) if args.expect is not None else None
    accepted = [_digest("--accept-anchor", text) for text in args.accept_anchor]
    where = named(getattr(args, "witness", None))
    witnessed = read(where) if where is not None else []
    app = open_chronicle(args)
    with progress("auditing", app.head_position()) as tracker:

        def stage(name: str) -> None:
            tracker.stage(f"auditing: {name}", app.head_position() if name == "tables" else None)

        report = audit(app, expect, progress=stage, witnessed=witnessed, accepted=accepted, tick=tracker)

    def rows() -> Rows:
        from chrono.render.audit import AUDIT_COLUMNS, audit_rows

        verdict = f"{'passed' if report.ok else 'FAILED'}; head {report.head} after {report.events} events"
        return Rows("Audit", AUDIT_COLUMNS, audit_rows(report), [verdict])

    def view() -> Any:
        from chrono.render.audit import audit_view

        return audit_view(report, args.lang)

    present(args, json=report.to_json, view=view, rows=rows)
    return 0 if report.ok else 1


def cmd_reanchor(args: argparse.Namespace) -> int:
    from chrono.projections import ledger
    from chrono.projections.chain import Digest
    from chrono.projections.readmodel import ReadModel
    from chrono.projections.witness import append, named
    from chrono.render.progress import progress

    where = named(getattr(args, "witness", None))
    app = open_chronicle(args)
    anchor = ledger.reanchor(app, args.reason)
    if anchor is None:
        err("the log agrees with its chain: there is nothing to re-anchor")
        return 0
    err(f"re-anchored the chain at position {anchor.position}: head {anchor.old_head} is now {anchor.new_head}")
    if where is not None:
        append(where, Digest.parse(anchor.new_head), f"{ledger.REANCHORED} {anchor.position} from {anchor.old_head}: {anchor.reason}")
    with progress("rebuilding the read model", app.head_position()) as tracker:
        ReadModel(app, repair=True).rebuild(tracker)
    err(f"every audit reports this anchor until it is accepted: chrono audit --accept-anchor {anchor.new_head}")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from chrono.projections.replay import replay
    from chrono.render.progress import progress

    app = open_chronicle(args)
    steps = replay(app.domain_events(parse_known_at(args.known_at)), until=args.until)
    if args.step:
        from chrono.render.audit import replay_line
        from chrono.render.output import make_console

        out = make_console()
        for done, step in enumerate(steps, start=1):
            out.print(replay_line(step, args.lang))
            try:
                input()
            except EOFError:  # no terminal, or the end of what was piped in: stop here, as asked
                err(f"stopped after {done} event(s): the input ended (--step waits for Enter after each)")
                break
        return 0
    walked = []
    with progress("replaying the log", min(app.head_position(), args.until or app.head_position())) as tracker:
        for step in steps:
            walked.append(step)
            tracker(1)

    def rows() -> Rows:
        from chrono.render.audit import REPLAY_COLUMNS, replay_rows

        return Rows("Replay", REPLAY_COLUMNS, replay_rows(walked, args.lang))

    def view() -> Any:
        from chrono.render.audit import ReplayView

        return ReplayView(walked, args.lang)

    def json() -> dict[str, Any]:
        from chrono.render.audit import step_json

        return {"steps": [step_json(step, args.lang) for step in walked]}

    present(args, json=json, view=view, rows=rows)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from chrono.projections.replay import diff

    if len(args.known_at) != 2:
        raise Rejected([file_problem("--known-at", "give --known-at twice: the earlier and the later recording time")])
    since, until = (parse_known_at(text) for text in args.known_at)
    assert since is not None and until is not None
    if since > until:
        since, until = until, since
    changes = diff(open_chronicle(args).domain_events(), since, until)
    span = f"from {since.isoformat()} to {until.isoformat()}"

    def rows() -> Rows:
        from chrono.render.audit import DIFF_COLUMNS, diff_rows

        return Rows("Changes", DIFF_COLUMNS, diff_rows(changes, args.lang), [span])

    def view() -> Any:
        from chrono.render.audit import DiffView

        return DiffView(changes, since, until, args.lang)

    present(args, json=lambda: {"from": since.isoformat(), "to": until.isoformat(), "changes": [c.to_json() for c in changes]}, view=view, rows=rows)
    return 0
