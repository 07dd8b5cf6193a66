"""One entry with its revisions, and the event log."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chrono.render.entry import LOG_COLUMNS, entry_panel, log_json, log_rows, log_table, revision_json, subjects
from chrono.when import When
from tests.unit.render_kit import LONG_VI, PARTNERS, make_entry, render


def corrected_entry():  # type: ignore[no-untyped-def]
    entry = make_entry("2018-twinning", "2018", kind="TwinningSigned", title="Commune [i]twinning[/i]", title_vi=LONG_VI, partners=("thien-bao",))
    entry.correct({"when": When.parse("2018-05")}, "minutes give May", None)
    return entry


def revisions(entry):  # type: ignore[no-untyped-def]
    events = list(entry.pending_events)
    for event in events:
        object.__setattr__(event, "timestamp", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    return events


@pytest.mark.parametrize("width", [60, 100, 160])
def test_an_entry_with_its_sources_and_revisions(width: int) -> None:
    entry = corrected_entry()
    out = render(entry_panel(entry, revisions(entry), PARTNERS, "en"), width)
    assert max(len(line) for line in out.splitlines()) <= width
    assert "Commune [i]twinning[/i]" in out
    assert "May 2018" in out and "2018-05" in out
    assert "Originally" in out
    assert "corrected" in out
    assert "TwinningSigned" in out and "Corrected" in out
    details = " ".join(line.split("│")[1].split()[-1] for line in out.splitlines()[1:] if "│" in line and line.split("│")[1].split())
    assert all(word in out for word in ("minutes", "give", "May"))
    if width >= 100:
        assert "when: May 2018 — minutes give May" in out
    assert details
    assert "Ký kết chương trình hợp tác." in " ".join(line.strip("│ ") for line in out.splitlines())
    assert "CAMEO 057" in out and "PLOVER SUPPORT" in out


def test_vietnamese_title_wraps_in_the_panel() -> None:
    entry = corrected_entry()
    out = render(entry_panel(entry, revisions(entry), PARTNERS, "vi"), 60)
    flat = " ".join(out.replace("│", " ").split())
    assert "Thời gian" in out and "Các lần ghi" in out and "đã đính chính" in out
    assert LONG_VI in flat  # wrapped inside the panel, whole
    assert "…" not in out
    assert "tháng 5/2018" in out


def test_retracted_entry_shows_its_reason() -> None:
    entry = make_entry("2019-dup", "2019", title="Duplicate")
    entry.retract("recorded twice")
    out = render(entry_panel(entry, revisions(entry), PARTNERS, "en"), 100)
    assert "retracted" in out and "recorded twice" in out


def test_revision_json_and_log() -> None:
    entry = corrected_entry()
    events = revisions(entry)
    assert revision_json(events[1])["changes"] == {"when": "2018-05"}
    log = list(enumerate(events, start=1))
    assert log_json(2, events[1], subjects(log))["entry"] == "2018-twinning"
    out = render(log_table(log, "en"), 100)
    assert "Event log" in out and "Corrected" in out
    assert "2018-twinning" in next(line for line in out.splitlines() if "Corrected" in line)  # named, not a UUID
    rows = log_rows(log)
    assert len(rows[0]) == len(LOG_COLUMNS) and rows[1][2] == "Corrected" and rows[1][4] == "2018-twinning"
