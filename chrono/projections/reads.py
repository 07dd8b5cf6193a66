"""Reads of the read model's tables within one transaction (``Reader.reads``): a facet, an
audit or a query that reads them in several queries sees one state of them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, Protocol

from chrono.projections.schema import NAME, Dialect
from chrono.projections.veil import Veil


class Tables(Protocol):
    """What reads need of the read model (``Reader``): its dialect, its codec, its statements."""

    dialect: Dialect
    veil: Veil

    def sql(self, statement: str) -> str: ...

    def known(self, known_at: datetime | None, alias: str) -> tuple[str, list[Any]]: ...


class Reads:
    """Reads within one transaction (``Reader.reads``)."""

    def __init__(self, model: Tables, cursor: Any) -> None:
        self.model = model
        self.cursor = cursor

    def rows(self, query: str, params: Sequence[Any]) -> list[Any]:
        self.cursor.execute(self.model.sql(query), tuple(params))
        return list(self.cursor.fetchall())

    def position(self) -> int:
        """The position in the log the tables read stand at."""
        return int(self.rows("SELECT position FROM {t:tracking} WHERE name = ?", [NAME])[0]["position"])

    def stream(self, query: str, params: Sequence[Any], size: int = 5000) -> Iterator[tuple[Any, ...]]:
        """The rows of a query as plain tuples, a chunk at a time, never all held: SQLite's cursor
        fetches as it goes; on PostgreSQL a server-side cursor does (a client one downloads the whole
        answer). A cursor of its own, so that other queries may run while it is read. Tuples, not the
        store's named rows: a facet reads a family's every contribution, and naming each column of
        each row cost a third of making its parts."""
        if self.model.dialect.postgres:
            from psycopg.rows import tuple_row

            with self.cursor.connection.cursor(name=f"chrono_stream_{id(self)}", row_factory=tuple_row) as named:
                named.execute(self.model.sql(query), tuple(params))
                while chunk := named.fetchmany(size):
                    yield from chunk
            return
        real = getattr(self.cursor, "sqlite_cursor", self.cursor)  # eventsourcing's wrapper has no fetchmany
        own = real.connection.cursor()
        own.row_factory = None
        try:
            own.execute(self.model.sql(query), tuple(params))
            while chunk := own.fetchmany(size):
                yield from chunk
        finally:
            own.close()
