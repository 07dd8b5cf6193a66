"""A store's facets made again from its tables and compared by their fingerprints (``fingerprints``).

A facet (a partner's or a grouping's running totals, a metric's explained
segments) is made from the read model's tables as they stand when it is
first asked for, at the read model's position, and made again or moved once
the read model has moved on. Once the other tables are found to be the
log's (``tablecheck``), a facet made at the position they stand at is what
they make now: each is made again from them, by the code that made it
(``totals.facets_rows``, ``members.made_rows``), and every row of the facet
tables is compared, by fingerprint, with the rows so made. A facet made at
an earlier position, or moved since (steps not yet folded in), is what the
tables made *then*: it is made again from the tables as they stood there
(``earlier``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chrono.projections import fingerprints, members, seals, totals
from chrono.projections.facets import Facet
from chrono.projections.rawlog import any_row, dialect_of, pieces, streamed
from chrono.projections.reader import NAME
from chrono.projections.readmodel import ReadModel
from chrono.projections.schema import COLUMNS

TABLES = ("totals", "totals_keys", "conflicts", "members")


def applicable(app: Any) -> bool:
    """Whether every facet ``app`` holds was made at the position its tables stand at, and none was moved since."""
    if any_row(app, "SELECT 1 FROM {t:totals_pending} LIMIT 1"):
        return False
    positions = _positions(app)
    return all(positions[name] == positions.get(NAME) for name in _facets(positions))


def _positions(app: Any) -> dict[str, Any]:
    return {str(name): position for name, position in streamed(app, dialect_of(app), "SELECT name, position FROM {t:tracking}")}


def _facets(positions: dict[str, Any]) -> list[str]:
    return sorted(name for name in positions if name.startswith((f"{NAME}/totals/", f"{NAME}/members/")))


def check(app: Any, key: bytes) -> tuple[str, ...] | None:
    """The facet tables whose rows differ from those ``app``'s tables make now (``()`` where every
    row agrees), or None where a facet is not one chrono names (the reference names what it finds)."""
    from chrono.projections.reference import facet_of

    dialect = dialect_of(app)
    model = ReadModel(app)
    specs = [facet_of(name, model.veil) for name in _facets(_positions(app))]
    if any(spec is None for spec in specs):
        return None  # a tracking row chrono did not write: the reference names what it finds
    made = fingerprints.Sums(key)
    for table, rows in _made(model, specs):
        made.fold(table, map(seals.as_stored, rows))
    stored = fingerprints.Sums(key)
    for table in TABLES:
        for piece in pieces(app, dialect, f"SELECT {', '.join(COLUMNS[table])} FROM {{t:{table}}}"):
            stored.fold(table, piece)
    return tuple(table for table in stored.differing(made) if table in TABLES)


def _made(model: ReadModel, specs: list[Any]) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """The rows of the facets as their tables make them now (``specs``: totals ``Facet``s, made from one
    pass per partner, or members keys)."""
    for _, (_, rows, keys, clashes) in totals.facets_rows(model, [spec for spec in specs if isinstance(spec, Facet)]):
        yield "totals", rows
        yield "totals_keys", keys
        yield "conflicts", totals.merged_clashes(clashes)
    for spec in specs:
        if not isinstance(spec, Facet):
            with model.reads() as read:
                yield "members", list(members.made_rows(read, spec, model.veil.hide))
