"""The bundled chronicle in the formats of other tools, each checked by that tool's reader or schema."""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from chrono.cli import build_parser
from chrono.cli.exports import export
from chrono.cli.reading import Reading
from chrono.events.application import Chronicle
from chrono.events.entry import Entry, entry_uuid
from chrono.events.kinds import KINDS
from chrono.interchange import plover
from chrono.interchange.base import ExportOptions
from chrono.interchange.bundled import import_bundled
from chrono.interchange.importing import import_files
from chrono.projections.hierarchy import descendants
from chrono.store import open_store
from chrono.when.axes import parse_as_of
from tests.factories import PARTNERS, entry, jsonl
from tests.readers import check_plover, check_timelinejs, parse_quickstatements


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chronicle]:
    app = open_store(str(tmp_path_factory.mktemp("bundled") / "store.sqlite"))
    import_bundled(app)
    yield app
    app.close()


def run(app: Chronicle, *argv: str) -> tuple[str, list[str]]:
    """``chrono export ARGV`` on ``app``: what it writes, and what it says on stderr."""
    args = build_parser(only={"export"}).parse_args(["export", *argv])
    args.lang = getattr(args, "lang", "en")
    out, notices = io.StringIO(), []
    assert export(Reading(args, app), args, out, notices.append) == 0
    return out.getvalue(), notices


def live(app: Chronicle) -> list[Entry]:
    return [e for e in app.snapshot().entries.values() if not e.retracted]


def test_timelinejs_meets_its_documented_format_with_every_entry_and_eras(bundled: Chronicle) -> None:
    text, notices = run(bundled, "--format", "timelinejs")
    document = json.loads(text)
    assert check_timelinejs(document) == []
    entries = {e.slug: e for e in live(bundled)}
    assert [s["unique_id"] for s in document["events"]] == sorted(entries, key=lambda s: (entries[s].facts.when.sort_key, s))
    assert not notices
    shown = {s["display_date"] for s in document["events"]}
    assert {"4 July 2022 or earlier", "2019 (uncertain)", "late March 2024 (planned)", "until 4 July 2022"} <= shown
    # Every interval with a start, and every relation, is an era too.
    expected = [e for e in entries.values() if (e.facts.when.is_interval and e.facts.when.earliest_key) or e.kind == "RelationsEstablished"]
    assert len(document["eras"]) == len(expected) > 0


def test_timelinejs_draws_relations_known_only_by_their_latest_date_as_eras_up_to_the_as_of_date(bundled: Chronicle) -> None:
    document = json.loads(run(bundled, "--format", "timelinejs", "--as-of", "2026-06-30")[0])
    eras = {era["text"]["headline"]: era for era in document["eras"]}
    # "[..1991]": established in 1991 or earlier, so certainly in place from 1991 on.
    relations = eras["Foreign relations established with Yunnan and Guangxi (ongoing)"]
    assert relations["start_date"] == {"year": 1991}
    assert relations["end_date"] == {"year": 2026, "month": 6, "day": 30}
    undated = [e for e in live(bundled) if e.kind == "RelationsEstablished" and e.facts.when.edtf == "[..2025]"]
    assert undated and all(f"{e.facts.title.en} (ongoing)" in eras for e in undated)
    # As of a date before the relations were certainly in place, they are no era yet.
    before = json.loads(run(bundled, "--format", "timelinejs", "--as-of", "2025-06-30")[0])
    assert not [era for era in before["eras"] if era["text"]["headline"] in {f"{e.facts.title.en} (ongoing)" for e in undated}]


def test_timelinejs_in_vietnamese_groups_below_the_partner_asked(bundled: Chronicle) -> None:
    document = json.loads(run(bundled, "--format", "timelinejs", "--lang", "vi", "--partner", "yunnan")[0])
    state = bundled.snapshot()
    inside = descendants("yunnan", state.partners)
    titles = {e.slug: e.facts.title.vi for e in live(bundled)}
    assert document["events"]
    for slide in document["events"]:
        assert slide["text"]["headline"] == titles[slide["unique_id"]].replace("'", "&#x27;").replace('"', "&quot;")
        touched = {*state.entries[slide["unique_id"]].facts.partners, *state.entries[slide["unique_id"]].facts.actors}
        assert touched & inside
    groups = {slide["group"] for slide in document["events"]}
    children = {p.name.vi for p in state.partners.values() if p.parent == "yunnan"} | {"Vân Nam", "không có đối tác"}
    assert groups <= children and len(groups) > 1
    kinds = {slide["group"] for slide in json.loads(run(bundled, "--format", "timelinejs", "--group", "kind")[0])["events"]}
    assert kinds <= set(KINDS) and len(kinds) > 3


