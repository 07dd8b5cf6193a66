"""The audit of the chain's re-anchorings (``ledger``): each is a problem until the auditor accepts it by
its new head, then a finding; and the witnessed digests that an accepted re-anchoring replaced."""

from __future__ import annotations

from collections.abc import Sequence

from chrono.events.application import Chronicle
from chrono.projections import chain, ledger
from chrono.projections.findings import Finding
from chrono.projections.witness import Witnessed


def check_anchors(app: Chronicle, accepted: Sequence[chain.Digest], witnessed: Sequence[Witnessed] = ()) -> tuple[list[Finding], list[Finding]]:
    """Each re-anchoring of the chain: a problem until the auditor accepts it by its new head, then a finding.
    A re-anchoring the witness recorded but the store no longer lists (its record removed) is a problem."""
    problems: list[Finding] = []
    findings: list[Finding] = []
    taken = {str(digest) for digest in accepted}
    stored = ledger.anchors(app)
    listed = {anchor.new_head for anchor in stored}
    for noted in witnessed:
        if noted.note.startswith(ledger.REANCHORED) and str(noted.digest) not in listed:
            message = f"the witness records a re-anchoring on {noted.at} ({noted.note}) that the store no longer lists"
            problems.append(Finding("anchor", message, noted.digest.position))
    for anchor in stored:
        message = (f"the chain was re-anchored at position {anchor.position} on {anchor.anchored_at} ({anchor.reason}); "
                   f"head before: {anchor.old_head}, after: {anchor.new_head}")  # fmt: skip
        if anchor.reason.startswith("rebuild: "):
            what = anchor.reason.removeprefix("rebuild: ")
            message = f"on {anchor.anchored_at}, chrono found the read model differing from the log and made it again ({what})"
        if anchor.new_head in taken:
            findings.append(Finding("anchor", message + "; accepted", anchor.position))
        else:
            problems.append(Finding("anchor", message + f"; once reviewed, accept it with --accept-anchor {anchor.new_head}", anchor.position))
    return problems, findings


def excused(problems: list[Finding], witnessed: Sequence[Witnessed], accepted: list[Finding], app: Chronicle) -> tuple[list[Finding], list[Finding]]:
    """Witnessed digests that an accepted re-anchoring replaced (noted before it, at or after its
    position) are findings, not problems: the auditor accepted that the log changed there."""
    if not accepted or not witnessed:
        return problems, []
    anchors = [a for a in ledger.anchors(app) if any(f.position == a.position for f in accepted)]
    times: dict[int, str] = {}
    for noted in witnessed:  # the earliest digest witnessed at each position (a later one may be the anchor's own)
        times.setdefault(noted.digest.position, noted.at)
    kept: list[Finding] = []
    excused: list[Finding] = []
    for problem in problems:
        at = times.get(problem.position or -1)
        covered = problem.check == "witness" and at is not None and any(a.position <= (problem.position or 0) and at < a.anchored_at for a in anchors)
        (excused if covered else kept).append(
            problem if not covered else Finding("witness", problem.message + " (before an accepted re-anchoring)", problem.position)
        )
    return kept, excused
