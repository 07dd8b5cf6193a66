"""Transcodings that let eventsourcing's JSON transcoder store our values.

The transcoder matches exact types, so pendulum's Date and DateTime, which
subclass the standard ones, need transcodings of their own.
"""

from __future__ import annotations

from typing import Any

import attrs
import pendulum
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


class PendulumDateAsISO(Transcoding):
    type = pendulum.Date
    name = "pendulum_date"

    def encode(self, obj: pendulum.Date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> pendulum.Date:
        return pendulum.Date.fromisoformat(data)


class PendulumDateTimeAsISO(Transcoding):
    type = pendulum.DateTime
    name = "pendulum_datetime"

    def encode(self, obj: pendulum.DateTime) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> pendulum.DateTime:
        parsed = pendulum.parse(data)
        assert isinstance(parsed, pendulum.DateTime)
        return parsed


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
    for transcoding in (WhenAsEDTF(), PendulumDateAsISO(), PendulumDateTimeAsISO()):
        transcoder.register(transcoding)
    for cls, name in VALUE_OBJECTS.items():
        transcoder.register(AttrsAsDict(cls, name))