def test_ics_parses_with_icalendar_one_all_day_event_per_dated_entry(bundled: Chronicle) -> None:
    from icalendar import Calendar

    text, notices = run(bundled, "--format", "ics")
    calendar = Calendar.from_ical(text)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    entries = live(bundled)
    assert set(events) == {str(entry_uuid(e.slug)) for e in entries}
    assert len(calendar.walk("VEVENT")) == len(entries)
    assert notices == []
    one_sided = [e for e in entries if (e.facts.when.earliest is None) != (e.facts.when.latest is None)]
    assert len(one_sided) > 40
    sided = {e.slug for e in one_sided}
    for e in entries:
        event = events[str(entry_uuid(e.slug))]
        assert isinstance(event.decoded("dtstart"), date) and not isinstance(event.decoded("dtstart"), datetime)  # all-day
        assert str(event["status"]) == ("TENTATIVE" if e.status == "planned" else "CONFIRMED")
        assert e.sources[0].quote in str(event["description"])
        assert event["categories"].cats == [e.kind]
        if e.slug in sided:
            continue
        assert event.decoded("dtstart") == e.facts.when.earliest
        assert (event.decoded("dtend") - e.facts.when.latest).days == 1
        assert str(event["summary"]) == e.facts.title.en
    for e in one_sided:
        event = events[str(entry_uuid(e.slug))]
        assert str(event["summary"]) == f"{e.facts.title.en} ({e.facts.when.display('en')})"
        assert "Bounded on one side only" in str(event["description"])
        # On the known bound, and within it: the day, month or year that bound names.
        if e.facts.when.latest is not None:
            assert event.decoded("dtend") - timedelta(days=1) == e.facts.when.latest
        else:
            assert event.decoded("dtstart") == e.facts.when.earliest


@pytest.mark.parametrize(
    ("edtf", "lang", "summary", "first", "last", "said"),
    [
        ("[..2022-07-04]", "en", "(4 July 2022 or earlier)", "2022-07-04", "2022-07-04", "its latest possible date is known"),
        ("[..2024-03]", "en", "(March 2024 or earlier)", "2024-03-01", "2024-03-31", "shown on that bound, March 2024"),
        ("[2024..]", "en", "(2024 or later)", "2024-01-01", "2024-12-31", "its earliest possible date is known"),
        ("../2022-07-04", "en", "(until 4 July 2022)", "2022-07-04", "2022-07-04", "its earliest is not"),
        ("[2024..]", "vi", "(2024 hoặc sau đó)", "2024-01-01", "2024-12-31", "Chỉ biết một phía của ngày"),
    ],
)
def test_ics_places_a_date_bounded_on_one_side_on_that_bound_and_says_so(
    tmp_path: Path, edtf: str, lang: str, summary: str, first: str, last: str, said: str
) -> None:
    from icalendar import Calendar

    app = open_store(str(tmp_path / "store.sqlite"))
    try:
        import_files(app, [(jsonl([*PARTNERS, entry("one-sided", when=edtf, status="planned")]), "one.jsonl")])
        text, notices = run(app, "--format", "ics", "--lang", lang)
    finally:
        app.close()
    (event,) = Calendar.from_ical(text).walk("VEVENT")
    assert not notices
    assert str(event["summary"]).endswith(summary)
    assert event.decoded("dtstart") == date.fromisoformat(first)
    assert event.decoded("dtend") == date.fromisoformat(last) + timedelta(days=1)
    assert said in str(event["description"])
    assert str(event["status"]) == "TENTATIVE"
    assert str(event["uid"]) == str(entry_uuid("one-sided"))


def test_plover_records_have_plovers_fields_for_every_happening(bundled: Chronicle) -> None:
    text, notices = run(bundled, "--format", "plover")
    records = [json.loads(line) for line in text.splitlines()]
    assert [check_plover(r) for r in records if check_plover(r)] == []
    entries = {e.slug: e for e in live(bundled)}
    happenings = {slug for slug, e in entries.items() if e.kind != "FigureReported"}
    assert {r["id"] for r in records} == happenings
    assert notices == [f"plover: left out {len(entries) - len(happenings)} entries: reported figures; PLOVER records events, not observations"]
    for record in records:
        e = entries[record["id"]]
        assert [a["chrono_id"] for a in record["actor"]] == list(e.facts.actors)
        assert [r["chrono_id"] for r in record["recipient"]] == list(e.facts.partners)
        assert record["event"] == [KINDS[e.kind].plover]
        assert record["text"] == e.sources[0].quote
        assert record["date_added"] == e.created_on.isoformat()
    chinese = [r for r in records if any(p["code"] == "CHN" for p in r["recipient"])]
    assert chinese and all(p["country_name"] == "China" for r in chinese for p in r["recipient"] if p["code"] == "CHN")
    assert {a["code"] for r in records for a in r["actor"]} == {"VNM"}


