"""No input crashes chrono, hangs it or exhausts its memory (DESIGN.md section 10).

However deep, long, nested or aliased: a small file that expands into a vast
tree, a partner tree thousands deep, a command with no terminal to talk to.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from chrono.errors import Rejected
from chrono.interchange.reading import read_records
from tests.factories import PARTNERS, entry
from tests.faults.helpers import chrono, cli, no_hang, write_jsonl


def alias_bomb(levels: int = 10, leaf: str = "[x, y]") -> list[str]:
    """YAML lines whose last anchor stands for 9 ** (levels - 1) leaves."""
    lines = [f"- &a0 {leaf}"]
    lines += [f"- &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, levels)]
    return lines


def test_a_yaml_alias_bomb_with_a_surrogate_escape_is_refused_at_once(tmp_path: Path) -> None:
    text = "\n".join([*alias_bomb(), '- {title: {en: "\\ud800"}, note: *a9}']) + "\n"
    assert len(text) < 1024
    with no_hang(), pytest.raises(Rejected) as caught:
        read_records(text.encode(), "bomb.yaml")
    assert [str(p) for p in caught.value.problems] == ["bomb.yaml:11: title.en: is not valid Unicode text (an unpaired surrogate escape)"]


def test_an_alias_bomb_through_the_import_command_is_one_line_per_record(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join([*alias_bomb(), "- {type: entry, id: 2020-x, kind: VisitMade, when: '2020', title: *a9, sources: *a9}"]) + "\n")
    with no_hang():
        code, _, err = cli("--store", str(tmp_path / "s.sqlite"), "import", str(bomb))
    assert code == 2, err
    assert len(err.splitlines()) < 40 and max(len(line) for line in err.splitlines()) < 400, err


# -- stores that are not what they seem -------------------------------------------------------


def test_a_fifo_as_the_store_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "store.fifo"
    os.mkfifo(fifo)
    for command in (["timeline"], ["import", str(write_jsonl(tmp_path / "p.jsonl", PARTNERS))]):
        with no_hang():
            code, _, err = cli("--store", str(fifo), *command)
        assert code == 2
        assert err.strip() == f"chrono: error: {fifo} is not a regular file (a pipe or a device?), not a store"


def as_reader(*args: str) -> subprocess.CompletedProcess[str]:
    """``chrono ARGS`` without the power to write files it may only read (root's DAC override dropped)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: a read-only file would still be written")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
    return subprocess.run([*prefix, sys.executable, "-m", "chrono", *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def read_only_store(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "media"
    folder.mkdir()
    store = folder / "s.sqlite"
    # Made by processes that end, as a user's do: a store the test process had opened itself stays
    # open until collected, its -wal and -shm beside it (the test then failed when run alone).
    assert chrono("--store", str(store), "import", str(write_jsonl(tmp_path / "a.jsonl", [*PARTNERS, entry()]))).returncode == 0
    assert chrono("--store", str(store), "timeline").returncode == 0  # the read model caught up while it could be written
    store.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield store
    finally:
        folder.chmod(0o755)
        store.chmod(0o600)


def test_a_read_only_store_can_be_queried(read_only_store: Path) -> None:
    before = read_only_store.read_bytes()
    for command in (["timeline", "--format", "json"], ["partners"], ["show", "2021-van-son-programme"], ["audit"], ["export"]):
        result = as_reader("--store", str(read_only_store), *command)
        assert result.returncode == 0, (command, result.stderr)
    assert "Cooperation programme with Wenshan" in as_reader("--store", str(read_only_store), "timeline").stdout
    assert read_only_store.read_bytes() == before
    assert sorted(p.name for p in read_only_store.parent.iterdir()) == ["s.sqlite"]


def test_a_write_into_a_read_only_store_says_so(read_only_store: Path, tmp_path: Path) -> None:
    more = write_jsonl(tmp_path / "more.jsonl", [entry("2022-more")])
    result = as_reader("--store", str(read_only_store), "import", str(more))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("chrono: error: ") and "the store is read-only" in result.stderr, result.stderr
    assert "damaged" not in result.stderr


# -- deep, long and far -----------------------------------------------------------------------


def test_a_partner_tree_five_thousand_deep_is_shown_and_walked(tmp_path: Path) -> None:
    records = [{"type": "partner", "id": "p0", "name": {"en": "P0", "vi": "P0"}, "level": "country", "parent": None, "country": "CN"}]
    records += [
        {"type": "partner", "id": f"p{n}", "name": {"en": f"P{n}", "vi": f"P{n}"}, "level": "province", "parent": f"p{n - 1}", "country": "CN"}
        for n in range(1, 5000)
    ]
    records.append(entry("2020-deep", partners=["p4999"], actors=[]))
    store = str(tmp_path / "deep.sqlite")
    assert cli("--store", store, "import", str(write_jsonl(tmp_path / "deep.jsonl", records)))[0] == 0
    for command in (["partners"], ["partners", "--format", "csv"], ["partner", "p0", "--format", "json"], ["timeline", "--partner", "p0", "--format", "json"],
                    ["counters", "--partner", "p0"], ["export"], ["state"]):  # fmt: skip
        with no_hang(120):
            code, _, err = cli("--store", store, *command)
        assert code == 0, (command, err)
    assert "2020-deep" in cli("--store", store, "timeline", "--partner", "p0", "--format", "json")[1]


MEMORY_CAP = 1 << 30  # bytes of address space a query process may have: 5x DESIGN.md's 200 MB at 1M entries


def capped(*args: str) -> subprocess.CompletedProcess[str]:
    """``chrono ARGS`` in a process whose address space is capped: memory that grows with the
    years between two dates fails at once (MemoryError, exit 3) instead of filling the machine."""
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return subprocess.run([sys.executable, "-m", "chrono", *args], capture_output=True, text=True, timeout=120, check=False, preexec_fn=cap)


def test_entries_170_million_years_apart_are_shown_in_bounded_memory(tmp_path: Path) -> None:
    # The state's activity chart kept a row per year from the earliest to the latest: 340 million.
    far = [entry("far-past", when="Y-170000002"), entry("far-future", when="Y170000002"), entry("2020-near", when="2020")]
    store = str(tmp_path / "far.sqlite")
    assert cli("--store", store, "import", str(write_jsonl(tmp_path / "far.jsonl", [*PARTNERS, *far])))[0] == 0
    for command in (["state"], ["state", "--format", "json"], ["state", "--as-of", "2021"], ["counters", "--by", "year"], ["timeline"]):
        result = capped("--store", store, *command)
        assert result.returncode == 0, (command, result.stderr)
    assert {"far-past", "2020-near"} <= {e["id"] for e in json.loads(capped("--store", store, "state", "--format", "json").stdout)["latest"]}


# -- terminals that are not what chrono hopes ------------------------------------------------------


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("small")
    store = str(folder / "s.sqlite")
    record = entry("2021-emoji", title={"en": "Văn Sơn 文山 🎉 programme", "vi": "Chương trình"})
    assert cli("--store", store, "import", str(write_jsonl(folder / "a.jsonl", [*PARTNERS, record])))[0] == 0
    return store


def run(store: str, *args: str, env: dict[str, str] | None = None, stdin: int | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chrono", "--store", store, *args], capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, **(env or {})}, stdin=stdin, encoding="utf-8", errors="strict",
    )  # fmt: skip


def test_replay_step_without_a_terminal_stops_at_the_end_of_the_input(small_store: str) -> None:
    result = run(small_store, "replay", "--step", stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert "stopped after 1 event(s): the input ended" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "check"), [(["timeline"], "Programme"), (["partners", "--format", "csv"], "van-son"), (["partner", "Văn Sơn"], "Wenshan")])
def test_a_terminal_that_is_not_utf8_gets_escapes_not_a_crash(small_store: str, args: list[str], check: str) -> None:
    result = run(small_store, *args, env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    assert check.lower() in result.stdout.lower()
    assert result.stdout.isascii()


def test_json_to_a_terminal_that_is_not_utf8_is_valid_json_meaning_the_same(small_store: str) -> None:
    import json

    result = run(small_store, "show", "2021-emoji", "--format", "json", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii()
    assert json.loads(result.stdout)["title"]["en"] == "Văn Sơn 文山 🎉 programme"


@pytest.mark.parametrize("args", [["timeline"], ["partner", "van-son"], ["audit"], ["state"], ["timeline", "--format", "json"], ["export"]])
def test_a_reader_that_went_away_is_exit_141_not_a_failed_audit(small_store: str, args: list[str]) -> None:
    # The read end is closed before chrono writes a byte, so every write of it meets a broken pipe.
    process = subprocess.Popen([sys.executable, "-m", "chrono", "--store", small_store, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read()
    assert process.wait(timeout=120) == 141, err  # as a shell reports it (128 + SIGPIPE); 1 means a failed audit
    assert err == ""


def test_columns_zero_still_prints_the_view(small_store: str) -> None:
    for columns in ("0", "3"):
        result = run(small_store, "timeline", env={"COLUMNS": columns})
        assert result.returncode == 0, result.stderr
        assert "2021" in result.stdout and "Văn" in result.stdout, (columns, result.stdout)
