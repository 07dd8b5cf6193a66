"""Moving a facet's running totals by what changed since they were made, instead of making them again.

A happening's contributions change nothing for the others: only figures
cover. So when only happenings changed since a facet's totals were made
(recorded, corrected, retracted), their old segments are taken off and the
new ones put on, as *pending steps* beside the totals (``totals_pending``);
the totals themselves are not rewritten. When a figure or a partner
changed, or the pending steps grow long, the totals are made again.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chrono.projections import seals
from chrono.projections.counting import Part
from chrono.projections.counting.grouping import groups
from chrono.projections.counting.segments import Among
from chrono.projections.cursors import retry_busy
from chrono.projections.facets import NONE, Facet, step
from chrono.projections.queries.parts import PART_COLUMNS, as_parts, family
from chrono.projections.readmodel import ReadModel

MOST_CHANGES = 2_000  # revisions moved one by one; beyond this, the totals are made again
MOST_PENDING = 50_000  # pending steps kept beside a facet's totals before they are made again


def move(model: ReadModel, facet: Facet, made: int, now: int) -> bool:
    """Move the facet's totals from position ``made`` to ``now``; False when they must be made again."""
    changed = model.rows("SELECT aggregate, revision FROM {t:revisions} WHERE position > ? AND position <= ? ORDER BY position", [made, now])
    if len(changed) != now - made or len(changed) > MOST_CHANGES:
        return False  # a partner changed (its events are not entry revisions), or too much did
    pending = model.rows("SELECT COUNT(*) AS n FROM {t:totals_pending} WHERE facet = ?", [facet.name])
    if int(pending[0]["n"]) > MOST_PENDING:
        return False
    spans: dict[str, list[int]] = {}
    for row in changed:
        span = spans.setdefault(str(row["aggregate"]), [int(row["revision"]), int(row["revision"])])
        span[1] = int(row["revision"])
    tree = family(model, None)
    wanted = tree.of(facet.partner) if facet.partner is not None else None
    before = _contributions(model, [(aggregate, first - 1) for aggregate, (first, _) in spans.items() if first > 1], wanted)
    after = _contributions(model, [(aggregate, last) for aggregate, (_, last) in spans.items()], wanted)
    if any(part.figure for part in (*before, *after)):
        return False
    steps: dict[tuple[str, str, str], dict[int, list[Any]]] = defaultdict(dict)
    for key in sorted({part.key for part in (*before, *after)}):
        moved = [p for p in (*before, *after) if p.key == key]
        lasts = [p.latest for p in moved if p.latest is not None]
        # Only a figure that ends on or after a happening's last day can cover it.
        among = Among(_figures(model, key, wanted, min(lasts)) if lasts else [], tree)
        for members, sign in ((before, -1), (after, 1)):
            for part in (p for p in members if p.key == key):
                for segment in among.happening(part):
                    for group in groups(segment.part, facet.by, wanted):
                        step(steps[(group or NONE, *key)], segment, sign)
    hide = model.veil.hide  # the steps as they are stored (and sealed: ``seals``)
    rows = [
        (facet.name, group, hide(metric), hide(unit), day, hide(str(v[0])), hide(str(v[1])), hide(str(v[2])), *v[3:])
        for (group, metric, unit), by_day in steps.items() for day, v in by_day.items() if any(v)
    ]  # fmt: skip
    return bool(retry_busy(lambda: _store(model, facet, (made, now), rows)))


def _contributions(model: ReadModel, revisions: list[tuple[str, int]], wanted: frozenset[str] | None) -> list[Part]:
    """The counted contributions of these revisions (of entries touching ``wanted``, if given)."""
    found: list[Part] = []
    for first in range(0, len(revisions), 400):
        chunk = revisions[first : first + 400]
        pairs = " OR ".join("(c.aggregate = ? AND c.revision = ?)" for _ in chunk)
        query = f"SELECT {PART_COLUMNS} FROM {{t:contributions}} c WHERE c.counted = 1 AND ({pairs})"
        params: list[Any] = [value for pair in chunk for value in pair]
        if wanted is not None:
            marks = ", ".join("?" for _ in wanted)
            query += (
                f" AND EXISTS (SELECT 1 FROM {{t:revision_partners}} f WHERE f.aggregate = c.aggregate AND f.revision = c.revision AND f.partner IN ({marks}))"
            )
            params += sorted(wanted)
        found += as_parts(model.veil, model.plain(query, params))
    return found


def _figures(model: ReadModel, key: tuple[str, str], wanted: frozenset[str] | None, last: int) -> list[Part]:
    """The counted figures of one counter as recorded now (those of the facet) that end on or after ``last``
    (a claim's figures share their dates, so claims are kept whole)."""
    # The partial index chrono_contributions_figures holds exactly these; SQLite, without
    # statistics, would rather read every row of the counter from the longer index.
    hint = "" if model.dialect.postgres else " INDEXED BY chrono_contributions_figures"
    query = (
        f"SELECT {PART_COLUMNS} FROM {{t:contributions}} c{hint} WHERE c.metric = ? AND c.unit = ? AND c.latest >= ?"
        " AND c.superseded_at IS NULL AND c.counted = 1 AND c.measure <> 'event'"
    )
    params: list[Any] = [*map(model.veil.hide, key), last]
    if wanted is not None:
        marks = ", ".join("?" for _ in wanted)
        query += f" AND c.aggregate IN (SELECT f.aggregate FROM {{t:revision_partners}} f WHERE f.superseded_at IS NULL AND f.partner IN ({marks}))"
        params += sorted(wanted)
    return list(as_parts(model.veil, model.plain(query, params)))


def _store(model: ReadModel, facet: Facet, span: tuple[int, int], rows: list[tuple[Any, ...]]) -> bool:
    made, now = span
    with model.datastore.transaction(commit=True) as cursor:
        if not model.advance(cursor, facet.tracking, made, now):
            return True  # another reader moved them first: theirs will do
        model.insert(cursor, "totals_pending", rows)
        seals.seal(cursor, model.dialect, facet.tracking, now, seals.row_sum("totals_pending", rows), since=made)
    return True