# The bundled registry's countries and their ISO 3166-1 alpha-3 codes (PLOVER's three-letter country codes).
ISO_ALPHA3 = {
    "AE": "ARE", "AU": "AUS", "CH": "CHE", "CN": "CHN", "DE": "DEU", "FR": "FRA", "GB": "GBR", "IT": "ITA", "JP": "JPN", "KR": "KOR",
    "LA": "LAO", "NL": "NLD", "NZ": "NZL", "PH": "PHL", "SE": "SWE", "SG": "SGP", "TH": "THA", "US": "USA", "VN": "VNM",
}  # fmt: skip


def test_plover_codes_every_country_of_the_partner_registry_with_its_three_letter_iso_code(bundled: Chronicle) -> None:
    partners = bundled.snapshot().partners
    assert {p.country for p in partners.values() if p.country} == set(ISO_ALPHA3)
    for partner in partners.values():
        found = plover.entity(partner.id, partners, ExportOptions())
        assert found["code"] == (ISO_ALPHA3[partner.country] if partner.country else None), partner.id
        assert "country_code" not in found


def test_plover_gives_no_code_it_does_not_know_and_says_so(tmp_path: Path) -> None:
    khmer = {"type": "partner", "id": "ratanakiri", "name": {"en": "Ratanakiri", "vi": "Ratanakiri"}, "level": "province", "parent": None, "country": "KH"}
    app = open_store(str(tmp_path / "store.sqlite"))
    try:
        import_files(app, [(jsonl([*PARTNERS, khmer, entry(partners=["ratanakiri", "van-son"])]), "one.jsonl")])
        text, notices = run(app, "--format", "plover")
    finally:
        app.close()
    (record,) = [json.loads(line) for line in text.splitlines()]
    assert [(r["chrono_id"], r["code"]) for r in record["recipient"]] == [("ratanakiri", None), ("van-son", "CHN")]
    assert notices == ["plover: no ISO 3166-1 alpha-3 code known for KH: those entities have no code"]


def test_quickstatements_parse_as_v1_commands_with_dates_and_quoted_references(bundled: Chronicle) -> None:
    text, notices = run(bundled, "--format", "quickstatements")
    commands = parse_quickstatements(text)
    entries = sorted(live(bundled), key=lambda e: (e.facts.when.sort_key, e.slug))
    items = _by_item(commands)
    assert len(items) == len(entries)
    for e, item in zip(entries, items, strict=True):
        labels = {c["language"]: c["value"] for c in item if c["what"] == "label"}
        assert labels == {"en": e.facts.title.en, "vi": e.facts.title.vi}
        dates = [c for c in item if c["what"] == "statement" and c["property"] in ("P585", "P580", "P582")]
        assert dates, e.slug
        for statement in dates:
            quotes = [s["value"]["text"] for group in statement["sources"] for s in group if s["property"] == "P1683"]
            assert quotes == [" ".join(source.quote.split()) for source in e.sources]
        assert not [c for c in item if c["what"] == "statement" and c["property"] == "P710"]  # no Q-ids given
    participants = sum(len(e.facts.partners) + len(e.facts.actors) for e in entries)
    assert text.count("/* P710 (participant)") == participants
    assert notices == [f"quickstatements: {participants} participant statement(s) left as comments: no Wikidata id given for those partners (--qids FILE)"]


