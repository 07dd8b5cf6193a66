"""The read model's tables checked by keyed fingerprints (``tablecheck``, ``fingerprints``).

A store's tables agree with the log's fingerprints when untouched, on both
backends, derived here or in a second process; any change to a fingerprinted
table makes that table's fingerprint differ, and the audit then names the
row (by the reference). Facets are made again from the tables, as they
stand or as they stood where a facet was made.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chrono.projections import earlier, facetcheck, fingerprints, reference, stood, tablecheck
from chrono.projections.audit import audit
from chrono.projections.compared import moved
from chrono.projections.fingerprints import Derived, Sums
from chrono.projections.rows import Rows
from chrono.projections.tablecheck import HERE
from chrono.projections.veil import Veil
from chrono.store import open_store
from tests.app.test_offload import _apart
from tests.factories import counted, jsonl
from tests.faults.helpers import cli
from tests.faults.test_tampering import TAMPERS, bundled, tampered
from tests.spies import spied

CHANGES = {
    **{table: TAMPERS[table] for table in ("revisions", "revision_partners", "partners", "contributions", "tallies")},
    "superseded": "UPDATE {p}chrono_contributions SET superseded_at = NULL WHERE superseded_at IS NOT NULL",
    "added": "INSERT INTO {p}chrono_revision_partners SELECT aggregate, revision, 'nowhere', role, entry, order_key, retracted,"
             " kind, status, earliest, latest, recorded_at, superseded_at FROM {p}chrono_revision_partners WHERE partner = 'thien-bao'",
    "gone": "DELETE FROM {p}chrono_revisions WHERE entry = '2018-thien-bao-commune-twinning' AND superseded_at IS NOT NULL",
}  # fmt: skip
TABLE_OF = {"superseded": "contributions", "added": "revision_partners", "gone": "revisions"}


def _fill(url: str) -> None:
    """The bundled chronicle, competing figures, a correction and a retraction: superseded rows in every entry table, and no facet."""
    bundled(url)
    with tempfile.TemporaryDirectory() as directory:
        figures = Path(directory) / "figures.jsonl"
        figures.write_bytes(jsonl(counted("fp")))  # competing claims: a conflict among the findings
        code, _, err = cli("--store", url, "import", str(figures))
        assert code == 0, err
    for argv in (
        ["correct", "2018-thien-bao-commune-twinning", "--set", "when=2018-05", "--reason", "minutes"],
        ["retract", "2019-yunnan-tourism-promotion-conference", "--reason", "duplicate"],
    ):  # fmt: skip
        code, _, err = cli("--store", url, *argv)
        assert code == 0, (argv, err)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Callable[[str], None]]]:
    """A store without facets, and a way to run SQL in it."""
    yield from tampered(request.param, tmp_path, _fill, "chrono_prints")


def _no_reference(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the references made (none is wanted where the fingerprints agree)."""
    return spied(monkeypatch, reference, "reference")


def _check(url: str) -> tuple[str, ...] | None:
    app = open_store(url)
    try:
        return tablecheck.check(app, None, None, None, None)
    finally:
        app.close()


def test_untouched_tables_agree_with_the_log_and_no_reference_is_made(store: tuple[str, Callable[[str], None]], monkeypatch: pytest.MonkeyPatch) -> None:
    """Checked here, or split between two processes: the same verdict, the same audit."""
    url, _ = store
    reports = []
    for apart in (False, True):
        with _apart(monkeypatch, apart) as started, monkeypatch.context() as patch:
            made = _no_reference(patch)
            assert _check(url) == ()
            code, out, err = cli("--store", url, "audit", "--format", "json")
            assert code == 0, out + err
            assert cli("--store", url, "rebuild")[0] == 0
        assert made == []
        assert len(started) == (3 if apart else 0)
        reports.append(json.loads(out))
    assert {finding["check"] for finding in reports[0]["findings"]} >= {"conflict", "overdue"}
    assert reports[1] == reports[0]


