"""Bad input, fuzzed: every importer and the date parser take anything.

Arbitrary bytes, arbitrary text, and valid records with one field replaced by
arbitrary JSON go through ``read_records``, ``commands`` and ``submit`` (and
the command line): the only exceptions are ``Rejected`` and ``InvalidWhen``,
each problem is one line naming the file, the line and (for a record) the
field, and a rejection leaves the store's head exactly where it was.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chrono.cli import main
from chrono.errors import InvalidWhen, Rejected
from chrono.interchange.csvfile import CSV_COLUMNS
from chrono.interchange.importing import commands
from chrono.interchange.reading import read_records
from chrono.projections.readmodel import fresh
from chrono.store import open_store
from chrono.when import When
from tests.factories import PARTNERS, entry, jsonl
from tests.faults.helpers import assert_clean_failure, chrono, postgres_schema

FUZZ = settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
PROBLEM_LINE = re.compile(r"^chrono: (?P<file>[^:]+):(?P<line>\d+): (?P<rest>.+)$")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.sampled_from(["", "2018", "van-son", "1e999", "NaN", "-5"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
FIELDS = ("type", "id", "kind", "status", "when", "title", "partners", "actors", "quantities", "sources", "codes", "note")
edtf_like = st.lists(st.sampled_from([*"0123456789-/.?~%XYSE[],{}+:TZ ^", "..", "Y1", "-2"]), max_size=24).map("".join)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One store for a module's examples: each checks its own before and after."""
    store = open_store(str(tmp_path_factory.mktemp("fuzz") / "s.sqlite"))
    store.submit(commands(read_records(jsonl([*PARTNERS, entry()]), "seed.jsonl")))
    yield store
    store.close()


def import_or_reject(app: Any, data: bytes, name: str) -> Rejected | None:
    """Import ``data``; on rejection check the promises and return the error."""
    before = fresh(app).head()
    try:
        app.submit(commands(read_records(data, name)))
    except Rejected as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file == name
            assert problem.line >= 1, problem
            assert "\n" not in str(problem) and "\r" not in str(problem), problem
        assert fresh(app).head() == before, "a rejected import wrote something"
        return error
    return None


# -- dates -------------------------------------------------------------------


@FUZZ
@given(st.one_of(st.text(), edtf_like))
def test_the_date_parser_takes_any_text(text: str) -> None:
    try:
        when = When.parse(text)
    except InvalidWhen as error:
        assert "\n" not in str(error)
        return
    when.display("en"), when.display("vi"), when.sort_key


# -- every importer, on anything -----------------------------------------------


@FUZZ
@given(st.binary(max_size=300), st.sampled_from(["x.jsonl", "x.json", "x.csv", "x.yaml"]))
def test_arbitrary_bytes_are_imported_or_rejected(app: Any, data: bytes, name: str) -> None:
    import_or_reject(app, data, name)


@FUZZ
@given(st.text(max_size=300), st.sampled_from(["x.jsonl", "x.json", "x.csv", "x.yaml"]))
@example(text='"\n', name="x.csv")  # a quoted newline in a CSV header: an unknown column named "\n"
def test_arbitrary_text_is_imported_or_rejected(app: Any, text: str, name: str) -> None:
    import_or_reject(app, text.encode("utf-8", "surrogatepass"), name)


def as_format(records: list[Any], fmt: str) -> bytes:
    if fmt == "jsonl":  # ensure_ascii: surrogates travel as \ud800 escapes
        return "".join(json.dumps(r) + "\n" for r in records).encode()
    if fmt == "yaml":
        return yaml.safe_dump(records).encode()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        flat = record if isinstance(record, dict) else {}
        writer.writerow([_cell(flat.get(column)) for column in CSV_COLUMNS])
    return out.getvalue().encode("utf-8", "surrogatepass")


