"""The id of a record given none: its year, kind and title, readable for every date, and the
entries a store holds under the ids an earlier chrono derived still matched."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chrono.errors import Rejected
from chrono.events.application import Chronicle
from chrono.events.commands import Draft, Origin
from chrono.events.slugs import derive_slug, derived_ids, id_year
from chrono.events.values import Names
from chrono.interchange.importing import import_files
from chrono.interchange.records import parse_record
from chrono.store import open_store
from chrono.when import When
from tests.factories import PARTNERS, entry, jsonl

TITLE = Names(en="Delegation to Wenshan", vi="Đoàn công tác sang Văn Sơn")


def idless(when: str, **overrides: Any) -> dict[str, Any]:
    record = entry(kind="VisitMade", when=when, title={"en": TITLE.en, "vi": TITLE.vi}, **overrides)
    del record["id"]
    return record


def fill(app: Chronicle, *records: dict[str, Any]) -> Any:
    return import_files(app, [(jsonl([*PARTNERS, *records]), "input.jsonl")])


@pytest.mark.parametrize(
    ("edtf", "year"),
    [("2018-03", "2018"), ("2012/..", "2012"), ("201X", "2010"), ("../2012", "undated"), ("/2012", "undated"),
     ("-0500", "minus-0500"), ("0500", "0500"), ("Y170000002", "170000002")],
)  # fmt: skip
def test_a_derived_id_starts_with_the_year_its_date_starts_in(edtf: str, year: str) -> None:
    assert id_year(When.parse(edtf)) == year
    assert derive_slug("VisitMade", When.parse(edtf), TITLE) == f"{year}-visitmade-delegation-to-wenshan"


@given(st.integers(-9999, 9999), st.integers(-9999, 9999))
def test_dates_starting_in_different_years_never_share_a_derived_id(one: int, other: int) -> None:
    def slug(year: int) -> str:
        text = f"{year:04d}" if year >= 0 else f"-{-year:04d}"
        return derive_slug("VisitMade", When.parse(text), TITLE)

    assert (slug(one) == slug(other)) == (one == other)


def test_the_earlier_id_is_kept_only_where_it_differs() -> None:
    assert derived_ids("VisitMade", When.parse("2018"), TITLE)[1] is None
    assert derived_ids("VisitMade", When.parse("../2012"), TITLE)[1] == "2-visitmade-delegation-to-wenshan"
    assert derived_ids("VisitMade", When.parse("/2012"), TITLE)[1] == "201-visitmade-delegation-to-wenshan"
    assert derived_ids("VisitMade", When.parse("-0500"), TITLE)[1] == "500-visitmade-delegation-to-wenshan"


def test_an_idless_record_with_an_open_start_is_recorded_as_undated(store_url: str) -> None:
    app = open_store(store_url)
    report = fill(app, idless("../2012"))
    assert "undated-visitmade-delegation-to-wenshan" in report.recorded
    assert app.entry("undated-visitmade-delegation-to-wenshan").facts.when.edtf == "../2012"


def _recorded_as_before(app: Chronicle, when: str, **overrides: Any) -> str:
    """The record stored under the id an earlier chrono derived for it (as that chrono's import did)."""
    [draft] = parse_record(idless(when, **overrides), Origin("earlier.jsonl", 1))
    assert isinstance(draft, Draft) and draft.earlier is not None
    fill(app)
    app.submit([Draft(draft.earlier, draft.kind, draft.facts, draft.sources, draft.origin)])
    return draft.earlier


def test_a_record_given_again_matches_the_entry_stored_under_its_earlier_id(store_url: str) -> None:
    app = open_store(store_url)
    earlier = _recorded_as_before(app, "../2012")
    head = app.head_position()
    again = fill(app, idless("../2012"))
    assert again.recorded == ()
    assert earlier in again.unchanged
    assert app.head_position() == head  # nothing recorded twice


def test_a_changed_record_under_its_earlier_id_is_refused_as_before(store_url: str) -> None:
    app = open_store(store_url)
    earlier = _recorded_as_before(app, "-0500")
    head = app.head_position()
    with pytest.raises(Rejected) as caught:
        fill(app, idless("-0500", partners=["yunnan"]))
    assert [p.message for p in caught.value.problems] == [f"entry {earlier!r} is already recorded with different content"]
    assert app.head_position() == head


def test_record_without_an_id_says_the_id_its_entry_is_under(tmp_path: Any) -> None:
    """``chrono record`` prints the id: the derived one, or the earlier one the store holds the entry under."""
    import os
    import subprocess
    import sys

    def record(store: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "chrono", "--store", store, "record", "VisitMade", "--when", "../2012", "--title", TITLE.en,
             "--partner", "van-son", "--actor", "ha-giang", "--source", "article.txt", "--quote", "Ký kết Chương trình hợp tác.",
             "--publisher", "Báo Hà Giang", "--published", "2022-07-04"],
            check=True, capture_output=True, text=True, env={**os.environ, "COLUMNS": "160"}, timeout=120,
        )  # fmt: skip
        return done.stdout.rsplit(" at ", 1)[0]

    fresh = str(tmp_path / "fresh.sqlite")
    fill(open_store(fresh))
    assert record(fresh) == "recorded undated-visitmade-delegation-to-wenshan"
    assert record(fresh) == "already recorded undated-visitmade-delegation-to-wenshan"
    before = str(tmp_path / "before.sqlite")
    app = open_store(before)
    fill(app)
    [draft] = parse_record(
        {**idless("../2012"), "title": {"en": TITLE.en}, "sources": [{"document": "article.txt", "publisher": "Báo Hà Giang",
         "published": "2022-07-04", "quote": "Ký kết Chương trình hợp tác."}]}, Origin("cli", 0),
    )  # fmt: skip
    assert isinstance(draft, Draft) and draft.earlier is not None
    app.submit([Draft(draft.earlier, draft.kind, draft.facts, draft.sources, draft.origin)])
    app.close()
    assert record(before) == "already recorded 2-visitmade-delegation-to-wenshan"
