"""Entries are read by a plain fast path, or by the checking parser when the
fast path meets anything out of the ordinary: the two must never disagree.

And the import, which parses each JSON Lines record as it is read, reports
the same problems, in the same order of precedence, as reading first did.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from chrono.errors import Rejected
from chrono.events.commands import Draft, Origin
from chrono.interchange.fastpath import plain_entry
from chrono.interchange.fields import EXPECTED, RecordProblems
from chrono.interchange.importing import import_files
from chrono.interchange.records import checked_entry, parse_entry, strict_entry
from chrono.store import open_store
from tests.factories import PARTNERS, entry, jsonl
from tests.faults.test_bad_input import FIELDS, json_values

ORIGIN = Origin("records.jsonl", 7)
SETTINGS = settings(max_examples=int(os.environ.get("CHRONO_FAST_PATH_EXAMPLES", "400")), suppress_health_check=[HealthCheck.too_slow])

WELL_FORMED: list[dict[str, Any]] = [
    entry(),
    entry(
        status="planned",
        codes={"cameo": "057"},
        note="  spaced  ",
        actors=[],
        quantities=[
            {"metric": "agreements", "value": "85", "unit": "agreement", "qualifier": "about", "period": "2015/2020"},
            {"metric": "aid", "value": "1.50", "unit": "VND", "qualifier": None, "period": None},
        ],
        sources=[
            {"document": "a.txt", "quote": "q", "publisher": "", "title": "T", "published": None},
            {"document": "b.txt", "quote": "r", "published": "2022-07-04"},
        ],
    ),
    entry(status="held", when={"edtf": "2021-05"}, title={"en": "Export shape", "vi": " "}, partners=None),
    {k: v for k, v in entry().items() if k not in ("id", "type")},  # the id derived from year, kind and title
]

# Values that sit on the edges of what the fields take.
edges = st.sampled_from(
    [
        None, "", " ", "\u2028", "\x1c", "\u200b", "0", "-0", "1e24", "9.99e23", "1e-12", "1e-13", "0." + "1" * 40, "00" + "1" * 35,
        "2018", "2018-13", "2021/..", {"edtf": "2019"}, {"edtf": 2019}, "van-son", "van-son\n", "Van-Son", ["van-son"],
        [{"id": "van-son"}], "van-son, ha-giang", "happened", "planned", "held", "exact", "about", "057", "054", 57, True, 0, 1.5,
        [], {}, "AgreementSigned", "FigureReported",
    ]
)  # fmt: skip
values = st.one_of(edges, json_values)
NESTED = (
    "title.en", "title.vi", "title.zh", "codes.cameo", "partners.0", "actors.0", "sources.0", "sources.0.document",
    "sources.0.quote", "sources.0.publisher", "sources.0.title", "sources.0.published", "sources.1.quote",
    "quantities.0", "quantities.0.metric", "quantities.0.value", "quantities.0.unit", "quantities.0.qualifier",
    "quantities.0.period", "quantities.0.observed", "quantities.1.value", "retracted",
    # fields the shapes do not have: the fast path must step aside for the checker to name them
    "quantites", "sources.0.qoute", "quantities.0.perod", "codes.extra", "when.bogus",
)  # fmt: skip
paths = st.sampled_from([*FIELDS, *NESTED])


def put(record: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path where its parents exist; leave the record alone otherwise."""
    *parents, last = path.split(".")
    target: Any = record
    for part in parents:
        if isinstance(target, dict) and part in target:
            target = target[part]
        elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        else:
            return
    if isinstance(target, dict):
        target[last] = value
    elif isinstance(target, list) and last.isdigit() and int(last) < len(target):
        target[int(last)] = value


def checked(record: dict[str, Any]) -> Draft | list[tuple[str, int, str, str]]:
    try:
        return strict_entry(record, ORIGIN)  # the checking parser, with the shape's unknown fields
    except RecordProblems as error:
        return [(p.file, p.line, p.field, p.message) for p in error.problems]


