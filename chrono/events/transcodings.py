"""Transcodings that let eventsourcing's JSON transcoder store our values.

Events hold dates only as ``When`` (stored as its EDTF text); no event holds
a pendulum date, so pendulum is not needed to open a store.
"""

from __future__ import annotations

from typing import Any

import attrs
from eventsourcing.persistence import JSONTranscoder, Transcoding

from chrono.events.values import Facts, Names, Partner, Quantity, Source
from chrono.when import When


class WhenAsEDTF(Transcoding):
    type = When
    name = "when"

    def encode(self, obj: When) -> str:
        return obj.edtf

    def decode(self, data: str) -> When:
        return When.parse(data)


class AttrsAsDict(Transcoding):
    """A frozen attrs value object as a dict of its fields."""

    def __init__(self, cls: type[Any], name: str) -> None:
        self.type = cls
        self.name = name
        self._fields = tuple(field.name for field in attrs.fields(cls))

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self._fields}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


VALUE_OBJECTS = {Names: "names", Partner: "partner", Quantity: "quantity", Source: "source", Facts: "facts"}


def register_transcodings(transcoder: JSONTranscoder) -> None:
    """Register chrono's transcodings on an eventsourcing JSON transcoder."""
    transcoder.register(WhenAsEDTF())
    for cls, name in VALUE_OBJECTS.items():
        transcoder.register(AttrsAsDict(cls, name))
