"""The store's own tables read as they stood at an earlier position, in place: no copy.

A facet made a few writes ago is checked against what the tables made then
(``earlier``). Where few entry revisions were written since and no partner
changed, the tables as they stood there are the rows standing now, but for
the entries written since, each read at the revision it had then (none, for
an entry made since). Reading them so, with one condition on each query,
costs nothing like copying every row into a scratch store, which is what is
done where many changed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from chrono.projections.readmodel import ReadModel
from chrono.projections.reads import Reads

MOST_CHANGES = 2_000  # entry revisions written since; beyond this, the tables are copied as they stood


class StoodAt(ReadModel):
    """The read model's tables as they stood at ``position`` (the rows of the entries written since read
    at their revision of then), for the queries that make facets (``totals.facets_rows``, ``members.made_rows``)."""

    def __init__(self, app: Any, position: int, kept: Sequence[tuple[str, int]], touched: Sequence[str], *, create: bool = True) -> None:
        super().__init__(app, create=create)
        self.at = position
        self.kept = list(kept)  # (aggregate, revision) standing at ``position`` of the entries written since
        self.touched = list(touched)  # the entries written since

    def known(self, known_at: datetime | None, alias: str) -> tuple[str, list[Any]]:
        if known_at is not None or not self.touched:
            return super().known(known_at, alias)
        marks = ", ".join("?" for _ in self.touched)
        clause = f"({alias}.superseded_at IS NULL AND {alias}.aggregate NOT IN ({marks}))"
        params: list[Any] = list(self.touched)
        if self.kept:
            pairs = ", ".join("(?, ?)" for _ in self.kept)
            clause += f" OR ({alias}.aggregate, {alias}.revision) IN (VALUES {pairs})"
            params += [item for pair in self.kept for item in pair]
        return f"({clause})", params

    @contextmanager
    def reads(self) -> Iterator[Reads]:
        with super().reads() as read:
            yield _ReadsAt(self, read.cursor, self.at)


class _ReadsAt(Reads):
    def __init__(self, model: ReadModel, cursor: Any, position: int) -> None:
        super().__init__(model, cursor)
        self.at = position

    def position(self) -> int:
        return self.at


def near(app: Any, position: int, partners: Sequence[tuple[int, Any]]) -> StoodAt | None:
    """The tables as they stood at ``position`` read in place, or None where a partner changed since
    (``partners``: each partner revision with its event's position) or too many entry revisions did."""
    if any(made_at > position for made_at, _ in partners):
        return None
    model = ReadModel(app)
    since = model.rows("SELECT aggregate FROM {t:revisions} WHERE position > ?", [position])
    if len(since) > MOST_CHANGES:
        return None
    touched = sorted({str(row["aggregate"]) for row in since})
    kept: list[tuple[str, int]] = []
    for start in range(0, len(touched), 400):
        chunk = touched[start : start + 400]
        marks = ", ".join("?" for _ in chunk)
        query = f"SELECT aggregate, MAX(revision) AS revision FROM {{t:revisions}} WHERE position <= ? AND aggregate IN ({marks}) GROUP BY aggregate"
        kept += [(str(row["aggregate"]), int(row["revision"])) for row in model.rows(query, [position, *chunk])]
    return StoodAt(app, position, sorted(kept), touched)


Spec = tuple[int, list[tuple[str, int]], list[str]] | None


def spec_of(model: ReadModel) -> Spec:
    """What another process needs to read ``model``'s tables as ``model`` does (``model_of``)."""
    return (model.at, model.kept, model.touched) if isinstance(model, StoodAt) else None


def model_of(app: Any, spec: Spec) -> ReadModel:
    """The read model ``spec_of`` described, over ``app``'s store (which only reads it)."""
    if spec is None:
        return ReadModel(app, create=False)
    position, kept, touched = spec
    return StoodAt(app, position, kept, touched, create=False)