def test_quickstatements_use_the_wikidata_ids_a_person_gave_and_nothing_else(bundled: Chronicle, tmp_path: Path) -> None:
    qids = tmp_path / "qids.json"
    qids.write_text(json.dumps({"partners": {"van-son": "Q1017574"}, "kinds": {"AgreementSigned": "Q321839"},
                                "documents": {"000_c79a79b31e4fa503.txt": "Q4115189"}}), encoding="utf-8")  # fmt: skip
    commands = parse_quickstatements(run(bundled, "--format", "quickstatements", "--qids", str(qids))[0])
    statements = [c for c in commands if c["what"] == "statement"]
    assert {c["value"]["id"] for c in statements if c["property"] == "P710"} == {"Q1017574"}
    assert {c["value"]["id"] for c in statements if c["property"] == "P31"} == {"Q321839"}
    stated_in = {s["value"]["id"] for c in statements for group in c["sources"] for s in group if s["property"] == "P248"}
    assert stated_in == {"Q4115189"}
    ids = {v["id"] for c in commands if c["what"] == "statement" for v in [c["value"]] if v["type"] == "item"}
    assert ids <= {"Q1017574", "Q321839"}


@pytest.mark.parametrize("content", ['{"partners": {"van-son": "wenshan"}}', '{"people": {}}', "not json"])
def test_a_wrong_qids_file_is_refused_naming_it(bundled: Chronicle, tmp_path: Path, content: str) -> None:
    from chrono.errors import Rejected

    qids = tmp_path / "qids.json"
    qids.write_text(content, encoding="utf-8")
    with pytest.raises(Rejected, match=r"qids\.json"):
        run(bundled, "--format", "quickstatements", "--qids", str(qids))


