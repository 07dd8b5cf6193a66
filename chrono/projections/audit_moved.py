"""The audit of running totals with pending steps (``totals_pending``): a moved facet's counters that the
steps touched, compared by the running totals they answer, day by day, with the ones made from the log
(the others are compared row by row: ``compared.Moved``); its ``totals_keys`` must be the last row of its
``totals``."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from chrono.projections.difference import Difference, opened, sql_order
from chrono.projections.facets import FIELDS
from chrono.projections.rawlog import dialect_of, streamed


def moved_facet(app: Any, scratch: Any, facet: str, only: Collection[tuple[str, str, str]] | None) -> Difference | None:
    """A facet with pending steps: the running totals it answers, against the ones made from the log
    (of its counters ``only``, if given: the rest are compared row by row, ``compared.Moved``)."""
    from chrono.errors import StoreDamaged
    from chrono.projections import veil

    stored, made = dialect_of(app), dialect_of(scratch)
    fields = ", ".join(FIELDS)
    codec = veil.of(app)  # the sums as stored (sealed, in an encrypted store): both stores' keys are one
    show, named_as = codec.show, opened(codec)
    lasts, raw_last = _lasts(app, facet, only)
    if lasts != raw_last:
        key = min(set(lasts) ^ set(raw_last) or {k for k in lasts if lasts[k] != raw_last.get(k)}, key=sql_order)
        return Difference(
            "totals_keys",
            (facet, *key),
            f"chrono_totals_keys row (facet={facet!r}, grp={key[0]!r}, metric={named_as(key[1])}, unit={named_as(key[2])}) is not the last row of its totals",
            1,
        )
    # One counter at a time: a million entries' facet holds hundreds of thousands of rows.
    counters = set(only) if only is not None else {
        tuple(row) for app_, dialect, table in ((app, stored, "totals"), (app, stored, "totals_pending"), (scratch, made, "totals"))
        for row in streamed(app_, dialect, f"SELECT DISTINCT grp, metric, unit FROM {{t:{table}}} WHERE facet = ?", [facet])
    }  # fmt: skip
    for key in sorted(counters, key=sql_order):
        where = "WHERE facet = ? AND grp = ? AND metric = ? AND unit = ?"
        try:
            base = _series(streamed(app, stored, f"SELECT grp, metric, unit, day, {fields} FROM {{t:totals}} {where}", [facet, *key]), show)
            steps = _series(streamed(app, stored, f"SELECT grp, metric, unit, day, {fields} FROM {{t:totals_pending}} {where}", [facet, *key]), show, add=True)
            theirs = _series(streamed(scratch, made, f"SELECT grp, metric, unit, day, {fields} FROM {{t:totals}} {where}", [facet, *key]), show)
        except (InvalidOperation, TypeError, ValueError, StoreDamaged) as error:
            return Difference("totals", (facet,), f"chrono_totals and chrono_totals_pending of facet {facet!r} cannot be read ({type(error).__name__})", 1)
        if _effective(base, steps).get(key, []) != _effective(theirs, {}).get(key, []):
            return Difference(
                "totals",
                (facet, *key),
                f"chrono_totals and chrono_totals_pending of facet {facet!r}, counter {named_as(key[1])} ({named_as(key[2])}) group {key[0]!r}:"
                " the running totals with their pending steps differ from the log's",
                1,
            )
    return None


def _lasts(app: Any, facet: str, only: Collection[tuple[str, str, str]] | None) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """Each counter's ``totals_keys`` row, and the last row of its totals (of the counters ``only``, if given)."""
    dialect, fields = dialect_of(app), ", ".join(FIELDS)
    scopes = [("facet = ?", [facet])] if only is None else [("facet = ? AND grp = ? AND metric = ? AND unit = ?", [facet, *key]) for key in sorted(only)]
    lasts: dict[Any, Any] = {}
    raw_last: dict[Any, Any] = {}
    for where, params in scopes:
        for row in streamed(app, dialect, f"SELECT grp, metric, unit, last_day, {fields} FROM {{t:totals_keys}} WHERE {where}", params):
            lasts[tuple(row[:3])] = tuple(row[3:])
        for row in streamed(app, dialect, f"SELECT grp, metric, unit, day, {fields} FROM {{t:totals}} WHERE {where} ORDER BY grp, metric, unit, day", params):
            raw_last[tuple(row[:3])] = tuple(row[3:])
    return lasts, raw_last


def _series(rows: Iterator[tuple[Any, ...]], show: Callable[[str], str], add: bool = False) -> dict[tuple[Any, ...], dict[int, list[Any]]]:
    out: dict[tuple[Any, ...], dict[int, list[Any]]] = {}
    for row in rows:
        by_day = out.setdefault(tuple(row[:3]), {})
        values = [_decimal(show(v)) for v in row[4:7]] + [int(v) for v in row[7:]]
        current = by_day.get(int(row[3]))
        by_day[int(row[3])] = values if current is None or not add else [a + b for a, b in zip(current, values, strict=True)]
    return out


def _decimal(text: Any) -> Decimal:
    value = Decimal(str(text))
    if str(value) != text:  # only the text chrono writes: "1." or "01" is not a total it made
        raise ValueError(f"{text!r} is not a total as chrono writes it")
    return value


def _effective(base: dict[Any, dict[int, list[Any]]], steps: dict[Any, dict[int, list[Any]]]) -> dict[Any, list[tuple[int, tuple[Any, ...]]]]:
    """Each counter's running totals at the days they change: the stored values plus the pending steps up to each day."""
    out: dict[Any, list[tuple[int, tuple[Any, ...]]]] = {}
    for key in set(base) | set(steps):
        totals, pending = base.get(key, {}), steps.get(key, {})
        value: tuple[Any, ...] = (Decimal(0),) * 3 + (0,) * 5
        total: list[Any] = list(value)
        added: list[Any] = list(value)
        changes: list[tuple[int, tuple[Any, ...]]] = []
        for day in sorted(set(totals) | set(pending)):
            if day in totals:
                total = totals[day]
            if day in pending:
                added = [a + b for a, b in zip(added, pending[day], strict=True)]
            now = tuple(a + b for a, b in zip(total, added, strict=True))
            if now != value:
                changes.append((day, now))
                value = now
        if changes:
            out[key] = changes
    return out