@given(st.uuids(), st.sampled_from(["chrono.events.entry:Entry.VisitMade", "chrono.events.entry:PartnerRecord.Registered"]))
def test_the_two_slices_of_a_split_check_take_each_entry_once_and_every_partner(originator: Any, topic: str) -> None:
    notification = SimpleNamespace(originator_id=originator, topic=topic)
    held = [fingerprints.Slice(0, HERE, key=b"").holds(notification), fingerprints.Slice(HERE, key=b"").holds(notification)]
    assert held == [True, True] if "PartnerRecord" in topic else sum(held) == 1


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_to_a_fingerprinted_table_is_found_and_named(
    store: tuple[str, Callable[[str], None]], change: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # fmt: skip
    url, run = store
    run(CHANGES[change])
    table = TABLE_OF.get(change, change)
    assert table in (_check(url) or ())
    with _apart(monkeypatch, True):
        assert table in (_check(url) or ())
        code, out, _ = cli("--store", url, "audit", "--format", "json")
    assert code == 1
    assert f"chrono_{table}" in out  # the reference names the row


FACET_CHANGES = {table: TAMPERS[table] for table in ("totals", "totals_keys", "conflicts", "members")}
_FACETS = (["counters"], ["counters", "--by", "year"], ["explain", "twinnings"])  # running totals, two facets; explained segments


def _with_facets(url: str) -> None:
    for argv in _FACETS:
        assert cli("--store", url, *argv)[0] == 0, argv


def test_facets_made_where_the_tables_stand_are_made_again_and_agree(store: tuple[str, Callable[[str], None]], monkeypatch: pytest.MonkeyPatch) -> None:
    url, _ = store
    _with_facets(url)
    _agrees_without_reference(url, monkeypatch, behind=False)


def _agrees_without_reference(url: str, monkeypatch: pytest.MonkeyPatch, *, behind: bool) -> None:
    """The store's facets stand where its tables do (or, ``behind``, some where they stood, one moved since):
    the fingerprint check agrees, and so does the audit, with no reference made."""
    app = open_store(url)
    try:
        if behind:
            assert moved(app).facets and not facetcheck.applicable(app)  # a facet with pending steps, others made before the writes
        else:
            assert facetcheck.applicable(app)
        assert tablecheck.applicable(app)
        assert tablecheck.check(app, None, None, None, None) == ()
        made = _no_reference(monkeypatch)
        assert audit(app).ok
        assert made == []
    finally:
        app.close()


def _behind(url: str) -> None:
    """Facets made, then a write: they stand where the tables stood before it; the first is then moved by a query."""
    _with_facets(url)
    assert cli("--store", url, "correct", "2018-thien-bao-commune-twinning", "--set", "when=2018-06", "--reason", "again")[0] == 0
    assert cli("--store", url, "record", "VisitMade", "--title", "A later visit", "--when", "2024-05", "--partner", "thien-bao",
               "--source", "minutes", "--quote", "a visit")[0] == 0  # fmt: skip
    assert cli("--store", url, "counters")[0] == 0  # a happening since: its totals moved (steps pending), the others left behind


# The tables as they stood where a facet was made: read in place (a few writes since), or copied into a scratch store.
_STOOD = ("in place", "copied")


def _stood(monkeypatch: pytest.MonkeyPatch, how: str) -> list[int]:
    """Make the check read the tables as they stood ``how``; the copies it makes of them."""
    if how == "copied":
        monkeypatch.setattr(stood, "MOST_CHANGES", 0)
    copies: list[int] = []
    real = earlier._stand
    monkeypatch.setattr(earlier, "_stand", lambda *args: (copies.append(1), real(*args))[1])
    return copies


@pytest.mark.parametrize("how", _STOOD)
def test_facets_made_before_the_last_writes_are_made_again_from_the_tables_as_they_stood(
    store: tuple[str, Callable[[str], None]], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:  # fmt: skip
    url, _ = store
    _behind(url)
    copies = _stood(monkeypatch, how)
    _agrees_without_reference(url, monkeypatch, behind=True)
    assert bool(copies) is (how == "copied")


@pytest.mark.parametrize("how", _STOOD)
@pytest.mark.parametrize("change", [*sorted(FACET_CHANGES), "totals_pending"])
def test_a_change_to_a_facet_left_behind_is_found_and_named(
    store: tuple[str, Callable[[str], None]], monkeypatch: pytest.MonkeyPatch, change: str, how: str
) -> None:  # fmt: skip
    url, run = store
    _behind(url)
    _stood(monkeypatch, how)
    run(TAMPERS[change])
    found = _check(url) or ()
    assert change.removesuffix("_pending") in found or "seals" in found
    code, out, _ = cli("--store", url, "audit", "--format", "json")
    assert code == 1
    assert f"chrono_{change}" in out or "chrono_seals" in out or "chrono_totals" in out


@pytest.mark.parametrize("change", sorted(FACET_CHANGES))
def test_a_change_to_a_facet_is_found_and_named(store: tuple[str, Callable[[str], None]], change: str) -> None:
    url, run = store
    _with_facets(url)
    run(FACET_CHANGES[change])
    assert change in (_check(url) or ())
    code, out, _ = cli("--store", url, "audit", "--format", "json")
    assert code == 1
    assert f"chrono_{change}" in out or "chrono_seals" in out


def test_each_check_draws_its_own_key(store: tuple[str, Callable[[str], None]]) -> None:
    url, _ = store
    app = open_store(url)
    try:
        first, second = (fingerprints.stored(app, bytes([n]) * 32).to_plain() for n in (1, 2))
    finally:
        app.close()
    assert {table: rows for table, (rows, _) in first.items()} == {table: rows for table, (rows, _) in second.items()}
    assert all(first[table][1] != second[table][1] for table in first if first[table][0])


# -- the fingerprints alone, against a plain model of the stored tables ------------------------------------------

_cells = st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1), st.text(max_size=6), st.binary(max_size=6))