def _cell(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@FUZZ
@given(st.sampled_from(FIELDS), json_values, st.sampled_from(["jsonl", "yaml", "csv"]))
def test_a_record_with_one_field_gone_wrong_is_rejected_with_that_field(app: Any, field: str, value: Any, fmt: str) -> None:
    record = entry(f"2021-fuzzed-{uuid.uuid4().hex[:8]}")
    record[field] = value
    name = f"records.{fmt}"
    error = import_or_reject(app, as_format([record], fmt), name)
    if error is None:
        return
    for problem in error.problems:
        if problem.message.startswith(("not valid", "not JSON", "not YAML", "a record must")):
            continue  # the file, not a field, is wrong
        assert problem.field, problem


@FUZZ
@given(st.text(min_size=1), st.text(min_size=1))
def test_any_title_and_quote_round_trip_exactly_or_are_rejected(app: Any, title: str, quote: str) -> None:
    """Control characters, NUL, right-to-left marks, lone surrogates."""
    slug = f"2021-any-text-{uuid.uuid4().hex[:8]}"
    record = entry(slug, title={"en": title, "vi": title}, sources=[{"document": "d.txt", "quote": quote}])
    if import_or_reject(app, as_format([record], "jsonl"), "any.jsonl") is not None:
        return
    stored = app.entry(slug)
    assert (stored.facts.title.en, stored.sources[0].quote) == (title, quote)
    [seen] = [e for e in fresh(app).entries() if e.slug == slug]
    assert seen.facts.title.en == title


# -- the command line -----------------------------------------------------------


def store_head(path: str, seed: bytes = b"") -> Any:
    """The head digest of the store at ``path`` (seeded first, if asked)."""
    app = open_store(path)
    try:
        if seed:
            app.submit(commands(read_records(seed, "seed.jsonl")))
        return fresh(app).head()
    finally:
        app.close()


def run_cli(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(argv))
    return code, err.getvalue()


def assert_rejected_lines(code: int, stderr: str, name: str) -> None:
    assert code == 2, stderr
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert lines[-1].startswith("chrono: error: rejected ") and lines[-1].endswith("nothing was written")
    for line in lines[:-1]:
        found = PROBLEM_LINE.match(line)
        assert found, line
        assert found["file"] == name and int(found["line"]) >= 1


@settings(FUZZ, max_examples=60)
@given(st.binary(max_size=200), st.sampled_from(["jsonl", "csv", "yaml"]))
def test_the_import_command_rejects_bad_files_one_line_per_problem(data: bytes, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"bad.{fmt}"
        path.write_bytes(b'{"broken\n' + data if fmt == "jsonl" else data)
        store_path = str(Path(directory) / "s.sqlite")
        code, stderr = run_cli("--store", store_path, "import", str(path))
        if code == 0:
            return
        assert_rejected_lines(code, stderr, str(path))
        assert run_cli("--store", store_path, "log", "--format", "json")[0] == 0


@pytest.mark.parametrize(
    ("content", "suffix", "needle"),
    [
        (b'{"type": "entry", "id": "x", "kind": "VisitMade"\n', "jsonl", "not valid JSON"),
        (b"\xff\xfe not utf-8", "jsonl", "not UTF-8"),
        ('{"title": "Hà Giang"}'.encode()[:-4], "jsonl", "not valid JSON"),
        (json.dumps(entry("x", when="2019-02-29")).encode(), "jsonl", "when: invalid date"),
        (json.dumps(entry("x", quantities=[{"metric": "m", "value": "-3", "unit": "u"}])).encode(), "jsonl", "quantities.0.value"),
        (json.dumps(entry("x", quantities=[{"metric": "m", "value": "1e999999999", "unit": "u"}])).encode(), "jsonl", "out of range"),
        (json.dumps(entry("x", partners=["atlantis"])).encode(), "jsonl", "unknown partner 'atlantis'"),
        (json.dumps({"type": ["entry"]}).encode(), "jsonl", "unknown record type"),
        (b"[" * 50_000, "json", "nested too deeply"),
        (b"1" * 5000, "jsonl", "not JSON chrono can read"),
        (b"- !!python/object/apply:os.system ['echo pwned']\n", "yaml", "not valid YAML"),
        (b'- {title: {en: "\\ud800"}}\n', "yaml", "title.en: is not valid Unicode"),
        (b"kind,when\n" + b"x" * 200_000 + b",2018\n", "csv", "not valid CSV"),
        (b"kind,colour\nVisitMade,red\n", "csv", "colour: unknown column"),
    ],
)
def test_bad_files_through_the_real_command_line(tmp_path: Path, content: bytes, suffix: str, needle: str) -> None:
    store_path = str(tmp_path / "s.sqlite")
    before = store_head(store_path, seed=jsonl(PARTNERS))
    bad = tmp_path / f"bad.{suffix}"
    bad.write_bytes(content)
    lines = assert_clean_failure(chrono("--store", store_path, "import", str(bad)))
    assert needle in lines[0], lines
    assert lines[0].startswith(f"chrono: {bad}:")
    assert store_head(store_path) == before


def test_yaml_values_are_text_so_that_norway_stays_norway(tmp_path: Path) -> None:
    records = read_records(b"- {type: partner, id: norway, name: {en: Norway}, level: country, country: NO}\n- {when: 2018}\n", "p.yaml")
    assert records[0][0]["country"] == "NO"
    assert records[1][0]["when"] == "2018"
    assert read_records(b"- {parent: null, other: ~}\n", "n.yaml")[0][0] == {"parent": None, "other": None}


def test_undecodable_command_line_arguments_are_rejected() -> None:
    code, stderr = run_cli("--store", "/nonexistent/x.sqlite", "record", "VisitMade", "--when", "2024", "--title", "a\udcff", "--source", "s", "--quote", "q")
    assert code == 2
    assert "command line: title: is not valid UTF-8 text" in stderr


def test_an_event_log_with_foreign_or_broken_events_is_refused(tmp_path: Path) -> None:
    events = tmp_path / "log.jsonl"
    good = {"type": "event", "originator_id": "6f1b9d9e-5c8c-4c59-9f0e-1a1a1a1a1a1a", "originator_version": 1}
    events.write_text(json.dumps({**good, "topic": "os:system", "state": {"command": "echo"}}) + "\n")
    lines = assert_clean_failure(chrono("--store", str(tmp_path / "a.sqlite"), "import", str(events)))
    assert "topic: 'os:system' is not one of chrono's events" in lines[0]
    events.write_text(json.dumps({**good, "topic": "chrono.events.entry:Entry.VisitMade", "state": "bm90IGpzb24="}) + "\n")
    lines = assert_clean_failure(chrono("--store", str(tmp_path / "b.sqlite"), "import", str(events)))
    assert "state: cannot be read" in lines[0]
    assert json.loads(chrono("--store", str(tmp_path / "b.sqlite"), "log", "--format", "json").stdout)["events"] == []


@pytest.mark.postgres
def test_nul_and_control_characters_round_trip_on_postgres() -> None:
    with postgres_schema() as url:
        app = open_store(url)
        try:
            app.submit(commands(read_records(jsonl(PARTNERS), "p.jsonl")))
            title = "NUL \x00 ESC \x1b[31m RLO \u202e end"
            app.submit(commands(read_records(jsonl([entry("2021-nul", title={"en": title, "vi": ""})]), "n.jsonl")))
            [seen] = [e for e in fresh(app).entries() if e.slug == "2021-nul"]
            assert seen.facts.title.en == title
        finally:
            app.close()
