"""Dates in the export formats: each format says what chrono knows, no more and no less."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings

from chrono.events.entry import Entry
from chrono.events.values import Facts, Names, Source
from chrono.interchange import ics, plover, quickstatements, timelinejs
from chrono.interchange.base import ExportOptions, Words, known_bound
from chrono.when import When
from tests.property.test_when_properties import VALID

WORDS = Words(statuses={"vi": {"planned": "dự kiến"}})


def entry(when: str, kind: str = "VisitMade", status: str = "happened", slug: str = "e") -> Entry:
    facts = Facts(status=status, title=Names("A visit", "Chuyến thăm"), when=When.parse(when), partners=("van-son",), actors=("ha-giang",))
    return Entry.record(kind, slug, facts, (Source("article.txt", "Đoàn đã thăm."),))


@pytest.mark.parametrize(
    ("edtf", "start", "end"),
    [
        ("2019", {"year": 2019}, None),
        ("2016-03", {"year": 2016, "month": 3}, None),
        ("2022-07-04", {"year": 2022, "month": 7, "day": 4}, None),
        ("2024-33", {"year": 2024, "month": 1}, {"year": 2024, "month": 3}),
        ("[2024-03-21..2024-03-31]", {"year": 2024, "month": 3, "day": 21}, {"year": 2024, "month": 3, "day": 31}),
        ("[..2022-07-04]", {"year": 2022, "month": 7, "day": 4}, None),
        ("201X", {"year": 2010}, {"year": 2019}),
        ("2015/2020", {"year": 2015}, {"year": 2020}),
        ("2012/2022-07-04", {"year": 2012}, {"year": 2022, "month": 7, "day": 4}),
        ("2012/..", {"year": 2012}, None),
        ("../2022-07-04", {"year": 2022, "month": 7, "day": 4}, None),
        ("2024-03-01T10:30:00+07:00", {"year": 2024, "month": 3, "day": 1, "hour": 10, "minute": 30, "second": 0}, None),
    ],
)
def test_timelinejs_dates_carry_only_the_parts_the_precision_knows(edtf: str, start: dict, end: dict | None) -> None:
    assert timelinejs.span(When.parse(edtf)) == (start, end)


def test_a_date_with_no_bound_has_no_place_on_a_timelinejs_timeline() -> None:
    assert timelinejs.span(When.parse("[..2000,2005..]")) is None
    assert timelinejs.event(entry("[..2000,2005..]"), {}, ExportOptions()) is None


@pytest.mark.parametrize(
    ("edtf", "status", "lang", "shown"),
    [
        ("2019?", "happened", "en", "2019 (uncertain)"),
        ("[2024-03-21..2024-03-31]", "planned", "en", "late March 2024 (planned)"),
        ("[2024-03-21..2024-03-31]", "planned", "vi", "cuối tháng 3/2024 (dự kiến)"),
        ("[..2022-07-04]", "happened", "en", "4 July 2022 or earlier"),
    ],
)
def test_timelinejs_display_date_says_how_sure_the_date_is(edtf: str, status: str, lang: str, shown: str) -> None:
    slide = timelinejs.event(entry(edtf, status=status), {}, ExportOptions(lang=lang, words=WORDS))
    assert slide is not None and slide["display_date"] == shown


def test_an_era_still_running_ends_on_the_as_of_date() -> None:
    options = ExportOptions(as_of=date(2021, 6, 30))
    era = timelinejs.era(entry("2012/..", kind="CooperationCarriedOut"), options)
    assert era is not None and era["start_date"] == {"year": 2012} and era["end_date"] == {"year": 2021, "month": 6, "day": 30}
    assert timelinejs.era(entry("2018", kind="RelationsEstablished"), options)["end_date"]["year"] == 2021
    assert timelinejs.era(entry("2018"), options) is None  # a visit is not an era
    assert timelinejs.era(entry("2030", kind="RelationsEstablished"), options) is None  # not begun by then


@pytest.mark.parametrize(
    ("edtf", "value", "qualifiers"),
    [
        ("2022-07-04", "+2022-07-04T00:00:00Z/11", []),
        ("2016-03", "+2016-03-00T00:00:00Z/10", []),
        ("2019", "+2019-00-00T00:00:00Z/9", []),
        ("201X", "+2019-00-00T00:00:00Z/8", []),
        ("[2024-03-21..2024-03-31]", "+2024-03-00T00:00:00Z/10", ["P1319", "+2024-03-21T00:00:00Z/11", "P1326", "+2024-03-31T00:00:00Z/11"]),
        ("2024-33", "+2024-00-00T00:00:00Z/9", ["P1319", "+2024-01-01T00:00:00Z/11", "P1326", "+2024-03-31T00:00:00Z/11"]),
        ("[..2022-07-04]", "somevalue", ["P1326", "+2022-07-04T00:00:00Z/11"]),
        # 2000-2099 straddles Wikidata's 20th and 21st centuries (1901-2000, 2001-2100).
        ("20XX", "somevalue", ["P1319", "+2000-01-01T00:00:00Z/11", "P1326", "+2099-12-31T00:00:00Z/11"]),
        ("-0044-03-15", "-0044-03-15T00:00:00Z/11", []),
    ],
)
def test_quickstatements_dates_take_the_finest_precision_that_holds_the_bounds(edtf: str, value: str, qualifiers: list[str]) -> None:
    when = When.parse(edtf)
    assert quickstatements.point(when.earliest_key, when.latest_key) == (value, qualifiers)


def test_quickstatements_intervals_are_start_and_end_times_with_open_and_unknown_ends() -> None:
    assert [(p, v) for p, v, _ in quickstatements.dated(When.parse("2015/2020"))] == [("P580", "+2015-00-00T00:00:00Z/9"), ("P582", "+2020-00-00T00:00:00Z/9")]
    assert [(p, v) for p, v, _ in quickstatements.dated(When.parse("2012/.."))] == [("P580", "+2012-00-00T00:00:00Z/9")]
    assert [(p, v) for p, v, _ in quickstatements.dated(When.parse("2012/"))] == [("P580", "+2012-00-00T00:00:00Z/9"), ("P582", "somevalue")]


def _wikidata_span(value: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The days a Wikidata time value covers at its precision (Wikidata's own conventions)."""
    m = re.fullmatch(r"([+-]\d+)-(\d\d)-(\d\d)T00:00:00Z/(\d+)", value)
    assert m is not None, value
    year, month, day, p = (int(g) for g in m.groups())
    if p == 11:
        return (year, month, day), (year, month, day)
    if p == 10:
        return (year, month, 1), (year, month, calendar.monthrange(2000 + year % 400, month)[1])
    if p == 9:
        return (year, 1, 1), (year, 12, 31)
    if p == 8:
        return (year // 10 * 10, 1, 1), (year // 10 * 10 + 9, 12, 31)
    width = 100 if p == 7 else 1000
    first = (year - 1) // width * width + 1
    return (first, 1, 1), (first + width - 1, 12, 31)


@settings(max_examples=300)
@given(VALID)
def test_a_quickstatements_date_always_holds_the_bounds_and_says_them_when_it_is_wider(text: str) -> None:
    when = When.parse(text)
    for _, value, qualifiers in quickstatements.dated(when):
        if value == "somevalue":
            continue
        lo_q = qualifiers[qualifiers.index("P1319") + 1] if "P1319" in qualifiers else None
        hi_q = qualifiers[qualifiers.index("P1326") + 1] if "P1326" in qualifiers else None
        first, last = _wikidata_span(value)
        lo = _wikidata_span(lo_q)[0] if lo_q else first
        hi = _wikidata_span(hi_q)[1] if hi_q else last
        assert first <= lo <= hi <= last
        # Without qualifiers the value alone is exactly what is known.
        if not qualifiers:
            assert (first, last) in {(when.earliest_key, when.latest_key), *_interval_ends(when)}


def _interval_ends(when: When) -> set[tuple]:
    start, end = quickstatements.parts(when)
    return {(p.earliest_key, p.latest_key) for p in (start, end) if p is not None}


@settings(max_examples=300)
@given(VALID)
def test_timelinejs_dates_lie_within_the_bounds(text: str) -> None:
    when = When.parse(text)
    found = timelinejs.span(when)
    known = [k for k in (when.earliest_key, when.latest_key) if k is not None]
    if found is None:
        assert not known  # only a date with no bound at all has no place
        return
    start, end = found
    low, high = min(known), max(known)

    def key(d: dict) -> tuple:
        return tuple(d[p] for p in ("year", "month", "day") if p in d)

    assert low[: len(key(start))] <= key(start) <= high[: len(key(start))]
    if end is not None:
        assert key(start) < key(end) or len(key(start)) != len(key(end))
        assert key(end) <= high[: len(key(end))]


@settings(max_examples=200)
@given(VALID)
def test_a_calendar_event_spans_exactly_the_known_days_or_its_one_known_bound(text: str) -> None:
    when = When.parse(text)
    written = ics.vevent(entry(text), {}, ExportOptions())
    known = [d for d in (when.earliest, when.latest) if d is not None]
    from icalendar import Event

    if when.earliest_key is not None and when.latest_key is not None:
        if len(known) < 2 or when.latest == date.max:
            assert written is None
            return
        event = Event.from_ical(written)
        assert event.decoded("dtstart") == when.earliest
        assert (event.decoded("dtend") - when.latest).days == 1
        return
    if when.earliest_key is None and when.latest_key is None:  # no bound at all: nowhere to place it
        assert written is None
        return
    if written is None:  # bounded on one side, by a date reaching beyond the days iCalendar writes
        bound = known_bound(when)
        assert bound is not None and (bound.earliest is None or bound.latest is None or bound.latest == date.max)
        return
    event = Event.from_ical(written)
    first, last = event.decoded("dtstart"), event.decoded("dtend") - timedelta(days=1)
    # The event stands on the known bound: it ends there, or starts there, and spans no more than that bound.
    assert last == when.latest if when.latest is not None else first == when.earliest
    assert first <= last
    assert "Bounded on one side only" in str(event["description"])


def test_plover_dates_keep_the_bounds_and_the_precision_beside_the_event_date() -> None:
    record = plover.record(entry("[..2022-07-04]"), {}, ExportOptions())
    assert record is not None
    assert (record["date"], record["date_earliest"], record["date_latest"]) == ("2022-07-04", None, "2022-07-04")
    interval = plover.record(entry("2015/2020", kind="CooperationCarriedOut"), {}, ExportOptions())
    assert interval is not None and (interval["date"], interval["enddate"], interval["date_precision"]) == ("2015-01-01", "2020-12-31", "year")
    assert "enddate" not in plover.record(entry("2019"), {}, ExportOptions())  # a year is not a year-long event


def test_plover_codes_follow_the_cameo_table_and_the_status() -> None:
    visit = plover.record(entry("2019"), {}, ExportOptions())
    assert visit is not None and (visit["event"], visit["mode"], visit["quad_code"]) == (["CONSULT"], ["visit"], 1)
    planned = plover.record(entry("2030", kind="AidProvided", status="planned"), {}, ExportOptions())
    assert planned is not None and planned["event"] == ["AID"] and planned["context"] == ["future"] and planned["quad_code"] == 2
    assert plover.record(entry("2019", kind="FigureReported"), {}, ExportOptions()) is None
    assert visit["date_added"] == visit_recorded(visit)


def visit_recorded(record: dict) -> str:
    moment = datetime.fromisoformat(record["date_added"])
    assert moment.tzinfo is not None and moment <= datetime.now(UTC)
    return record["date_added"]
