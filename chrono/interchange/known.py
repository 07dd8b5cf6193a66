"""Drafts that repeat what the store already holds.

A draft is probably the same as a stored entry when the entry quotes the
same sentence of the same document (or the draft's id, which a draft of the
same sentence keeps, is already taken), or when, from another document, it
is of the same kind, on the same date, with a partner in common. Such a
draft is written commented out, "probably the same as ENTRY", so that
importing the drafts records nothing the store already has.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from chrono.interchange.draft_records import EntryDraft
from chrono.when import When


@attrs.frozen
class KnownEntry:
    """What the check needs of a stored entry."""

    id: str
    kind: str
    when: str
    sides: frozenset[str]
    sources: tuple[tuple[str, str], ...]  # (document, quote)

    @classmethod
    def of(cls, entry: Any) -> KnownEntry:
        """From an ``Entry`` of the store (its slug, kind, facts and sources)."""
        facts = entry.facts
        sources = tuple((s.document, s.quote) for s in entry.sources)
        return cls(entry.slug, entry.kind, facts.when.edtf, frozenset([*facts.partners, *facts.actors]), sources)


def mark_known(drafts: Iterable[EntryDraft], known: Iterable[KnownEntry]) -> list[EntryDraft]:
    """The drafts, each marked with the stored entry it probably repeats."""
    entries = list(known)
    by_id = {entry.id: entry for entry in entries}
    out = []
    for draft in drafts:
        match = by_id.get(str(draft.record["id"])) or _same_sentence(draft, entries) or _same_happening(draft, entries)
        out.append(draft if match is None else attrs.evolve(draft, same_as=match.id))
    return out


def _norm(text: str) -> str:
    return " ".join(text.split())


def _year(edtf: str) -> int | None:
    key = When.parse(edtf).earliest_key
    return None if key is None else key[0]


def _sides(draft: EntryDraft) -> frozenset[str]:
    return frozenset([*draft.record["partners"], *draft.record["actors"]])


def _same_sentence(draft: EntryDraft, entries: list[KnownEntry]) -> KnownEntry | None:
    """The best of the entries quoting the draft's sentence of its document."""
    document, quote = str(draft.record["sources"][0]["document"]), _norm(draft.quote)
    candidates = [e for e in entries if any(d == document and (_norm(q) in quote or quote in _norm(q)) for d, q in e.sources)]

    def closeness(entry: KnownEntry) -> tuple[bool, bool, bool]:
        year = _year(entry.when) == _year(str(draft.record["when"]))
        return (year and bool(entry.sides & _sides(draft)), entry.kind == draft.record["kind"], year)

    return max(candidates, key=closeness, default=None)


def _same_happening(draft: EntryDraft, entries: list[KnownEntry]) -> KnownEntry | None:
    partners = frozenset(draft.record["partners"])
    for entry in entries:
        if entry.kind == draft.record["kind"] and entry.when == draft.record["when"] and partners & entry.sides:
            return entry
    return None
