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

from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import chain, islice
from typing import Any

from chrono.projections import seals
from chrono.projections.counting import COVERED, DEFINITE, POSSIBLE
from chrono.projections.counting.claims import listed, unlisted
from chrono.projections.counting.segments import Among, Segment
from chrono.projections.cursors import retry_busy, rowcount
from chrono.projections.readmodel import ReadModel
from chrono.projections.reads import Reads
from chrono.projections.results import Conflict, Contribution
from chrono.projections.schema import NAME, order_key
from chrono.projections.veil import Veil
from chrono.projections.working import Advance

STATES = (DEFINITE, POSSIBLE, COVERED)


def tracking(facet: str, metric: str) -> str:
    """The tracking (and seal) name of a facet's segments of ``metric`` as stored (hidden by the codec, ``veil``)."""
    return f"{NAME}/members/{facet}/{metric}"


def refresh(model: ReadModel, facet: str, partner: str | None, metric: str) -> None:
    """Make the metric's segments again if the read model has moved since they were made."""
    name = tracking(facet, model.veil.hide(metric))
    positions = {str(row["name"]): int(row["position"]) for row in model.rows("SELECT name, position FROM {t:tracking} WHERE name IN (?, ?)", [name, NAME])}
    made, now = positions.get(name), positions.get(NAME, 0)
    if made != now:
        with model.working(f"explaining {metric}", None) as advance:
            retry_busy(lambda: _make(model, (facet, partner, metric), made, now, advance))


def _make(model: ReadModel, key: tuple[str, str | None, str], made: int | None, now: int, advance: Advance) -> None:
    """The segments written as they are worked out, a batch at a time, in the transaction that claims them."""
    facet, _, metric = key
    hide = model.veil.hide  # the rows as they are stored (and sealed: ``seals``)
    stored = hide(metric)
    name = tracking(facet, stored)
    with model.datastore.transaction(commit=True) as cursor:
        if made is None:
            cursor.execute(model.sql("INSERT INTO {t:tracking} (name, position) VALUES (?, ?) ON CONFLICT DO NOTHING"), (name, now))
            if rowcount(cursor) != 1:
                return
        elif not model.advance(cursor, name, made, now):
            return  # another reader made them first
        seals.check_before_forgetting(cursor, model.dialect, name, made, seals.members_sum(cursor, model.dialect, facet, stored))
        cursor.execute(model.sql("DELETE FROM {t:members} WHERE facet = ? AND metric = ?"), (facet, stored))
        digest = 0
        for batch in made_batches(Reads(model, cursor), key, hide):
            model.insert(cursor, "members", batch)
            digest += seals.row_sum("members", batch)
            advance(len(batch))
        seals.seal(cursor, model.dialect, name, now, digest % seals.MODULUS)


def made_rows(read: Any, key: tuple[str, str | None, str], hide: Callable[[str], str]) -> Iterator[tuple[Any, ...]]:
    """The segments of a facet's metric (``key``: facet, partner, metric) as rows, as they are stored,
    from one read of the tables: what ``_make`` writes, and the audit makes again (``facetcheck``)."""
    from chrono.projections.queries.parts import by_counter, family_in

    facet, partner, metric = key
    tree = family_in(read)
    wanted = tree.of(partner) if partner is not None else None
    for _, figures, happenings in by_counter(read, wanted, metric):
        among = Among(figures, tree)
        for segment in chain(among.figures(), (piece for part in happenings for piece in among.happening(part))):
            yield _row(facet, segment, hide)


BATCH = 5000


def made_batches(read: Any, key: tuple[str, str | None, str], hide: Callable[[str], str]) -> Iterator[list[tuple[Any, ...]]]:
    """``made_rows``, ``BATCH`` at a time: a metric explained at 1M entries has hundreds of thousands of segments."""
    rows = made_rows(read, key, hide)
    while batch := list(islice(rows, BATCH)):
        yield batch


def _row(facet: str, segment: Segment, hide: Callable[[str], str]) -> tuple[Any, ...]:
    part, claim = segment.part, segment.claim
    clash: tuple[str | None, str | None] = (None, None)
    if claim is not None and claim.conflict:
        entries, values = listed(claim)
        clash = (entries, hide(values))
    return (
        facet, hide(part.metric), hide(part.unit), segment.state, segment.start, segment.end, order_key(part.when.sort_key), part.entry,
        part.index, part.kind, part.measure, part.when.edtf, hide(str(segment.low)), None if segment.high is None else hide(str(segment.high)),
        hide(str(part.stated)), segment.covered_by, *clash,
    )  # fmt: skip


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
        found = model.rows(query, [facet, model.veil.hide(metric), model.veil.hide(unit), state, day, day, wanted, offset])
        out += [_contribution(model.veil, row) for row in found]
        offset = 0
        if len(out) >= size:
            break
    return out


def _contribution(veil: Veil, row: Any) -> Contribution:
    show = veil.show
    high = row["high"]
    clash = None
    if row["claim_entries"] is not None:
        clash = Conflict(*unlisted(str(row["claim_entries"]), show(str(row["claim_values"]))))
    return Contribution(
        str(row["entry"]), str(row["kind"]), show(str(row["unit"])), str(row["measure"]), Decimal(show(str(row["low"]))),
        None if high is None else Decimal(show(str(high))), Decimal(show(str(row["stated"]))), str(row["state"]), str(row["edtf"]),
        row["covered_by"], clash,
    )  # fmt: skip


__all__ = ["POSSIBLE", "STATES", "page", "refresh"]
