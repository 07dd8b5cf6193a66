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
