"""Output safety in every format (DESIGN.md section 10): text from the store never reaches a
terminal as control sequences, pictures carry no secrets, and no output overwrites the store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.factories import PARTNERS, entry
from tests.faults.helpers import cli, write_jsonl

# Escape sequences a terminal obeys (window title, clear screen, a hyperlink, CSI in C1),
# a right-to-left override, a bell, and a newline that would start a fake row.
NASTY = "ok \x1b]0;pwned\x07 \x1b[2J \x1b]8;;https://x.example\x1b\\link\x1b]8;;\x1b\\ \x9b31m \u202eevil \x85next\n2099  VisitMade  Fake row"
OBEYED = ("\x1b", "\x07", "\x9b", "\u202e", "\x85")


@pytest.fixture(scope="module")
def nasty_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("nasty")
    store = str(folder / "s.sqlite")
    record = entry(
        "2021-nasty", title={"en": NASTY, "vi": NASTY}, note=NASTY, sources=[{"document": NASTY, "quote": NASTY, "publisher": NASTY}],
        quantities=[{"metric": NASTY, "value": "1", "unit": NASTY}],
    )  # fmt: skip
    short = entry("2021-short", title={"en": "Visit\n2099  VisitMade  Fake row", "vi": "x"})  # fits a line: not wrapped
    code, _, err = cli("--store", store, "import", str(write_jsonl(folder / "n.jsonl", [*PARTNERS, record, short])))
    assert code == 0, err
    return store


JSON_COMMANDS = [
    ["timeline", "--format", "json"], ["show", "2021-nasty", "--format", "json"], ["partner", "van-son", "--format", "json"],
    ["export"], ["export", "--format", "events"], ["log", "--format", "json"], ["state", "--format", "json"],
]  # fmt: skip


def strings(data: object) -> set[str]:
    """Every text in a JSON value."""
    if isinstance(data, str):
        return {data}
    items = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
    return set().union(*(strings(item) for item in items)) if items else set()


@pytest.mark.parametrize("command", JSON_COMMANDS)
def test_json_carries_no_control_character_and_means_the_same(nasty_store: str, command: list[str]) -> None:
    code, out, err = cli("--store", nasty_store, *command)
    assert code == 0, err
    assert not [c for c in OBEYED if c in out], command
    assert not any(c in out for c in "\u2028\u2029")
    values = [strings(json.loads(line)) for line in (out.splitlines() if command[0] == "export" else [out])]
    assert any(NASTY in found for found in values) or command[0] == "log"  # escaped, not changed


@pytest.mark.parametrize("command", [["timeline", "--format", "md"], ["show", "2021-nasty", "--format", "md"], ["export", "--format", "md"]])
def test_markdown_writes_control_characters_out_and_keeps_rows_whole(nasty_store: str, command: list[str]) -> None:
    code, out, err = cli("--store", nasty_store, *command)
    assert code == 0, err
    assert not [c for c in OBEYED if c in out]
    assert "\\x1b" in out
    assert not any(line.startswith("2099") for line in out.splitlines())


def on_a_terminal(*args: str) -> str:
    """``chrono ARGS`` with a pseudo-terminal as its stdout: what the terminal was sent."""
    import pty

    main, child = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-m", "chrono", *args], stdout=child, stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "200"})
        os.close(child)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal's other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=120)
        return b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(main)


@pytest.mark.parametrize(
    "command",
    [["timeline", "--format", "csv"], ["export", "--format", "csv"], ["export", "--format", "md"], ["timeline"], ["show", "2021-nasty"],
     ["export", "--format", "ics"]],
)  # fmt: skip
def test_nothing_from_the_store_reaches_a_terminal_as_a_control_sequence(nasty_store: str, command: list[str]) -> None:
    seen = on_a_terminal("--store", nasty_store, *command)
    assert "ok" in seen
    data = seen.replace("\x1b[0m", "")  # Rich's own styles, had it used any, would end with a reset
    for sequence in ("\x1b]0;pwned", "\x1b[2J", "\x1b]8;;", "\x07", "\x9b", "\u202e"):
        assert sequence not in data, (command, sequence)


def test_a_newline_in_a_title_cannot_print_a_fake_timeline_row(nasty_store: str) -> None:
    code, out, _ = cli("--store", nasty_store, "timeline")
    assert code == 0
    assert not any(line.lstrip().startswith("2099") for line in out.splitlines()), out


def test_csv_to_a_file_stays_exact(nasty_store: str, tmp_path: Path) -> None:
    code, out, _ = cli("--store", nasty_store, "export", "--format", "csv")
    assert code == 0
    assert "\x1b]0;pwned\x07" in out  # exact data: a file or a pipe is read back, not shown


# -- pictures -----------------------------------------------------------------------------------------


def test_the_svg_title_is_valid_xml_without_control_characters(nasty_store: str, tmp_path: Path) -> None:
    folder = tmp_path / "odd\x1b[31mname"
    folder.mkdir()
    store = folder / "s.sqlite"
    store.write_bytes(Path(nasty_store).read_bytes())
    picture = tmp_path / "t.svg"
    code, _, err = cli("--store", str(store), "timeline", "--svg", str(picture))
    assert code == 0, err
    root = ET.parse(picture).getroot()  # invalid XML raises
    text = picture.read_text(encoding="utf-8")
    assert "\x1b" not in text and "pwned\x07" not in text
    assert root is not None


@pytest.mark.postgres
def test_the_svg_title_carries_no_password(tmp_path: Path, postgres_url: str) -> None:
    url = postgres_url.replace("postgresql://postgres@", "postgresql://postgres:hunter2secret@")
    assert "hunter2secret" in url  # the test server trusts 127.0.0.1: any password opens it
    assert cli("--store", url, "import", str(write_jsonl(tmp_path / "p.jsonl", PARTNERS)))[0] == 0
    picture = tmp_path / "p.svg"
    code, _, err = cli("--store", url, "partners", "--svg", str(picture))
    assert code == 0, err
    assert "hunter2secret" not in picture.read_text(encoding="utf-8")
    assert "***" in picture.read_text(encoding="utf-8")


def test_an_svg_over_the_store_is_refused_and_the_store_kept(nasty_store: str, tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    store.write_bytes(Path(nasty_store).read_bytes())
    before = store.read_bytes()
    for target in (store, Path(f"{store}-wal"), tmp_path / "." / "s.sqlite"):
        with pytest.raises(SystemExit) as refused:
            cli("--store", str(store), "timeline", "--svg", str(target))
        assert refused.value.code == 2
    assert store.read_bytes() == before
    assert cli("--store", str(store), "timeline", "--format", "json")[0] == 0


def test_an_svg_over_an_existing_file_says_so(nasty_store: str, tmp_path: Path) -> None:
    picture = tmp_path / "t.svg"
    picture.write_text("an earlier picture")
    code, _, err = cli("--store", nasty_store, "timeline", "--svg", str(picture))
    assert code == 0
    assert f"chrono: replaced {picture} with the picture" in err
    assert picture.read_text(encoding="utf-8").startswith("<svg")