def parsed(record: dict[str, Any]) -> Draft | list[tuple[str, int, str, str]]:
    try:
        return parse_entry(record, ORIGIN)
    except RecordProblems as error:
        return [(p.file, p.line, p.field, p.message) for p in error.problems]


def _changed(base: dict[str, Any], changes: list[tuple[str, Any]]) -> dict[str, Any]:
    record = copy.deepcopy(base)
    for path, value in changes:
        put(record, path, copy.deepcopy(value))
    return record


records = st.builds(_changed, st.sampled_from(WELL_FORMED), st.lists(st.tuples(paths, values), max_size=3))


@pytest.mark.parametrize("record", WELL_FORMED)
def test_well_formed_entries_take_the_fast_path(record: dict[str, Any]) -> None:
    assert plain_entry(record, ORIGIN) == checked_entry(record, ORIGIN)


@SETTINGS
@given(records)
def test_the_fast_path_makes_the_checking_parsers_draft_or_steps_aside(record: dict[str, Any]) -> None:
    expected = checked(record)
    try:
        fast = plain_entry(record, ORIGIN)
    except EXPECTED:
        event("checking parser")
    else:
        event("fast path")
        assert isinstance(expected, Draft), f"fast path took what the checker rejects: {expected}"
        assert fast == expected
    assert parsed(record) == expected  # the same draft, or the same problems in the same order


@SETTINGS
@given(st.sampled_from(WELL_FORMED), st.text(max_size=30), st.text(max_size=30), st.text(max_size=30))
def test_any_text_in_text_fields_reads_the_same_both_ways(base: dict[str, Any], en: str, quote: str, note: str) -> None:
    record = _changed(base, [("title.en", en), ("sources.0.quote", quote), ("note", note)])
    expected = checked(record)
    try:
        assert plain_entry(record, ORIGIN) == expected
    except EXPECTED:
        assert not isinstance(expected, Draft) or not en.strip() or not quote.strip()


# -- the import reads and parses in one pass -------------------------------------


@pytest.fixture
def app(tmp_path: Path) -> Any:
    store = open_store(str(tmp_path / "s.sqlite"))
    import_files(store, [(jsonl(PARTNERS), "partners.jsonl")])
    yield store
    store.close()


def rejected(app: Any, files: list[tuple[bytes, str]]) -> list[tuple[str, int, str]]:
    with pytest.raises(Rejected) as caught:
        import_files(app, files)
    return [(p.file, p.line, p.field) for p in caught.value.problems]


def test_every_problem_of_every_file_is_reported(app: Any) -> None:
    first = jsonl([entry("2021-a", when="2021-13"), entry("2021-b")])
    second = jsonl([entry("2021-c", kind="Nope", title={"en": ""})])
    assert rejected(app, [(first, "one.jsonl"), (second, "two.jsonl")]) == [
        ("one.jsonl", 1, "when"), ("two.jsonl", 1, "kind"), ("two.jsonl", 1, "title"),
    ]  # fmt: skip


def test_an_unreadable_file_is_the_one_problem_even_after_bad_records(app: Any) -> None:
    first = jsonl([entry("2021-a", when="2021-13")])
    second = jsonl([entry("2021-b")]) + b"{broken\n"
    assert rejected(app, [(first, "one.jsonl"), (second, "two.jsonl")]) == [("two.jsonl", 2, "")]


def test_an_event_log_mixed_with_records_is_refused_before_their_problems(app: Any) -> None:
    event = json.dumps({"type": "event", "topic": "chrono.x", "state": "", "originator_id": "x", "originator_version": 1})
    data = jsonl([entry("2021-a", when="2021-13")]) + event.encode() + b"\n"
    assert rejected(app, [(data, "mixed.jsonl")]) == [("mixed.jsonl", 0, "type")]


def test_a_good_import_records_every_entry(app: Any) -> None:
    report = import_files(app, [(jsonl([entry("2021-a"), entry("2021-b", status="held")]), "good.jsonl")])
    assert report is not None
    assert app.entry("2021-a").facts.when.edtf == "2021"
    assert app.entry("2021-b").facts.status == "planned"
