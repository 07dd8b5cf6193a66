"""Drafts written for review: YAML (the default) or JSON Lines.

Each record carries its review notes in a ``draft`` block, which ``chrono
import`` takes off (docs/records.md, "Drafts"). In YAML, a draft that
probably repeats a stored entry is written commented out, so that the file
imports as it stands; JSON Lines, for scripts, leaves such drafts out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from chrono.interchange.draft_records import EntryDraft
from chrono.interchange.drafting import Drafts

HOW_TO_REVIEW = """\
# Review each draft against its quote: kind, status, when (EDTF), partners
# (foreign side), actors (home side), quantities, and write a real title.
# Each `draft:` block says which words of the article every guess came from
# and how sure it is (0 to 1); it may stay: `chrono import` takes it off and
# stores none of it. Delete a draft to leave it out; uncomment a commented
# one ("probably the same as ...") to record it after all. Then:
#   chrono import {name}
"""


def write_yaml(drafts: Drafts, entries: Sequence[EntryDraft], out: TextIO, name: str = "drafts.yaml") -> None:
    """The drafts as a YAML list, with a header on how to review them."""
    article = drafts.article
    published = f"published {article.published.edtf}" if article.published else "with no publication date (give --published)"
    out.write(f"# Drafts from {drafts.document} ({'Vietnamese' if article.lang == 'vi' else 'English'}), {published}.\n")
    if article.published is None and article.reference.year is not None:
        out.write(f"# Relative dates were resolved against {article.reference.year}, the latest year the article names.\n")
    active = sum(1 for e in entries if not e.same_as)
    out.write(f"# {active} draft(s), {len(entries) - active} probably already in the store, {len(drafts.partners)} new partner(s).\n")
    out.write(HOW_TO_REVIEW.format(name=name))
    for partner in drafts.partners:
        out.write(_yaml(partner.with_notes()))
    for entry in entries:
        text = _yaml(entry.with_notes())
        if entry.same_as:
            out.write(f"# probably the same as {entry.same_as} (already in the store): left out\n")
            text = "".join(f"# {line}\n" for line in text.splitlines())
        out.write(text)


def write_jsonl(drafts: Drafts, entries: Sequence[EntryDraft], out: TextIO) -> None:
    """The drafts as JSON Lines, partners first; those already in the store left out."""
    for partner in drafts.partners:
        out.write(json.dumps(partner.with_notes(), ensure_ascii=False) + "\n")
    for entry in entries:
        if not entry.same_as:
            out.write(json.dumps(entry.with_notes(), ensure_ascii=False) + "\n")


def _yaml(record: dict[str, Any]) -> str:
    import yaml

    return str(yaml.safe_dump([record], allow_unicode=True, sort_keys=False, width=100000, default_flow_style=False))