def _by_item(commands: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    items: list[list[dict[str, Any]]] = []
    for command in commands:
        if command["what"] == "create":
            items.append([])
        else:
            items[-1].append(command)
    return items


def page_blocks(page: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The entries and the meta data a page holds, read as the page's script reads them."""
    entries = re.search(r'<script type="application/json" id="chrono-entries">(.*?)</script>', page, re.S)
    meta = re.search(r'<script type="application/json" id="chrono-meta">(.*?)</script>', page, re.S)
    assert entries and meta
    return json.loads(entries[1]), json.loads(meta[1])


def test_the_html_page_is_self_contained_and_allows_only_its_own_script_and_style(bundled: Chronicle) -> None:
    page, _ = run(bundled, "--format", "html")
    assert len(page.encode()) < 250_000
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src 'none'" in csp[1]
    script = re.findall(r"<script>(.*?)</script>", page, re.S)
    style = re.findall(r"<style>(.*?)</style>", page, re.S)
    for found, directive in ((script, "script-src"), (style, "style-src")):
        assert len(found) == 1
        digest = base64.b64encode(hashlib.sha256(found[0].encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in csp[1]
    entries, _ = page_blocks(page)
    # Retracted entries are in the page too: an earlier recording time shows them.
    assert {e["id"] for e in entries} == set(bundled.snapshot().entries)


def test_every_filter_of_the_timeline_holds_for_the_exports(bundled: Chronicle) -> None:
    from chrono.cli.exports import select

    state = bundled.snapshot()

    def ids(*argv: str) -> set[str]:
        args = build_parser(only={"export"}).parse_args(["export", *argv])
        return {e.slug for e in select(Reading(args, bundled), args).entries}

    day = parse_as_of("2018-12-31")
    as_of = {e.slug for e in live(bundled) if e.facts.when.earliest is None or e.facts.when.earliest <= day}
    assert ids("--as-of", "2018-12-31") == as_of
    inside = descendants("van-son", state.partners)
    touching = {e.slug for e in live(bundled) if {*e.facts.partners, *e.facts.actors} & inside}
    assert ids("--partner", "Văn Sơn") == touching
    assert any("thien-bao" in e.facts.partners for e in live(bundled) if e.slug in touching)  # descendants count
    agreements = {e.slug for e in live(bundled) if e.kind == "AgreementSigned"}
    plover = {json.loads(line)["id"] for line in run(bundled, "--format", "plover", "--kind", "AgreementSigned")[0].splitlines()}
    assert plover == agreements
    assert run(bundled, "--format", "timelinejs", "--known-at", "2000-01-01")[0].count('"unique_id"') == 0


@pytest.fixture
def corrected(tmp_path: Path) -> Chronicle:
    """A store whose one entry was corrected and another retracted after they were recorded."""
    app = open_store(str(tmp_path / "store.sqlite"))
    nasty = "</script><script>window.__pwned=1</script><img src=x onerror=alert(1)>"
    records = [*PARTNERS, entry("2021-van-son-programme"), entry("2019-visit", kind="VisitMade", when="2019-05", title={"en": nasty, "vi": nasty})]
    import_files(app, [(jsonl(records), "records.jsonl")])
    next_second()  # a page offers recording times to the second, as `log` prints them
    app.correct("2021-van-son-programme", {"when": _when("2021-03")}, "minutes give the month", None)
    app.retract("2019-visit", "recorded twice")
    return app


def next_second() -> None:
    """Wait for the clock's next second, so that what is recorded next is recorded later to the second."""
    now = datetime.now(UTC)
    time.sleep(1.01 - now.microsecond / 1e6)


def _when(text: str) -> Any:
    from chrono.when import When

    return When.parse(text)


def test_the_page_holds_every_revision_and_offers_the_times_it_can_be_seen_as_known_at(corrected: Chronicle) -> None:
    page, _ = run(corrected, "--format", "html")
    entries, meta = page_blocks(page)
    by_id = {e["id"]: e for e in entries}
    assert [r["when"]["edtf"] for r in by_id["2021-van-son-programme"]["revs"]] == ["2021", "2021-03"]
    assert [r["retracted"] for r in by_id["2019-visit"]["revs"]] == [False, True]
    assert len(meta["knownAt"]) >= 2 and meta["knownAt"][0]["before"]
    assert meta["knownAt"][0]["value"] < by_id["2021-van-son-programme"]["revs"][1]["t"]
    # The title is data, never markup: it cannot close its block or open one.
    assert "</script><script>window" not in page and "<img src=x" not in page


def test_the_page_holds_only_the_revisions_a_recording_time_can_show(bundled: Chronicle, corrected: Chronicle) -> None:
    # The bundled chronicle's corrections were imported with its entries, in the same second: only the last is ever seen.
    entries, _ = page_blocks(run(bundled, "--format", "html")[0])
    assert all(a["t"] != b["t"] for e in entries for a, b in itertools.pairwise(e["revs"]))
    by_id = {e["id"]: e for e in entries}
    state = bundled.snapshot().entries
    corrected_entries = [slug for slug, e in state.items() if e.version > 1]
    assert corrected_entries and all(by_id[slug]["revs"][-1]["when"]["edtf"] == state[slug].facts.when.edtf for slug in corrected_entries)
    # Corrections a second later are all kept, each a time to go back to.
    entries, _ = page_blocks(run(corrected, "--format", "html")[0])
    assert [len(e["revs"]) for e in entries if e["id"] in ("2019-visit", "2021-van-son-programme")] == [2, 2]


def test_an_export_as_known_before_a_correction_shows_the_entry_as_it_stood(corrected: Chronicle) -> None:
    correction = next(e for e in corrected.revisions("2021-van-son-programme") if type(e).__name__ == "Corrected")
    before = (correction.timestamp.replace(microsecond=0) - timedelta(microseconds=1)).isoformat()
    document = json.loads(run(corrected, "--format", "timelinejs", "--known-at", before)[0])
    assert document["title"]["text"]["text"] == f"as known at {before[:10]} {before[11:19]} UTC"
    slides = {s["unique_id"]: s for s in document["events"]}
    assert slides["2021-van-son-programme"]["start_date"] == {"year": 2021}
    assert "2019-visit" in slides  # not retracted yet
    now = {s["unique_id"]: s for s in json.loads(run(corrected, "--format", "timelinejs")[0])["events"]}
    assert now["2021-van-son-programme"]["start_date"] == {"year": 2021, "month": 3}
    assert "2019-visit" not in now


def test_the_event_log_is_exported_whole_and_refuses_filters(bundled: Chronicle) -> None:
    from chrono.cli.exports import refuse_filters
    from chrono.errors import Rejected

    args = build_parser(only={"export"}).parse_args(["export", "--format", "events", "--kind", "VisitMade"])
    with pytest.raises(Rejected, match="--kind"):
        refuse_filters(args)


def test_a_planned_relation_is_no_era_and_a_happened_one_runs_to_the_as_of_date(tmp_path: Path) -> None:
    app = open_store(str(tmp_path / "store.sqlite"))
    kinds = {"kind": "RelationsEstablished", "partners": ["yunnan"]}
    records = [*PARTNERS, entry("2019-relations", when="2019?", **kinds), entry("2027-relations", when="2027", status="planned", **kinds)]
    import_files(app, [(jsonl(records), "records.jsonl")])
    document = json.loads(run(app, "--format", "timelinejs", "--as-of", "2030-01-01")[0])
    app.close()
    assert {slide["unique_id"] for slide in document["events"]} == {"2019-relations", "2027-relations"}
    assert [(era["start_date"], era["end_date"]) for era in document["eras"]] == [({"year": 2019}, {"year": 2030, "month": 1, "day": 1})]
