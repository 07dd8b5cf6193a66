"""What the render tests share: a plain console, partners, and entries built in memory."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from typing import Any

from rich.console import Console, RenderableType

from chrono.events.entry import Entry
from chrono.events.values import Facts, Names, Partner, Quantity, Source
from chrono.projections.results import Dated
from chrono.render.theme import CHRONO_THEME
from chrono.when import When

LONG_VI = (
    "Kết nghĩa cụm dân cư biên giới xã Thanh Thủy, Minh Tân, Thanh Đức huyện Vị Xuyên với trấn Thiên Bảo, "
    "huyện Malypho, châu tự trị dân tộc Choang, dân tộc Miêu Văn Sơn, tỉnh Vân Nam"
)


def render(renderable: RenderableType, width: int = 100) -> str:
    """What a plain terminal of ``width`` columns would show."""
    console = Console(file=StringIO(), width=width, color_system=None, theme=CHRONO_THEME)
    console.print(renderable)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


def words(text: str) -> list[str]:
    return [word.strip(",.:()") for word in text.split() if word.strip(",.:()")]


def partner(pid: str, parent: str | None, level: str = "province", en: str | None = None, vi: str | None = None) -> Partner:
    return Partner(id=pid, name=Names(en=en or pid.title(), vi=vi or pid.title()), level=level, parent=parent, country="VN" if pid == "ha-giang" else "CN")


PARTNERS = {
    p.id: p
    for p in (
        partner("china", None, "country", "China", "Trung Quốc"),
        partner("yunnan", "china", "province", "Yunnan", "Vân Nam"),
        partner("van-son", "yunnan", "prefecture", "Wenshan", "Văn Sơn"),
        partner("malipo", "van-son", "county", "Malipo", "Malypho"),
        partner("thien-bao", "malipo", "township", "Tianbao", "Thiên Bảo"),
        partner("guangxi", "china", "province", "Guangxi", "Quảng Tây"),
        partner("ha-giang", None, "province", "Hà Giang", "Hà Giang"),
    )
}

SOURCE = Source(document="article.txt", quote="Ký kết chương trình hợp tác.", publisher="Báo Hà Giang", published=When.parse("2022-07-04"))


def make_entry(
    slug: str, when: str, *, kind: str = "AgreementSigned", title: str = "", title_vi: str = "", partners: tuple[str, ...] = ("van-son",),
    status: str = "happened", quantities: tuple[Quantity, ...] = (), sources: tuple[Source, ...] = (SOURCE,),
) -> Entry:  # fmt: skip
    facts = Facts(
        status=status, title=Names(en=title or slug.replace("-", " "), vi=title_vi or title or slug.replace("-", " ")),
        when=When.parse(when), partners=partners, actors=("ha-giang",), quantities=quantities,
    )  # fmt: skip
    return Entry.record(kind, slug, facts, sources)


def dated(entry: Entry, certainty: str = "definite") -> Dated:
    return Dated(entry, certainty)


def quantity(metric: str, value: str, unit: str, qualifier: str = "exact", period: str | None = None) -> Quantity:
    return Quantity(metric=metric, value=Decimal(value), unit=unit, qualifier=qualifier, period=When.parse(period) if period else None)


def chronicle() -> list[Any]:
    """A small chronicle with each marker: planned, possible, corrected, retracted."""
    relations = make_entry("1991-relations", "1991", kind="RelationsEstablished", title="Relations with Yunnan", title_vi="Quan hệ với Vân Nam",
                           partners=("yunnan",))  # fmt: skip
    conference = make_entry("2016-conference", "2016-03", kind="ConferenceHeld", title="Tourism conference", title_vi="Hội nghị du lịch")
    corrected = make_entry("2018-twinning", "2018", kind="TwinningSigned", title="Commune twinning", title_vi="Kết nghĩa cụm dân cư",
                           partners=("thien-bao",))  # fmt: skip
    corrected.correct({"when": When.parse("2018-05")}, "minutes give May", None)
    figure = make_entry("2015-figure", "2015/2020", kind="FigureReported", title="Agreements signed", quantities=(quantity("agreements", "85", "agreement"),))
    planned = make_entry("2024-visit", "[2024-03-21..2024-03-31]", kind="VisitMade", title="Visit to Hà Giang", status="planned")
    retracted = make_entry("2019-duplicate", "2019", kind="VisitMade", title="Duplicate visit")
    retracted.retract("recorded twice")
    return [
        dated(relations), dated(figure), dated(conference), dated(corrected), dated(retracted),
        dated(make_entry("2021-programme", "2021", title="Cooperation programme"), "possible"), dated(planned, "future"),
    ]  # fmt: skip
