"""What makes up a counter, listed a page at a time: every contribution's segments, kept per metric.

``explain M`` lists a counter's contributions as of a day: definite, then
possible, then covered. They are the segments (``counting.segments``) that
hold that day, so the segments of a partner's (or every) contribution of a
metric are kept as rows, made the first time the metric is explained and
made again when the read model has moved since. A page is then an index
range: a state's segments ending after the day, in the order they stop
counting and then in the chronicle's order, of those begun by it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chrono.projections.counting import COVERED, DEFINITE, POSSIBLE, Family
from chrono.projections.counting.segments import Segment, segments
from chrono.projections.readmodel import NAME, ReadModel, retry_busy, rowcount
from chrono.projections.results import Conflict, Contribution
from chrono.projections.schema import order_key

STATES = (DEFINITE, POSSIBLE, COVERED)


def tracking(facet: str, metric: str) -> str:
    return f"{NAME}/members/{facet}/{metric}"


def refresh(model: ReadModel, facet: str, partner: str | None, metric: str) -> None:
    """Make the metric's segments again if the read model has moved since they were made."""
    name = tracking(facet, metric)
    positions = {str(row["name"]): int(row["position"]) for row in model.rows("SELECT name, position FROM {t:tracking} WHERE name IN (?, ?)", [name, NAME])}
    made, now = positions.get(name), positions.get(NAME, 0)
    if made == now:
        return
    from chrono.projections.queries.parts import family, parts

    tree = family(model, None)
    wanted = tree.of(partner) if partner is not None else None
    rows = [_row(facet, segment) for (_, _), members in sorted(parts(model, None, wanted, metric).items()) for segment in _all(members, tree)]
    retry_busy(lambda: _store(model, (facet, metric), (made, now), rows))


def _all(members: list[Any], tree: Family) -> list[Segment]:
    return segments(members, tree)


def _row(facet: str, segment: Segment) -> tuple[Any, ...]:
    part, claim = segment.part, segment.claim
    stated = part.high if part.high is not None else part.low
    clash: tuple[str | None, str | None] = (None, None)
    if claim is not None and claim.conflict:
        clash = (",".join(m.entry for m in claim.members), ",".join(str(m.high if m.high is not None else m.low) for m in claim.members))
    return (
        facet, part.metric, part.unit, segment.state, segment.start, segment.end, order_key(part.when.sort_key), part.entry, part.index,
        part.kind, part.measure, part.when.edtf, str(segment.low), None if segment.high is None else str(segment.high), str(stated),
        segment.covered_by, *clash,
    )  # fmt: skip


def _store(model: ReadModel, key: tuple[str, str], span: tuple[int | None, int], rows: list[tuple[Any, ...]]) -> None:
    facet, metric = key
    made, now = span
    name = tracking(facet, metric)
    with model.datastore.transaction(commit=True) as cursor:
        if made is None:
            cursor.execute(model.sql("INSERT INTO {t:tracking} (name, position) VALUES (?, ?) ON CONFLICT DO NOTHING"), (name, now))
            if rowcount(cursor) != 1:
                return
        elif not model.advance(cursor, name, made, now):
            return
        cursor.execute(model.sql("DELETE FROM {t:members} WHERE facet = ? AND metric = ?"), (facet, metric))
        model.insert(cursor, "members", rows)


def page(model: ReadModel, key: tuple[str, str, int], blocks: list[tuple[str, str, int]], offset: int, size: int) -> list[Contribution]:
    """The contributions ``offset`` to ``offset + size`` of ``blocks`` ((unit, state, how many) in their order)
    of ``key`` (facet, metric, day)."""
    facet, metric, day = key
    out: list[Contribution] = []
    for unit, state, count in blocks:
        if offset >= count:
            offset -= count
            continue
        wanted = size - len(out)
        query = (
            "SELECT * FROM {t:members} WHERE facet = ? AND metric = ? AND unit = ? AND state = ? AND end_day > ? AND start_day <= ?"
            " ORDER BY end_day, order_key, entry, part LIMIT ? OFFSET ?"
        )
        out += [_contribution(row) for row in model.rows(query, [facet, metric, unit, state, day, day, wanted, offset])]
        offset = 0
        if len(out) >= size:
            break
    return out


def _contribution(row: Any) -> Contribution:
    high = row["high"]
    clash = None
    if row["claim_entries"] is not None:
        clash = Conflict(tuple(str(row["claim_entries"]).split(",")), tuple(Decimal(v) for v in str(row["claim_values"]).split(",")))
    return Contribution(
        str(row["entry"]), str(row["kind"]), str(row["unit"]), str(row["measure"]), Decimal(str(row["low"])),
        None if high is None else Decimal(str(high)), Decimal(str(row["stated"])), str(row["state"]), str(row["edtf"]),
        row["covered_by"], clash,
    )  # fmt: skip


__all__ = ["POSSIBLE", "STATES", "page", "refresh"]
