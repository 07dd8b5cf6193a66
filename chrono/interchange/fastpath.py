"""The plain reader of well-formed entries: most of any file, read without collecting problems.

It stops at the first thing out of the ordinary and hands the record to the
checking parser (``chrono.interchange.records.checked_entry``), which makes
the same draft of anything this reader accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chrono.events.commands import Draft, Origin
from chrono.events.kinds import KINDS
from chrono.events.slugs import SLUG, derived_ids
from chrono.events.values import OUTCOMES, QUALIFIERS, STATUSES, Facts, Names, Quantity, Source
from chrono.interchange.fields import absent, decimal_field
from chrono.interchange.schema import CODES, QUANTITY, RECORDS, SOURCE, TITLE, WHEN
from chrono.when import When

ENTRY = RECORDS["entry"]  # the export's keys included


class Unusual(ValueError):
    """Something ``plain_entry`` leaves to the checking parser."""


def _needed(value: Any) -> str:
    """Required text, as ``text_field`` reads it."""
    if type(value) is str and value and not value.isspace():
        return value
    raise Unusual


def _given(value: Any) -> str:
    """Optional text, as ``text_field`` reads it: empty for none or blank."""
    if type(value) is str:
        return "" if value.isspace() else value
    if value is None:
        return ""
    raise Unusual


def _plain_when(value: Any) -> When:
    if type(value) is dict:
        if not WHEN.issuperset(value):
            raise Unusual
        value = value.get("edtf")
    if type(value) is not str:
        raise Unusual
    return When.parse(value)


def _plain_ids(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if type(value) is not list:
        raise Unusual
    for pid in value:
        if type(pid) is not str or not SLUG.match(pid):
            raise Unusual
    return tuple(value)


def _plain_quantity(data: Any) -> Quantity:
    if type(data) is not dict or not QUANTITY.issuperset(data):
        raise Unusual
    qualifier = data.get("qualifier")
    qualifier = "exact" if absent(qualifier) else qualifier
    if qualifier not in QUALIFIERS:
        raise Unusual
    period, observed = data.get("period"), data.get("observed")
    if not absent(period) and not absent(observed):
        raise Unusual
    return Quantity(
        metric=_needed(data.get("metric")), value=decimal_field(data.get("value")), unit=_needed(data.get("unit")),
        qualifier=qualifier, period=None if absent(period) else _plain_when(period),
        observed=None if absent(observed) else _plain_when(observed),
    )  # fmt: skip


def _plain_source(data: Any) -> Source:
    if type(data) is not dict or not SOURCE.issuperset(data):
        raise Unusual
    published = data.get("published")
    return Source(
        document=_needed(data.get("document")), quote=_needed(data.get("quote")),
        publisher=_given(data.get("publisher")), title=_given(data.get("title")),
        published=None if absent(published) else _plain_when(published),
    )  # fmt: skip


def plain_entry(data: Mapping[str, Any], origin: Origin) -> Draft:
    """The draft of a well-formed entry, without collecting problems.

    Raises one of ``EXPECTED`` (most often ``Unusual``) at the first thing it
    does not take as it stands; ``checked_entry`` then reads the record.
    Whatever it accepts, ``checked_entry`` accepts as the same draft.
    """
    kind, title, status = data.get("kind"), data.get("title"), data.get("status")
    if type(kind) is not str or kind not in KINDS or type(title) is not dict or not ENTRY.issuperset(data) or not TITLE.issuperset(title):
        raise Unusual
    status = "happened" if absent(status) else "planned" if status in OUTCOMES else status
    codes = data.get("codes")
    codes = {} if absent(codes) else codes
    retracted = data.get("retracted")  # an export writes false; by identity, as 0 == False
    if status not in STATUSES or type(codes) is not dict or not CODES.issuperset(codes) or (retracted is not None and retracted is not False):
        raise Unusual
    allowed = KINDS[kind].cameo
    cameo = codes.get("cameo")
    cameo = (allowed[0] if allowed else "") if absent(cameo) else cameo
    quantities, sources = data.get("quantities"), data.get("sources")
    quantities = [] if absent(quantities) else quantities
    if type(cameo) is not str or (cameo and cameo not in allowed) or type(quantities) is not list or type(sources) is not list or not sources:
        raise Unusual
    names = Names(en=_needed(title.get("en")), vi=_given(title.get("vi")), zh=_given(title.get("zh")))
    when = _plain_when(data.get("when"))
    facts = Facts(
        status=str(status), title=names, when=when, partners=_plain_ids(data.get("partners")),
        actors=_plain_ids(data.get("actors")), quantities=tuple(_plain_quantity(q) for q in quantities),
        cameo=str(cameo), note=_given(data.get("note")),
    )  # fmt: skip
    slug, earlier = data.get("id"), None
    if slug is None:
        slug, earlier = derived_ids(kind, when, names)
    elif type(slug) is not str or not SLUG.match(slug):
        raise Unusual
    return Draft(slug=slug, kind=kind, facts=facts, sources=tuple(_plain_source(s) for s in sources), origin=origin, earlier=earlier)
