"""Plain records for tests, in the import format of docs/records.md."""

from __future__ import annotations

import json
from typing import Any

PARTNERS: list[dict[str, Any]] = [
    {"type": "partner", "id": "china", "name": {"en": "China", "vi": "Trung Quốc"}, "level": "country", "parent": None, "country": "CN"},
    {"type": "partner", "id": "yunnan", "name": {"en": "Yunnan", "vi": "Vân Nam"}, "level": "province", "parent": "china", "country": "CN"},
    {"type": "partner", "id": "van-son", "name": {"en": "Wenshan", "vi": "Văn Sơn"}, "level": "prefecture", "parent": "yunnan", "country": "CN"},
    {"type": "partner", "id": "vietnam", "name": {"en": "Vietnam", "vi": "Việt Nam"}, "level": "country", "parent": None, "country": "VN"},
    {"type": "partner", "id": "ha-giang", "name": {"en": "Hà Giang", "vi": "Hà Giang"}, "level": "province", "parent": "vietnam", "country": "VN"},
]


def entry(slug: str = "2021-van-son-programme", **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "entry",
        "id": slug,
        "kind": "AgreementSigned",
        "when": "2021",
        "title": {"en": "Cooperation programme with Wenshan", "vi": "Chương trình hợp tác với Văn Sơn"},
        "partners": ["van-son"],
        "actors": ["ha-giang"],
        "sources": [{"document": "article.txt", "publisher": "Báo Hà Giang", "published": "2022-07-04", "quote": "Ký kết Chương trình hợp tác."}],
    }
    record.update(overrides)
    return record


def jsonl(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def counted(token: str) -> list[dict[str, Any]]:
    """Entries whose metrics, units and values are distinctive (``token`` in the names; each value with
    digits and a point that no time, hash or key of a store holds): two competing reports of one figure,
    a figure that covers a happening, amounts in two more units, an open (at least) value and an
    approximate one. Totals: grant 739104.25..8172635.5 yuan, tonnes 414.25, aid_value 7391.75 USD."""
    grant, yuan, tonne = f"grant_{token}", f"yuan_{token}", f"tonne_{token}"
    elsewhere = [{"document": "second-article.txt", "publisher": "Báo Hà Giang", "published": "2024-01-10", "quote": "Một con số khác."}]
    return [
        entry("2023-grant-report", kind="FigureReported", when="2023", quantities=[
            {"metric": grant, "value": "739104.25", "unit": yuan, "period": "2023"},
            {"metric": "aid_value", "value": "7391.75", "unit": "USD", "period": "2023"},
        ]),
        entry("2023-grant-report-again", kind="FigureReported", when="2023", sources=elsewhere, quantities=[
            {"metric": grant, "value": "8172635.5", "unit": yuan, "period": "2023"},
        ]),
        entry("2023-05-rice-aid", kind="AidProvided", when="2023-05", quantities=[
            {"metric": grant, "value": "152.75", "unit": tonne},
            {"metric": "aid_value", "value": "6283.25", "unit": "USD", "qualifier": "at_least"},
        ]),
        entry("2024-rice-aid", kind="AidProvided", when="2024-03-02", partners=["yunnan"], quantities=[
            {"metric": grant, "value": "261.5", "unit": tonne, "qualifier": "about"},
        ]),
    ]  # fmt: skip


COUNTED_VALUES = ("739104.25", "8172635.5", "7391.75", "6283.25", "152.75", "261.5", "414.25")
