"""What the command line loads: a command pays only for what it uses (DESIGN.md section 9).

Timings are the benchmark's business (bench/); these tests hold the behaviours
the cold start rests on, each of which a harmless-looking change could undo.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from chrono.cli import COMMANDS, EXAMPLES, build_parser
from chrono.events.entry import CREATION_EVENTS, Entry, PartnerRecord, entry_uuid


def _loaded(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules loaded after running ``code`` in a fresh interpreter (with ``env`` added to the environment)."""
    program = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    environment = None if env is None else {**os.environ, **env}
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, timeout=120, env=environment)
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_import_chrono_loads_none_of_the_heavy_libraries() -> None:
    loaded = _loaded("import chrono")
    assert not {"pendulum", "attrs", "eventsourcing", "rich", "chrono.when"} & loaded


def test_the_public_api_is_still_there() -> None:
    import chrono

    assert chrono.When.parse("2018-03").precision.value == "month"
    assert callable(chrono.open_store)
    assert chrono.Chronicle.name == "chrono"
    assert set(chrono.__all__) <= set(dir(chrono)) | {"When", "open_store", "Chronicle"}
    with pytest.raises(AttributeError):
        _ = chrono.nothing_of_that_name  # type: ignore[attr-defined]


def test_a_query_does_not_load_the_writers_the_other_views_or_logging(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    loaded = _loaded(
        "import contextlib, io\nfrom chrono.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n    main(['--store', {str(store)!r}, 'timeline'])"
    )
    assert "chrono.projections.readmodel" in loaded  # it did run the query
    unused = {
        "chrono.interchange.importing", "chrono.interchange.records", "chrono.interchange.csvfile", "chrono.cli.writes", "chrono.cli.audits", "chrono.projections.sqlcounters", "chrono.projections.totals", "chrono.projections.audit",
        "chrono.projections.replay", "chrono.render.counters", "chrono.render.entry", "chrono.render.report",
        "chrono.render.state", "chrono.render.partner", "yaml", "logging",
        # Today's date and the stored keys suffice: pendulum is for a When's bounds as dates.
        "pendulum",
        # Reading makes no id: uuid5's hashing is for the writers.
        "hashlib",
    }  # fmt: skip
    assert not unused & loaded


def test_a_query_of_running_totals_already_made_loads_none_of_their_making(tmp_path: Path) -> None:
    # The default store (made with the bundled chronicle) answers ``state`` a first time, which makes its
    # running totals; asked again, it reads them: the seals, the second process and its hashing are not loaded.
    state = "import contextlib, io\nfrom chrono.cli import main\nwith contextlib.redirect_stdout(io.StringIO()):\n    main(['state'])"
    home = {"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    made = _loaded(state, home)
    assert {"chrono.projections.shares", "chrono.projections.seals"} <= made  # it did make them the first time
    loaded = _loaded(state, home)
    assert "chrono.projections.totals" in loaded  # it did read them
    making = {"chrono.projections.shares", "chrono.projections.seals", "chrono.projections.beside", "chrono.projections.offload", "subprocess", "hashlib"}
    assert not making & loaded


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_a_parser_built_for_one_command_is_the_full_parser_for_that_command() -> None:
    full = build_parser()
    assert list(_subparsers(full)) == [name for name, _, _ in COMMANDS]
    for name in _subparsers(full):
        partial = build_parser(only={name})
        assert partial.format_help() == full.format_help()
        assert _subparsers(partial)[name].format_help() == _subparsers(full)[name].format_help()


@pytest.mark.parametrize("example", [line for lines in EXAMPLES.values() for line in lines])
def test_every_example_parses_as_with_the_full_parser(example: str) -> None:
    words = shlex.split(example.split(" > ", maxsplit=1)[0])[1:]
    assert vars(build_parser(only=set(words)).parse_args(words)) == vars(build_parser().parse_args(words))


@pytest.mark.parametrize("aggregate", [Entry, PartnerRecord])
def test_event_classes_are_made_once(aggregate: type) -> None:
    # eventsourcing redefines an aggregate's event class that does not derive
    # from the aggregate's own Event: a second class, with the same name.
    events = [value for name, value in vars(aggregate).items() if isinstance(value, type) and name[0].isupper()]
    assert len(events) > 1
    for event in events:
        names = [(cls.__module__, cls.__qualname__) for cls in event.__mro__]
        assert len(names) == len(set(names)), event


def _recorded(kind: type, slug: str = "2018-twinning") -> Any:
    from chrono.events.values import Facts, Names
    from chrono.when import When

    facts = Facts(status="happened", title=Names(en="t", vi="t"), when=When.parse("2018"))
    return kind(originator_id=entry_uuid(slug), originator_version=1, timestamp=datetime(2024, 1, 1, tzinfo=UTC),
                originator_topic="t", slug=slug, facts=facts, sources=())  # fmt: skip


@pytest.mark.parametrize("kind", [CREATION_EVENTS[name] for name in sorted(CREATION_EVENTS)])
def test_a_kind_is_the_dataclass_of_its_base_with_its_own_name(kind: type) -> None:
    # A kind reuses Recorded's generated methods (chrono.events.entry._reuse_dataclass):
    # they must still treat it as a class of its own.
    assert "__init__" not in vars(kind)
    assert dataclasses.fields(kind) == dataclasses.fields(Entry.Recorded)
    assert _recorded(kind) == _recorded(kind)
    assert _recorded(kind) != _recorded(kind, "2019-other")
    other = next(cls for cls in CREATION_EVENTS.values() if cls is not kind)
    assert _recorded(kind) != _recorded(other)
    assert repr(_recorded(kind)).startswith(f"Entry.{kind.__name__}(")
    with pytest.raises(dataclasses.FrozenInstanceError):
        _recorded(kind).slug = "changed"


def test_an_event_that_declares_fields_gets_a_dataclass_of_its_own() -> None:
    assert "__init__" in vars(Entry.Corrected)
    assert [f.name for f in dataclasses.fields(Entry.Corrected)][-3:] == ["changes", "reason", "source"]


def test_the_id_namespace_is_the_uuid5_of_its_url() -> None:
    from uuid import NAMESPACE_URL, uuid5

    from chrono.events.entry import NAMESPACE

    assert uuid5(NAMESPACE_URL, "https://chrono.invalid/ids") == NAMESPACE
