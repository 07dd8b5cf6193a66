"""Fuzzing the readers and the command line (hypothesis): never exit 3, never a hang.

The readers get records that are nearly right (the shapes, with fields
misspelt, mistyped, repeated, nested deep or aliased), in each format; the
command line gets any command with any of its options, values drawn from a
pool of the awkward (bad dates, hostile text, names in other scripts, paths
that are not files, stores that are not stores). Each example runs under a
time limit that fails a hang (it measures nothing: it is far above any
normal run).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from chrono.cli import build_parser, main
from chrono.errors import InvalidWhen, Rejected
from chrono.interchange.bundled import import_bundled
from chrono.interchange.importing import commands
from chrono.interchange.reading import read_records
from chrono.interchange.schema import NESTED, RECORDS
from chrono.store import open_store
from tests.factories import PARTNERS, entry
from tests.faults.helpers import no_hang

FUZZ = settings(max_examples=int(os.environ.get("CHRONO_FUZZ_EXAMPLES", "120")),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
LIMIT = 60  # seconds an example may take before it counts as a hang

# -- readers --------------------------------------------------------------------------------------

known_fields = sorted({field for fields in RECORDS.values() for field in fields} | {f for nested in NESTED.values() for f, _, _ in nested})
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(), st.text(max_size=12),
                    st.sampled_from(["2018", "van-son", "VisitMade", "exact", "held", "", "1e999", "\u2028", "'=x"]))  # fmt: skip
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(known_fields) | st.text(max_size=6), inner, max_size=3), max_leaves=10
)


@st.composite
def near_records(draw: Any) -> dict[str, Any]:
    """A valid entry, partner, cite, correct or retract record with a few fields changed, added or misspelt."""
    record = dict(draw(st.sampled_from([
        entry(), PARTNERS[1], {"type": "cite", "id": "2021-van-son-programme", "source": {"document": "d", "quote": "q"}},
        {"type": "correct", "id": "2021-van-son-programme", "set": {"note": "n"}, "reason": "r"},
        {"type": "retract", "id": "2021-van-son-programme", "reason": "r"},
        {"type": "outcome", "id": "2021-van-son-programme", "outcome": "held"},
    ])))  # fmt: skip
    for _ in range(draw(st.integers(0, 3))):
        field = draw(st.sampled_from(known_fields) | st.text(min_size=1, max_size=8))
        record[field] = draw(values)
    return record


def as_file(records: list[dict[str, Any]], fmt: str, draw_alias: bool) -> bytes:
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8", "surrogatepass")
    if fmt == "yaml":
        text = yaml.safe_dump(records, allow_unicode=True)
        if draw_alias:  # a small file that stands for a vast tree
            bomb = ["- &a0 [x, y]", *(f"- &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)), "- {type: entry, title: *a9, sources: *a9}"]
            text += "\n".join(bomb) + "\n"
        return text.encode("utf-8", "surrogatepass")
    out = io.StringIO()
    columns = ["type", "id", "kind", "when", "title_en", "partners", "document", "quote", "value", "metric", "unit"]
    out.write(",".join(columns) + "\n")
    for record in records:
        cells = [json.dumps(record.get(column, "")) if not isinstance(record.get(column), str) else record[column] for column in columns]
        out.write(",".join(f'"{cell}"' if "," in cell else cell for cell in cells) + ("," * (len(record) % 2)) + "\n")
    return out.getvalue().encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    app = open_store(str(tmp_path_factory.mktemp("fuzz") / "s.sqlite"))
    app.submit(commands(read_records("".join(json.dumps(r) + "\n" for r in [*PARTNERS, entry()]).encode(), "seed.jsonl")))
    yield app
    app.close()


@FUZZ
@given(st.lists(near_records(), min_size=1, max_size=4), st.sampled_from(["jsonl", "yaml", "csv"]), st.booleans())
def test_nearly_right_records_are_imported_or_rejected_never_crash_or_hang(store: Any, records: list[dict[str, Any]], fmt: str, alias: bool) -> None:
    data = as_file(records, fmt, alias)
    with no_hang(LIMIT):
        try:
            store.submit(commands(read_records(data, f"fuzz.{fmt}")))
        except (Rejected, InvalidWhen) as error:
            assert len(str(error)) < 2000


# -- the command line ----------------------------------------------------------------------------

AWKWARD = [
    "", " ", "x", "van-son", "Văn Sơn", "Wenshan", "文山", "2018", "2021-12-31", "2015/2020", "..", "2012/..", "[2024-03-21..2024-03-31]",
    "1e999", "-1", "0", "3", "999999999999999999999", "agreements", "agreement", "AgreementSigned", "held", "planned", "Y170000", "2019-02-29",
    "2024-05-01T12:00:00Z", "2024-05-01T12", "not a date", "[", "%s", "'; DROP TABLE chrono_revisions; --", "\x1b]0;pwned\x07", "a\nb",
    "\u202eevil", "note=x", "when=2020", "quantities=[]", "quantities=null", "title.en=", "status=held", "x" * 3000,
]  # fmt: skip


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


PARSERS = _subparsers(build_parser())
COMMAND_NAMES = sorted(PARSERS)


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Stores and files for the fuzzed commands: good ones and every kind of wrong one."""
    root = tmp_path_factory.mktemp("cli")
    good = root / "good.sqlite"
    app = open_store(str(good))
    import_bundled(app)
    app.close()
    fifo = root / "fifo"
    os.mkfifo(fifo)
    (root / "folder").mkdir()
    (root / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in [*PARTNERS, entry("2021-fuzz")]))
    (root / "broken.yaml").write_bytes(b"- {title: [\n")
    (root / "article.txt").write_text("Năm 2018, tỉnh Hà Giang ký kết với Văn Sơn. Ngày 12/3/2024 đoàn đại biểu thăm Vân Nam.\n")
    (root / "empty.sqlite").touch()
    stores = [
        str(good),
        str(root / "missing" / "s.sqlite"),
        str(root / "empty.sqlite"),
        str(fifo),
        str(root / "folder"),
        "postgresql://u:pw@127.0.0.1:1/db",
        "http://x",
    ]
    # The named pipe is a store here, not a file to read or write: reading or writing one waits for
    # its other end, as every Unix program does (tests/faults/test_pipes.py gives it a writer).
    files = [str(root / n) for n in ("records.jsonl", "broken.yaml", "article.txt", "nothing.jsonl", "out.svg", "folder")] + ["/dev/null", str(good)]
    return {"stores": stores, "files": files, "root": [str(root)], "good": [str(good)]}


