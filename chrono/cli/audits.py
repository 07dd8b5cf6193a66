"""Commands for auditors: audit the store, replay the log, diff two recording times."""

from __future__ import annotations

import argparse
from typing import Any

from chrono.cli.present import Rows, err, present
from chrono.cli.reading import open_chronicle
from chrono.cli.writes import file_problem
from chrono.errors import Rejected
from chrono.when.axes import parse_known_at

AUDIT_STAGES = ("chain", "decode", "projections", "chronicle")


def cmd_audit(args: argparse.Namespace) -> int:
    from chrono.projections.audit import audit
    from chrono.projections.chain import Digest
    from chrono.render.progress import progress

    try:
        expect = Digest.parse(args.expect) if args.expect else None
    except ValueError as error:
        raise Rejected([file_problem("--expect", str(error))]) from None
    app = open_chronicle(args)
    with progress("auditing", 4) as tracker:
        report = audit(app, expect, progress=lambda stage: tracker.step(stage, AUDIT_STAGES.index(stage), len(AUDIT_STAGES)))

    def rows() -> Rows:
        from chrono.render.audit import AUDIT_COLUMNS, audit_rows

        verdict = f"{'passed' if report.ok else 'FAILED'}; head {report.head} after {report.events} events"
        return Rows("Audit", AUDIT_COLUMNS, audit_rows(report), [verdict])

    def view() -> Any:
        from chrono.render.audit import audit_view

        return audit_view(report, args.lang)

    present(args, json=report.to_json, view=view, rows=rows)
    return 0 if report.ok else 1


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
            out.print(replay_line(step))
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

        return Rows("Replay", REPLAY_COLUMNS, replay_rows(walked))

    def view() -> Any:
        from chrono.render.audit import ReplayView

        return ReplayView(walked, args.lang)

    present(args, json=lambda: {"steps": [step.to_json() for step in walked]}, view=view, rows=rows)
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

        return Rows("Changes", DIFF_COLUMNS, diff_rows(changes), [span])

    def view() -> Any:
        from chrono.render.audit import DiffView

        return DiffView(changes, since, until, args.lang)

    present(args, json=lambda: {"from": since.isoformat(), "to": until.isoformat(), "changes": [c.to_json() for c in changes]}, view=view, rows=rows)
    return 0
