"""The chain as evidence: appended to, checked, and re-anchored only on purpose.

DESIGN.md section 7: a link, once written, is never recomputed or rewritten.
The read model's tables are made from the log and may be dropped and made
again (a rebuild, a new layout); the chain is not among them. Before a read
model is made anew over a chain that exists, the log is checked against it,
and a tracking row that vanished is reported, not silently rebuilt over.

The one deliberate exception is ``reanchor``: after an intended repair of the
log, an administrator re-anchors the chain from the first position that
differs, giving a reason. The links it replaces are kept (``chain_replaced``),
the act is logged (``anchors``) and written to the witness, and every later
audit reports it until the auditor accepts that anchor by its digest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import attrs

from chrono.errors import StoreDamaged, StoreError
from chrono.projections import chain
from chrono.projections.rawlog import dialect_of, raw_log, stored_links
from chrono.projections.schema import VERSION, Dialect

LAYOUT = re.compile(r"chronicle-v(\d+)")
REANCHORED = "re-anchored at position"  # how a re-anchoring's note begins in the witness


def verify(app: Any) -> None:
    """Refuse (``StoreDamaged``, exit 1) when the log is not the one the stored chain recorded."""
    parting = chain.first_difference(chain.walk(raw_log(app)), stored_links(app))
    if parting is not None:
        raise StoreDamaged(
            f"{parting.message}; the read model was left as it was. Run chrono audit to see what changed; "
            "after an intended repair of the log, chrono reanchor --reason TEXT re-anchors the chain, on the record",
            parting.position,
        )


def admit(app: Any, dialect: Dialect, name: str, *, repair: bool) -> None:
    """Check that a read model may be made anew in ``app``'s store, which lacks the tracking row ``name``.

    A new store, or one whose read model has an older layout, may have it made
    (once the log is checked against the chain); a row that is missing or
    renamed means someone other than chrono changed the store: that is said,
    unless ``repair`` (``chrono rebuild``), which checks the log first.
    """
    with app.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(dialect.sql("SELECT name FROM {t:tracking}"))
        names = {str(row["name"]) for row in cursor.fetchall()}
        has_chain = _exists(cursor, dialect, "chain")
    layouts = [int(found.group(1)) for found in map(LAYOUT.fullmatch, names) if found]
    if any(layout > VERSION for layout in layouts):
        raise StoreError(f"the store's read model was made by a newer chrono (layout {max(layouts)}); upgrade chrono")
    if not layouts and (names or has_chain) and not repair:
        raise StoreDamaged(
            f"the read model's tracking row ({name}) is missing or renamed: chrono never removes it, so the store was "
            "changed outside chrono. Nothing was rebuilt: run chrono audit, then chrono rebuild "
            "(which checks the log against the chain before it makes the read model again)"
        )
    if has_chain:
        verify(app)


def _exists(cursor: Any, dialect: Dialect, table: str) -> bool:
    if dialect.postgres:
        cursor.execute("SELECT to_regclass(%s) AS found", (dialect.table(table),))
        return cursor.fetchone()["found"] is not None
    cursor.execute("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?", (dialect.table(table),))
    return int(cursor.fetchone()["n"]) > 0


def extend(cursor: Any, dialect: Dialect, start: int, page: Sequence[Any]) -> None:
    """Append the links of a page of events (after position ``start``) that the chain does not hold yet.

    Links already written are left as they are (a rebuild checked them first);
    a chain that ends before ``start`` lost links, and nothing is linked to it.
    """
    cursor.execute(dialect.sql("SELECT position, hash FROM {t:chain} ORDER BY position DESC LIMIT 1"))
    row = cursor.fetchone()
    try:
        last, previous = (0, chain.GENESIS) if row is None else (int(row["position"]), bytes.fromhex(row["hash"]))
    except (TypeError, ValueError):
        raise StoreDamaged("the chain's last link is damaged: run chrono audit") from None
    new = [notification for notification in page if notification.id > last]
    if not new:
        return
    if len(new) == len(page) and last != start:
        raise StoreDamaged(f"the chain ends at position {last} but the read model is at position {start}: links were removed from it; run chrono audit", last)
    links = [(position, digest.hex()) for position, digest in chain.walk(new, previous)]
    cursor.executemany(dialect.sql("INSERT INTO {t:chain} (position, hash) VALUES (?, ?)"), links)


def head(app: Any) -> chain.Digest:
    """The chain's last link."""
    dialect = dialect_of(app)
    with app.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(dialect.sql("SELECT position, hash FROM {t:chain} ORDER BY position DESC LIMIT 1"))
        row = cursor.fetchone()
    return chain.EMPTY if row is None else chain.Digest(int(row["position"]), str(row["hash"]))


