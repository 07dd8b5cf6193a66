"""The bars of an import and an audit: each stage a task of its own, an unknown total left
unknown, so that the bar says which stage runs and its clock keeps going (Rich keeps a task's
total when given None, and counts a task whose steps pass its total as finished)."""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from rich.progress import Progress

from chrono.render.progress import _Bar


def _bar() -> tuple[Progress, _Bar]:
    progress = Progress(console=Console(file=StringIO(), force_terminal=True, width=100), auto_refresh=False)
    return progress, _Bar(progress, "importing", None)


def test_records_saved_of_an_unknown_total_do_not_finish_the_task() -> None:
    progress, bar = _bar()
    bar.step("read", 0, 1)
    bar.step("save", 0, 0)
    bar.step("save", 16000, 0)
    [task] = progress.tasks
    assert (task.description, task.completed, task.total, task.finished) == ("saving records", 16000, None, False)


def test_the_last_stage_is_named_and_a_known_total_kept() -> None:
    progress, bar = _bar()
    bar.step("read", 1, 2)
    [reading] = progress.tasks
    assert (reading.description, reading.completed, reading.total) == ("reading files", 1, 2)
    bar.step("save", 500, 0)
    bar.step("finish", 0, 0)
    [task] = progress.tasks
    assert (task.description, task.total, task.finished) == ("indexing and committing", None, False)


def test_an_audit_stage_of_no_known_total_does_not_keep_the_last_stages() -> None:
    progress, bar = _bar()
    bar.stage("auditing: tables", 108044)
    bar(108044)
    bar.stage("auditing: chronicle", None)
    [task] = progress.tasks
    assert (task.description, task.completed, task.total, task.finished) == ("auditing: chronicle", 0, None, False)
