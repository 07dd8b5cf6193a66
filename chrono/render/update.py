"""``chrono update-chronicle``: what an update of the bundled chronicle records, or would."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from chrono.render.text import data_table, plain

# This view's words, kept beside it while the views are being reorganised;
# they belong with the others in render.labels.
WORDS = {
    "en": {
        "heading": "Bundled chronicle update", "steps": "{n} to record", "dry_run": "dry run: nothing written",
        "written": "recorded", "up_to_date": "This store holds the bundled chronicle as it is: nothing to record.",
        "action": "Action", "id": "Id", "what": "What", "origin": "From",
        "left_alone": "Left alone: changed in this store since the bundled chronicle recorded them",
    },
    "vi": {
        "heading": "Cập nhật biên niên kèm theo", "steps": "{n} mục cần ghi", "dry_run": "chạy thử: chưa ghi gì",
        "written": "đã ghi", "up_to_date": "Kho đã có biên niên kèm theo đúng như hiện hành: không có gì để ghi.",
        "action": "Thao tác", "id": "Mã", "what": "Nội dung", "origin": "Nguồn",
        "left_alone": "Giữ nguyên: đã được sửa trong kho này sau khi biên niên kèm theo ghi",
    },
}  # fmt: skip
ACTION_STYLES = {"correct": "chrono.corrected", "retract": "chrono.removed", "entry": "chrono.added", "partner": "chrono.added"}


def _word(lang: str, key: str, **values: object) -> str:
    text = WORDS.get(lang, WORDS["en"])[key]
    return text.format(**values) if values else text


class UpdateView:
    """The steps of an update (``chrono.interchange.bundled_update.Update``) as a table, and what was left alone."""

    def __init__(self, update: Any, lang: str = "en") -> None:
        self.update = update
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lang, update = self.lang, self.update
        heading = Text(_word(lang, "heading"), style="chrono.heading")
        if update.steps:
            done = _word(lang, "dry_run") if update.report is None else _word(lang, "written")
            heading.append(f" · {_word(lang, 'steps', n=len(update.steps))} · {done}", style="chrono.muted")
        yield heading
        if not update.steps:
            yield Text(_word(lang, "up_to_date"), style="chrono.muted")
        else:
            yield self._table(update.steps, "")
        if update.left_alone:
            yield self._table(update.left_alone, _word(lang, "left_alone"))

    def _table(self, steps: Sequence[Any], title: str) -> Any:
        table = data_table(title or None, "chrono.finding")
        for key in ("action", "id"):
            table.add_column(_word(self.lang, key), overflow="fold", style="chrono.id" if key == "id" else "")
        table.add_column(_word(self.lang, "what"), overflow="fold", ratio=1)
        table.add_column(_word(self.lang, "origin"), overflow="fold", style="chrono.muted")
        for step in steps:
            table.add_row(plain(step.action, ACTION_STYLES.get(step.action, "")), plain(step.id), plain(step.what), plain(step.origin))
        return table