@st.composite
def command_lines(draw: Any, places: dict[str, list[str]]) -> list[str]:
    name = draw(st.sampled_from([c for c in COMMAND_NAMES if c != "update-chronicle"] + ["update-chronicle"]))
    words = ["--store", draw(st.sampled_from(places["good"] * 6 + places["stores"]))]
    words.append(name)
    for action in PARSERS[name]._actions:
        optional = action.option_strings and not action.required
        if isinstance(action, argparse._HelpAction) or action.dest in ("store", "debug") or (optional and not draw(st.booleans())):
            continue
        if action.dest == "step":
            continue  # waits for Enter: tested on its own (test_limits)
        value = _value(draw, action, places)
        if action.option_strings:
            words += [action.option_strings[0]] if action.nargs == 0 else [action.option_strings[0], value]
        else:
            words.append(value)
    return words


def _value(draw: Any, action: argparse.Action, places: dict[str, list[str]]) -> str:
    if action.choices and draw(st.integers(0, 4)):
        return str(draw(st.sampled_from(list(action.choices))))
    if action.type is Path or action.dest in ("files", "article"):
        return str(draw(st.sampled_from(places["files"])))
    if action.type is int:
        return str(draw(st.sampled_from([0, 1, 2, 20, 10**9, 10**30])))
    return str(draw(st.sampled_from(AWKWARD)))


@pytest.fixture(scope="module")
def chdir_root(places: dict[str, list[str]]) -> Any:
    previous = Path.cwd()
    os.chdir(places["root"][0])  # relative outputs land in the scratch folder
    yield
    os.chdir(previous)


@FUZZ
@given(data=st.data())
def test_any_command_line_exits_0_1_or_2_never_3_and_never_hangs(places: dict[str, list[str]], chdir_root: Any, data: Any) -> None:
    argv = data.draw(command_lines(places))
    err = io.StringIO()
    code: object = "usage"
    with no_hang(LIMIT), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err), contextlib.suppress(SystemExit):
        code = main(argv)
        assert code in (0, 1, 2), (argv, err.getvalue())
    event(f"{argv[2]}: {code}")
    assert "internal error" not in err.getvalue() and "Traceback" not in err.getvalue(), (argv, err.getvalue())
    shutil.rmtree(Path(places["root"][0]) / "missing", ignore_errors=True)
