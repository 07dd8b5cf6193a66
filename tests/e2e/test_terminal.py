"""The terminal experience end to end: progress on a terminal, quiet in a pipe,
colour that follows the terminal, formats, pictures, and help whose examples run."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import re
import select
import shlex
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from chrono.cli import EXAMPLES
from tests.e2e.test_cli import chrono

# Variables that would decide colour or width for the child instead of the test.
DECIDING = ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM", "COLORTERM", "TTY_COMPATIBLE", "TTY_INTERACTIVE")
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DECIDING}
    return {**env, "TERM": "xterm-256color", **extra}


def in_terminal(*args: str, env: dict[str, str], columns: int = 100, cwd: Path | None = None) -> tuple[str, int]:
    """Run chrono with stdin, stdout and stderr on a pseudo-terminal; return all it wrote and its exit code."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    process = subprocess.Popen([sys.executable, "-m", "chrono", *args], stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            process.kill()
            raise AssertionError("chrono did not finish on the terminal")
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other side has closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace"), process.wait(timeout=60)


def bundled_events() -> int:
    """How many events a store made from the bundled chronicle holds: one per record."""
    from chrono.interchange.bundled import bundled_files
    from chrono.interchange.reading import read_records

    return sum(len(read_records(data, name)) for data, name in bundled_files())


