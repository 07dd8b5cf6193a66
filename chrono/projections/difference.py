"""What the audit finds where a stored table and the one made from the log part: a ``Difference``,
and how the rows' keys are ordered (as SQL orders them) and their values named in it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs


@attrs.frozen
class Difference:
    """The first row where a stored table and the one made from the log differ, and how many do."""

    table: str
    key: tuple[Any, ...]
    message: str
    count: int


def before(first: tuple[Any, ...], second: tuple[Any, ...]) -> bool:
    """Whether key ``first`` sorts before ``second`` as SQL sorts them."""
    try:
        return first < second  # the keys of an undamaged table: values of one type per column
    except TypeError:
        return sql_order(first) < sql_order(second)


def sql_order(key: tuple[Any, ...]) -> tuple[tuple[int, Any], ...]:
    """A key as SQL orders it: NULL, numbers, text, bytes (so that a damaged value of another type compares)."""
    return tuple(_ranked(value) for value in key)


def _ranked(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, bool | int | float):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, bytes(value))


def plainly(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def opened(codec: Any) -> Callable[[Any], str]:
    """How a value is named in a finding: an encrypted store's sealed text by what it says, so that
    the auditor (who holds the key) reads the figure, not its ciphertext (``veil``)."""
    from chrono.errors import StoreDamaged
    from chrono.projections.veil import MARK

    if not codec.sealed:
        return plainly

    def shown(value: Any) -> str:
        if not isinstance(value, str) or not value.startswith(MARK):
            return plainly(value)
        try:
            return f"{plainly(codec.show(value))} (sealed)"
        except StoreDamaged:
            return f"{plainly(value)} (a text the store's key did not seal)"

    return shown
