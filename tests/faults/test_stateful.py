"""The whole chronicle against a plain model, step by random step.

A hypothesis state machine records, imports (JSON Lines, CSV and YAML, some
with a bad record that must reject the whole file), re-imports, corrects,
retracts, rebuilds the read model and re-opens the store, on SQLite and on
PostgreSQL. The model is written here from DESIGN.md, independent of the
aggregate and the projections: a dict of entry id to its fields, and a copy
of it after every write. After every step the timeline, every partner's
history, the counters (as of a random date, as known now and at a random
earlier recording time) and the audit must agree with it.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs
import pendulum
import pytest
import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from chrono.errors import Rejected, UnknownEntry
from chrono.events.kinds import KINDS
from chrono.interchange.importing import commands
from chrono.interchange.reading import read_records
from chrono.projections import answers, tablecheck
from chrono.projections.audit import audit
from chrono.projections.queries.filters import Filter
from chrono.projections.readmodel import ReadModel
from chrono.projections.results import Axes
from chrono.store import open_store
from chrono.when import When
from tests.factories import PARTNERS, entry, jsonl
from tests.faults.helpers import postgres_schema

# The partner tree of tests.factories, written out: the model's own.
FAMILY = {
    "china": {"china", "yunnan", "van-son"},
    "yunnan": {"yunnan", "van-son"},
    "van-son": {"van-son"},
    "vietnam": {"vietnam", "ha-giang"},
    "ha-giang": {"ha-giang"},
}
FOREIGN = ("china", "yunnan", "van-son")
SLUGS = tuple(f"e-{n}" for n in range(8))
KIND_NAMES = ("AgreementSigned", "VisitMade", "AidProvided")
AID = ("aid_value", "USD")

years = st.integers(1985, 2030)
edtfs = st.one_of(
    years.map(str),
    st.tuples(years, st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.tuples(years, st.integers(1, 12), st.integers(1, 28)).map(lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"),
    st.tuples(years, st.integers(0, 6)).map(lambda t: f"{t[0]}/{t[0] + t[1]}"),
    years.map(lambda y: f"{y}/.."),
    years.map(lambda y: f"{y}?"),
)
partner_sets = st.lists(st.sampled_from(FOREIGN), min_size=1, max_size=2, unique=True).map(tuple)
amounts = st.one_of(st.none(), st.integers(1, 10_000).map(str))
# What every step also asks: an as-of date, and which earlier write to look back to.
probes = st.tuples(st.dates(pendulum.date(1984, 1, 1), pendulum.date(2032, 12, 31)), st.floats(0, 1))


@attrs.frozen
class Fields:
    """One entry as the model knows it."""

    kind: str
    when: str
    partners: tuple[str, ...]
    amount: str | None
    retracted: bool = False


def record_of(slug: str, fields: Fields) -> dict[str, Any]:
    """The import record that creates ``fields``."""
    extra: dict[str, Any] = {"kind": fields.kind, "when": fields.when, "partners": list(fields.partners)}
    if fields.amount is not None:
        extra["quantities"] = [{"metric": AID[0], "value": fields.amount, "unit": AID[1]}]
    return entry(slug, **extra)


def as_file(items: list[dict[str, Any]], fmt: str) -> tuple[bytes, str]:
    """``items`` written as a file in one of the import formats."""
    if fmt == "jsonl":
        return jsonl(items), "batch.jsonl"
    if fmt == "yaml":
        return yaml.safe_dump(items, allow_unicode=True).encode(), "batch.yaml"
    out = io.StringIO()
    columns = ["id", "kind", "when", "title_en", "title_vi", "partners", "actors", "metric", "value", "unit", "document", "publisher", "published", "quote"]
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for item in items:
        quantity = (item.get("quantities") or [{}])[0]
        source = item["sources"][0]
        writer.writerow({
            "id": item["id"], "kind": item["kind"], "when": item["when"], "title_en": item["title"]["en"], "title_vi": item["title"]["vi"],
            "partners": ";".join(item["partners"]), "actors": ";".join(item["actors"]),
            "metric": quantity.get("metric", ""), "value": quantity.get("value", ""), "unit": quantity.get("unit", ""),
            "document": source["document"], "publisher": source["publisher"], "published": source["published"], "quote": source["quote"],
        })  # fmt: skip
    return out.getvalue().encode(), "batch.csv"


def _key(day: pendulum.Date) -> tuple[int, int, int]:
    return (day.year, day.month, day.day)


def certainty(edtf: str, as_of: pendulum.Date) -> str:
    """DESIGN.md section 6: definite when the latest bound is on or before the
    date, possible when only the earliest is; an open end is after any date."""
    when = When.parse(edtf)
    if when.latest_key is not None and when.latest_key <= _key(as_of):
        return "definite"
    if when.earliest_key is None or when.earliest_key <= _key(as_of):
        return "possible"
    return "future"


def expected_timeline(model: dict[str, Fields], as_of: pendulum.Date, family: set[str] | None = None) -> list[tuple[str, str]]:
    live = [(slug, f) for slug, f in model.items() if not f.retracted]
    if family is not None:  # every entry has ha-giang as its actor
        live = [(slug, f) for slug, f in live if family & {*f.partners, "ha-giang"}]
    ordered = sorted(live, key=lambda item: (When.parse(item[1].when).sort_key, item[0]))
    return [(slug, certainty(f.when, as_of)) for slug, f in ordered]


def expected_counters(model: dict[str, Fields], as_of: pendulum.Date) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """Each happening adds one to its kind's counter, its quantity to its own;
    definite and possible by the entry's date (no figures: nothing is covered)."""
    sums: dict[tuple[str, str], list[Decimal]] = {}
    for f in model.values():
        if f.retracted:
            continue
        where = certainty(f.when, as_of)
        if where == "future":
            continue
        column = 0 if where == "definite" else 1
        parts = [((KINDS[f.kind].metric, KINDS[f.kind].unit), Decimal(1))]
        if f.amount is not None:
            parts.append((AID, Decimal(f.amount)))
        for key, value in parts:
            sums.setdefault(key, [Decimal(0), Decimal(0)])[column] += value
    return {key: (d, p) for key, (d, p) in sums.items() if d or p}


