"""The bundled chronicle says what its articles say, at their precision.

Facts are found by the words they quote, never by their ids: a later reading
may retract an entry and record it anew, and these tests must still hold.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from chrono.events.entry import Entry
from chrono.events.values import Quantity
from chrono.interchange.bundled import import_bundled
from chrono.interchange.dates import find_dates
from chrono.store import open_store
from chrono.when import When
from tests.app.test_bundled_chronicle import SEEDS, records

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed articles are not at {SEEDS} (set CHRONO_SEEDS)")

ARTICLE_000 = "000_c79a79b31e4fa503.txt"
ARTICLE_002 = "002_5f9c4b4bc6e899b1.txt"
ARTICLE_004 = "004_25f9cb867f3cfbb1.txt"
# The year an undated article is about, with the words of the article that say so:
# a date taken from this framing is supported by the article as a whole.
FRAMING = {
    "003_c9bd4a3b3f9fd364.txt": ("2021", "Đối ngoại của tỉnh Hà Giang năm 2021"),
    "004_25f9cb867f3cfbb1.txt": ("2024", "Lễ hội văn hóa, du lịch ẩm thực quốc tế Hà Giang lần thứ I năm 2024"),
}


@pytest.fixture(scope="module")
def chronicle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Entry]:
    """The bundled chronicle as a new store holds it: every entry, retracted ones too."""
    app = open_store(str(tmp_path_factory.mktemp("bundled") / "store.sqlite"))
    import_bundled(app)
    return app.snapshot().entries


@pytest.fixture(scope="module")
def articles() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}


def live(chronicle: dict[str, Entry]) -> list[Entry]:
    return [e for e in chronicle.values() if not e.retracted]


def quoting(chronicle: dict[str, Entry], words: str, kind: str | None = None) -> list[Entry]:
    """The live entries one of whose sources quotes ``words``."""
    found = [e for e in live(chronicle) if any(words in s.quote for s in e.sources)]
    return [e for e in found if kind is None or e.kind == kind]


def the(entries: list[Entry]) -> Entry:
    assert len(entries) == 1, [e.slug for e in entries]
    return entries[0]


def amounts(entry: Entry, metric: str) -> list[Quantity]:
    return [q for q in entry.facts.quantities if q.metric == metric]


# -- the corrected facts --------------------------------------------------------


def test_the_1991_sentence_is_cooperation_kept_up_until_the_article(chronicle: dict[str, Entry]) -> None:
    words = "Từ năm 1991 đến nay, Hà Giang đã duy trì kết nối"
    cooperation = the(quoting(chronicle, words, "CooperationCarriedOut"))
    assert cooperation.facts.when.edtf == "1991/2022-07-04"
    assert set(cooperation.facts.partners) == {"yunnan", "guangxi"}
    # Relations beside it may only say "established by 1991", never "in 1991".
    for entry in quoting(chronicle, words, "RelationsEstablished"):
        assert entry.facts.when.earliest is None and entry.facts.when.latest == date(1991, 12, 31), entry.facts.when.edtf


def test_the_twinning_levels_are_stocks_on_the_articles_dates(chronicle: dict[str, Entry]) -> None:
    posts = the(quoting(chronicle, "12/12 Đồn Biên phòng của tỉnh ký kết nghĩa"))
    districts = the(quoting(chronicle, "6 huyện biên giới của tỉnh ký kết nghĩa"))
    clusters = the(quoting(chronicle, "ký kết hữu nghị 14 cụm cho 34/34 xã"))
    for entry, metric, value in ((posts, "border_post_twinnings", 12), (districts, "district_twinnings", 6), (clusters, "communes", 34)):
        (quantity,) = amounts(entry, metric)
        assert quantity.value == value and quantity.period is None
        assert quantity.observed is not None and quantity.observed.edtf == "2022-07-04"
    # Article 001's review of 2015-2020 reports the earlier levels of the same stocks.
    review = quoting(chronicle, "Có 34/34 xã, thị trấn biên giới, 3 cặp huyện")
    earlier = {q.metric: q for e in review if ARTICLE_000 not in {s.document for s in e.sources} for q in e.facts.quantities}
    assert earlier["district_twinnings"].value == 3 and earlier["border_post_twinnings"].value == 12
    assert {q.observed.edtf for q in earlier.values() if q.observed} == {"2020"}
    assert all(q.period is None for q in earlier.values())


def test_relations_that_were_stepped_up_are_not_relations_established(chronicle: dict[str, Entry]) -> None:
    words = "đẩy mạnh quan hệ với Đại sứ quán các nước"
    assert quoting(chronicle, words, "RelationsEstablished") == []
    assert set(the(quoting(chronicle, words, "CooperationCarriedOut")).facts.partners) == {"koica", "afd", "jica"}


def test_the_seven_northern_provinces_act_together(chronicle: dict[str, Entry], articles: dict[str, str]) -> None:
    listed = re.search(r"Trung Quốc \(([^)]*)\)", articles[ARTICLE_002])
    assert listed is not None
    names = [n.strip() for n in re.split(r",| và ", listed.group(1))]
    registry = {r["name"]["vi"]: r["id"] for r in records() if r.get("type") == "partner"}
    seven = {registry[name] for name in names}
    assert len(seven) == 7 and "ha-giang" in seven
    for words in ("vùng Aquitaine (Pháp)", "công ty Austrex (Australia)", "Giao ban công tác ngoại vụ", "hợp tác qua lại với 2 tỉnh biên giới"):
        assert set(the(quoting(chronicle, words)).facts.actors) == seven, words


def test_present_levels_are_stocks_and_ngo_spending_has_its_own_metric(chronicle: dict[str, Entry]) -> None:
    fdi = the(quoting(chronicle, "Hiện tại, trên địa bàn tỉnh có 8 dự án"))
    assert fdi.facts.quantities and all(q.observed is not None and q.period is None for q in fdi.facts.quantities)
    (active,) = [q for e in quoting(chronicle, "Tính đến nay, tỉnh tiếp nhận") for q in e.facts.quantities if q.value == 61]
    review = [q for e in quoting(chronicle, "tiếp nhận và triển khai 223 chương trình") for q in e.facts.quantities]
    (received,) = [q for q in review if q.value == 223]
    assert active.observed is not None and received.period is not None and active.metric != received.metric
    (spent,) = [q for q in review if q.unit == "VND"]
    covid = [q for words in ("tổng giá trị hơn 42 tỷ đồng", "trị giá 40,912 tỷ Đồng") for e in quoting(chronicle, words) for q in e.facts.quantities]
    assert {q.metric for q in covid if q.unit == "VND"} == {"aid_value"} and spent.metric != "aid_value"


def test_the_2021_covid_aid_is_a_part_of_the_longer_total(chronicle: dict[str, Entry]) -> None:
    (total,) = [q for e in quoting(chronicle, "tổng giá trị hơn 42 tỷ đồng") for q in amounts(e, "aid_value")]
    (year,) = [q for e in quoting(chronicle, "trị giá 40,912 tỷ Đồng") for q in amounts(e, "aid_value")]
    assert total.period is not None and year.period is not None and total.qualifier == "at_least"
    assert _within(year.period, total.period) and not _within(total.period, year.period)


def _within(inner: When, outer: When) -> bool:
    low = outer.earliest is None or (inner.earliest is not None and outer.earliest <= inner.earliest)
    high = outer.latest is None or (inner.latest is not None and inner.latest <= outer.latest)
    return bool(low and high)


def test_the_missing_facts_are_recorded(chronicle: dict[str, Entry]) -> None:
    closed = the(quoting(chronicle, "đều dừng hoạt động và tập trung về cửa khẩu Thanh Thủy - Thiên Bảo"))
    assert closed.status == "happened" and closed.facts.when.edtf == "2021"
    for words, kind in (
        ("tiến tới ký Chương trình hợp tác giai đoạn mới", "AgreementSigned"),
        ("Thứ sáu, khôi phục và triển khai Thỏa thuận quản lý lao động", None),
        ("phục vụ mở Lối thông quan hàng hóa", None),
        ("các đường qua lại truyền thống, lối mở, cặp chợ biên giới", None),
    ):
        planned = [e for e in quoting(chronicle, words, kind) if e.status == "planned"]
        assert planned, words
    arts = the(quoting(chronicle, "giao lưu văn hóa, văn nghệ, thể thao"))
    assert {"guangxi", "bach-sac"} <= set(arts.facts.partners)


def test_inferred_dates_say_that_they_are_inferred(chronicle: dict[str, Entry]) -> None:
    for words in ("Lễ ký kết Chương trình Hợp tác giai đoạn 2021", "thành lập Hội hữu nghị Việt – Lào", "Đoàn đại biểu tỉnh Hà Giang do đồng chí"):
        for entry in quoting(chronicle, words):
            when = entry.facts.when
            assert "uncertain" in when.qualifiers or when.is_set, (entry.slug, when.edtf)
            assert "infer" in entry.facts.note, entry.slug


def test_article_003s_caption_is_not_called_its_headline(chronicle: dict[str, Entry]) -> None:
    for entry in live(chronicle):
        sources = [s for s in entry.sources if s.document.startswith("003_")]
        if sources:
            said = entry.facts.note + " ".join(s.title for s in sources)
            assert "caption" in said and "headline" in said, entry.slug


# -- dates and bounds -----------------------------------------------------------


def _years_named(articles: dict[str, str]) -> Iterator[int]:
    for text in articles.values():
        yield from (int(year) for year in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", text))


def test_no_accomplished_fact_ends_after_every_article(chronicle: dict[str, Entry], articles: dict[str, str]) -> None:
    last = max(_years_named(articles))
    for entry in live(chronicle):
        if entry.status == "planned":
            continue
        dates = [entry.facts.when] + [d for q in entry.facts.quantities for d in (q.period, q.observed) if d is not None]
        for when in dates:
            assert "X" not in when.edtf, (entry.slug, when.edtf)
            assert when.latest is not None and when.latest.year <= last, (entry.slug, when.edtf)


def _paragraphs(text: str, quote: str) -> list[str]:
    return [line for line in text.splitlines() if quote in line]


def _supported(bound: date, precision: str, entry: Entry, articles: dict[str, str]) -> bool:
    """A date bound the text gives: a source's publication date, or a year its quote's paragraph names
    (or the year an undated article is about)."""
    for source in entry.sources:
        published = source.published
        if published is not None and published.latest == bound and precision == "day":
            return True
        if precision == "day":
            continue
        paragraphs = _paragraphs(articles[source.document], source.quote)
        framing = FRAMING.get(source.document)
        if any(str(bound.year) in p for p in paragraphs) or (framing and framing[0] == str(bound.year)):
            return True
        if published is not None and published.latest is not None and published.latest.year == bound.year:
            return True
    return False


def test_every_period_and_observed_bound_is_in_the_text(chronicle: dict[str, Entry], articles: dict[str, str]) -> None:
    for document, (_, words) in FRAMING.items():
        assert words in articles[document]
    checked = 0
    for entry in live(chronicle):
        for quantity in entry.facts.quantities:
            for when in (quantity.period, quantity.observed):
                if when is None:
                    continue
                for bound, precision in _bounds(when):
                    checked += 1
                    assert _supported(bound, precision, entry, articles), (entry.slug, quantity.metric, when.edtf)
    assert checked > 50


def _bounds(when: When) -> Iterator[tuple[date, str]]:
    """Each known bound of ``when`` with the precision it is given at (``day`` or coarser)."""
    text = when.edtf.rstrip("?~%")
    if text.startswith("["):
        start, _, end = text.strip("[]").partition("..")
    elif "/" in text:
        start, _, end = text.partition("/")
    else:
        start = end = text
    for edge, bound in ((start, when.earliest), (end, when.latest)):
        if bound is not None and edge not in ("", ".."):
            yield bound, "day" if re.fullmatch(r"\d{4}-\d\d-\d\d", edge.rstrip("?~%")) else "year"


# -- what the counters must not do (DESIGN.md section 6) ---------------------------


def _claims_that_never_add_up(entries: list[Entry]) -> dict[tuple[str, str], list[Quantity]]:
    """Per metric and unit, the quantities that DESIGN.md says count once: observations of one stock,
    flows nested in one another, and competing claims, all of one scope."""
    groups: dict[tuple[str, str, tuple[str, ...]], list[Quantity]] = {}
    for entry in entries:
        if entry.status != "happened":
            continue
        for quantity in entry.facts.quantities:
            groups.setdefault((quantity.metric, quantity.unit, tuple(sorted(entry.facts.partners))), []).append(quantity)
    found = {}
    for (metric, unit, _), quantities in groups.items():
        if len(quantities) > 1 and all(_count_once(a, b) for i, a in enumerate(quantities) for b in quantities[i + 1 :]):
            found[(metric, unit)] = quantities
    return found


def _count_once(a: Quantity, b: Quantity) -> bool:
    if a.stock and b.stock:
        return True
    if a.period is None or b.period is None:
        return False
    return _within(a.period, b.period) or _within(b.period, a.period)


def _counters(env: dict[str, str], as_of: str) -> dict[tuple[str, str], dict]:
    out = subprocess.run([sys.executable, "-m", "chrono", "counters", "--as-of", as_of, "--format", "json"],
                         capture_output=True, text=True, env=env, check=True).stdout  # fmt: skip
    return {(c["metric"], c["unit"]): c for c in json.loads(out)["counters"] if c.get("partner") is None}


def test_no_counter_of_the_bundled_chronicle_is_a_sum_of_claims_that_count_once(chronicle: dict[str, Entry], tmp_path: Path) -> None:
    groups = _claims_that_never_add_up(live(chronicle))
    assert {"district_twinnings", "border_post_twinnings", "trade_value", "aid_value"} <= {metric for metric, _ in groups}
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    counters = _counters(env, "9999-12-31")
    for key, quantities in groups.items():
        counter = counters[key]
        lows = [q.value for q in quantities]
        highs = [None if q.qualifier == "at_least" else q.value for q in quantities]
        assert float(counter["definite"]) <= float(max(lows)), (key, counter["definite"])
        if counter["high"] is not None:
            assert None not in highs and float(counter["high"]) <= float(max(v for v in highs if v is not None)), (key, counter["high"])
        competing = {(q.observed or q.period).edtf for q in quantities if q.observed or q.period}
        if len(competing) < len(quantities) and len({q.value for q in quantities}) > 1:
            assert counter["conflicts"], key
    # Between two observations of a stock, the earlier one is its value.
    assert float(_counters(env, "2021-12-31")[("district_twinnings", "twinning")]["definite"]) == 3


# -- the second reading, as the queries show it ----------------------------------------

# The latest year an undated article can have been written in, with the words that say so.
TERM = {"001_de5b6a5233451576.txt": (2025, "Giai đoạn 2020 – 2025, tỉnh ta bước vào giai đoạn phát triển quan trọng mới")}


def _day_named(bound: date, entry: Entry) -> bool:
    """A day bound a date phrase of a quote gives ("cuối tháng 3/2024" is 21 to 31 March), read by chrono's own reader."""
    phrases = [p for s in entry.sources for p in find_dates(s.quote, "vi")]
    return any(bound in (When.parse(p.edtf).earliest, When.parse(p.edtf).latest) for p in phrases)


