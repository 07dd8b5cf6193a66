"""An encrypted store's read model holds metrics, units and values sealed (projections/veil.py): what it
answers is what a plain store with the same records answers, to the byte, orders included."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from chrono.store import new_key
from tests.factories import PARTNERS, counted, jsonl
from tests.faults.helpers import cli

BUNDLED = Path(__file__).resolve().parents[2] / "chrono" / "data"
# The times things were recorded at: the only thing two stores made apart differ in.
RECORDED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")


def answers(store: str, questions: list[list[str]]) -> list[str]:
    out = []
    for argv in questions:
        code, shown, err = cli("--store", store, *argv, "--format", "json")
        assert code == 0, (argv, err)
        json.loads(shown)
        out.append(RECORDED.sub("<recorded>", shown))
    return out


def made(store: str, records: list[Path], correction: list[str]) -> None:
    for argv in (["import", *map(str, records)], ["counters"], ["counters", "--by", "year"], correction):
        code, _, err = cli("--store", store, *argv)
        assert code == 0, (argv, err)


@pytest.mark.parametrize("chronicle", ["counted", "bundled"])
def test_an_encrypted_store_answers_as_a_plain_one_with_the_same_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chronicle: str) -> None:
    token = uuid.uuid4().hex[:10]
    if chronicle == "counted":
        (tmp_path / "c.jsonl").write_bytes(jsonl([*PARTNERS, *counted(token)]))
        records, metrics, partner = [tmp_path / "c.jsonl"], [f"grant_{token}", "aid_value"], "yunnan"
        correction = ["correct", "2024-rice-aid", "--set", "when=2024-04-02", "--reason", "moved"]  # a happening: the totals are moved
    else:
        records, metrics, partner = [BUNDLED / "partners.jsonl", *sorted((BUNDLED / "chronicle").glob("*.jsonl"))], ["aid_value", "twinnings"], "van-son"
        correction = ["correct", "2021-trade-value-estimate", "--set", "note=Checked", "--reason", "checked"]
    questions = [
        ["counters"], ["counters", "--by", "year"], ["counters", "--by", "partner"], ["counters", "--partner", partner],
        *(["explain", metric] for metric in metrics), ["partner", partner], ["state"],
    ]  # fmt: skip
    plain, sealed = str(tmp_path / "plain.sqlite"), str(tmp_path / "sealed.sqlite")
    made(plain, records, correction)
    told = answers(plain, questions)
    monkeypatch.setenv("CHRONO_KEY", new_key())
    made(sealed, records, correction)
    for question, mine, theirs in zip(questions, answers(sealed, questions), told, strict=True):
        assert mine == theirs, question
    assert any(metrics[0] in answer for answer in told) and any('"conflicts": [{' in answer for answer in told) == (chronicle == "counted")
    assert cli("--store", sealed, "audit")[0] == 0


def test_the_audit_of_an_encrypted_store_names_figures_by_what_they_say(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A changed sealed figure is named in the finding as the auditor, who holds the key, reads it."""
    import sqlite3

    from chrono.projections import veil
    from chrono.store import open_store

    monkeypatch.setenv("CHRONO_KEY", new_key())
    store = str(tmp_path / "sealed.sqlite")
    (tmp_path / "c.jsonl").write_bytes(jsonl([*PARTNERS, *counted("t")]))
    made(store, [tmp_path / "c.jsonl"], ["counters"])
    app = open_store(store)
    try:
        codec = veil.of(app)
    finally:
        app.close()
    assert codec.sealed
    with sqlite3.connect(store) as db:
        (low,) = db.execute("SELECT low FROM chrono_contributions WHERE metric = ? LIMIT 1", (codec.hide("aid_value"),)).fetchone()
        db.execute("UPDATE chrono_contributions SET low = ? WHERE low = ? AND metric = ?", (codec.hide("7391042"), low, codec.hide("aid_value")))
    code, out, _ = cli("--store", store, "audit", "--format", "json")
    assert code == 1
    found = [f["message"] for f in json.loads(out)["problems"] if f["message"].startswith("chrono_contributions")]
    assert found and "low is '7391042' (sealed), the log gives " + repr(codec.show(low)) + " (sealed)" in found[0], found
    assert "'~" not in found[0]  # no ciphertext: the key's columns are named by what they say too
    with sqlite3.connect(store) as db:
        db.execute("UPDATE chrono_contributions SET unit = '~forged' WHERE metric = ?", (codec.hide("aid_value"),))
    code, out, _ = cli("--store", store, "audit", "--format", "json")
    assert code == 1 and "'~forged' (a text the store's key did not seal)" in out
