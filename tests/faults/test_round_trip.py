"""Every export re-imports to the same entries, whatever characters the text holds (DESIGN.md section 10).

Line separators other than ``\\n`` (U+2028, U+2029, U+0085, lone carriage
returns), leading and trailing spaces, a leading tab or apostrophe, formula
starts at the start of any line of a cell: each goes out and comes back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import PARTNERS, entry
from tests.faults.helpers import cli, same_entries, write_jsonl

AWKWARD = [
    "line\u2028separator", "paragraph\u2029separator", "next\x85line", "carriage\rreturn", "form\x0cfeed",
    "  leading and trailing spaces  ", "\tleading tab", "'leading apostrophe", "''two", "'=quoted formula",
    "=SUM(A1)", "ok\r=cmd|' /C calc'!A0", "ok\n@SUM(A1)", "ok\r\n+1", "\r=x", "trailing newline\n", "\x1b[31mred\x1b[0m",
]  # fmt: skip


def awkward_entries() -> list[dict]:  # type: ignore[type-arg]
    made = []
    for number, text in enumerate(AWKWARD):
        made.append(entry(
            f"2020-awkward-{number}", title={"en": text, "vi": text}, note=text,
            sources=[{"document": text, "publisher": text, "quote": text, "title": text}],
            quantities=[{"metric": text, "value": "1", "unit": text}],
        ))  # fmt: skip
    return made


@pytest.fixture
def awkward_store(tmp_path: Path) -> str:
    store = str(tmp_path / "awkward.sqlite")
    code, _, err = cli("--store", store, "import", str(write_jsonl(tmp_path / "in.jsonl", [*PARTNERS, *awkward_entries()])))
    assert code == 0, err
    return store


@pytest.mark.parametrize("fmt", ["jsonl", "events", "csv"])
def test_an_export_of_awkward_text_reimports_to_the_same_entries(awkward_store: str, tmp_path: Path, fmt: str) -> None:
    code, exported, err = cli("--store", awkward_store, "export", "--format", fmt)
    assert code == 0, err
    path = tmp_path / f"export.{'csv' if fmt == 'csv' else 'jsonl'}"
    path.write_bytes(exported.encode())
    again = str(tmp_path / "again.sqlite")
    if fmt == "csv":  # CSV holds entries only: the partners come first, from their own file
        assert cli("--store", again, "import", str(write_jsonl(tmp_path / "p.jsonl", PARTNERS)))[0] == 0
    code, _, err = cli("--store", again, "import", str(path))
    assert code == 0, err
    same_entries(awkward_store, again)


def test_a_json_lines_export_keeps_each_record_on_one_line(awkward_store: str) -> None:
    _, exported, _ = cli("--store", awkward_store, "export")
    assert len(exported.splitlines()) == len(PARTNERS) + len(AWKWARD)  # str.splitlines breaks at U+2028 and the rest