def colour_codes(text: str) -> list[str]:
    """The SGR parameters in ``text`` that set a colour (foreground or background)."""
    found = []
    for match in SGR.finditer(text):
        for param in match.group(1).split(";"):
            if param.isdigit() and (30 <= int(param) <= 49 or 90 <= int(param) <= 107):
                found.append(param)
    return found


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A default store holding the bundled chronicle."""
    data = tmp_path_factory.mktemp("terminal")
    env = {"XDG_DATA_HOME": str(data)}
    assert chrono("timeline", env=env).returncode == 0
    return env


# -- progress -----------------------------------------------------------------


def test_rebuild_shows_a_progress_bar_on_a_terminal(store: dict[str, str]) -> None:
    out, code = in_terminal("rebuild", "--force", env=clean_env(**store))
    assert code == 0, out
    assert "checking the read model against the log" in out  # the tables are made from the log, event by event
    events = bundled_events()
    assert f"/{events}" in out
    assert f"rebuilt the read model from {events} events" in out


def test_import_shows_progress_on_a_terminal(store: dict[str, str], tmp_path: Path) -> None:
    exported = chrono("export", env=store)
    dump = tmp_path / "chronicle.jsonl"
    dump.write_text(exported.stdout, encoding="utf-8")
    out, code = in_terminal("--store", str(tmp_path / "new.sqlite"), "import", str(dump), env=clean_env(**store))
    assert code == 0, out
    assert "saving records" in out  # the read model follows the write in its transaction: no stage of its own
    assert "indexing and committing" in out  # the deferred indexes, the counts and the commit, after the last record
    assert "recorded" in out


@pytest.mark.parametrize("command", [["rebuild"], ["audit"], ["replay", "--format", "json"]])
def test_piped_output_shows_no_progress(store: dict[str, str], command: list[str]) -> None:
    result = chrono(*command, env=store)
    assert result.returncode == 0, result.stderr
    for stream in (result.stdout, result.stderr):
        assert "\x1b[" not in stream
        assert "rebuilding" not in stream and "auditing" not in stream and "replaying" not in stream


def test_audit_and_replay_show_progress_on_a_terminal(store: dict[str, str]) -> None:
    audited, code = in_terminal("audit", env=clean_env(**store))
    assert code == 0 and "Audit passed" in audited
    assert any(stage in audited for stage in ("auditing", "chain", "decode", "projections", "chronicle"))
    replayed, code = in_terminal("replay", "--until", "5", env=clean_env(**store))
    assert code == 0 and "replaying the log" in replayed


def test_a_query_that_makes_running_totals_shows_it_on_a_terminal_and_not_in_a_pipe(tmp_path: Path) -> None:
    made, code = in_terminal("counters", env=clean_env(XDG_DATA_HOME=str(tmp_path / "a")))
    assert code == 0, made
    assert "making running totals" in made and "Counters" in made
    piped = chrono("counters", env={"XDG_DATA_HOME": str(tmp_path / "b")})
    assert piped.returncode == 0, piped.stderr
    assert "making running totals" not in piped.stdout + piped.stderr and "\x1b[" not in piped.stderr


# -- colour and width ---------------------------------------------------------------


def test_colour_on_a_terminal_and_none_with_no_color(store: dict[str, str]) -> None:
    coloured, code = in_terminal("timeline", env=clean_env(**store))
    assert code == 0
    assert colour_codes(coloured)
    plain, code = in_terminal("timeline", env=clean_env(NO_COLOR="1", **store))
    assert code == 0
    assert "Foreign relations established with Yunnan and Guangxi" in plain
    assert colour_codes(plain) == []


def test_piped_output_is_plain_text(store: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "-m", "chrono", "state", "--as-of", "2021-12-31"], capture_output=True, text=True,
                            env=clean_env(**store), check=False)  # fmt: skip
    assert result.returncode == 0
    assert "\x1b[" not in result.stdout
    assert "Relationships" in result.stdout


@pytest.mark.parametrize("columns", [60, 100, 160])
def test_width_follows_columns(store: dict[str, str], columns: int) -> None:
    for command in (["timeline"], ["partner", "van-son"], ["counters", "--by", "year"], ["state", "--as-of", "2021-12-31"]):
        result = chrono(*command, env={**store, "COLUMNS": str(columns)})
        assert result.returncode == 0, result.stderr
        assert max(len(line) for line in result.stdout.splitlines()) <= columns, command


def test_width_follows_the_terminal(store: dict[str, str]) -> None:
    out, code = in_terminal("timeline", env=clean_env(NO_COLOR="1", **store), columns=72)
    assert code == 0
    lines = [SGR.sub("", line) for line in out.replace("\r", "").splitlines() if "┼─" in line]
    assert lines and all(len(line) == 72 for line in lines)


# -- languages, paging, markup -----------------------------------------------------


def test_vietnamese_everywhere(store: dict[str, str]) -> None:
    timeline = chrono("--lang", "vi", "timeline", "--partner", "thien-bao", "--exact", env=store).stdout
    assert "Dòng thời gian" in timeline and "Thời gian" in timeline and "năm 2018" in timeline and "Kết nghĩa" in timeline
    partner = chrono("partner", "van-son", "--lang", "vi", env=store).stdout  # --lang after the command too
    assert "Vị trí trong hệ thống" in partner and "Văn Sơn" in partner
    state = chrono("--lang", "vi", "state", "--as-of", "2021-12-31", env=store).stdout
    assert "Các mối quan hệ" in state and "Hoạt động theo năm" in state


def test_paging(store: dict[str, str]) -> None:
    first = json.loads(chrono("timeline", "--limit", "10", "--page", "1", "--format", "json", env=store).stdout)
    second = json.loads(chrono("timeline", "--limit", "10", "--page", "2", "--format", "json", env=store).stdout)
    assert second["page"] == {"number": 2, "size": 10, "total": first["page"]["total"]}
    assert len(second["entries"]) == 10
    assert not {e["id"] for e in first["entries"]} & {e["id"] for e in second["entries"]}
    table = chrono("timeline", "--limit", "10", "--page", "2", env=store).stdout
    assert "entries 11–20 of" in table and "--page 3" in table


def test_markup_and_formulas_in_data(tmp_path: Path) -> None:
    store = str(tmp_path / "s.sqlite")
    partners = tmp_path / "p.jsonl"
    partners.write_text('{"type": "partner", "id": "yunnan", "name": {"en": "Yunnan", "vi": "Vân Nam"}, "level": "province"}\n', encoding="utf-8")
    assert chrono("--store", store, "import", str(partners)).returncode == 0
    recorded = chrono("--store", store, "record", "VisitMade", "--id", "2024-visit", "--when", "2024-03", "--title", "=SUM(A1)",
                      "--title-vi", "[bold]x[/bold]", "--partner", "yunnan", "--source", "@notes", "--quote=-quoted")  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    assert "=SUM(A1)" in chrono("--store", store, "timeline").stdout
    assert "[bold]x[/bold]" in chrono("--store", store, "--lang", "vi", "timeline").stdout
    exported = chrono("--store", store, "export", "--format", "csv").stdout
    row = next(csv.DictReader(io.StringIO(exported)))
    assert row["title_en"] == "'=SUM(A1)" and row["document"] == "'@notes" and row["quote"] == "'-quoted"
    table = chrono("--store", store, "timeline", "--format", "csv").stdout
    assert "'=SUM(A1)" in table
    assert "\\[bold\\]x\\[/bold\\]" in chrono("--store", store, "--lang", "vi", "timeline", "--format", "md").stdout


# -- formats and pictures ------------------------------------------------------------

TABULAR = [
    ["timeline"], ["partners"], ["partner", "van-son"], ["counters", "--by", "year"], ["explain", "agreements"],
    ["log"], ["audit"], ["replay", "--until", "30"], ["diff", "--known-at", "2000-01-01", "--known-at", "2100-01-01"],
]  # fmt: skip


@pytest.mark.parametrize("command", TABULAR, ids=lambda c: c[0])
def test_csv_and_markdown_for_tabular_commands(store: dict[str, str], command: list[str]) -> None:
    as_csv = chrono(*command, "--format", "csv", env=store)
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert len(rows) >= 2 and all(len(row) == len(rows[0]) for row in rows)
    as_md = chrono(*command, "--format", "md", env=store)
    assert as_md.returncode == 0, as_md.stderr
    assert as_md.stdout.startswith("# ") and "| --- |" in as_md.stdout


@pytest.mark.parametrize("command", [["state", "--as-of", "2021-12-31"], ["show", "2018-thien-bao-commune-twinning"]], ids=lambda c: c[0])
def test_markdown_for_reports(store: dict[str, str], command: list[str]) -> None:
    result = chrono(*command, "--format", "md", env=store)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("#") and "|" in result.stdout
    assert chrono(*command, "--format", "csv", env=store).returncode == 2  # no table to speak of


def test_svg_saves_what_was_shown(store: dict[str, str], tmp_path: Path) -> None:
    picture = tmp_path / "timeline.svg"
    result = chrono("timeline", "--limit", "5", "--svg", str(picture), env={**store, "COLUMNS": "100"})
    assert result.returncode == 0, result.stderr
    svg = picture.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg") and ">Timeline<" in svg and "chrono&#160;timeline" in svg
    assert "Timeline" in result.stdout  # shown as well as saved
    refused = chrono("timeline", "--svg", str(tmp_path / "x.svg"), "--format", "json", env=store)
    assert refused.returncode == 2 and "--svg" in refused.stderr and "Traceback" not in refused.stderr


def test_export_csv_reimports_into_a_store_with_the_partners(store: dict[str, str], tmp_path: Path) -> None:
    full = chrono("export", env=store).stdout
    partners = tmp_path / "partners.jsonl"
    partners.write_text("".join(line + "\n" for line in full.splitlines() if '"type": "partner"' in line), encoding="utf-8")
    table = tmp_path / "chronicle.csv"
    table.write_text(chrono("export", "--format", "csv", env=store).stdout, encoding="utf-8")
    copy = str(tmp_path / "copy.sqlite")
    imported = chrono("--store", copy, "import", str(partners), str(table))
    assert imported.returncode == 0, imported.stderr

    def entries(text: str) -> list[dict]:
        rows = [json.loads(line) for line in text.splitlines()]
        for row in rows:
            for key in ("recorded_at", "modified_at", "revision"):
                row.pop(key, None)
        return rows

    assert entries(chrono("--store", copy, "export").stdout) == entries(full)


def test_export_markdown_is_a_report(store: dict[str, str]) -> None:
    report = chrono("--lang", "vi", "export", "--format", "md", env=store).stdout
    assert report.startswith("# Chronicle") and "## 1991" in report and "> “" in report and "năm 2018" in report


# -- help ------------------------------------------------------------------------------


def test_every_command_has_a_purpose_and_examples() -> None:
    result = chrono("--help")
    commands = re.findall(r"^    ([\w-]+)\s{2,}\S", result.stdout, flags=re.M)
    assert set(EXAMPLES) <= set(commands)
    for command in EXAMPLES:
        shown = chrono(command, "--help")
        assert shown.returncode == 0
        assert "examples:" in shown.stdout
        assert all(example in shown.stdout for example in EXAMPLES[command])


def test_every_example_runs_on_the_bundled_chronicle(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "COLUMNS": "100"}
    program = f"{shlex.quote(sys.executable)} -m chrono"
    head = json.loads(subprocess.run([sys.executable, "-m", "chrono", "audit", "--format", "json"], capture_output=True, text=True,
                                     env=env, check=True).stdout)["head"]  # fmt: skip
    assert head["position"] == bundled_events()
    ordered = EXAMPLES["export"] + [line for command, lines in EXAMPLES.items() if command != "export" for line in lines]
    # The article the `chrono draft` examples read.
    (tmp_path / "article.txt").write_text("Chiều 12/3, tỉnh Hà Giang và châu Văn Sơn (Trung Quốc) đã ký kết 4 văn bản hợp tác.\n", encoding="utf-8")
    for example in ordered:
        # POSITION:HASH in an example stands for the head digest a write printed.
        line = re.sub(r"\b\d+:HASH\b", f"{head['position']}:{head['hash']}", example)
        assert line.startswith("chrono ")
        result = subprocess.run(program + line[len("chrono") :], shell=True, capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
        assert result.returncode == 0, f"{example}\n{result.stderr}"
        assert "Traceback" not in result.stderr
    assert (tmp_path / "van-son.svg").exists() and (tmp_path / "chronicle.csv").exists()