def seen_counters(rows: Any) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    return {(r.metric, r.unit): (r.definite, r.possible) for r in rows if r.definite or r.possible}


class ChronicleMachine(RuleBasedStateMachine):
    """Subclassed per backend with ``new_url`` and ``drop``."""

    new_url: Callable[[], str]
    drop: Callable[[str], None]

    def __init__(self) -> None:
        super().__init__()
        self.url = type(self).new_url()
        self.app = open_store(self.url)
        self.app.submit(commands(read_records(jsonl(PARTNERS), "partners.jsonl")))
        self.model: dict[str, Fields] = {}
        self.history: list[tuple[datetime, dict[str, Fields]]] = []
        self.probe: tuple[pendulum.Date, float] = (pendulum.date(2020, 1, 1), 0.0)
        self.written()

    def teardown(self) -> None:
        self.app.close()
        type(self).drop(self.url)

    def written(self) -> None:
        # Taken after the write returned: its events are stamped before it,
        # the next write's after it.
        self.history.append((datetime.now(UTC), dict(self.model)))

    def head(self) -> int:
        """How many events the log holds (positions may skip: on PostgreSQL a write rolled back used up its own)."""
        return sum(1 for _ in self.app.stored_notifications())

    # -- writes ------------------------------------------------------------

    @initialize()
    def start(self) -> None:
        assert self.head() == len(PARTNERS)

    @rule(slug=st.sampled_from(SLUGS), kind=st.sampled_from(KIND_NAMES), when=edtfs, partners=partner_sets, amount=amounts, probe=probes)
    def record(self, slug: str, kind: str, when: str, partners: tuple[str, ...], amount: str | None, probe: Any) -> None:
        self.probe = probe
        fields = Fields(kind, when, partners, amount if kind == "AidProvided" else None)
        before = self.head()
        if slug in self.model:
            # The same record again is "already there", as first recorded or
            # as corrected since; anything else under its id is refused.
            if fields in (self.first_fields(slug), attrs.evolve(self.model[slug], retracted=False)):
                assert self.app.submit(commands([(record_of(slug, fields), _origin())])).unchanged == (slug,)
            else:
                with pytest.raises(Rejected, match="already recorded with different content"):
                    self.app.submit(commands([(record_of(slug, fields), _origin())]))
            assert self.head() == before
            return
        report = self.app.submit(commands([(record_of(slug, fields), _origin())]))
        assert report.recorded == (slug,)
        self.model[slug] = fields
        self.written()

    @rule(
        batch=st.lists(st.tuples(st.sampled_from(SLUGS), st.sampled_from(KIND_NAMES), edtfs, partner_sets), min_size=1, max_size=3),
        fmt=st.sampled_from(["jsonl", "csv", "yaml"]), bad=st.booleans(), probe=probes,
    )  # fmt: skip
    def import_file(self, batch: list[tuple[str, str, str, tuple[str, ...]]], fmt: str, bad: bool, probe: Any) -> None:
        self.probe = probe
        fresh = {slug: Fields(kind, when, partners, None) for slug, kind, when, partners in batch if slug not in self.model}
        items = [record_of(slug, fields) for slug, fields in fresh.items()]
        if bad or not items:
            items.append(entry("e-bad", partners=["atlantis"]))  # an unknown partner rejects the whole file
        data, name = as_file(items, fmt)
        before = self.head()
        if "e-bad" in data.decode():
            with pytest.raises(Rejected) as rejected:
                self.app.submit(commands(read_records(data, name)))
            assert [(p.file, p.field) for p in rejected.value.problems] == [(name, "partners")]
            assert rejected.value.problems[0].line >= 1
            assert self.head() == before  # nothing half-written
            return
        report = self.app.submit(commands(read_records(data, name)))
        assert set(report.recorded) == set(fresh)
        self.model.update(fresh)
        self.written()

    @rule(slug=st.sampled_from(SLUGS), probe=probes)
    def reimport(self, slug: str, probe: Any) -> None:
        """Importing what was recorded records nothing, even after corrections."""
        self.probe = probe
        if slug not in self.model:
            return
        first = self.first_fields(slug)
        before = self.head()
        report = self.app.submit(commands([(record_of(slug, first), _origin())]))
        assert report.unchanged == (slug,) and not report.recorded
        assert self.head() == before

    def first_fields(self, slug: str) -> Fields:
        return next(model[slug] for _, model in self.history if slug in model)

    @rule(slug=st.sampled_from(SLUGS), when=st.one_of(st.none(), edtfs), partners=st.one_of(st.none(), partner_sets), probe=probes)
    def correct(self, slug: str, when: str | None, partners: tuple[str, ...] | None, probe: Any) -> None:
        self.probe = probe
        changes: dict[str, Any] = {}
        if when is not None:
            changes["when"] = When.parse(when)
        if partners is not None:
            changes["partners"] = partners
        if slug not in self.model:
            with pytest.raises(UnknownEntry):
                self.app.correct(slug, changes, "test", None)
            return
        old = self.model[slug]
        new = attrs.evolve(old, when=when or old.when, partners=partners or old.partners)
        before = self.head()
        report = self.app.correct(slug, changes, "test", None)
        if new == old:
            assert report.unchanged == (slug,) and self.head() == before
            return
        assert report.recorded == (slug,) and self.head() == before + 1
        self.model[slug] = new
        self.written()

    @rule(slug=st.sampled_from(SLUGS), probe=probes)
    def retract(self, slug: str, probe: Any) -> None:
        self.probe = probe
        if slug not in self.model:
            with pytest.raises(UnknownEntry):
                self.app.retract(slug, "test")
            return
        report = self.app.retract(slug, "test")
        if self.model[slug].retracted:
            assert report.unchanged == (slug,)
            return
        self.model[slug] = attrs.evolve(self.model[slug], retracted=True)
        self.written()

    # -- the read side's own life --------------------------------------------

    @rule(partner=st.sampled_from([None, *FOREIGN]), by=st.sampled_from([None, "year", "kind", "partner"]), probe=probes)
    def ask(self, partner: str | None, by: str | None, probe: Any) -> None:
        """Running totals and explained segments made now, which later writes leave behind (or move)."""
        self.probe = probe
        read = ReadModel(self.app)
        answers.counters(read, Axes(pendulum.date(2100, 1, 1)), partner, by)
        answers.explain(read, Axes(pendulum.date(2100, 1, 1)), AID[0], partner)

    @rule(probe=probes)
    def rebuild(self, probe: Any) -> None:
        self.probe = probe
        ReadModel(self.app).rebuild()

    @rule(probe=probes)
    def reopen(self, probe: Any) -> None:
        self.probe = probe
        self.app.close()
        self.app = open_store(self.url)

    # -- after every step --------------------------------------------------

    @invariant()
    def agrees_with_the_model(self) -> None:
        as_of, pick = self.probe
        as_of = pendulum.date(as_of.year, as_of.month, as_of.day)
        read = ReadModel(self.app)
        read.catch_up()
        rows = answers.timeline(read, Axes(as_of), Filter()).entries
        assert [(d.entry.slug, d.certainty) for d in rows] == expected_timeline(self.model, as_of)
        for pid, family in FAMILY.items():
            found = answers.history(read, Axes(as_of), pid).timeline.entries
            assert [(d.entry.slug, d.certainty) for d in found] == expected_timeline(self.model, as_of, family)
        assert seen_counters(answers.counters(read, Axes(as_of)).counters) == expected_counters(self.model, as_of)
        moment, then = self.history[min(int(pick * len(self.history)), len(self.history) - 1)]
        known = read.entries(known_at=moment)
        assert {e.slug: _fields(e) for e in known} == then
        assert seen_counters(answers.counters(read, Axes(as_of, moment)).counters) == expected_counters(then, as_of)

    @invariant()
    def audit_passes(self) -> None:
        report = audit(self.app)
        assert report.ok, report.problems
        assert report.events == self.head()
        # The tables' fingerprints, and every facet made again where it was made, agree without a reference.
        assert tablecheck.check(self.app, None, None, None, None) == ()


