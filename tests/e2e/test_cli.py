"""The command line as a user runs it, in a subprocess, on real stores."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import PARTNERS, entry, jsonl


def chrono(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chrono", *args],
        check=False, capture_output=True, text=True, env={**os.environ, "COLUMNS": "160", **(env or {})}, input=stdin, timeout=120,
    )  # fmt: skip


def test_first_run_creates_the_default_store_with_the_bundled_chronicle(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    first = chrono("timeline", env=env)
    assert first.returncode == 0, first.stderr
    assert "created" in first.stderr and "bundled chronicle" in first.stderr
    assert "Thiên Bảo" in first.stdout or "Tianbao" in first.stdout
    second = chrono("timeline", env=env)
    assert second.returncode == 0
    assert "created" not in second.stderr
    assert second.stdout == first.stdout
    store = tmp_path / "data" / "chrono" / "chronicle.sqlite"
    assert store.exists() and store.stat().st_mode & 0o077 == 0


def test_export_jsonl_prints_the_bundled_chronicle_in_the_entry_shape(tmp_path: Path) -> None:
    result = chrono("export", "--format", "jsonl", env={"XDG_DATA_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    entries = [line for line in lines if line["type"] == "entry"]
    assert len(entries) > 50
    for key in ("id", "kind", "status", "title", "when", "partners", "actors", "quantities", "codes", "sources", "revision", "recorded_at", "retracted"):
        assert key in entries[0]
    assert set(entries[0]["when"]) >= {"edtf", "earliest", "latest", "precision"}
    assert set(entries[0]["codes"]) == {"cameo", "plover"}


def test_an_export_imports_into_an_empty_store_with_the_same_entries(tmp_path: Path) -> None:
    exported = chrono("export", env={"XDG_DATA_HOME": str(tmp_path / "d")})
    dump = tmp_path / "dump.jsonl"
    dump.write_text(exported.stdout, encoding="utf-8")
    store = str(tmp_path / "copy.sqlite")
    imported = chrono("--store", store, "import", str(dump))
    assert imported.returncode == 0, imported.stderr
    again = chrono("--store", store, "export")

    def strip(text: str) -> list[dict]:
        rows = [json.loads(line) for line in text.splitlines()]
        for row in rows:
            for key in ("recorded_at", "modified_at", "revision"):
                row.pop(key, None)
        return rows

    assert strip(again.stdout) == strip(exported.stdout)


def test_record_show_correct_retract_round_trip(tmp_path: Path) -> None:
    store = str(tmp_path / "s.sqlite")
    partners = tmp_path / "partners.jsonl"
    partners.write_bytes(jsonl(PARTNERS))
    assert chrono("--store", store, "import", str(partners)).returncode == 0
    recorded = chrono(
        "--store", store, "record", "VisitMade", "--id", "2024-visit", "--when", "2024-03", "--title", "A visit",
        "--partner", "van-son", "--actor", "ha-giang", "--source", "notes.txt", "--quote", "Đoàn thăm.",
        "--quantity", "delegations=1 delegation",
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    assert re.search(r"head \d+:[0-9a-f]{64}", recorded.stderr)
    corrected = chrono("--store", store, "correct", "2024-visit", "--set", "when=2024-03-12", "--reason", "minutes")
    assert corrected.returncode == 0, corrected.stderr
    shown = json.loads(chrono("--store", store, "show", "2024-visit", "--format", "json").stdout)
    assert shown["when"]["edtf"] == "2024-03-12"
    assert [r["event"] for r in shown["revisions"]] == ["VisitMade", "Corrected"]
    assert shown["revisions"][1]["changes"] == {"when": "2024-03-12"}
    assert chrono("--store", store, "retract", "2024-visit", "--reason", "wrong").returncode == 0
    timeline = json.loads(chrono("--store", store, "timeline", "--format", "json").stdout)
    assert timeline["entries"] == []
    with_retracted = json.loads(chrono("--store", store, "timeline", "--retracted", "--format", "json").stdout)
    assert [e["id"] for e in with_retracted["entries"]] == ["2024-visit"]
    assert with_retracted["entries"][0]["retracted"] is True


def test_a_correction_of_dates_and_quantities_shows_as_a_person_reads_it(tmp_path: Path) -> None:
    store = str(tmp_path / "s.sqlite")
    records = tmp_path / "records.jsonl"
    figure = entry("2018-figure", kind="FigureReported", when="2018/2022-07-04",
                   quantities=[{"metric": "agreements", "value": "3", "unit": "agreement", "period": "2018/2022-07-04"}])  # fmt: skip
    records.write_bytes(jsonl([*PARTNERS, figure]))
    assert chrono("--store", store, "import", str(records)).returncode == 0
    quantities = json.dumps([{"metric": "agreements", "value": "1250", "unit": "agreement", "qualifier": "at_least", "observed": "2022-07-04"}])
    corrected = chrono("--store", store, "correct", "2018-figure", "--set", "when=2022-07-04", "--set", f"quantities={quantities}", "--reason", "a stock")
    assert corrected.returncode == 0, corrected.stderr
    said = "when: 4 July 2022; quantities: agreements at least 1,250 agreement (as of 4 July 2022) — a stock"
    table = chrono("--store", store, "show", "2018-figure", env={"COLUMNS": "200"}).stdout
    markdown = chrono("--store", store, "show", "2018-figure", "--format", "md").stdout
    log = chrono("--store", store, "log", "--format", "csv").stdout
    explained = chrono("--store", store, "explain", "agreements", env={"COLUMNS": "200"}).stdout
    for text in (table, markdown, log, " ".join(explained.replace("│", " ").split())):
        assert not any(code in text for code in ("Quantity(", "When(", "Decimal(", "Precision.")), text
        assert said in text
    vietnamese = chrono("--store", store, "--lang", "vi", "show", "2018-figure", "--format", "md").stdout
    assert "when: ngày 4/7/2022; quantities: agreements at least 1.250 agreement (tính đến ngày 4/7/2022)" in vietnamese
    # JSON stays data: the date as EDTF, the quantities in the entry's quantity shape (DESIGN.md section 8).
    changes = json.loads(chrono("--store", store, "show", "2018-figure", "--format", "json").stdout)["revisions"][1]["changes"]
    assert changes["when"] == "2022-07-04"
    (quantity,) = changes["quantities"]
    assert {k: quantity[k] for k in ("metric", "value", "unit", "qualifier", "period")} == {
        "metric": "agreements", "value": "1250", "unit": "agreement", "qualifier": "at_least", "period": None,
    }  # fmt: skip
    assert quantity["observed"]["edtf"] == "2022-07-04" and quantity["observed"]["earliest"] == "2022-07-04"


def test_importing_twice_says_nothing_new(tmp_path: Path) -> None:
    store = str(tmp_path / "s.sqlite")
    data = tmp_path / "in.jsonl"
    data.write_bytes(jsonl([*PARTNERS, entry()]))
    assert chrono("--store", store, "import", str(data)).returncode == 0
    again = chrono("--store", store, "import", str(data))
    assert again.returncode == 0
    assert "nothing new" in again.stderr


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (jsonl([*PARTNERS, entry(when="2019-02-29")]), ":6: when:"),
        (jsonl([*PARTNERS, entry()])[:-5], ":6: not valid JSON"),
        (jsonl([*PARTNERS, entry()])[:-8], "truncated"),
        ("Tỉnh Hà Giang".encode("utf-16"), "not UTF-8"),
        (jsonl([*PARTNERS, entry(partners=["atlantis"])]), "unknown partner 'atlantis'"),
    ],
)
def test_bad_input_exits_2_with_a_one_line_reason_and_writes_nothing(tmp_path: Path, content: bytes, needle: str) -> None:
    store = str(tmp_path / "s.sqlite")
    data = tmp_path / "in.jsonl"
    data.write_bytes(content)
    result = chrono("--store", store, "import", str(data))
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
    log = json.loads(chrono("--store", store, "log", "--format", "json").stdout)
    assert log["events"] == []


def test_a_path_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    result = chrono("--store", str(path), "timeline")
    assert result.returncode == 2
    assert "not a chrono store" in result.stderr
    assert path.read_text() == "hello"


def test_yaml_and_csv_import(tmp_path: Path) -> None:
    store = str(tmp_path / "s.sqlite")
    partners = tmp_path / "p.jsonl"
    partners.write_bytes(jsonl(PARTNERS))
    yaml_file = tmp_path / "e.yaml"
    yaml_file.write_text(
        "- id: 2019-yunnan-conference\n  kind: ConferenceHeld\n  when: '2019'\n"
        "  title: {en: Tourism conference, vi: Hội nghị du lịch}\n  partners: [yunnan]\n"
        "  sources: [{document: a.txt, quote: Hội nghị xúc tiến du lịch.}]\n",
        encoding="utf-8",
    )
    csv_file = tmp_path / "e.csv"
    csv_file.write_text(
        "id,kind,when,title_en,title_vi,partners,document,quote,metric,value,unit,qualifier\n"
        "2020-aid,AidProvided,2020,Medical supplies,Vật tư y tế,yunnan;van-son,a.txt,Trao tặng vật tư.,masks,10000,mask,at_least\n",
        encoding="utf-8",
    )
    result = chrono("--store", store, "import", str(partners), str(yaml_file), str(csv_file))
    assert result.returncode == 0, result.stderr
    shown = json.loads(chrono("--store", store, "show", "2020-aid", "--format", "json").stdout)
    assert [p["id"] for p in shown["partners"]] == ["yunnan", "van-son"]
    assert shown["quantities"][0] == {"metric": "masks", "value": "10000", "unit": "mask", "qualifier": "at_least", "period": None, "observed": None}


def test_help_has_examples() -> None:
    result = chrono("import", "--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout and "chrono import" in result.stdout


@pytest.mark.parametrize("option", ["--limit", "--page"])
def test_a_count_too_large_for_the_store_is_bad_usage(tmp_path: Path, option: str) -> None:
    result = chrono("timeline", option, "1" + "0" * 30, env={"XDG_DATA_HOME": str(tmp_path)})
    assert result.returncode == 2 and "takes a whole number" in result.stderr