def _year_before(bound: date, entry: Entry, articles: dict[str, str]) -> bool:
    """A year the paragraph before the quote's names: what "Thông qua kết nghĩa" goes back to."""
    for source in entry.sources:
        lines = [line for line in articles[source.document].splitlines() if line.strip()]
        for i, line in enumerate(lines):
            if source.quote in line and i > 0 and str(bound.year) in lines[i - 1]:
                return True
    return False


def test_every_bound_of_an_entrys_date_is_in_the_text(chronicle: dict[str, Entry], articles: dict[str, str]) -> None:
    # As a store holds it, corrections applied: no invented day, no year the text does not give.
    for document, (_, words) in TERM.items():
        assert words in articles[document]
    for entry in live(chronicle):
        when = entry.facts.when
        for bound, precision in _bounds(when):
            latest = bound == when.latest
            term = [TERM[s.document][0] for s in entry.sources if s.document in TERM]
            assert (
                _supported(bound, precision, entry, articles)
                or (precision == "day" and _day_named(bound, entry))
                or (precision == "year" and _year_before(bound, entry, articles))
                or (latest and precision == "year" and bound.year in term)
            ), (entry.slug, when.edtf, bound)


def test_every_proposal_of_the_2024_talks_is_a_planned_entry(chronicle: dict[str, Entry], articles: dict[str, str]) -> None:
    # The nine groups of content Hà Giang proposed, and the request beside the fourth, as the article words them.
    lines = articles[ARTICLE_004].splitlines()
    proposals = [line for line in lines if re.match(r"Thứ (nhất|hai|ba|tư|năm|sáu|bảy|tám|chín),|Đề nghị ", line)]
    assert len(proposals) == 10, proposals
    for line in proposals:
        quoting_it = [e for e in live(chronicle) if any(s.document == ARTICLE_004 and s.quote in line for s in e.sources)]
        if line.startswith("Thứ ba, tiếp tục duy trì"):  # mechanisms kept up: they are, they are not planned
            assert quoting_it and {e.kind for e in quoting_it} == {"MechanismEstablished"}, line[:60]
            assert all(e.status == "happened" for e in quoting_it), line[:60]
        else:
            assert [e for e in quoting_it if e.status == "planned"], line[:60]


