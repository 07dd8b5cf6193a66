"""Frozen value objects of the write side.

They hold no behaviour beyond validation and a named constructor from a plain
record, so that the aggregate, the transcoder and the importers share one
definition of what a partner, a quantity or a source is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from chrono.when import When

LEVELS = frozenset(
    {
        "country", "province", "prefecture", "city", "county", "district",
        "township", "commune", "village", "border-post", "border-gate",
        "organisation", "agency", "company", "park", "region",
    }
)  # fmt: skip
QUALIFIERS = ("exact", "at_least", "about", "at_most")
STATUSES = ("happened", "planned")
OUTCOMES = ("held", "postponed", "cancelled")


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _quantities(values: Iterable[Quantity]) -> tuple[Quantity, ...]:
    return tuple(values)


@attrs.frozen
class Names:
    """A partner's or entry's name in the languages chrono shows.

    Attributes:
        en: English.
        vi: Vietnamese.
        zh: Chinese, where known; empty otherwise.
    """

    en: str
    vi: str
    zh: str = ""

    def get(self, lang: str) -> str:
        """The name in ``lang``, falling back to English."""
        return self.vi if lang == "vi" and self.vi else self.en

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> Names:
        return cls(en=str(data.get("en") or ""), vi=str(data.get("vi") or ""), zh=str(data.get("zh") or ""))

    def to_json(self) -> dict[str, str]:
        out = {"en": self.en, "vi": self.vi}
        if self.zh:
            out["zh"] = self.zh
        return out


@attrs.frozen
class Partner:
    """Someone the chronicle's home side has relations with, or a home actor.

    Attributes:
        id: stable slug, e.g. ``van-son``.
        name: names in English, Vietnamese and Chinese.
        level: kind of place or body (see ``LEVELS``).
        parent: the id of the partner it belongs to, or None at the top.
        country: ISO 3166 alpha-2 code of its country, or empty.
    """

    id: str
    name: Names
    level: str
    parent: str | None = None
    country: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name.to_json(),
            "level": self.level,
            "parent": self.parent,
            "country": self.country,
        }


@attrs.frozen
class Quantity:
    """An amount stated by a source, never converted between units.

    Attributes:
        metric: what is counted or summed, e.g. ``agreements``.
        value: non-negative decimal value in ``unit``.
        unit: a currency code or the counted thing in the singular.
        qualifier: ``exact``, ``at_least``, ``about`` or ``at_most``.
        period: for a flow, the period the amount covers ("85 agreements in
            2015-2020"), if the source gives one.
        observed: for a stock, the date on which the amount was the level
            ("12/12 border posts twinned" as of the article's date). A
            quantity has a period or an observed date, never both.
    """

    metric: str
    value: Decimal
    unit: str
    qualifier: str = "exact"
    period: When | None = None
    observed: When | None = None

    def __attrs_post_init__(self) -> None:
        if self.period is not None and self.observed is not None:
            raise ValueError("a quantity has a period (a flow) or an observed date (a stock), not both")

    @property
    def stock(self) -> bool:
        """Whether this is a level observed on a date rather than a flow over a period."""
        return self.observed is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "value": str(self.value),
            "unit": self.unit,
            "qualifier": self.qualifier,
            "period": self.period.to_json() if self.period else None,
            "observed": self.observed.to_json() if self.observed else None,
        }


@attrs.frozen
class Source:
    """Where a claim comes from, with the words that support it.

    Attributes:
        document: the document's name (for the bundled chronicle, the seed file).
        quote: the supporting passage, verbatim, in the original language.
        publisher: who published the document, if known.
        title: the document's title, if known.
        published: when it was published, if known.
    """

    document: str
    quote: str
    publisher: str = ""
    title: str = ""
    published: When | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "publisher": self.publisher or None,
            "title": self.title or None,
            "published": self.published.edtf if self.published else None,
            "quote": self.quote,
        }


@attrs.frozen
class Facts:
    """Everything an entry states, at one revision.

    Attributes:
        status: ``happened`` or ``planned``.
        title: short titles in English and Vietnamese.
        when: the real-world date of the happening (or the period of a figure).
        partners: ids of the foreign-side partners (the scope of a figure).
        actors: ids of the home-side actors.
        quantities: amounts the sources state.
        cameo: the CAMEO code chosen among the kind's codes, or empty.
        note: an editor's remark, e.g. on a conflict between sources.
    """

    status: str
    title: Names
    when: When
    partners: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    actors: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    quantities: tuple[Quantity, ...] = attrs.field(default=(), converter=_quantities)
    cameo: str = ""
    note: str = ""

    def changed(self, changes: Mapping[str, Any]) -> Facts:
        """These facts with ``changes`` applied (a field name to its new value)."""
        return attrs.evolve(self, **dict(changes))

    def differences(self, other: Facts) -> dict[str, Any]:
        """The fields of ``other`` that differ from these, with their new values."""
        return {field.name: getattr(other, field.name) for field in attrs.fields(Facts) if getattr(self, field.name) != getattr(other, field.name)}


FACT_FIELDS = tuple(field.name for field in attrs.fields(Facts))
