"""The materialised read model: caught up from the log, rebuilt on demand.

eventsourcing's SQLite module has no subscriptions, so the catch-up loop is
ours: it reads the notification log after the tracked position, and writes
each page's rows together with the new tracked position in one transaction.
A concurrent reader that got there first makes our guarded update match no
row; we then roll back and carry on from where it left off.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import StoredEvent

from chrono.events.application import Chronicle
from chrono.events.entry import Entry, PartnerRecord
from chrono.events.values import Partner
from chrono.projections import chain
from chrono.projections.schema import Dialect, statements

NAME = "chronicle"
PAGE = 1000


def time_key(moment: datetime) -> str:
    """A recording time as fixed-width UTC text, so that text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def date_key(key: tuple[int, int, int] | None) -> int | None:
    if key is None:
        return None
    year, month, day = key
    return year * 10000 + month * 100 + day


class _Restarted(Exception):
    """Another reader advanced the tracked position under us."""


class ReadModel:
    """The chronicle's read model in the same store as its log."""

    def __init__(self, app: Chronicle) -> None:
        self.app = app
        self.datastore: Any = app.recorder.datastore  # type: ignore[attr-defined]
        if hasattr(self.datastore, "schema"):
            self.dialect = Dialect("%s", "BYTEA", f"{self.datastore.schema}.")
        else:
            self.dialect = Dialect("?", "BLOB", "")
        with self.datastore.transaction(commit=True) as cursor:
            for statement in statements(self.dialect):
                cursor.execute(statement)
            cursor.execute(self.sql("SELECT position FROM {t:tracking} WHERE name = ?"), (NAME,))
            if cursor.fetchone() is None:
                cursor.execute(self.sql("INSERT INTO {t:tracking} (name, position) VALUES (?, 0)"), (NAME,))

    def sql(self, statement: str) -> str:
        return self.dialect.sql(statement)

    # -- catching up -----------------------------------------------------

    def position(self) -> int:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql("SELECT position FROM {t:tracking} WHERE name = ?"), (NAME,))
            return int(_value(cursor.fetchone(), "position"))

    def catch_up(self, progress: Any = None) -> int:
        """Process every event after the tracked position; return how many."""
        done = 0
        while True:
            start = self.position()
            page = self.app.recorder.select_notifications(start=start + 1, limit=PAGE)
            if not page:
                return done
            try:
                self._process(start, page)
            except _Restarted:
                continue
            done += len(page)
            if progress is not None:
                progress(len(page))

    def rebuild(self, progress: Any = None) -> int:
        """Forget every row and process the whole log again."""
        with self.datastore.transaction(commit=True) as cursor:
            for table in ("revision_partners", "revisions", "partners", "chain"):
                cursor.execute(self.sql(f"DELETE FROM {{t:{table}}}"))
            cursor.execute(self.sql("UPDATE {t:tracking} SET position = 0 WHERE name = ?"), (NAME,))
        return self.catch_up(progress)

    def _process(self, start: int, page: Sequence[Any]) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                self.sql("UPDATE {t:tracking} SET position = ? WHERE name = ? AND position = ?"),
                (page[-1].id, NAME, start),
            )
            if _rowcount(cursor) != 1:
                raise _Restarted
            current: dict[str, Any] = {}
            for notification in page:
                event = self.app.mapper.to_domain_event(notification)
                self._apply(cursor, notification.id, event, current)
            previous = self._link_at(cursor, start)
            cursor.executemany(
                self.sql("INSERT INTO {t:chain} (position, hash) VALUES (?, ?)"),
                [(position, digest.hex()) for position, digest in chain.walk(page, previous)],
            )

    def _link_at(self, cursor: Any, position: int) -> bytes:
        if position == 0:
            return chain.GENESIS
        cursor.execute(self.sql("SELECT hash FROM {t:chain} WHERE position = ?"), (position,))
        return bytes.fromhex(_value(cursor.fetchone(), "hash"))

    def head(self) -> chain.Digest:
        """The chain's head: the last position processed and its link."""
        rows = list(self._rows("SELECT position, hash FROM {t:chain} ORDER BY position DESC LIMIT 1", ()))
        if not rows:
            return chain.Digest(0, chain.GENESIS.hex())
        return chain.Digest(int(_value(rows[0], "position")), str(_value(rows[0], "hash")))

    def links(self) -> Iterator[tuple[int, str]]:
        """The stored chain, in log order."""
        for row in self._rows("SELECT position, hash FROM {t:chain} ORDER BY position", ()):
            yield int(_value(row, "position")), str(_value(row, "hash"))

    def _apply(self, cursor: Any, position: int, event: Any, current: dict[str, Any]) -> None:
        aggregate_id = event.originator_id.hex
        previous = current.get(aggregate_id)
        if previous is None and event.originator_version > 1:
            previous = self._load(cursor, aggregate_id, event)
        aggregate = event.mutate(previous)
        current[aggregate_id] = aggregate
        recorded = time_key(event.timestamp)
        if event.originator_version > 1:
            table = "revisions" if isinstance(aggregate, Entry) else "partners"
            cursor.execute(
                self.sql(f"UPDATE {{t:{table}}} SET superseded_at = ? WHERE aggregate = ? AND revision = ?"),
                (recorded, aggregate_id, event.originator_version - 1),
            )
        if isinstance(aggregate, Entry):
            self._insert_entry(cursor, position, aggregate, recorded)
        elif isinstance(aggregate, PartnerRecord):
            cursor.execute(
                self.sql("INSERT INTO {t:partners} (aggregate, revision, id, recorded_at, superseded_at, state)"
                         " VALUES (?, ?, ?, ?, NULL, ?)"),
                (aggregate_id, aggregate.version, aggregate.partner.id, recorded, self._freeze(aggregate)),
            )  # fmt: skip

    def _insert_entry(self, cursor: Any, position: int, entry: Entry, recorded: str) -> None:
        when = entry.facts.when
        cursor.execute(
            self.sql(
                "INSERT INTO {t:revisions} (aggregate, revision, entry, recorded_at, superseded_at, kind, status,"
                " retracted, earliest, latest, sort_key, position, state) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            (
                entry.id.hex, entry.version, entry.slug, recorded, entry.kind, entry.status, int(entry.retracted),
                date_key(when.earliest_key), date_key(when.latest_key), repr(when.sort_key), position,
                self._freeze(entry),
            ),
        )  # fmt: skip
        links = {(pid, "partner") for pid in entry.facts.partners} | {(pid, "actor") for pid in entry.facts.actors}
        cursor.executemany(
            self.sql("INSERT INTO {t:revision_partners} (aggregate, revision, partner, role) VALUES (?, ?, ?, ?)"),
            [(entry.id.hex, entry.version, pid, role) for pid, role in sorted(links)],
        )

    def _load(self, cursor: Any, aggregate_id: str, event: Any) -> Any:
        table = "revisions" if isinstance(event, Entry.Event) else "partners"
        cursor.execute(
            self.sql(f"SELECT state FROM {{t:{table}}} WHERE aggregate = ? AND revision = ?"),
            (aggregate_id, event.originator_version - 1),
        )
        return self._thaw(_value(cursor.fetchone(), "state"), event.originator_id, event.originator_version - 1)

    # A revision's state is an eventsourcing snapshot, encoded by the
    # application's own mapper (transcodings, compression and cipher alike).
    def _freeze(self, aggregate: Any) -> bytes:
        snapshot = type(aggregate).Snapshot.take(aggregate)
        return bytes(self.app.mapper.to_stored_event(snapshot).state)

    def _thaw(self, state: bytes, aggregate_id: Any, version: int) -> Any:
        stored = StoredEvent(originator_id=aggregate_id, originator_version=version, topic=_SNAPSHOT_TOPIC, state=bytes(state))
        snapshot = self.app.mapper.to_domain_event(stored)
        return snapshot.mutate(None)

    # -- queries ---------------------------------------------------------

    def entries(self, known_at: datetime | None = None, partners: Iterable[str] | None = None) -> list[Entry]:
        """Entries as known at a recording time (now by default), optionally
        only those touching one of ``partners``; retracted ones included."""
        where, params = self._known(known_at, "r")
        query = "SELECT r.aggregate, r.revision, r.state FROM {t:revisions} r"
        if partners is not None:
            ids = sorted(set(partners))
            if not ids:
                return []
            marks = ", ".join("?" for _ in ids)
            query += (
                " WHERE EXISTS (SELECT 1 FROM {t:revision_partners} p WHERE p.aggregate = r.aggregate"
                f" AND p.revision = r.revision AND p.partner IN ({marks})) AND "
            )
            params = [*ids, *params]
        else:
            query += " WHERE "
        return [self._row_aggregate(row) for row in self._rows(query + where, params)]

    def revisions(self) -> Iterator[tuple[str, int, str, str | None, Any]]:
        """Every stored revision, entries and partners: id, revision, recorded, superseded, aggregate."""
        for table in ("revisions", "partners"):
            query = f"SELECT aggregate, revision, recorded_at, superseded_at, state FROM {{t:{table}}} ORDER BY aggregate, revision"
            for row in self._rows(query, ()):
                yield (
                    str(_value(row, "aggregate")), int(_value(row, "revision")), str(_value(row, "recorded_at")),
                    _value(row, "superseded_at"), self._row_aggregate(row),
                )  # fmt: skip

    def partners(self, known_at: datetime | None = None) -> dict[str, Partner]:
        where, params = self._known(known_at, "p")
        rows = self._rows("SELECT p.aggregate, p.revision, p.state FROM {t:partners} p WHERE " + where + " ORDER BY p.id", params)
        records = [self._row_aggregate(row) for row in rows]
        return {record.partner.id: record.partner for record in records}

    def _row_aggregate(self, row: Any) -> Any:
        aggregate = self._thaw(_value(row, "state"), UUID(_value(row, "aggregate")), int(_value(row, "revision")))
        if isinstance(aggregate, Entry):
            aggregate.sources = tuple(aggregate.sources)
        return aggregate

    def _known(self, known_at: datetime | None, alias: str) -> tuple[str, list[Any]]:
        if known_at is None:
            return f"{alias}.superseded_at IS NULL", []
        moment = time_key(known_at)
        clause = f"{alias}.recorded_at <= ? AND ({alias}.superseded_at IS NULL OR {alias}.superseded_at > ?)"
        return clause, [moment, moment]

    def _rows(self, query: str, params: Sequence[Any]) -> Iterator[Any]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql(query), tuple(params))
            yield from cursor.fetchall()


_SNAPSHOT_TOPIC = "eventsourcing.domain:Snapshot"


def _rowcount(cursor: Any) -> int:
    # eventsourcing's SQLite cursor wrapper hides the rowcount of the real one.
    return int(getattr(cursor, "sqlite_cursor", cursor).rowcount)


def _value(row: Any, key: str) -> Any:
    return row[key]


def fresh(app: Chronicle) -> ReadModel:
    """The read model of ``app``, caught up with its log."""
    model = ReadModel(app)
    model.catch_up()
    return model


__all__ = ["ReadModel", "Snapshot", "date_key", "fresh", "time_key"]
