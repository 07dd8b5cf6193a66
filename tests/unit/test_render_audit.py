"""The auditor's views: the audit report, the replay and the diff."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from chrono.projections.audit import AuditReport, Finding
from chrono.projections.chain import Digest
from chrono.projections.replay import Amendment, Change, FieldChange, Step
from chrono.render.audit import DiffView, ReplayView, audit_rows, audit_view, diff_rows, replay_rows
from chrono.when import When
from tests.unit.render_kit import render

HEAD = Digest(148, "ab" * 32)
T = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_a_passed_audit_shows_the_head_and_the_findings() -> None:
    report = AuditReport(HEAD, (), (Finding("overdue", "planned for 2024-04, no outcome recorded", id="2024-plan"),), 148)
    out = render(audit_view(report), 100)
    assert "Audit passed" in out and f"148:{'ab' * 32}" in out
    assert "Findings" in out and "2024-plan" in out and "Problems" not in out


def test_a_failed_audit_names_the_first_problem() -> None:
    report = AuditReport(HEAD, (Finding("chain", "the log and the chain part ways at position 7 [red]", 7),), (), 148)
    out = render(audit_view(report, "vi"), 100)
    assert "Kiểm tra KHÔNG ĐẠT" in out and "part ways at position 7 [red]" in out
    assert audit_rows(report)[0][:3] == ("problem", "chain", "7")


def test_replay_lists_each_step_and_its_effect() -> None:
    steps = [Step(1, T, "Registered", "china", "partner china (country) registered", 0, {}),
             Step(2, T, "AgreementSigned", "2021-a", "added: A (2021)", 1, {("agreements", "agreement"): Decimal(1)})]  # fmt: skip
    out = render(ReplayView(steps), 100)
    assert "Replay" in out and "added: A (2021)" in out and "agreements +1" in out
    assert list(replay_rows(steps))[1][-1] == "agreements (agreement) +1"


def test_diff_says_what_changed_and_why() -> None:
    amendment = Amendment((FieldChange("when", When.parse("2018"), When.parse("2018-05")),), "minutes", None)
    changes = [Change("2018-twinning", "corrected", {"recorded_at": T.isoformat()}, amendment)]
    out = render(DiffView(changes, T, T), 100)
    assert "when: 2018 → May 2018 — minutes" in out
    assert "when: năm 2018 → tháng 5/2018 — minutes" in render(DiffView(changes, T, T, "vi"), 100)
    assert diff_rows(changes)[0][2] == "corrected"
    assert "No changes." in render(DiffView([], T, T), 100)
