"""Security: owner-only files, SQL from code only, inert exports and output,
safe YAML, and encryption at rest with a clear error for a wrong key."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chrono.errors import StoreError
from chrono.interchange.importing import commands
from chrono.interchange.reading import read_records
from chrono.projections.readmodel import fresh
from chrono.render.safe import clean, safe_console, strip
from chrono.store import new_key, open_store
from tests.factories import COUNTED_VALUES, PARTNERS, counted, entry, jsonl
from tests.faults.helpers import assert_clean_failure, chrono, postgres_schema, write_jsonl

HOSTILE = "[bold]loud[/bold] [/] \x1b[31mred\x1b[0m \x1b]0;pwned\x07 \u202eevil :smile: [link=https://x.example]x[/link]"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- files readable by their owner only -------------------------------------------


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("open_umask")
def test_a_new_store_and_its_wal_and_shm_are_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    app = open_store(str(path))
    try:
        app.submit(commands(read_records(jsonl(PARTNERS), "p.jsonl")))
        fresh(app)
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(f.exists() for f in files), "the store is open: SQLite keeps its -wal and -shm"
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        app.close()


def test_the_default_store_is_created_owner_only_by_the_command_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "chrono", "timeline", "--format", "json"], capture_output=True, text=True, check=False,
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path)}, preexec_fn=lambda: os.umask(0), timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    store = tmp_path / "chrono" / "chronicle.sqlite"
    assert mode(store) == 0o600
    for suffix in ("-wal", "-shm"):
        side = Path(f"{store}{suffix}")
        assert not side.exists() or mode(side) == 0o600


# -- SQL is built from code, values are parameters ------------------------------------


def test_hostile_values_reach_sql_only_as_parameters(tmp_path: Path) -> None:
    app = open_store(str(tmp_path / "s.sqlite"))
    try:
        app.submit(commands(read_records(jsonl([*PARTNERS, entry()]), "p.jsonl")))
        model = fresh(app)
        for hostile in ("'; DROP TABLE chrono_revisions; --", "x' OR '1'='1", '"', "?", "%s", "\x00"):
            assert model.entries(partners=[hostile]) == []
        assert [e.slug for e in model.entries()] == [entry()["id"]]
    finally:
        app.close()
    [line] = assert_clean_failure(chrono("--store", str(tmp_path / "s.sqlite"), "timeline", "--partner", "x' OR 1=1 --"))
    assert "no partner matches" in line


def test_a_schema_name_never_becomes_sql() -> None:
    with pytest.raises(StoreError, match="not a schema name"):
        open_store("postgresql://postgres@127.0.0.1:1/test?schema=public;DROP SCHEMA public CASCADE")


# -- exports and terminal output are inert -----------------------------------------


@pytest.fixture
def hostile_store(tmp_path: Path) -> str:
    store = str(tmp_path / "h.sqlite")
    formulae = entry(
        "2021-formulae", title={"en": "=HYPERLINK(\"https://x.example\",\"click\")", "vi": "+1+1"},
        sources=[{"document": "@SUM(A1:A9)", "quote": "-2+3", "publisher": "\t=1", "published": "2021"}],
        quantities=[{"metric": "=cmd|' /C calc'!A0", "value": "1", "unit": "@unit"}],
    )  # fmt: skip
    marked = entry("2022-markup", when="2022", title={"en": HOSTILE, "vi": HOSTILE}, sources=[{"document": "d.txt", "quote": HOSTILE}])
    app = open_store(store)
    try:
        app.submit(commands(read_records(jsonl([*PARTNERS, formulae, marked]), "h.jsonl")))
    finally:
        app.close()
    return store


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("args", [["export", "--format", "csv"], ["timeline", "--format", "csv"], ["counters", "--format", "csv"], ["log", "--format", "csv"]])
def test_csv_exports_neutralise_formula_cells(hostile_store: str, args: list[str]) -> None:
    result = chrono("--store", hostile_store, *args)
    assert result.returncode == 0, result.stderr
    cells = [cell for row in csv.reader(io.StringIO(result.stdout)) for cell in row]
    assert cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]


def test_an_exported_csv_reimports_as_it_was(hostile_store: str, tmp_path: Path) -> None:
    exported = tmp_path / "out.csv"
    exported.write_text(chrono("--store", hostile_store, "export", "--format", "csv").stdout, encoding="utf-8")
    [(record, _)] = [r for r in read_records(exported.read_bytes(), "out.csv") if r[0].get("id") == "2021-formulae"]
    assert record["title"]["en"].startswith("=HYPERLINK")
    assert record["sources"][0]["document"] == "@SUM(A1:A9)"


@pytest.mark.parametrize(
    "args",
    [["timeline"], ["show", "2022-markup"], ["partner", "van-son"], ["state", "--as-of", "2023"], ["counters"],
     ["explain", "agreements", "--as-of", "2023"], ["log"], ["replay"], ["audit"]],
)  # fmt: skip
def test_titles_and_quotes_print_as_text_not_markup_or_escapes(hostile_store: str, args: list[str]) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    result = subprocess.run(
        [sys.executable, "-m", "chrono", "--store", hostile_store, *args], capture_output=True, text=True, check=False,
        env={**env, "COLUMNS": "400"}, timeout=120,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr  # 1: the audit may find things
    assert "Traceback" not in result.stderr
    for bad in ("\x1b", "\x07", "\u202e"):
        assert bad not in result.stdout, (bad, args)
    if args[0] in ("timeline", "show"):
        assert "[bold]loud[/bold] [/]" in result.stdout and ":smile:" in result.stdout


def test_the_safe_console_keeps_its_own_styles_and_drops_the_datas_escapes() -> None:
    from rich.table import Table
    from rich.text import Text

    console = safe_console(file=io.StringIO(), force_terminal=True, color_system="standard", width=120)
    table = Table()
    table.add_column("title", style="bold")
    table.add_row(HOSTILE)
    table.add_row(Text(HOSTILE))
    console.print(table)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b[1m" in out  # Rich's own bold
    assert "\x1b[31m" not in out and "\x1b]0;" not in out and "\u202e" not in out and "\x07" not in out
    assert out.count("[bold]loud[/bold] [/]") == 2 and "[31mred" in out


def test_clean_writes_control_characters_out_and_strip_drops_them() -> None:
    assert clean("a\x1b[31mb\x07\u202ec\n") == "a\\x1b[31mb\\x07\\u202ec\n"
    assert strip("a\x1b[31mb\x07\u202ec\td") == "a[31mbc\td"
    assert clean("Hà Giang [bold] 文山") == "Hà Giang [bold] 文山"


def test_error_messages_write_control_characters_out(tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_bytes(b"kind,\x1b]0;pwned\x07colour\nVisitMade,red\n")
    [line, _] = assert_clean_failure(chrono("--store", str(tmp_path / "s.sqlite"), "import", str(bad)))
    assert "\x1b" not in line and "\\x1b]0;pwned\\x07colour: unknown column" in line


# -- YAML is loaded safely ---------------------------------------------------------------


def test_yaml_python_tags_are_a_clear_error_and_run_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    for tag in ("!!python/object/apply:os.system", "!!python/object/new:os.system", "!!python/name:os.system"):
        bad = tmp_path / "evil.yaml"
        bad.write_text(f"- {tag} ['touch {marker}']\n")
        [line, _] = assert_clean_failure(chrono("--store", str(tmp_path / "s.sqlite"), "import", str(bad)))
        assert line.startswith(f"chrono: {bad}:1: not valid YAML (could not determine a constructor for the tag")
        assert not marker.exists()


# -- encryption at rest -------------------------------------------------------------------


def secrets() -> tuple[str, str, str]:
    token = uuid.uuid4().hex[:10]
    return f"Zebra summit {token}", f"Hội đàm bí mật {token}", f"Quokka quote {token}"


def encrypted_store(path: str, key: str, title: str, title_vi: str, quote: str) -> None:
    os.environ["CHRONO_KEY"] = key
    try:
        app = open_store(path)
        try:
            records = [*PARTNERS, entry("2023-secret", title={"en": title, "vi": title_vi}, sources=[{"document": "minutes.pdf", "quote": quote}])]
            app.submit(commands(read_records(jsonl(records), "s.jsonl")))
            fresh(app)
            app.correct("2023-secret", {"note": f"{title} again"}, "note", None)
            fresh(app)
        finally:
            app.close()
    finally:
        del os.environ["CHRONO_KEY"]


def test_an_encrypted_store_holds_no_plaintext_and_needs_its_key(tmp_path: Path) -> None:
    path = tmp_path / "secret.sqlite"
    key = new_key()
    title, title_vi, quote = secrets()
    encrypted_store(str(path), key, title, title_vi, quote)
    stored = b"".join(Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal") if Path(f"{path}{suffix}").exists())
    for text in (title, title_vi, quote, "Wenshan", "Văn Sơn", "minutes.pdf"):
        assert text.encode() not in stored, text
    shown = chrono("--store", str(path), "show", "2023-secret", "--format", "json", env={"CHRONO_KEY": key})
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["title"]["en"] == title
    audited = chrono("--store", str(path), "audit", env={"CHRONO_KEY": key})
    assert audited.returncode == 0, audited.stdout
    before = path.read_bytes()
    assert "is not the key of" in assert_clean_failure(chrono("--store", str(path), "timeline", env={"CHRONO_KEY": new_key()}))[0]
    assert "is encrypted; set CHRONO_KEY" in assert_clean_failure(chrono("--store", str(path), "timeline", env={"CHRONO_KEY": ""}))[0]
    assert "CHRONO_KEY is not a key" in assert_clean_failure(chrono("--store", str(path), "timeline", env={"CHRONO_KEY": "hunter2"}))[0]
    assert path.read_bytes() == before


def test_a_key_does_not_open_or_mix_into_a_plain_store(tmp_path: Path) -> None:
    plain = write_jsonl(tmp_path / "p.jsonl", PARTNERS)
    store = str(tmp_path / "plain.sqlite")
    assert chrono("--store", store, "import", str(plain)).returncode == 0
    [line] = assert_clean_failure(chrono("--store", store, "timeline", env={"CHRONO_KEY": new_key()}))
    assert "is not encrypted; unset CHRONO_KEY" in line


def test_an_event_log_moves_between_stores_with_the_same_key_only(tmp_path: Path) -> None:
    key = new_key()
    encrypted_store(str(tmp_path / "a.sqlite"), key, *secrets())
    log = tmp_path / "log.jsonl"
    log.write_text(chrono("--store", str(tmp_path / "a.sqlite"), "export", "--format", "events", env={"CHRONO_KEY": key}).stdout)
    assert chrono("--store", str(tmp_path / "b.sqlite"), "import", str(log), env={"CHRONO_KEY": key}).returncode == 0
    lines = assert_clean_failure(chrono("--store", str(tmp_path / "c.sqlite"), "import", str(log), env={"CHRONO_KEY": new_key()}))
    assert "state: cannot be read" in lines[0]


def schema_dump(schema: str) -> tuple[list[str], str]:
    """Every table of a PostgreSQL schema, and every row of them as text (as a reader of the server sees them)."""
    import psycopg
    from psycopg import sql

    from tests.conftest import POSTGRES_URL

    with psycopg.connect(POSTGRES_URL) as connection:
        names = [row[0] for row in connection.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,))]
        dump = "".join(
            str(row) for name in names
            for row in connection.execute(sql.SQL("SELECT t::text FROM {}.{} t").format(sql.Identifier(schema), sql.Identifier(name)))
        )  # fmt: skip
    return names, dump


@pytest.mark.postgres
def test_an_encrypted_postgres_store_holds_no_plaintext() -> None:
    title, title_vi, quote = secrets()
    with postgres_schema() as url:
        key = new_key()
        encrypted_store(url, key, title, title_vi, quote)
        _, dump = schema_dump(url.rsplit("schema=", 1)[1])
        for text in (title, quote, "Wenshan"):
            assert text not in dump and text.encode().hex() not in dump, text
        [line] = assert_clean_failure(chrono("--store", url, "timeline", env={"CHRONO_KEY": new_key()}))
        assert "is not the key of" in line


@pytest.mark.usefixtures("open_umask")
def test_an_empty_file_adopted_as_a_store_is_made_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "adopted.sqlite"
    path.touch(mode=0o644)
    path.chmod(0o644)
    result = chrono("--store", str(path), "import", str(write_jsonl(tmp_path / "p.jsonl", PARTNERS)))
    assert result.returncode == 0, result.stderr
    assert mode(path) == 0o600


@pytest.mark.parametrize(
    "topic",
    ["chrono.__main__:run", "chrono.cli:main", "chrono.events.entry:Entry", "chrono.events.entry:Entry.Recorded",
     "chrono.events.entry:Entry.VisitMade ", "Chrono.events.entry:Entry.VisitMade", "eventsourcing.domain:Snapshot", "os:system"],
)  # fmt: skip
def test_an_event_log_import_takes_only_chronos_own_topics_exactly(tmp_path: Path, topic: str) -> None:
    import sys

    source = str(tmp_path / "a.sqlite")
    write_jsonl(tmp_path / "p.jsonl", PARTNERS)
    assert chrono("--store", source, "import", str(tmp_path / "p.jsonl")).returncode == 0
    lines = chrono("--store", source, "export", "--format", "events").stdout.splitlines()
    event = json.loads(lines[0])
    event["topic"] = topic
    (tmp_path / "log.jsonl").write_text(json.dumps(event) + "\n")
    before = set(sys.modules)
    code = commands_of_log(tmp_path / "log.jsonl")
    assert code == 2
    assert not {name for name in set(sys.modules) - before if name.startswith(("chrono.__main__", "os"))}
    result = chrono("--store", str(tmp_path / "b.sqlite"), "import", str(tmp_path / "log.jsonl"))
    assert "is not one of chrono's events" in assert_clean_failure(result)[0]


def commands_of_log(path: Path) -> int:
    """The import of an event log in this process: its exit code (a module named by a topic would load here)."""
    from tests.faults.helpers import cli

    return cli("--store", str(path.with_suffix(".sqlite")), "import", str(path))[0]


def test_an_encrypted_stores_read_model_holds_only_what_readme_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With every table made (running totals, moved ones, explained segments, conflicts): the file's bytes
    hold no title, quote, document, name, note or reason, and no metric, unit or value (README.md)."""
    key = new_key()
    token = uuid.uuid4().hex[:10]
    secret = {"title": f"Zebra summit {token}", "quote": f"Quokka quote {token}", "document": f"okapi-{token}.pdf",
              "note": f"Narwhal note {token}", "reason": f"Axolotl reason {token}"}  # fmt: skip
    path = str(tmp_path / "secret.sqlite")
    write_jsonl(tmp_path / "s.jsonl", [*PARTNERS, secret_figure(token, secret), *counted(token)[1:]])
    monkeypatch.setenv("CHRONO_KEY", key)
    every_table_made(path, tmp_path / "s.jsonl", token, secret["reason"])
    stored = b"".join(Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal") if Path(f"{path}{suffix}").exists())
    for text in (*secret.values(), "Wenshan", "Văn Sơn", *counted_texts(token)):
        assert text.encode() not in stored, text
    assert b"2023-secret" in stored and b"van-son" in stored  # ids are readable, as README.md says


def test_an_encrypted_postgres_stores_read_model_holds_no_metric_unit_or_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every table of the schema (the read model's, with every one made, and the log's) as text: no metric, unit or value."""
    token = uuid.uuid4().hex[:10]
    write_jsonl(tmp_path / "s.jsonl", [*PARTNERS, secret_figure(token, {}), *counted(token)[1:]])
    with postgres_schema() as url:
        monkeypatch.setenv("CHRONO_KEY", new_key())
        every_table_made(url, tmp_path / "s.jsonl", token, "moved")
        schema = url.rsplit("schema=", 1)[1]
        names, dump = schema_dump(schema)
    assert "chrono_members" in names and "2023-secret" in dump
    for text in counted_texts(token):
        assert text not in dump and text.encode().hex() not in dump, text


def secret_figure(token: str, secret: dict[str, str]) -> dict[str, Any]:
    """``counted(token)``'s first figure as ``2023-secret``, with ``secret``'s title, note, document and quote, if given."""
    found = {**counted(token)[0], "id": "2023-secret"}
    if secret:
        found |= {"title": {"en": secret["title"], "vi": ""}, "note": secret["note"], "sources": [{"document": secret["document"], "quote": secret["quote"]}]}
    return found


def every_table_made(store: str, records: Path, token: str, reason: str) -> None:
    """Import ``records`` (``counted(token)``'s but its first, and ``secret_figure``) and ask what makes every table
    of the read model: running totals (moved ones too), explained segments, conflicts; then audit. Each table holds rows."""
    from tests.faults.helpers import cli

    for argv in (
        ["import", str(records)], ["counters", "--by", "year"], ["explain", "aid_value"], ["explain", f"grant_{token}"], ["timeline"],
        ["partner", "van-son"], ["state"], ["correct", "2023-secret", "--set", "when=2023-05", "--reason", reason], ["counters"],
        ["correct", "2024-rice-aid", "--set", "when=2024-04-02", "--reason", reason], ["counters"], ["explain", f"grant_{token}"],
        ["audit"],
    ):  # fmt: skip
        code, _, err = cli("--store", store, *argv)
        assert code == 0, (argv, err)
    app = open_store(store)
    try:
        model = fresh(app)
        for table in ("contributions", "totals", "totals_keys", "totals_pending", "conflicts", "members", "seals"):
            assert model.rows(f"SELECT COUNT(*) AS n FROM {{t:{table}}}", [])[0]["n"] > 0, table
    finally:
        app.close()


def counted_texts(token: str) -> tuple[str, ...]:
    """The metrics, units and values of ``counted(token)`` that a byte search finds by no chance match."""
    return (f"grant_{token}", f"yuan_{token}", f"tonne_{token}", "aid_value", *COUNTED_VALUES)


def test_an_encrypted_store_of_an_earlier_layout_keeps_no_metric_readable_once_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before layout 22 an encrypted store's read model held metrics, units and values in the clear: opened now,
    it is made again, sealed, and the pages of the old one are zeroed, not left in the file's free pages."""
    from chrono.projections.schema import NAME
    from tests.faults.helpers import cli

    token = uuid.uuid4().hex[:10]
    path = str(tmp_path / "old.sqlite")
    write_jsonl(tmp_path / "s.jsonl", [*PARTNERS, *counted(token)])
    monkeypatch.setenv("CHRONO_KEY", new_key())
    assert cli("--store", path, "import", str(tmp_path / "s.jsonl"))[0] == 0
    earlier = f"chronicle-v{int(NAME.removeprefix('chronicle-v')) - 1}"
    with closing_sqlite(path) as connection:  # the read model as the earlier layout left it
        connection.execute("UPDATE chrono_contributions SET metric = 'old_' || ?, unit = 'old_' || ?", (f"grant_{token}", f"yuan_{token}"))
        connection.execute("UPDATE chrono_tracking SET name = replace(name, ?, ?)", (NAME, earlier))
        # Explained segments enough that the read model made again does not fill the pages they free.
        connection.execute(
            "INSERT INTO chrono_members SELECT '', 'old_' || ?, 'old_' || ?, 'definite', 0, 1, 'k', 'e' || x, 0, 'AidProvided', 'event',"
            " '2023', '1', NULL, '1', NULL, NULL, NULL FROM (WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000) SELECT x FROM n)",
            (f"grant_{token}", f"yuan_{token}"),
        )
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert f"old_grant_{token}".encode() in Path(path).read_bytes()
    opened = chrono("--store", path, "counters", "--format", "json")  # a process of its own: closed, the store is checkpointed
    assert opened.returncode == 0, opened.stderr
    assert f"grant_{token}" in opened.stdout and "old_" not in opened.stdout
    stored = b"".join(Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal") if Path(f"{path}{suffix}").exists())
    for text in (f"old_grant_{token}", f"old_yuan_{token}"):
        assert text.encode() not in stored, text
    with closing_sqlite(path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM chrono_tracking WHERE name = ?", (NAME,)).fetchone() == (1,)


@contextlib.contextmanager
def closing_sqlite(path: str) -> Iterator[Any]:
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        yield connection
    finally:
        connection.close()
