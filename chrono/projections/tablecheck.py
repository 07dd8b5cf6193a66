"""Whether the stored read-model tables are the ones the log makes, by their fingerprints (``fingerprints``).

The audit and ``chrono rebuild`` ask this first: where the fingerprints
apply and agree, no reference read model is made; where a table's differ,
or where they do not apply, the reference is made and compared row by row
(``reference``, ``audit_tables``), which names the first differing row.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Sequence
from contextlib import closing
from typing import Any

from chrono.projections import fingerprints, offload
from chrono.projections.compared import FACET_TABLES
from chrono.projections.deriving import STALE_TALLIES
from chrono.projections.rawlog import dialect_of, streamed, tracked
from chrono.projections.reader import NAME

_FACETS = (*FACET_TABLES, "conflicts", "members", "totals_pending", "seals")  # tables a facet writes


def applicable(app: Any) -> bool:
    """Whether ``app``'s tables can be checked by fingerprints: a store without a cipher, with no facet
    made (no row in their tables, no tracking row) and no entry counts waiting to be made again."""
    if getattr(app.mapper, "cipher", None) is not None or tracked(app, STALE_TALLIES) is not None:
        return False
    if _found(app, "SELECT 1 FROM {t:tracking} WHERE name LIKE ? OR name LIKE ? LIMIT 1", [f"{NAME}/totals/%", f"{NAME}/members/%"]):
        return False
    return not any(_found(app, f"SELECT 1 FROM {{t:{table}}} LIMIT 1") for table in _FACETS)


def _found(app: Any, query: str, params: Sequence[Any] = ()) -> bool:
    with closing(streamed(app, dialect_of(app), query, params)) as rows:  # its read ended at once
        return next(rows, None) is not None


def check(
    app: Any, progress: Callable[[int], None] | None, until: int | None, watcher: Any, meanwhile: Callable[[], None] | None
) -> tuple[str, ...] | None:  # fmt: skip
    """The tables whose fingerprints differ from the log's (up to position ``until``), or None when the
    fingerprints do not apply or could not be made (a damaged log: the reference says how). ``watcher``
    takes over what a copy of it saw of every revision when the tables agree; ``meanwhile`` runs first,
    while a long log's second process starts, and what it raises is raised."""
    if not applicable(app):
        return None
    key = os.urandom(32)  # drawn for this check alone
    head = int(app.head_position() or 0)
    last = head if until is None else min(head, until)
    seen = None if watcher is None else pickle.loads(pickle.dumps(watcher))  # noqa: S301 (its own object, copied)
    if offload.worth(last):
        with offload.apart(dict(app.env), [last], None, seen, key) as child:
            if meanwhile is not None:
                meanwhile()
            try:
                mine = fingerprints.stored(app, key, lambda: child.pending(progress))
                counts = fingerprints.recounted(app, key)
                made, seen = child.fingerprints(progress)
            except Exception:  # a damaged log or table: the reference names it
                return None
    else:
        if meanwhile is not None:
            meanwhile()
        try:
            made = fingerprints.derive(app, key, last, seen, progress)
            mine, counts = fingerprints.stored(app, key), fingerprints.recounted(app, key)
        except Exception:
            return None
    differing = tuple(mine.differing(fingerprints.Sums.from_plain(key, {**made, "tallies": counts})))
    if not differing and watcher is not None:
        watcher.take_over(seen)
    return differing
