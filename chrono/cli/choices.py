"""Closed choices of the command line: an unknown value is bad usage with a "did you mean", never an empty answer.

Each query handler calls one of these in one line (DESIGN.md section 8).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from chrono.errors import Problem, Rejected

STATUSES = ("happened", "planned", "held", "postponed", "cancelled")


def nearest(word: str, known: Iterable[str]) -> str | None:
    """The known word closest to ``word`` (case aside), if one is close enough to be a typo of it."""
    by_lower = {item.lower(): item for item in sorted(set(known))}
    found = difflib.get_close_matches(word.lower()[:100], list(by_lower), n=1, cutoff=0.6)
    return by_lower[found[0]] if found else None


def refuse(option: str, value: str, known: Sequence[str], what: str) -> Rejected:
    """The rejection of ``value`` for ``option``: the nearest known value, or the list of them."""
    near = nearest(value, known)
    hint = f"did you mean {near!r}?" if near else f"known: {', '.join(known)}" if len(known) <= 12 else f"{len(known)} known, e.g. {', '.join(known[:6])}"
    return Rejected([Problem("command line", 0, option, f"unknown {what} {value!r}; {hint}")])


def statuses(values: Iterable[str]) -> None:
    """``--status``: each one of happened, planned, held, postponed, cancelled."""
    for value in values:
        if value not in STATUSES:
            raise refuse("--status", value, STATUSES, "status")


def kinds(values: Iterable[str]) -> None:
    """``--kind``: each one of the entry kinds."""
    from chrono.events.kinds import KINDS

    for value in values:
        if value not in KINDS:
            raise refuse("--kind", value, list(KINDS), "kind")


def metric(model: Any, name: str, found: Any) -> None:
    """``explain METRIC``: refused when the answer is empty because no entry ever counts it.

    Asked only of an empty answer, so that a known metric costs nothing: the
    kinds' counters and every metric a stored figure or amount names.
    """
    if found.counters or found.contributions:
        return
    from chrono.events.kinds import KINDS

    known = {info.metric for info in KINDS.values() if info.metric}
    known |= {model.veil.show(str(row["metric"])) for row in model.rows("SELECT DISTINCT metric FROM {t:contributions}", [])}
    if name not in known:
        raise refuse("metric", name, sorted(known), "metric")
