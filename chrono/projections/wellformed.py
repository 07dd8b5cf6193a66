"""Is a decoded aggregate made of what chrono writes? A damaged state may decode to the wrong types.

The transcoder turns a stored state back into objects by the type tags in
it; one changed byte in a tag leaves a plain dict where a ``Partner`` was,
and the first query to touch it would fail far from the cause. Each value
object's fields are checked against their declared types (a class, ``X |
None``, ``tuple[X, ...]``), once per read.
"""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from functools import lru_cache
from typing import Any

import attrs

from chrono.events.entry import Entry, PartnerRecord
from chrono.events.values import Facts, Partner, Source
from chrono.when import When


class Malformed(ValueError):
    """A decoded value is not of the type chrono wrote there."""


def check(aggregate: Any) -> None:
    """Raise ``Malformed`` if ``aggregate`` holds a value of a type chrono never writes there."""
    if isinstance(aggregate, Entry):
        _expect(aggregate.slug, str, "slug")
        _expect(aggregate.facts, Facts, "facts")
        _value(aggregate.facts, "facts")
        if not isinstance(aggregate.sources, tuple | list):
            raise Malformed("sources is not a list")
        for source in aggregate.sources:
            _expect(source, Source, "source")
            _value(source, "source")
        _expect(aggregate.retracted, bool, "retracted")
    elif isinstance(aggregate, PartnerRecord):
        _expect(aggregate.partner, Partner, "partner")
        _value(aggregate.partner, "partner")
    else:
        raise Malformed(f"a {type(aggregate).__name__} where an entry or a partner was stored")


def _expect(value: Any, kind: type, where: str) -> None:
    if not isinstance(value, kind):
        raise Malformed(f"{where} is a {type(value).__name__}, not a {kind.__name__}")


def _value(value: Any, where: str) -> None:
    if isinstance(value, When):
        return  # made by its own parser
    cls: Any = type(value)
    for name, kind in _fields(cls):
        _typed(getattr(value, name), kind, f"{where}.{name}")


@lru_cache(maxsize=64)
def _fields(cls: Any) -> tuple[tuple[str, Any], ...]:
    if not attrs.has(cls):
        return ()
    hints = typing.get_type_hints(cls)
    return tuple((field.name, hints.get(field.name, Any)) for field in attrs.fields(cls))


def _typed(value: Any, kind: Any, where: str) -> None:
    if kind is Any:
        return
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(kind)
        if value is None and type(None) in options:
            return
        for option in options:
            if option is not type(None):
                try:
                    _typed(value, option, where)
                    return
                except Malformed:
                    continue
        raise Malformed(f"{where} is a {type(value).__name__}")
    if origin is tuple:
        if not isinstance(value, tuple):
            raise Malformed(f"{where} is a {type(value).__name__}, not a tuple")
        item = typing.get_args(kind)[0]
        for element in value:
            _typed(element, item, where)
        return
    if isinstance(kind, type):
        if (kind is Decimal and isinstance(value, Decimal)) or (kind is not Decimal and isinstance(value, kind)):
            _value(value, where)
            return
        raise Malformed(f"{where} is a {type(value).__name__}, not a {kind.__name__}")
