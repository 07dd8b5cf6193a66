"""``correct --set``: a correction is checked as strictly as an import, and never turns into something else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import PARTNERS, entry
from tests.faults.helpers import cli, write_jsonl

SLUG = "2021-van-son-programme"


@pytest.fixture
def store(tmp_path: Path) -> str:
    path = str(tmp_path / "s.sqlite")
    assert cli("--store", path, "import", str(write_jsonl(tmp_path / "a.jsonl", [*PARTNERS, entry(SLUG)])))[0] == 0
    return path


def shown(store: str) -> dict:  # type: ignore[type-arg]
    code, out, err = cli("--store", store, "show", SLUG, "--format", "json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("assignment", "needle"),
    [
        ("title.en=", "title.en: is required"),
        ("title.en=   ", "title.en: is required"),
        ("status=held", "status: 'held' is an outcome, not a status"),
        ("status=finished", "status: 'finished' is not one of happened, planned"),
        ("quantities=null", "quantities: must be a JSON list of quantities ([] for none)"),
        ("quantities=" + "[" * 100_000 + "]" * 100_000, "quantities: is not JSON chrono can read (nested too deeply)"),
        ('quantities=[{"metric": "m", "valeu": "1", "unit": "u"}]', "quantities.0.valeu: unknown field: did you mean 'value'?"),
        ('quantities=[{"metric": "m", "value": "1", "value": "2", "unit": "u"}]', "quantities.value: is given twice in one object"),
        ("partners=van-son, atlantis", "unknown partner 'atlantis'"),
    ],
)
def test_a_bad_correction_is_refused_and_changes_nothing(store: str, assignment: str, needle: str) -> None:
    before = shown(store)
    code, _, err = cli("--store", store, "correct", SLUG, "--set", assignment, "--reason", "test")
    assert code == 2, err
    assert needle in err, err
    assert "Traceback" not in err and "internal error" not in err
    assert shown(store)["revision"] == before["revision"]


def test_a_correction_that_is_taken_still_exports_what_reimports(store: str, tmp_path: Path) -> None:
    code, _, err = cli("--store", store, "correct", SLUG, "--set", "title.en=Programme", "--set", "quantities=[]", "--set", "partners=van-son", "--reason", "r")
    assert code == 0, err
    assert shown(store)["title"]["en"] == "Programme"
    _, exported, _ = cli("--store", store, "export")
    again = str(tmp_path / "again.sqlite")
    path = tmp_path / "e.jsonl"
    path.write_text(exported, encoding="utf-8")
    code, _, err = cli("--store", again, "import", str(path))
    assert code == 0, err
