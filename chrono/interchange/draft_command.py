"""``chrono draft ARTICLE``: read an article, draft, write the drafts.

The command line hands over its arguments and a way to read the store (the
partner registry and the entries touching some partners); nothing here
writes to the store. The drafts go to standard output or to ``--out FILE``,
written whole or not at all, and never over the store's own file.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from chrono.errors import InvalidWhen, Problem, Rejected
from chrono.events.values import Partner
from chrono.interchange.controls import for_terminal
from chrono.interchange.drafting import Drafts, draft_article
from chrono.interchange.known import KnownEntry, mark_known
from chrono.when import When


class StoreReading(Protocol):
    """What drafting reads of a store."""

    @property
    def partners(self) -> Mapping[str, Partner]: ...

    def entries(self, partner_ids: Any = None) -> list[Any]: ...


def run(args: argparse.Namespace, open_reading: Callable[[], StoreReading]) -> int:
    """Draft ``args.article`` against the store ``open_reading`` opens."""
    text = _article_text(args.article)
    published = _published(args.published)
    out = _output_path(args.out, args.store)
    reading = open_reading()
    partners = reading.partners
    if args.home is not None and args.home not in partners:
        from chrono.events.slugs import partner_hint

        why = f"unknown partner {args.home!r} (give a partner id): {partner_hint(args.home, partners)}"
        raise Rejected([Problem("command line", 0, "--home", why)])
    options = {"lang": args.article_lang, "published": published, "document": args.source or _document(args.article), "publisher": args.publisher}
    drafts = draft_article(text, partners, **options)
    named = {pid for e in drafts.entries for pid in [*e.record["partners"], *e.record["actors"]] if pid in partners}
    stored = reading.entries(named) if named else []
    home = args.home or _home(stored)
    if home is not None:
        drafts = draft_article(text, partners, home=home, **options)
    entries = mark_known(drafts.entries, [KnownEntry.of(e) for e in stored if not getattr(e, "retracted", False)])
    _write(drafts, entries, args.format, out)
    _summary(drafts, entries, out)
    return 0


def _article_text(path: Path) -> str:
    from chrono.interchange.reading import read_text

    name = str(path)
    try:
        data = sys.stdin.buffer.read() if name == "-" else path.read_bytes()
    except OSError as error:
        raise Rejected([Problem(name, 0, "", error.strerror or str(error))]) from None
    text = read_text(data, name)
    if not text.strip():
        raise Rejected([Problem(name, 0, "", "the article is empty")])
    return text


def _published(text: str | None) -> When | None:
    if text is None:
        return None
    try:
        return When.parse(text)
    except InvalidWhen as error:
        raise Rejected([Problem("command line", 0, "--published", str(error))]) from None


def _output_path(out: Path | None, store: str | None) -> Path | None:
    """``--out``, refused when it names the store's own file."""
    if out is None:
        return None
    from chrono.store.config import is_store_file, locate

    if is_store_file(out, locate(store)):
        raise Rejected([Problem("command line", 0, "--out", f"{out} is the store itself; write the drafts to another file")])
    return out


def _document(path: Path) -> str:
    return "stdin.txt" if str(path) == "-" else path.name


def _home(stored: Iterable[Any]) -> str | None:
    """The chronicle's own side: the actor of most of the stored entries read."""
    counts = collections.Counter(actor for entry in stored for actor in entry.facts.actors)
    return min(counts, key=lambda pid: (-counts[pid], pid)) if counts else None


def _write(drafts: Drafts, entries: list[Any], fmt: str, out: Path | None) -> None:
    from chrono.interchange.draft_output import write_jsonl, write_yaml

    def write(stream: Any) -> None:
        if fmt == "jsonl":
            write_jsonl(drafts, entries, stream)
        else:
            write_yaml(drafts, entries, stream, name=str(out) if out else "drafts.yaml")

    if out is None:
        write(for_terminal(sys.stdout))
        return
    # Written beside the target and renamed over it: the file is whole or untouched.
    handle, temporary = tempfile.mkstemp(dir=out.expanduser().resolve().parent, prefix=".chrono-draft-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            write(stream)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _summary(drafts: Drafts, entries: list[Any], out: Path | None) -> None:
    known = sum(1 for e in entries if e.same_as)
    where = f" to {out}" if out else ""
    line = f"drafted {len(entries) - known} entr{'y' if len(entries) - known == 1 else 'ies'}{where}"
    line += f", {known} probably already in the store (left out)" if known else ""
    line += f", {len(drafts.partners)} new partner(s)" if drafts.partners else ""
    if drafts.article.published is None:
        line += "; no publication date found: give --published"
    print(f"chrono: {line}", file=sys.stderr)
