"""How many entries a filter holds, by kind: from the kept counts (``projections.tallies``) where the
question allows, as known at a past time from what was recorded and superseded since, else from the rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from chrono.projections.counting.rule import year_of
from chrono.projections.queries.filters import Filter, start_key, touches, undated
from chrono.projections.queries.parts import family
from chrono.projections.readmodel import ReadModel
from chrono.projections.rows import time_key
from chrono.projections.tallies import OPEN_YEAR

WALK = 2000  # rows of the chronicle's order a page of a family may walk instead of seeking into each partner's range


def count(model: ReadModel, flt: Filter, known_at: datetime | None) -> int:
    """How many entries the filter holds."""
    return sum(kinds(model, flt, known_at).values())


def kinds(model: ReadModel, flt: Filter, known_at: datetime | None) -> dict[str, int]:
    """How many entries the filter holds, by kind: from the kept counts where the question
    allows (``projections.tallies``), else by counting rows."""
    scope = "" if flt.partners is None else flt.scope
    if known_at is not None:
        return _as_known(model, flt, known_at)
    if flt.start is None and scope is not None:
        return _tallied(model, flt, scope)
    return counted(model, flt, None)


def _as_known(model: ReadModel, flt: Filter, known_at: datetime) -> dict[str, int]:
    """``kinds`` as known at ``known_at``: as known now, less the revisions recorded since that stand
    now, plus those superseded since that stood then. The work grows with what was recorded since
    (``chrono_revisions_recorded``, ``chrono_revisions_superseded``), not with the chronicle."""
    # The kept counts are of each family as it stands now: one that has changed since is counted from its rows.
    same = flt.partners is None or (flt.scope is not None and family(model, None).of(flt.scope) == flt.partners)
    found = kinds(model, flt, None) if same else counted(model, flt, None)
    holds, params = flt.holds("r")
    touching = ""
    if flt.partners is not None:
        if not flt.partners:
            return {}
        touching, ids = touches(model, sorted(flt.partners))
        params = [*params, *ids]
    moment = time_key(known_at)
    since = f"SELECT r.kind, COUNT(*) AS n FROM {{t:revisions}} r WHERE r.recorded_at > ? AND r.superseded_at IS NULL{holds}{touching} GROUP BY r.kind"
    before = f"SELECT r.kind, COUNT(*) AS n FROM {{t:revisions}} r WHERE r.superseded_at > ? AND r.recorded_at <= ?{holds}{touching} GROUP BY r.kind"
    for sign, query, moments in ((-1, since, [moment]), (1, before, [moment, moment])):
        for row in model.rows(query, [*moments, *params]):
            found[str(row["kind"])] = found.get(str(row["kind"]), 0) + sign * int(row["n"])
    return {kind: n for kind, n in sorted(found.items()) if n}


def years(model: ReadModel, flt: Filter, known_at: datetime | None) -> tuple[int, int] | None:
    """The first and last start year of the entries the filter holds (open starts left out), if the kept
    counts can tell; None when they cannot (the caller then looks at the first and last entries)."""
    scope = "" if flt.partners is None else flt.scope
    if known_at is not None or flt.start is not None or scope is None:
        return None
    where, params = _kept(flt, scope)
    where, params = where + " AND n > 0 AND year > ?", [*params, OPEN_YEAR]
    if flt.last_start is not None:
        where += " AND year <= ?"
        params.append(int(year_of(flt.last_start, None) or 0))
    row = model.rows(f"SELECT MIN(year) AS first, MAX(year) AS last FROM {{t:tallies}} WHERE {where}", params)[0]
    return (0, 0) if row["first"] is None else (int(row["first"]), int(row["last"]))


def _kept(flt: Filter, scope: str) -> tuple[str, list[Any]]:
    """The condition on the kept counts of a scope for the filter's kinds, statuses and retraction."""
    where, params = "scope = ?", [scope]
    for column, values in (("kind", flt.kinds), ("status", flt.statuses)):
        if values:
            where += f" AND {column} IN ({', '.join('?' for _ in values)})"
            params += sorted(values)
    if not flt.retracted:
        where += " AND retracted = 0"
    return where, params


