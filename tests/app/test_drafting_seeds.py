"""Drafting the five seed articles finds the bundled chronicle's entries.

The bundled chronicle is read as its latest reading has it (issue 18): its
``correct`` records applied and its retracted entries left out. An entry
belongs to the article of its first source. It is found when a draft quotes
the same sentence (one quote holds the other), starts in the same year (or
both have an open start) and shares a partner or actor with it. Recall is the share of
an article's entries found, precision the share of drafts that find one;
both are printed. Every quote must be a verbatim substring of its article.
"""

from __future__ import annotations

import collections
import os
from pathlib import Path

import pytest

from chrono.events.values import Names, Partner
from chrono.interchange.bundled import bundled_files
from chrono.interchange.drafting import draft_article
from chrono.interchange.reading import read_records
from chrono.when import When

SEEDS = Path(os.environ.get("CHRONO_SEEDS", Path(__file__).resolve().parents[3] / "shared" / "seeds"))
ARTICLES = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
pytestmark = pytest.mark.skipif(not ARTICLES, reason=f"the seed articles are not at {SEEDS} (set CHRONO_SEEDS)")


def bundled() -> tuple[dict[str, Partner], list[dict]]:
    """The registry and the entries of the corrected chronicle, in file order."""
    partners: dict[str, Partner] = {}
    entries: dict[str, dict] = {}
    for data, name in bundled_files():
        for record, _ in read_records(data, name):
            kind = record.get("type", "entry")
            if kind == "partner":
                partners[record["id"]] = Partner(record["id"], Names.from_record(record["name"]), record["level"], record["parent"], record["country"])
            elif kind == "entry":
                entries[record["id"]] = dict(record)
            elif kind == "correct":
                entries[record["id"]].update(record["set"])
            elif kind == "retract":
                del entries[record["id"]]
    return partners, list(entries.values())


def home(entries: list[dict]) -> str:
    """The chronicle's own side, as ``chrono draft`` finds it: its most frequent actor."""
    counts = collections.Counter(actor for entry in entries for actor in entry.get("actors", []))
    return counts.most_common(1)[0][0]


def _norm(text: str) -> str:
    return " ".join(text.split())


def _year(edtf: str) -> int | None:
    key = When.parse(edtf).earliest_key
    return None if key is None else key[0]


def found(entry: dict, draft: dict) -> bool:
    theirs, mine = _norm(entry["sources"][0]["quote"]), _norm(draft["sources"][0]["quote"])
    sides = set(entry["partners"]) | set(entry.get("actors", []))
    shared = not sides or bool(sides & (set(draft["partners"]) | set(draft["actors"])))
    return (theirs in mine or mine in theirs) and _year(entry["when"]) == _year(draft["when"]) and shared


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.name[:3])
def test_drafts_find_the_bundled_entries_of_each_seed_article(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    partners, entries = bundled()
    text = article.read_text(encoding="utf-8")
    drafts = [d.record for d in draft_article(text, partners, document=article.name, home=home(entries)).entries]
    theirs = [e for e in entries if e["sources"][0]["document"] == article.name]
    hits = [e for e in theirs if any(found(e, d) for d in drafts)]
    useful = [d for d in drafts if any(found(e, d) for e in theirs)]
    recall, precision = len(hits) / len(theirs), len(useful) / len(drafts)
    with capsys.disabled():
        print(f"\n{article.name}: recall {len(hits)}/{len(theirs)} = {recall:.2f}, precision {len(useful)}/{len(drafts)} = {precision:.2f}")
    missed = [e["id"] for e in theirs if e not in hits]
    assert recall >= 0.8, f"recall {recall:.2f}; missed {missed}"
    for draft in drafts:
        assert draft["sources"][0]["quote"] in text
        assert draft["sources"][0]["document"] == article.name
