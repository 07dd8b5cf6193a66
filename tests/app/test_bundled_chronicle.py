"""The bundled chronicle: complete, faithful to its articles, importable."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from chrono.events.commands import Draft
from chrono.interchange.bundled import bundled_files, import_bundled
from chrono.interchange.importing import commands
from chrono.interchange.reading import read_records
from chrono.store import open_store
from chrono.when import When

SEEDS = Path(os.environ.get("CHRONO_SEEDS", Path(__file__).resolve().parents[3] / "shared" / "seeds"))


def records() -> list[dict]:
    out = []
    for data, name in bundled_files():
        out.extend(record for record, _ in read_records(data, name))
    return out


def entries() -> list[dict]:
    return [r for r in records() if r.get("type", "entry") == "entry"]


def quoted_sources() -> list[dict]:
    found = []
    for record in records():
        if record.get("type") == "cite":
            found.append(record["source"])
        found.extend(record.get("sources", []))
    return found


def test_the_chronicle_has_well_over_fifty_entries_of_many_kinds() -> None:
    drafts = [c for c in commands((r, _o) for r, _o in _with_origins()) if isinstance(c, Draft)]
    assert len(drafts) > 50
    kinds = Counter(d.kind for d in drafts)
    assert len(kinds) >= 8, kinds
    assert kinds["FigureReported"] >= 3


def _with_origins():
    for data, name in bundled_files():
        yield from read_records(data, name)


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed articles are not at {SEEDS} (set CHRONO_SEEDS)")
def test_every_quote_stands_verbatim_in_its_article() -> None:
    texts = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    sources = quoted_sources()
    assert sources
    for source in sources:
        assert source["document"] in texts, source["document"]
        assert source["quote"] in texts[source["document"]], source["quote"][:80]


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed articles are not at {SEEDS} (set CHRONO_SEEDS)")
def test_every_article_is_used() -> None:
    used = {s["document"] for s in quoted_sources()}
    assert used == {p.name for p in SEEDS.glob("*.txt")}


def test_dates_keep_the_precision_of_the_text() -> None:
    # No day is invented: a day-precise date must have its day in the quote,
    # or be the day its source was published (the "now" of the article).
    for record in entries():
        when = When.parse(record["when"])
        published = {s.get("published") for s in record["sources"]}
        if when.precision.value == "day" and not when.is_interval and not when.is_set and record["when"] not in published:
            day, month = when.earliest.day, when.earliest.month
            quotes = " ".join(s["quote"] for s in record["sources"])
            pattern = rf"(?<!\d)0?{day}\s*[/.-]\s*0?{month}(?!\d)|ngày 0?{day}(?!\d)"
            assert re.search(pattern, quotes), record["id"]


def test_planned_entries_are_planned_not_uncertain() -> None:
    planned = [r for r in entries() if r.get("status") == "planned"]
    assert planned, "the articles announce planned happenings"
    for record in planned:
        assert "?" not in record["when"], record["id"]


def test_every_entry_has_titles_in_both_languages() -> None:
    for record in entries():
        assert record["title"]["en"].strip() and record["title"]["vi"].strip(), record["id"]


def test_the_chronicle_imports_cleanly_and_twice_is_a_no_op(store_url: str) -> None:
    app = open_store(store_url)
    first = import_bundled(app)
    assert len(first.recorded) > 50
    second = import_bundled(app)
    assert second.recorded == ()
    partners = app.snapshot().partners
    chain = []
    current = "thien-bao"
    while current:
        chain.append(current)
        current = partners[current].parent
    assert chain == ["thien-bao", "malipo", "van-son", "yunnan", "china"]
    assert partners["moriya"].parent == "ibaraki" and partners["ibaraki"].parent == "japan"
    assert partners["bach-sac"].parent == "guangxi"


def test_partner_names_are_normalised_text() -> None:
    for record in records():
        if record.get("type") == "partner":
            for name in record["name"].values():
                assert unicodedata.normalize("NFC", name) == name
                assert name == name.strip()


def test_the_records_are_one_json_object_per_line() -> None:
    for data, name in bundled_files():
        for line in data.decode().splitlines():
            assert isinstance(json.loads(line), dict), name


def test_the_readme_and_changelog_count_the_chronicle_as_shipped() -> None:
    root = Path(__file__).resolve().parents[2]
    kinds = Counter(r.get("type", "entry") for r in records())
    planned = sum(1 for r in entries() if r.get("status") == "planned")
    total = sum(kinds.values())
    tour = " ".join(root.joinpath("README.md").read_text(encoding="utf-8").split())
    said = f"{total} records, that is {kinds['partner']} partners, {kinds['entry']} entries ({planned} of them planned, one retracted), {kinds['cite']} further sources, and the {kinds['correct']} corrections"
    assert said in tour and kinds["retract"] == 1
    changelog = root.joinpath("CHANGELOG.md").read_text(encoding="utf-8")
    after = f"{total} records ({kinds['partner']} partners, {kinds['entry']} entries, {planned} planned and 1 retracted, {kinds['cite']} further sources, {kinds['correct']} corrections) after"
    assert after in changelog


def test_the_changelog_names_every_record_of_the_second_reading() -> None:
    changelog = (Path(__file__).resolve().parents[2] / "CHANGELOG.md").read_text(encoding="utf-8")
    section = changelog.split("### The bundled chronicle's second reading\n", 1)[1].split("\n### ", 1)[0]
    (data,) = [data for data, name in bundled_files() if name == "chrono/data/chronicle/c.jsonl"]
    unnamed = [record["id"] for record, _ in read_records(data, "c.jsonl") if f"`{record['id']}`" not in section]
    assert unnamed == []
