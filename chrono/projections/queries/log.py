"""The event log as people read it: events named by their entry or partner, and how many there are."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from chrono.projections.readmodel import ReadModel
from chrono.projections.rows import time_key

CHUNK = 500


def names(model: ReadModel, aggregates: Iterable[UUID]) -> dict[UUID, str]:
    """The readable id (entry or partner) of each aggregate, from the read model."""
    wanted = sorted({aggregate.hex for aggregate in aggregates})
    found: dict[UUID, str] = {}
    for first in range(0, len(wanted), CHUNK):
        chunk = wanted[first : first + CHUNK]
        marks = ", ".join("?" for _ in chunk)
        for table, column in (("revisions", "entry"), ("partners", "id")):
            query = f"SELECT DISTINCT aggregate, {column} AS name FROM {{t:{table}}} WHERE aggregate IN ({marks})"
            found.update((UUID(str(row["aggregate"])), str(row["name"])) for row in model.rows(query, chunk))
    return found


class Names(Mapping[UUID, str]):
    """``names`` filled a chunk at a time while a streamed log is read (see ``named``)."""

    def __init__(self, model: ReadModel) -> None:
        self.model = model
        self.known: dict[UUID, str] = {}

    def learn(self, aggregates: Iterable[UUID]) -> None:
        self.known = names(self.model, aggregates)

    def __getitem__(self, key: UUID) -> str:
        return self.known[key]

    def __iter__(self) -> Iterator[UUID]:
        return iter(self.known)

    def __len__(self) -> int:
        return len(self.known)


def named(model: ReadModel, events: Iterable[tuple[int, Any]]) -> Iterator[list[tuple[int, Any]]]:
    """The events in chunks (their names looked up per chunk by ``Names.learn``)."""
    chunk: list[tuple[int, Any]] = []
    for item in events:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def known(model: ReadModel, known_at: datetime) -> int:
    """How many events were recorded at or before ``known_at``: each made one revision of an entry or a partner."""
    moment = time_key(known_at)
    return sum(int(model.rows(f"SELECT COUNT(*) AS n FROM {{t:{table}}} WHERE recorded_at <= ?", [moment])[0]["n"]) for table in ("revisions", "partners"))
