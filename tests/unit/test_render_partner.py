"""A partner's history (hierarchy tree, relationship, timeline) and the partner registry."""

from __future__ import annotations

from decimal import Decimal

import pendulum
import pytest

from chrono.projections.results import Axes, Counter, Dated, History, IdPage, Relationship, Since, Timeline
from chrono.render.partner import PARTNER_COLUMNS, PartnerHistoryView, PartnerTreeView, partner_rows
from tests.unit.render_kit import LONG_VI, PARTNERS, make_entry, render, words

AS_OF = pendulum.Date(2022, 12, 31)


def entries() -> list:
    return [
        make_entry("1991-relations", "1991", kind="RelationsEstablished", title="Relations with Yunnan", partners=("yunnan",)),
        make_entry("2018-twinning", "2018", kind="TwinningSigned", title="Commune twinning", title_vi=LONG_VI, partners=("thien-bao",)),
        make_entry("2021-programme", "2021", title="Cooperation programme"),
        make_entry("2022-mechanism", "2022-07", kind="MechanismEstablished", title="Periodic talks"),
    ]


def history_view(lang: str = "en", *, listed: bool = False) -> PartnerHistoryView:
    """Wenshan's history as ``answers.history`` would give it for these entries (``listed``: with its
    mechanisms' entries, as ``answers.relationship`` reads them; without, their ids alone)."""
    _, twinning, programme, mechanism = entries()
    shown = tuple(Dated(e, "definite") for e in (twinning, programme, mechanism))
    agreements = Counter("agreements", "agreement", "van-son", None, Decimal(1), Decimal(0), Decimal(1), contributors=IdPage(("2021-programme",), 1))
    state = Relationship(
        "van-son", None, Since(twinning, "definite"), agreements, IdPage(("2022-mechanism",), 1), {"TwinningSigned": 1}, (mechanism,) if listed else ()
    )
    line = Timeline(Axes(AS_OF), shown, None, 3, "year", PARTNERS)
    lineage = (PARTNERS["china"], PARTNERS["yunnan"], PARTNERS["van-son"])
    found = History(PARTNERS["van-son"], lineage, ((PARTNERS["malipo"], 1),), state, twinning, mechanism, line)
    return PartnerHistoryView(found, lang)


def test_the_tree_runs_from_the_ancestors_down_to_the_partner_and_its_children() -> None:
    out = render(history_view(), 100)
    lines = out.splitlines()[1:]  # below the panel's title
    order = [next(i for i, line in enumerate(lines) if name in line) for name in ("China", "Yunnan", "Wenshan", "Malipo")]
    assert order == sorted(order)
    malipo = next(line for line in lines if "Malipo" in line)
    assert "(1)" in malipo  # the twinning with Tianbao, below Malipo
    assert "Guangxi" not in out  # not in Wenshan's line


def test_the_relationship_state_and_contacts() -> None:
    out = render(history_view(), 160)
    assert "twinned since" in out and "agreements" in out and "mechanisms" in out
    assert "2022-mechanism" in out  # the mechanism by its id, where its entry was not read
    first = next(line for line in out.splitlines() if "first contact" in line)
    assert "Commune twinning" in first and "2018" in first
    latest = next(line for line in out.splitlines() if "latest contact" in line)
    assert "Periodic talks" in latest and "July 2022" in latest


def test_the_history_is_the_timeline_view() -> None:
    out = render(history_view(), 100)
    assert "Timeline · 3 entries" in out  # Wenshan and below: not the relations with Yunnan
    assert "┼─ 2021" in out and "┼─ 2018" in out


@pytest.mark.parametrize("width", [60, 100, 160])
def test_widths_wrap_without_cutting(width: int) -> None:
    out = render(history_view(lang="vi"), width)
    assert max(len(line) for line in out.splitlines()) <= width
    flat = " ".join(out.replace("│", " ").split())
    for word in words(LONG_VI):
        assert word in flat
    assert "…" not in out


def test_narrow_stacks_the_tree_above_the_state_and_wide_puts_them_side_by_side() -> None:
    narrow = render(history_view(), 60).splitlines()
    wide = render(history_view(), 160).splitlines()
    assert not any("Place in the hierarchy" in line and "relations since" in line for line in narrow)
    assert any("Place in the hierarchy" in line and "relations since" in line for line in wide)


def test_vietnamese_labels() -> None:
    out = render(history_view(lang="vi"), 100)
    assert "Vị trí trong hệ thống" in out and "kết nghĩa từ" in out and "Văn Sơn" in out and "châu" in out


def test_registry_tree_and_rows() -> None:
    out = render(PartnerTreeView(PARTNERS, "vi"), 100)
    assert "Trung Quốc" in out and "Thiên Bảo" in out and "trấn" in out
    rows = list(partner_rows(PARTNERS))
    ids = [row[0] for row in rows]
    assert ids.index("china") < ids.index("yunnan") < ids.index("van-son") < ids.index("thien-bao")
    assert len(rows[0]) == len(PARTNER_COLUMNS)


def test_the_mechanisms_listed_by_date_and_title_where_their_entries_were_read() -> None:
    out = render(history_view(listed=True), 160)
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if "mechanisms" in line)
    assert "• July 2022: Periodic talks" in lines[at + 1]
    assert "2022-mechanism" not in out
