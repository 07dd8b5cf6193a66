"""``chrono diff`` and ``chrono replay`` word a correction as ``show`` does, and give it as data in JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.e2e.test_cli import chrono
from tests.factories import PARTNERS, entry, jsonl

REPRS = ("Quantity(", "When(", "Decimal(", "Precision.", "frozenset(", "Names(")
CHANGED = (
    "title: Three agreements / Ba thỏa thuận → Agreements / Ba thỏa thuận; when: 2018 – 4 July 2022 → 4 July 2022; "
    "quantities: agreements 3 agreement (2018 – 4 July 2022) → agreements at least 1,250 agreement (as of 4 July 2022) — a stock"
)


def _corrected_store(tmp_path: Path) -> str:
    """A store with one figure whose date, quantities and title were corrected together."""
    store = str(tmp_path / "s.sqlite")
    records = tmp_path / "records.jsonl"
    figure = entry("2018-figure", kind="FigureReported", when="2018/2022-07-04", title={"en": "Three agreements", "vi": "Ba thỏa thuận"},
                   quantities=[{"metric": "agreements", "value": "3", "unit": "agreement", "period": "2018/2022-07-04"}])  # fmt: skip
    records.write_bytes(jsonl([*PARTNERS, figure]))
    assert chrono("--store", store, "import", str(records)).returncode == 0
    quantities = json.dumps([{"metric": "agreements", "value": "1250", "unit": "agreement", "qualifier": "at_least", "observed": "2022-07-04"}])
    corrected = chrono("--store", store, "correct", "2018-figure", "--set", "when=2022-07-04", "--set", f"quantities={quantities}",
                       "--set", "title.en=Agreements", "--reason", "a stock")  # fmt: skip
    assert corrected.returncode == 0, corrected.stderr
    return store


def _flat(text: str) -> str:
    """A Rich table's text with its borders and wrapping taken out."""
    return " ".join(text.replace("│", " ").split())


def test_diff_words_a_correction_as_show_does_and_gives_it_as_data(tmp_path: Path) -> None:
    store = _corrected_store(tmp_path)
    span = ("diff", "--known-at", "2000-01-01", "--known-at", "2100-01-01")
    table = chrono("--store", store, *span, env={"COLUMNS": "400"}).stdout
    markdown = chrono("--store", store, *span, "--format", "md").stdout
    rows = list(csv.reader(io.StringIO(chrono("--store", store, *span, "--format", "csv").stdout)))
    details = next(row[-1] for row in rows if "corrected" in row)
    for text in (_flat(table), markdown, details):
        assert not any(code in text for code in REPRS), text
        assert CHANGED in text, text
    vietnamese = chrono("--store", store, "--lang", "vi", *span, "--format", "md").stdout
    assert "when: năm 2018 – ngày 4/7/2022 → ngày 4/7/2022" in vietnamese and "at least 1.250 agreement" in vietnamese
    answer = chrono("--store", store, *span, "--format", "json").stdout
    assert not any(code in answer for code in REPRS), answer
    (change,) = [c for c in json.loads(answer)["changes"] if c["change"] == "corrected"]
    fields = change["fields"]
    assert fields["when"] == {"from": "2018/2022-07-04", "to": "2022-07-04"}  # dates stay EDTF strings, as before
    assert fields["title"] == {"from": {"en": "Three agreements", "vi": "Ba thỏa thuận"}, "to": {"en": "Agreements", "vi": "Ba thỏa thuận"}}
    (old,), (new,) = fields["quantities"]["from"], fields["quantities"]["to"]
    assert (old["value"], old["qualifier"], old["period"]["edtf"], old["observed"]) == ("3", "exact", "2018/2022-07-04", None)
    assert (new["value"], new["qualifier"], new["period"], new["observed"]["edtf"]) == ("1250", "at_least", None, "2022-07-04")
    assert (change["reason"], change["source"]) == ("a stock", None)


def test_replay_words_a_correction_as_show_does_and_gives_it_as_data(tmp_path: Path) -> None:
    store = _corrected_store(tmp_path)
    table = chrono("--store", store, "replay", env={"COLUMNS": "400"}).stdout
    markdown = chrono("--store", store, "replay", "--format", "md").stdout
    rows = list(csv.reader(io.StringIO(chrono("--store", store, "replay", "--format", "csv").stdout)))
    effect = next(row[4] for row in rows if "Corrected" in row)
    for text in (table, markdown, effect):
        assert not any(code in text for code in REPRS), text
        assert "corrected " + CHANGED in text, text
    answer = chrono("--store", store, "replay", "--format", "json").stdout
    assert not any(code in answer for code in REPRS), answer
    steps = json.loads(answer)["steps"]
    (step,) = [s for s in steps if s["event"] == "Corrected"]
    assert step["effect"] == "corrected " + CHANGED
    assert step["fields"]["when"] == {"from": "2018/2022-07-04", "to": "2022-07-04"}
    assert step["fields"]["quantities"]["to"][0]["observed"]["edtf"] == "2022-07-04"
    assert step["reason"] == "a stock"
    # The counters moved by the correction stay as they were: each change a decimal string.
    assert step["counters"] == [{"metric": "agreements", "unit": "agreement", "change": "1247"}]
