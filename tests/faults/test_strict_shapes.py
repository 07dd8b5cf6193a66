"""Strict import shapes (DESIGN.md sections 8 and 10): nothing a user mistypes is swallowed.

Each record type refuses fields it does not have (naming the nearest known
one), keys given twice and values of the wrong JSON type; CSV refuses extra
cells and a column given twice. Every refusal is exit 2 with one line per
problem, and the store is left as it was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from chrono.errors import Rejected
from chrono.interchange.importing import commands
from chrono.interchange.reading import read_records
from tests.factories import PARTNERS, entry, jsonl
from tests.faults.helpers import cli, write_jsonl


def refusal(data: bytes, name: str) -> list[str]:
    """The problems of importing ``data`` (read and parsed), as lines."""
    with pytest.raises(Rejected) as caught:
        commands(read_records(data, name))
    return [str(problem) for problem in caught.value.problems]


def as_yaml(records: list[dict[str, Any]]) -> bytes:
    return yaml.safe_dump(records, allow_unicode=True).encode()


MISSPELT = [
    ("quantites", [{"metric": "m", "value": "1", "unit": "u"}], "quantites: unknown field: did you mean 'quantities'?"),
    ("parnter", ["van-son"], "parnter: unknown field: did you mean 'partners'?"),
    ("statuss", "planned", "statuss: unknown field: did you mean 'status'?"),
    ("wehn", "2019", "wehn: unknown field: did you mean 'when'?"),
]


@pytest.mark.parametrize(("field", "value", "message"), MISSPELT)
@pytest.mark.parametrize("fmt", ["jsonl", "yaml"])
def test_a_misspelt_entry_field_is_refused_with_the_nearest_known_one(field: str, value: Any, message: str, fmt: str) -> None:
    record = entry(**{field: value})
    data = jsonl([record]) if fmt == "jsonl" else as_yaml([record])
    assert any(line.endswith(message) for line in refusal(data, f"r.{fmt}")), refusal(data, f"r.{fmt}")


@pytest.mark.parametrize("fmt", ["jsonl", "yaml"])
def test_a_misspelt_field_inside_a_source_or_a_quantity_is_refused(fmt: str) -> None:
    record = entry(sources=[{"document": "d.txt", "quote": "q", "qoute": "q"}], quantities=[{"metric": "m", "value": "1", "unit": "u", "perod": "2020"}])
    lines = refusal(jsonl([record]) if fmt == "jsonl" else as_yaml([record]), f"r.{fmt}")
    assert any(line.endswith("sources.0.qoute: unknown field: did you mean 'quote'?") for line in lines), lines
    assert any(line.endswith("quantities.0.perod: unknown field: did you mean 'period'?") for line in lines), lines


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({**PARTNERS[0], "colour": "red"}, "colour"),
        ({**PARTNERS[0], "name": {"en": "China", "fr": "Chine"}}, "name.fr"),
        ({"type": "cite", "id": "2021-van-son-programme", "source": {"document": "d", "quote": "q"}, "page": 3}, "page"),
        ({"type": "cite", "id": "2021-van-son-programme", "source": {"document": "d", "quote": "q", "page": 3}}, "source.page"),
        ({"type": "outcome", "id": "2021-van-son-programme", "outcome": "held", "result": "fine"}, "result"),
        (entry(title={"en": "t", "vi": "t", "zh": "t"}), "title.zh"),
        (entry(when={"edtf": "2021", "bogus": 1}), "when.bogus"),
    ],
)
def test_an_extra_key_on_any_record_type_is_refused(record: dict[str, Any], field: str) -> None:
    lines = refusal(jsonl([*PARTNERS, record]), "r.jsonl")
    assert any(f": {field}: unknown field" in line for line in lines), lines


def test_an_exported_entry_with_its_derived_keys_imports(tmp_path: Path) -> None:
    store = str(tmp_path / "s.sqlite")
    assert cli("--store", store, "import", str(write_jsonl(tmp_path / "a.jsonl", [*PARTNERS, entry()])))[0] == 0
    code, exported, err = cli("--store", store, "export")
    assert code == 0, err
    shaped = [json.loads(line) for line in exported.splitlines()]
    assert {"revision", "recorded_at", "modified_at", "retracted"} <= set(shaped[-1])
    assert len(commands(read_records(exported.encode(), "export.jsonl"))) == len(PARTNERS) + 1


@pytest.mark.parametrize(
    ("data", "name", "field"),
    [
        (b'{"type": "entry", "when": "2018", "when": "2019"}\n', "d.jsonl", "when"),
        (b'[{"type": "partner", "id": "a", "id": "b"}]', "d.json", "id"),
        (b"- {type: entry, when: 2018, when: 2019}\n", "d.yaml", "when"),
        (b"- type: entry\n  title:\n    en: a\n    en: b\n", "d.yaml", "en"),
    ],
)
def test_a_key_given_twice_is_refused(data: bytes, name: str, field: str) -> None:
    [line] = refusal(data, name)
    assert f": {field}: is given twice in one object" in line, line


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("quantities", {}, "quantities: must be a list, not an object"),
        ("codes", [], "codes.cameo: must be an object, not a list"),
        ("status", False, "status: False is not one of"),
        ("partners", "van-son", "partners: must be a list of partner ids, not str"),
        ("note", 5, "note: must be text, not a number"),
        ("retracted", True, "retracted: an import records entries, it does not retract them"),
        ("quantities", [{"metric": "m", "value": "1", "unit": "u", "qualifier": 0}], "quantities.0.qualifier: 0 is not one of"),
        ("quantities", [{"metric": "m", "value": "1", "unit": "u", "period": 0}], "quantities.0.period: must be an EDTF date string, not a number"),
        ("quantities", [{"metric": "m", "value": True, "unit": "u"}], "quantities.0.value: True is not a number"),
        ("sources", [{"document": "d", "quote": "q", "published": 2021}], "sources.0.published: must be an EDTF date string"),
    ],
)
def test_a_value_of_the_wrong_json_type_is_refused_not_taken_as_none(field: str, value: Any, needle: str) -> None:
    lines = refusal(jsonl([*PARTNERS, entry(**{field: value})]), "r.jsonl")
    assert any(needle in line for line in lines), lines


def test_a_non_numeric_value_says_so_in_words() -> None:
    [line] = refusal(jsonl([*PARTNERS, entry(quantities=[{"metric": "m", "value": "twelve", "unit": "u"}])]), "r.jsonl")
    assert line.endswith("quantities.0.value: 'twelve' is not a number (write it with digits and a point, e.g. 1500 or 2.5)"), line
    assert "decimal" not in line and "<class" not in line


def test_a_misspelt_record_type_is_refused_with_the_nearest_one() -> None:
    [line] = refusal(jsonl([{**PARTNERS[0], "type": "partenr"}]), "r.jsonl")
    assert line.endswith("type: unknown record type 'partenr'; did you mean 'partner'?"), line


HEADER = "type,id,kind,when,title_en,partners,document,quote\r\n"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (HEADER + "entry,2020-a,VisitMade,2020,A,van-son,d.txt,q,surplus\r\n", "r.csv:2: 1 cell(s) more than the header's 8 columns"),
        ("type,id,kind,when,title_en,title_en,document,quote\r\nentry,2020-a,VisitMade,2020,A,B,d.txt,q\r\n", "r.csv:1: title_en: is a column twice"),
        ("type,id,kind,whn,title_en,document,quote\r\n", "r.csv:1: whn: unknown column (did you mean 'when'?)"),
    ],
)
def test_csv_refuses_extra_cells_and_a_column_given_twice(text: str, needle: str) -> None:
    [line] = refusal(text.encode(), "r.csv")
    assert line.startswith(needle), line


def test_through_the_command_line_a_refused_file_writes_nothing(tmp_path: Path) -> None:
    store = str(tmp_path / "s.sqlite")
    assert cli("--store", store, "import", str(write_jsonl(tmp_path / "p.jsonl", PARTNERS)))[0] == 0
    _, before, _ = cli("--store", store, "log", "--format", "json")
    bad = write_jsonl(tmp_path / "bad.jsonl", [entry(quantites=[{"metric": "m", "value": "1", "unit": "u"}])])
    code, _, err = cli("--store", store, "import", str(bad))
    assert code == 2
    assert f"{bad}:1: quantites: unknown field: did you mean 'quantities'?" in err
    assert cli("--store", store, "log", "--format", "json")[1] == before