@attrs.frozen
class Anchor:
    """One re-anchoring of the chain: from which position, the heads before and after, when and why."""

    anchored_at: str
    position: int
    old_head: str
    new_head: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)


def anchors(app: Any) -> list[Anchor]:
    """Every re-anchoring, oldest first."""
    dialect = dialect_of(app)
    with app.recorder.datastore.transaction(commit=False) as cursor:
        if not _exists(cursor, dialect, "anchors"):
            return []
        cursor.execute(dialect.sql("SELECT anchored_at, position, old_head, new_head, reason FROM {t:anchors} ORDER BY anchored_at, position"))
        rows = cursor.fetchall()
    return [Anchor(str(r["anchored_at"]), int(r["position"]), str(r["old_head"]), str(r["new_head"]), str(r["reason"])) for r in rows]


def reanchor(app: Any, reason: str) -> Anchor | None:
    """Re-anchor the chain at the first position where the log parts from it (an intended repair).

    The replaced links are kept in ``chain_replaced``, the act in ``anchors``;
    the links are recomputed up to the old head (later events are linked by
    the catch-up as usual). A log that agrees with its chain is left alone (None).
    """
    if not reason.strip():
        raise StoreError("give the reason for re-anchoring (--reason): it is kept with the anchor")
    dialect = dialect_of(app)
    parting = chain.first_difference(chain.walk(raw_log(app)), stored_links(app))
    if parting is None:
        return None
    old = head(app)
    previous = _link_before(app, dialect, parting.position)
    events = (raw for raw in raw_log(app, parting.position) if raw.id <= old.position)
    links = [(position, digest.hex()) for position, digest in chain.walk(events, previous)]
    new = chain.Digest(*links[-1]) if links else chain.Digest(parting.position - 1, previous.hex())
    moment = datetime.now(UTC).isoformat(timespec="microseconds")
    with app.recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute(
            dialect.sql("INSERT INTO {t:chain_replaced} (anchored_at, position, hash) SELECT ?, position, hash FROM {t:chain} WHERE position >= ?"),
            (moment, parting.position),
        )
        cursor.execute(dialect.sql("DELETE FROM {t:chain} WHERE position >= ?"), (parting.position,))
        cursor.executemany(dialect.sql("INSERT INTO {t:chain} (position, hash) VALUES (?, ?)"), links)
        cursor.execute(
            dialect.sql("INSERT INTO {t:anchors} (anchored_at, position, old_head, new_head, reason) VALUES (?, ?, ?, ?, ?)"),
            (moment, parting.position, str(old), str(new), reason),
        )
    return Anchor(moment, parting.position, str(old), str(new), reason)


def incident_in(cursor: Any, dialect: Dialect, what: str) -> None:
    """``record_incident`` within the transaction of ``cursor`` (the one that repairs what it found)."""
    cursor.execute(dialect.sql("SELECT position, hash FROM {t:chain} ORDER BY position DESC LIMIT 1"))
    row = cursor.fetchone()
    now = chain.EMPTY if row is None else chain.Digest(int(row["position"]), str(row["hash"]))
    moment = datetime.now(UTC).isoformat(timespec="microseconds")
    cursor.execute(
        dialect.sql("INSERT INTO {t:anchors} (anchored_at, position, old_head, new_head, reason) VALUES (?, ?, ?, ?, ?)"),
        (moment, now.position, str(now), str(now), f"rebuild: {what}"),
    )


def record_incident(app: Any, what: str) -> Anchor:
    """Log that the read model was found to differ from the log and was made again (``chrono rebuild``).

    Kept beside the re-anchorings, so that every later audit reports it until
    the auditor accepts it: a rebuild never makes a change to the tables vanish.
    """
    dialect = dialect_of(app)
    now = head(app)
    moment = datetime.now(UTC).isoformat(timespec="microseconds")
    with app.recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute(
            dialect.sql("INSERT INTO {t:anchors} (anchored_at, position, old_head, new_head, reason) VALUES (?, ?, ?, ?, ?)"),
            (moment, now.position, str(now), str(now), f"rebuild: {what}"),
        )
    return Anchor(moment, now.position, str(now), str(now), f"rebuild: {what}")


def _link_before(app: Any, dialect: Dialect, position: int) -> bytes:
    with app.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(dialect.sql("SELECT hash FROM {t:chain} WHERE position < ? ORDER BY position DESC LIMIT 1"), (position,))
        row = cursor.fetchone()
    return chain.GENESIS if row is None else bytes.fromhex(row["hash"])