def _tallied(model: ReadModel, flt: Filter, scope: str) -> dict[str, int]:
    """The kept counts of whole start years, and the rows of the last, partly asked-for year."""
    last = flt.last_start
    year = None if last is None else int(year_of(last, None) or 0)
    if last is not None and year is not None and last % 10000 == 1231:
        last, year = None, year + 1  # the whole year is asked for (an as-of date is often its last day): all kept
    where, params = _kept(flt, scope)
    if year is not None:
        where += " AND year < ?"
        params.append(year)
    found: dict[str, int] = {}
    for row in model.rows(f"SELECT kind, SUM(n) AS n FROM {{t:tallies}} WHERE {where} GROUP BY kind", params):
        found[str(row["kind"])] = int(row["n"] or 0)
    if year is not None and last is not None:
        partial = attrs.evolve(flt, end=None, begun_by=last)  # the asked-for part of the last year, from its rows
        for kind, n in counted(model, partial, None, since=start_key(year * 10000 + 101)).items():
            found[kind] = found.get(kind, 0) + n
    return {kind: n for kind, n in sorted(found.items()) if n}


def counted(model: ReadModel, flt: Filter, known_at: datetime | None, since: str | None = None) -> dict[str, int]:
    """Count the rows as known at ``known_at``, by kind (from the order key ``since``, if given): the
    plain way, a scan of what the filter holds, that the kept counts and ``_as_known`` answer faster."""
    if flt.partners is None:
        where, params = flt.where(model, known_at, "r")
        if since is not None:
            where, params = where + " AND r.order_key >= ?", [*params, since]
        query = f"SELECT r.kind, COUNT(*) AS n FROM {{t:revisions}} r WHERE {where} GROUP BY r.kind"
    elif not flt.partners:
        return {}
    else:
        where, params = flt.where(model, known_at, "p")
        if since is not None:
            where, params = where + " AND p.order_key >= ?", [*params, since]
        marks = ", ".join("?" for _ in flt.partners)
        query = f"SELECT p.kind, COUNT(DISTINCT p.aggregate) AS n FROM {{t:revision_partners}} p WHERE p.partner IN ({marks}) AND {where} GROUP BY p.kind"
        params = [*sorted(flt.partners), *params]
    return {str(row["kind"]): int(row["n"]) for row in sorted(model.rows(query, params), key=lambda row: str(row["kind"]))}


def kinds_of(model: ReadModel, families: dict[str, frozenset[str]], flt: Filter) -> dict[str, dict[str, int]]:
    """``kinds`` of each family (as known now, its partners aside), the kept counts of all of them read at once."""
    if not families:
        return {}
    last = flt.last_start
    if last is not None and last % 10000 != 1231:  # a year partly asked for: its rows are counted family by family
        return {pid: kinds(model, attrs.evolve(flt, partners=ids, scope=pid), None) for pid, ids in families.items()}
    where, params = _kept(flt, "")
    where = where.replace("scope = ?", f"scope IN ({', '.join('?' for _ in families)})")
    params = [*sorted(families), *params[1:]]
    if last is not None:
        where += " AND year <= ?"
        params.append(int(year_of(last, None) or 0))
    out: dict[str, dict[str, int]] = {pid: {} for pid in families}
    for row in model.rows(f"SELECT scope, kind, SUM(n) AS n FROM {{t:tallies}} WHERE {where} GROUP BY scope, kind ORDER BY scope, kind", params):
        if int(row["n"] or 0):
            out[str(row["scope"])][str(row["kind"])] = int(row["n"])
    return out


def overall(model: ReadModel, flt: Filter) -> int:
    """How many entries of the whole chronicle the filter's kinds, statuses and retraction hold, dates aside."""
    return sum(kinds(model, attrs.evolve(undated(flt), partners=None, scope=None), None).values())


def walks(wanted: int, every: int, held: int, partners: int) -> bool:
    """Whether to walk the chronicle's order for ``wanted`` entries of a family of ``partners`` that
    holds ``held`` of the ``every`` entries the filter asks for (a walked row costs about a seek)."""
    rows = wanted * every  # expected rows walked, times ``held``
    return held > 0 and rows <= WALK * held and rows <= 2 * (partners + wanted) * held