def _chrono_json(env: dict[str, str], *args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "chrono", *args, "--format", "json"], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout)


def test_the_queries_show_the_corrected_chronicle(chronicle: dict[str, Entry], tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    # Aquitaine's first contact is the seven provinces' together, not Hà Giang's alone.
    first = _chrono_json(env, "partner", "aquitaine")["first_contact"]
    assert len(chronicle[first["id"]].facts.actors) == 7 and "ha-giang" in chronicle[first["id"]].facts.actors
    # Relations the undated article 001 reports have happened by the end of the term it was written in.
    relations = [e for e in live(chronicle) if e.kind == "RelationsEstablished" and e.status == "happened"]
    as_of = f"{TERM['001_de5b6a5233451576.txt'][0]}-12-31"
    counters = {c["metric"]: c for c in _chrono_json(env, "counters", "--as-of", as_of)["counters"] if c.get("partner") is None}
    assert counters["relations"]["definite"] == len(relations) and counters["relations"]["possible"] == 0
    timeline = _chrono_json(env, "timeline", "--as-of", "2021-12-31", "--kind", "CooperationCarriedOut")
    since_1991 = [e for e in timeline["entries"] if e["when"]["edtf"] == "1991/2022-07-04"]
    assert since_1991 and {p["id"] for p in since_1991[0]["partners"]} == {"yunnan", "guangxi"}


def test_the_labour_agreement_suspended_in_the_epidemic_is_to_be_restored(chronicle: dict[str, Entry]) -> None:
    # Article 003 plans to restore ("khôi phục") the agreement article 000 says was signed: it was suspended.
    agreement = the(quoting(chronicle, "thỏa thuận về quản lý lao động qua biên giới đã ký giữa tỉnh Hà Giang", "AgreementSigned"))
    (restoration,) = [e for e in quoting(chronicle, "Thứ sáu, khôi phục và triển khai Thỏa thuận") if e.status == "planned"]
    assert agreement.status == "happened" and set(agreement.facts.partners) <= set(restoration.facts.partners)
    assert "suspended" in restoration.facts.title.en and "Covid-19" in restoration.facts.title.en
    assert restoration.facts.when.earliest is not None and restoration.facts.when.latest is None  # from the article on, no date