@st.composite
def _logs(draw: st.DrawFn) -> tuple[list[tuple[str, int, str, tuple[Any, ...]]], dict[str, int]]:
    """Revisions of a few aggregates in log order: (aggregate, revision, recorded, columns), and each one's last revision."""
    aggregates = draw(st.lists(st.sampled_from("abcdef"), min_size=1, max_size=14))
    log, last = [], {}
    for number, aggregate in enumerate(aggregates):
        last[aggregate] = last.get(aggregate, 0) + 1
        log.append((aggregate, last[aggregate], f"t{number:03d}", tuple(draw(st.lists(_cells, min_size=1, max_size=3)))))
    return log, last


def _pages(log: list[tuple[str, int, str, tuple[Any, ...]]], cuts: list[int]) -> Iterator[Rows]:
    """The log's rows (one in each superseded table) in pages cut at ``cuts``."""
    bounds = sorted({0, len(log), *(cut % (len(log) + 1) for cut in cuts)})
    for start, end in pairwise(bounds):
        rows = Rows(Veil())
        for aggregate, revision, recorded, columns in log[start:end]:
            row = (aggregate, revision, *columns)
            rows.revisions.append(row)
            rows.links.append(row)
            rows.contributions.append(row)
            rows.partners.append(row)
            if revision > 1:
                rows.superseded_entries.append((recorded, aggregate, revision - 1))
                rows.superseded_partners.append((recorded, aggregate, revision - 1))
        yield rows


def _as_stored(log: list[tuple[str, int, str, tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
    """The rows as the tables hold them: each with the time its next revision was recorded, or NULL."""
    superseded = {(aggregate, revision - 1): recorded for aggregate, revision, recorded, _ in log if revision > 1}
    return [(aggregate, revision, *columns, superseded.get((aggregate, revision))) for aggregate, revision, _, columns in log]


@settings(max_examples=150)
@given(_logs(), st.lists(st.integers(0, 20), max_size=4), st.randoms(use_true_random=False), st.data())
def test_derived_fingerprints_are_the_stored_tables(log: Any, cuts: list[int], shuffle: random.Random, data: st.DataObject) -> None:
    entries, last = log
    key = b"k" * 32
    derived = Derived(key, {aggregate: version for aggregate, version in last.items() if version > 1})
    for rows in _pages(entries, cuts):
        derived.page(rows)
    made = derived.finish()
    stored = _as_stored(entries)
    shuffle.shuffle(stored)
    sums = Sums(key)
    for table in fingerprints.STATED:
        sums.fold(table, stored)
    assert sums.differing(made) == []
    # Any one cell changed, a row dropped or one row more: that table differs.
    table = data.draw(st.sampled_from(fingerprints.STATED))
    index = data.draw(st.integers(0, len(stored) - 1))
    changed = list(stored)
    how = data.draw(st.sampled_from(["cell", "drop", "twice"]))
    if how == "cell":
        column = data.draw(st.integers(0, len(stored[index]) - 1))
        value = data.draw(_cells.filter(lambda cell: cell != stored[index][column] or type(cell) is not type(stored[index][column])))
        changed[index] = (*stored[index][:column], value, *stored[index][column + 1 :])
    elif how == "drop":
        del changed[index]
    else:
        changed.append(stored[index])
    other = Sums(key)
    for name in fingerprints.STATED:
        other.fold(name, changed if name == table else stored)
    assert other.differing(made) == [table]


@settings(max_examples=40)
@given(st.data())
def test_a_chronicle_check_seen_in_two_parts_and_merged_finds_what_one_finds(checked_entries: list[Any], data: st.DataObject) -> None:
    """Findings, conflicts and partners referenced do not depend on which process saw which entry, nor in what order."""
    from datetime import date

    from chrono.projections.findings import ChronicleCheck

    entries, partners = checked_entries
    sides = data.draw(st.lists(st.booleans(), min_size=len(entries), max_size=len(entries)))
    order = data.draw(st.permutations(range(len(entries))))
    whole, first, second = (ChronicleCheck(date(2026, 12, 6), {}) for _ in range(3))
    for entry in entries:
        whole.see(entry)
    for index in order:
        (first if sides[index] else second).see(entries[index])
    first.merge(second)
    for check in (whole, first):
        check.partners = partners
    assert first.result() == whole.result()
    assert any(finding.check == "conflict" for finding in whole.result()[1])


@pytest.fixture(scope="module")
def checked_entries(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Any], dict[str, Any]]:
    """Every entry of a store holding the bundled chronicle and competing figures, and its partners."""
    from chrono.projections.readmodel import fresh

    path = str(tmp_path_factory.mktemp("checked") / "store.sqlite")
    _fill(path)
    app = open_store(path)
    try:
        code, out, _ = cli("--store", path, "timeline", "--format", "json", "--limit", "1000")
        assert code == 0
        return [app.entry(item["id"]) for item in json.loads(out)["entries"]], fresh(app).partners()
    finally:
        app.close()
