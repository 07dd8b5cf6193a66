"""Synthetic chronicles that look like real ones, deterministic by seed.

    python -m bench.generate --size 10000 --seed 1 --out bench/data

writes ``chronicle-10000-s1-v2.jsonl`` (the import format of docs/records.md:
partners first, then entries with their ``cite`` and ``outcome`` records right
after them) and ``changes-10000-s1-v2.jsonl`` (about 5% corrections and 1%
retractions, one JSON object a line: ``{"op": "correct", "id", "set": [...],
"reason"}`` with ``FIELD=VALUE`` assignments as ``chrono correct --set``
takes them, or ``{"op": "retract", "id", "reason"}``).

The shape follows the bundled chronicle: a partner hierarchy of a few hundred
partners (countries > provinces > prefectures > counties > townships, and the
home side with its districts, communes and border posts), every kind, dates
at every precision (years, months, days, intervals, open and unknown ends,
one-of sets, qualifiers, seasons and quarters), quantities in several units,
reported figures with a scope (flows over a period and stocks observed on a
date, some of them competing claims: the same question answered with another
value by another source), every qualifier (exact, at least, about, at most),
planned happenings with outcomes, and a few entries cited by a second source.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import attrs

KIND_WEIGHTS: dict[str, float] = {
    "VisitMade": 28,
    "CooperationCarriedOut": 15,
    "TalksHeld": 12,
    "AgreementSigned": 11,
    "ConferenceHeld": 8,
    "AidProvided": 9,
    "TwinningSigned": 3,
    "MechanismEstablished": 3,
    "RelationsEstablished": 1,
    # Figures drawn here, and competing claims added after some of them
    # (CLAIM_SHARE): about 3% of entries in all, as before there were claims.
    "FigureReported": 2.5,
}
KIND_SLUGS = {
    "VisitMade": "visit", "CooperationCarriedOut": "cooperation", "TalksHeld": "talks",
    "AgreementSigned": "agreement", "ConferenceHeld": "conference", "AidProvided": "aid",
    "TwinningSigned": "twinning", "MechanismEstablished": "mechanism",
    "RelationsEstablished": "relations", "FigureReported": "figure",
}  # fmt: skip
# Figures report what the kinds count, and some quantities.
FIGURE_METRICS = (
    ("agreements", "agreement"), ("visits", "visit"), ("talks", "talk"), ("conferences", "conference"),
    ("cooperation", "activity"), ("visitors", "person"), ("aid_value", "VND"), ("workers", "worker"),
)  # fmt: skip
# Stocks: levels observed on a date ("12/12 border posts are twinned", "61 NGO
# projects under way"), some of them of what the kinds count.
STOCK_METRICS = (
    ("twinnings", "twinning"), ("mechanisms", "mechanism"), ("agreements", "agreement"),
    ("ngo_projects", "project"), ("border_post_twinnings", "twinning"), ("workers", "worker"),
)  # fmt: skip
QUALIFIERS = ("exact", "at_least", "about", "at_most")
PUBLISHERS = ("Báo Hà Giang", "Cổng thông tin điện tử tỉnh Hà Giang", "Báo Nhân Dân", "Thông tấn xã Việt Nam")
FIRST_YEAR, LAST_YEAR = 1965, 2025
CORRECTION_SHARE, RETRACTION_SHARE = 0.05, 0.01
CITE_SHARE, PLANNED_SHARE = 0.01, 0.02
# Of the figures: stocks (the rest are flows), and competing claims.
STOCK_SHARE, CLAIM_SHARE = 0.4, 0.2
# Part of the data files' names: files made by an earlier generator are not reused.
FORMAT = 2


@attrs.frozen
class PartnerNode:
    id: str
    level: str
    parent: str | None
    country: str
    home: bool

    def record(self) -> dict[str, Any]:
        words = self.id.replace("-", " ")
        name = {"en": words.title(), "vi": words.capitalize(), "zh": ""}
        if self.country == "CN":
            name["zh"] = "".join(chr(0x4E00 + (ord(c) * 7) % 2000) for c in self.id[-3:])
        return {"type": "partner", "id": self.id, "name": name, "level": self.level, "parent": self.parent, "country": self.country}


def partner_tree() -> list[PartnerNode]:
    """A fixed hierarchy of about 330 partners, parents before children."""
    nodes: list[PartnerNode] = []

    def add(pid: str, level: str, parent: str | None, country: str, home: bool = False) -> str:
        nodes.append(PartnerNode(pid, level, parent, country, home))
        return pid

    china = add("china", "country", None, "CN")
    for p in range(1, 6):
        province = add(f"cn-p{p}", "province", china, "CN")
        for f in range(1, 5):
            prefecture = add(f"{province}-f{f}", "prefecture", province, "CN")
            for c in range(1, 4):
                county = add(f"{prefecture}-c{c}", "county", prefecture, "CN")
                for t in range(1, 3):
                    add(f"{county}-t{t}", "township", county, "CN")
    for code, country in (("la", "laos"), ("jp", "japan"), ("kr", "korea"), ("fr", "france"), ("us", "usa"), ("de", "germany")):
        top = add(country, "country", None, code.upper())
        for r in range(1, 4):
            region = add(f"{code}-r{r}", "province", top, code.upper())
            for c in range(1, 3):
                add(f"{region}-city{c}", "city", region, code.upper())
    for o in range(1, 11):
        add(f"org-{o}", "organisation", None, "")
    vietnam = add("vietnam", "country", None, "VN", home=True)
    province = add("home", "province", vietnam, "VN", home=True)
    for d in range(1, 12):
        district = add(f"home-d{d}", "district", province, "VN", home=True)
        for c in range(1, 4):
            add(f"{district}-x{c}", "commune", district, "VN", home=True)
    for b in range(1, 7):
        add(f"home-post{b}", "border-post", province, "VN", home=True)
    return nodes


class Generator:
    """Records of one synthetic chronicle, drawn from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible by seed)
        tree = partner_tree()
        self.partners = tree
        foreign = [n for n in tree if not n.home]
        # A few partners are much more active than the rest (Zipf-like weights).
        self.foreign = [n.id for n in foreign]
        self.foreign_weights = [1.0 / (1 + (i * 37) % len(foreign)) ** 0.8 for i in range(len(foreign))]
        self.scopes = [n.id for n in foreign if n.level in ("country", "province", "prefecture")]
        self.actors = [n.id for n in tree if n.home and n.id != "vietnam"]
        self.kinds = list(KIND_WEIGHTS)
        self.kind_weights = list(KIND_WEIGHTS.values())

    # -- dates -----------------------------------------------------------

    def year(self) -> int:
        # More happenings in recent years, as in a real chronicle.
        return min(LAST_YEAR, FIRST_YEAR + int((LAST_YEAR - FIRST_YEAR + 1) * self.rng.random() ** 0.6))

    def day(self, year: int) -> str:
        month = self.rng.randint(1, 12)
        return f"{year}-{month:02d}-{self.rng.randint(1, 28):02d}"

    def when(self) -> str:
        """An EDTF date at one of many precisions."""
        y = self.year()
        r = self.rng.random()
        month = self.rng.randint(1, 12)
        if r < 0.25:
            return str(y)
        if r < 0.50:
            return f"{y}-{month:02d}"
        if r < 0.78:
            return self.day(y)
        if r < 0.84:
            return f"{y}/{min(LAST_YEAR, y + self.rng.randint(1, 4))}"
        if r < 0.87:
            return f"{y}-{month:02d}/{y}-{max(month, self.rng.randint(1, 12)):02d}"
        if r < 0.89:
            return f"{y}/.."
        if r < 0.90:
            return f"{y}/"
        if r < 0.91:
            return f"../{y}"
        if r < 0.93:
            return f"[{y}-{month:02d}-21..{y}-{month:02d}-28]"
        if r < 0.96:
            return f"{y}{self.rng.choice('?~%')}" if self.rng.random() < 0.5 else f"{y}-{month:02d}~"
        if r < 0.98:
            return f"{y}-{self.rng.randint(21, 24)}"
        return f"{y}-{self.rng.randint(33, 36)}"

    @staticmethod
    def end_year(when: str) -> int:
        """The last year a date can mean (the current year for open ends)."""
        years = [int(part[:4]) for part in when.strip("[]").replace("..", "/").split("/") if part[:4].isdigit()]
        return max(years) if years and not when.endswith(("/..", "/")) else LAST_YEAR

    # -- records ---------------------------------------------------------

    def pick_partners(self, kind: str) -> list[str]:
        if kind == "FigureReported":
            return [] if self.rng.random() < 0.3 else sorted(set(self.rng.sample(self.scopes, self.rng.randint(1, 2))))
        count = 1 if self.rng.random() < 0.7 else self.rng.randint(2, 3)
        return sorted(set(self.rng.choices(self.foreign, weights=self.foreign_weights, k=count)))

    def quantities(self, kind: str, when: str) -> list[dict[str, Any]]:
        """A happening's quantities (a figure's are made by ``figure``)."""
        rng = self.rng
        out: list[dict[str, Any]] = []
        if kind == "VisitMade" and rng.random() < 0.5:
            out.append({"metric": "visitors", "value": str(rng.randint(3, 40)), "unit": "person", "qualifier": "exact", "period": None})
        elif kind == "AidProvided":
            unit = rng.choice(("VND", "VND", "USD", "CNY", "scholarship"))
            value = str(rng.randint(1, 30)) if unit == "scholarship" else f"{rng.randint(1, 9000)}{'000000' if unit == 'VND' else '00'}"
            metric = "scholarships" if unit == "scholarship" else "aid_value"
            out.append({"metric": metric, "value": value, "unit": unit, "qualifier": rng.choice(("exact", "about", "at_most")), "period": None})
        elif kind == "CooperationCarriedOut" and rng.random() < 0.4:
            out.append({"metric": "workers", "value": str(rng.randint(5, 500)), "unit": "worker", "qualifier": "at_least", "period": when})
        elif kind == "AgreementSigned" and rng.random() < 0.1:
            out.append({"metric": "investment", "value": f"{rng.randint(1, 500)}.5", "unit": "USD", "qualifier": "about", "period": None})
        return out

    def figure(self, number: int) -> dict[str, Any]:
        """A reported figure: a flow over a period of one to six years, or a stock observed on a day.

        A stock's ``observed`` is its source's day or "on or before" it
        (``[..D]``); its entry is dated by it.
        """
        rng = self.rng
        if rng.random() < STOCK_SHARE:
            metric, unit = rng.choice(STOCK_METRICS)
            day = self.day(self.year())
            when = day if rng.random() < 0.7 else f"[..{day}]"
            measure = {"period": None, "observed": when}
        else:
            metric, unit = rng.choice(FIGURE_METRICS)
            start = self.year()
            when = f"{start}/{min(LAST_YEAR, start + rng.randint(1, 6))}"
            measure = {"period": when, "observed": None}
        value = rng.randint(10**6, 10**10) if unit == "VND" else rng.randint(2, 400)
        quantity = {"metric": metric, "value": str(value), "unit": unit, "qualifier": rng.choice(QUALIFIERS), **measure}
        record = self.happening(number, "FigureReported", when, planned=False)
        record["quantities"] = [quantity]
        return record

    def claim(self, figure: dict[str, Any], number: int) -> dict[str, Any]:
        """A competing claim: ``figure``'s question (metric, unit, scope, period or
        observed day) answered with another value by another source."""
        rng = self.rng
        quantity = dict(figure["quantities"][0])
        value = int(quantity["value"])
        delta = max(1, value // rng.randint(3, 10))
        quantity["value"] = str(value - delta if value - delta >= 1 and rng.random() < 0.5 else value + delta)
        quantity["qualifier"] = rng.choice(QUALIFIERS)
        record = dict(figure, id=self.slug(figure["when"], "FigureReported", number), quantities=[quantity])
        record["title"] = {"en": f"Competing claim number {number}", "vi": f"Số liệu khác số {number}"}
        source = self.source(number, figure["when"])
        source["document"] = f"claim-{number % 50000:05d}.txt"
        source["publisher"] = rng.choice([p for p in PUBLISHERS if p != figure["sources"][0]["publisher"]])
        record["sources"] = [source]
        return record

    def source(self, number: int, when: str) -> dict[str, Any]:
        published = self.day(min(LAST_YEAR, self.end_year(when) + self.rng.randint(0, 2)))
        return {
            "document": f"doc-{number % 50000:05d}.txt",
            "publisher": self.rng.choice(PUBLISHERS),
            "published": published,
            "quote": f"Trích dẫn số {number}: hai bên đã trao đổi và thống nhất các nội dung hợp tác.",
        }

    def entry(self, number: int) -> dict[str, Any]:
        kind = self.rng.choices(self.kinds, weights=self.kind_weights)[0]
        if kind == "FigureReported":
            return self.figure(number)
        when = self.when()
        planned = self.rng.random() < PLANNED_SHARE
        if planned:
            when = f"{LAST_YEAR - self.rng.randint(0, 3)}-{self.rng.randint(1, 12):02d}"
        record = self.happening(number, kind, when, planned=planned)
        record["quantities"] = self.quantities(kind, when)
        return record

    def entries(self, size: int) -> Iterator[dict[str, Any]]:
        """``size`` entries; a figure is followed by a competing claim one time in five."""
        figure: dict[str, Any] | None = None
        for number in range(1, size + 1):
            if figure is not None and self.rng.random() < CLAIM_SHARE:
                record, figure = self.claim(figure, number), None
            else:
                record = self.entry(number)
                figure = record if record["kind"] == "FigureReported" else None
            yield record

    def happening(self, number: int, kind: str, when: str, *, planned: bool) -> dict[str, Any]:
        """An entry's record, without its quantities."""
        actors = sorted(set(self.rng.sample(self.actors, self.rng.randint(0, 2))))
        return {
            "type": "entry", "id": self.slug(when, kind, number), "kind": kind, "status": "planned" if planned else "happened",
            "title": {"en": f"{kind} number {number}", "vi": f"Sự kiện số {number}"},
            "when": when, "partners": self.pick_partners(kind), "actors": actors,
            "quantities": [], "sources": [self.source(number, when)],
        }  # fmt: skip

    @staticmethod
    def slug(when: str, kind: str, number: int) -> str:
        year = re.search(r"\d{4}", when)
        return f"{year.group() if year else 'x'}-{KIND_SLUGS[kind]}-{number}"

    def follow_ups(self, record: dict[str, Any], number: int) -> Iterator[dict[str, Any]]:
        """A second source for some entries; the outcome of some plans."""
        if self.rng.random() < CITE_SHARE:
            source = self.source(number + 7, record["when"])
            source["document"] = f"other-{number % 9000:04d}.txt"
            yield {"type": "cite", "id": record["id"], "source": source}
        if record["status"] == "planned" and self.rng.random() < 0.4:
            yield {"type": "outcome", "id": record["id"], "outcome": self.rng.choice(("held", "held", "postponed", "cancelled"))}

    def change(self, record: dict[str, Any]) -> dict[str, Any] | None:
        r = self.rng.random()
        if r < RETRACTION_SHARE:
            return {"op": "retract", "id": record["id"], "reason": "duplicate of another report"}
        if r >= RETRACTION_SHARE + CORRECTION_SHARE:
            return None
        return {"op": "correct", "id": record["id"], "set": self.assignments(record), "reason": "a later source gives better details"}

    def assignments(self, record: dict[str, Any]) -> list[str]:
        choice = self.rng.random()
        if choice < 0.5:
            when = record["when"]
            year = when[:4] if when[:4].isdigit() else str(self.year())
            return [f"when={year}-{self.rng.randint(1, 12):02d}"]
        if choice < 0.7 and record["kind"] != "FigureReported":
            return [f"partners={','.join(self.pick_partners(record['kind']))}"]
        if choice < 0.85 and record["quantities"]:
            quantities = [dict(q, value=str(int(float(q["value"])) + 1)) for q in record["quantities"]]
            return [f"quantities={json.dumps(quantities, ensure_ascii=False)}"]
        return [f"title.en={record['title']['en']} (corrected)"]


def generate(size: int, seed: int, chronicle: TextIO, changes: TextIO) -> tuple[int, int]:
    """Write a chronicle of ``size`` entries and its changes; return (records, changes)."""
    gen = Generator(seed)
    lines = 0
    for node in gen.partners:
        chronicle.write(_line(node.record()))
        lines += 1
    changed = 0
    for number, record in enumerate(gen.entries(size), start=1):
        chronicle.write(_line(record))
        lines += 1
        for extra in gen.follow_ups(record, number):
            chronicle.write(_line(extra))
            lines += 1
        change = gen.change(record)
        if change is not None:
            changes.write(_line(change))
            changed += 1
    return lines, changed


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def paths(out: Path, size: int, seed: int) -> tuple[Path, Path]:
    return out / f"chronicle-{size}-s{seed}-v{FORMAT}.jsonl", out / f"changes-{size}-s{seed}-v{FORMAT}.jsonl"


def ensure(out: Path, size: int, seed: int) -> tuple[Path, Path]:
    """The files of a chronicle, generated unless already there."""
    chronicle, changes = paths(out, size, seed)
    if not (chronicle.exists() and changes.exists()):
        out.mkdir(parents=True, exist_ok=True)
        with chronicle.open("w", encoding="utf-8") as c, changes.open("w", encoding="utf-8") as d:
            generate(size, seed, c, d)
    return chronicle, changes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="number of entries")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("bench/data"))
    args = parser.parse_args(argv)
    chronicle, changes = paths(args.out, args.size, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    with chronicle.open("w", encoding="utf-8") as c, changes.open("w", encoding="utf-8") as d:
        lines, changed = generate(args.size, args.seed, c, d)
    print(f"{chronicle}: {lines} records; {changes}: {changed} changes")


if __name__ == "__main__":
    main()