def _origin() -> Any:
    from chrono.events.commands import Origin

    return Origin("test", 1)


def _fields(e: Any) -> Fields:
    amounts = [str(q.value) for q in e.facts.quantities if (q.metric, q.unit) == AID]
    return Fields(e.kind, e.facts.when.edtf, tuple(e.facts.partners), amounts[0] if amounts else None, e.retracted)


def _sqlite_machine() -> type[ChronicleMachine]:
    class OnSQLite(ChronicleMachine):
        @staticmethod
        def new_url() -> str:
            return tempfile.mkdtemp(prefix="chrono-state-") + "/store.sqlite"

        @staticmethod
        def drop(url: str) -> None:
            shutil.rmtree(url.rsplit("/", 1)[0], ignore_errors=True)

    return OnSQLite


def _postgres_machine() -> type[ChronicleMachine]:
    schemas: dict[str, Any] = {}

    class OnPostgres(ChronicleMachine):
        @staticmethod
        def new_url() -> str:
            context = postgres_schema("chrono_state")
            url = context.__enter__()
            schemas[url] = context
            return url

        @staticmethod
        def drop(url: str) -> None:
            schemas.pop(url).__exit__(None, None, None)

    return OnPostgres


STEPS = settings(
    max_examples=25, stateful_step_count=25,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip


@pytest.mark.slow
def test_the_chronicle_agrees_with_a_plain_model_on_sqlite() -> None:
    run_state_machine_as_test(_sqlite_machine(), settings=STEPS)


@pytest.mark.slow
@pytest.mark.postgres
def test_the_chronicle_agrees_with_a_plain_model_on_postgres() -> None:
    from tests.conftest import POSTGRES_SKIP

    if POSTGRES_SKIP:
        pytest.skip(POSTGRES_SKIP)
    run_state_machine_as_test(_postgres_machine(), settings=settings(STEPS, max_examples=8))


def test_the_model_reads_dates_as_the_design_says() -> None:
    """The model's own rules, pinned on examples (so that a wrong model cannot agree with a wrong engine)."""
    assert certainty("2018", pendulum.date(2018, 12, 31)) == "definite"
    assert certainty("2018", pendulum.date(2018, 6, 30)) == "possible"
    assert certainty("2018", pendulum.date(2017, 12, 31)) == "future"
    assert certainty("2018/..", pendulum.date(2040, 1, 1)) == "possible"
    model = {"a": Fields("AgreementSigned", "2018", ("yunnan",), None), "b": Fields("AidProvided", "2019", ("van-son",), "5")}
    assert expected_counters(model, pendulum.date(2019, 6, 1)) == {
        ("agreements", "agreement"): (Decimal(1), Decimal(0)),
        (KINDS["AidProvided"].metric, KINDS["AidProvided"].unit): (Decimal(0), Decimal(1)),
        AID: (Decimal(0), Decimal(5)),
    }
    assert json.dumps(expected_timeline(model, pendulum.date(2019, 6, 1), FAMILY["yunnan"])) == '[["a", "definite"], ["b", "possible"]]'
