"""The auditor's views: the audit report, the replay of the log, and the diff between two times."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from chrono.render.entry import shifts_text
from chrono.render.labels import label
from chrono.render.text import cell, data_table, plain
from chrono.render.theme import kind_style

if TYPE_CHECKING:
    from chrono.projections.replay import Amendment, Step


def _findings_table(title: str, items: Sequence[Any], lang: str, style: str) -> Table:
    table = data_table(title, style)
    table.add_column(label(lang, "check"), no_wrap=True, style=style)
    table.add_column(label(lang, "where"), overflow="fold", style="chrono.id")
    table.add_column(label(lang, "message"), overflow="fold", ratio=1)
    for item in items:
        where = str(item.position) if item.position is not None else (item.id or "")
        table.add_row(plain(item.check), plain(where), plain(item.message))
    return table


def audit_view(report: Any, lang: str = "en") -> RenderableType:
    """``chrono audit``: the verdict and head digest in a panel, then problems and findings."""
    ok = report.ok
    verdict = Text(label(lang, "audit_ok" if ok else "audit_failed"), style="chrono.ok" if ok else "chrono.fail")
    verdict.append("\n")
    verdict.append(label(lang, "head", head=str(report.head), events=report.events), style="chrono.muted")
    parts: list[RenderableType] = [Panel(verdict, border_style="green" if ok else "red", expand=False)]
    for title, items, style in (("problems", report.problems, "chrono.fail"), ("findings", report.findings, "chrono.finding")):
        if items:
            shown, left = _summarised(items)
            parts.append(_findings_table(label(lang, title), shown, lang, style))
            if left:
                counts = ", ".join(f"{count} {check}" for check, count in left.items())
                parts.append(Text(f"… and {sum(left.values())} more ({counts}): --format json lists them all", style="chrono.muted"))
    return Group(*parts)


FIRST = 10  # items of each check shown in the view; JSON, CSV and Markdown give them all


def _summarised(items: Sequence[Any]) -> tuple[list[Any], dict[str, int]]:
    """The first ``FIRST`` items of each check, and how many of each are left out."""
    shown: list[Any] = []
    seen: dict[str, int] = {}
    left: dict[str, int] = {}
    for item in items:
        seen[item.check] = seen.get(item.check, 0) + 1
        if seen[item.check] <= FIRST:
            shown.append(item)
        else:
            left[item.check] = left.get(item.check, 0) + 1
    return shown, left


AUDIT_COLUMNS = ("severity", "check", "position", "id", "message")


def audit_rows(report: Any) -> list[tuple[str, ...]]:
    rows = [("problem", item) for item in report.problems] + [("finding", item) for item in report.findings]
    return [tuple(cell(v) for v in (severity, item.check, item.position, item.id, item.message)) for severity, item in rows]


class ReplayView:
    """``chrono replay``: each event with its position, its effect and the counters it moved.

    One line per event rather than a table: a log may hold millions of
    events, and a table would measure every one of them before printing any.
    """

    def __init__(self, steps: Sequence[Any], lang: str = "en") -> None:
        self.steps = list(steps)
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.steps:
            yield Text(label(self.lang, "none"), style="chrono.muted")
            return
        heading = Text(label(self.lang, "replay"), style="chrono.heading")
        heading.append(f" · {label(self.lang, 'position')} · {label(self.lang, 'event')} · {label(self.lang, 'entry')}: "
                       f"{label(self.lang, 'effect')} · {label(self.lang, 'live')}", style="chrono.muted")  # fmt: skip
        yield heading
        for step in self.steps:
            line = replay_line(step, self.lang)
            line.append(f" · {step.timeline}", style="chrono.muted")
            yield line


def amendment_text(amendment: Amendment, lang: str) -> str:
    """A correction for people: each field from what it was to what it became, then the reason (and source)."""
    source = f" ({amendment.source})" if amendment.source else ""
    return f"{shifts_text(amendment.fields, lang)} — {amendment.reason}{source}"


def step_effect(step: Step, lang: str) -> str:
    """A step's effect in one line: a correction says what it changed, from what to what, and why."""
    return f"{step.effect} {amendment_text(step.amendment, lang)}" if step.amendment else step.effect


def step_json(step: Step, lang: str = "en") -> dict[str, Any]:
    """``replay --format json``: the step as data, its effect worded as the views word it."""
    return step.to_json(step_effect(step, lang))


def effect_text(step: Any, lang: str) -> Text:
    text = plain(step_effect(step, lang))
    moved = ", ".join(f"{metric} {'+' if value > 0 else ''}{value}" for (metric, _), value in step.counters.items())
    if moved:
        text.append(f"  [{moved}]", style="chrono.muted")
    return text


def replay_line(step: Any, lang: str = "en") -> Text:
    """One step as a line, for ``replay --step``, which prints as it goes."""
    line = plain(f"{step.position:>6} ", "chrono.muted")
    line.append(f"{step.event:<22} ", style=kind_style(step.event))
    line.append(f"{step.subject}: ", style="chrono.heading")
    line.append_text(effect_text(step, lang))
    return line


REPLAY_COLUMNS = ("position", "recorded_at", "event", "subject", "effect", "timeline", "counters")


def replay_rows(steps: Sequence[Any], lang: str = "en") -> Iterator[tuple[str, ...]]:
    for step in steps:
        moved = [f"{metric} ({unit}) {value:+}" for (metric, unit), value in step.counters.items()]
        effect = step_effect(step, lang)
        yield tuple(cell(v) for v in (step.position, step.recorded_at.isoformat(), step.event, step.subject, effect, step.timeline, moved))


CHANGE_STYLES = {"added": "chrono.added", "corrected": "chrono.corrected", "retracted": "chrono.removed", "cited": "chrono.muted", "outcome": "chrono.held"}


def change_details(change: Any, lang: str = "en") -> str:
    """A change's details for people: a correction's fields as ``from → to``, then the reason."""
    details = change.details
    if change.amendment:
        return amendment_text(change.amendment, lang)
    if change.change == "added":
        return f"{details['kind']} {details['when']}: {details['title']}"
    return str(details.get("reason") or details.get("document") or details.get("outcome") or "")


class DiffView:
    """``chrono diff``: what changed between two recording times, and why."""

    def __init__(self, changes: Sequence[Any], since: datetime, until: datetime, lang: str = "en") -> None:
        self.changes = list(changes)
        self.since = since
        self.until = until
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lang = self.lang
        heading = Text(label(lang, "changes"), style="chrono.heading")
        span = label(lang, "from_to", since=self.since.isoformat(timespec="seconds"), until=self.until.isoformat(timespec="seconds"))
        heading.append(f" · {span}", style="chrono.muted")
        yield heading
        if not self.changes:
            yield Text(label(lang, "no_changes"), style="chrono.muted")
            return
        table = data_table()
        table.add_column(label(lang, "recorded"), overflow="fold")
        table.add_column(label(lang, "entry"), overflow="fold", style="chrono.id")
        table.add_column(label(lang, "change"))
        table.add_column(label(lang, "details"), overflow="fold", ratio=1)
        for change in self.changes:
            table.add_row(change.details["recorded_at"][:19], plain(change.id), plain(change.change, CHANGE_STYLES.get(change.change, "")),
                          plain(change_details(change, lang)))  # fmt: skip
        yield table


DIFF_COLUMNS = ("recorded_at", "id", "change", "details")


def diff_rows(changes: Sequence[Any], lang: str = "en") -> list[tuple[str, ...]]:
    return [tuple(cell(v) for v in (c.details["recorded_at"], c.id, c.change, change_details(c, lang))) for c in changes]
