"""Scopes: which partners a figure speaks for, with the partners below them.

A figure's scope is its partner ids; empty means everything (the home
side's relations as a whole). A scope holds another when every partner of
the other is one of its partners or below one; two scopes meet when some
partner is in or below both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

EVERYTHING: frozenset[str] = frozenset()


class Family:
    """The partner hierarchy, with each partner's closure (itself and all below) made once."""

    def __init__(self, parents: Mapping[str, str | None]) -> None:
        self._below: dict[str, list[str]] = {}
        self._parents = {pid: parent for pid, parent in parents.items() if parent}
        for pid, parent in self._parents.items():
            self._below.setdefault(parent, []).append(pid)
        self._cache: dict[str, frozenset[str]] = {}
        self._closures: dict[tuple[str, ...], frozenset[str]] = {}

    def of(self, pid: str) -> frozenset[str]:
        """``pid`` and every partner below it."""
        found = self._cache.get(pid)
        if found is None:
            seen, stack = {pid}, [pid]
            while stack:
                for child in self._below.get(stack.pop(), ()):
                    if child not in seen:
                        seen.add(child)
                        stack.append(child)
            found = self._cache[pid] = frozenset(seen)
        return found

    def above(self, pid: str) -> list[str]:
        """``pid`` and every partner above it: those whose scope holds ``pid`` (``of`` the other way)."""
        found = [pid]
        while (parent := self._parents.get(found[-1])) is not None and parent not in found:
            found.append(parent)
        return found

    def closure(self, scope: tuple[str, ...]) -> frozenset[str]:
        """Every partner a scope speaks for (EVERYTHING for an empty scope)."""
        found = self._closures.get(scope)
        if found is None:
            found = frozenset().union(*(self.of(pid) for pid in scope)) if scope else EVERYTHING
            self._closures[scope] = found
        return found

    def holds(self, outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
        """Whether scope ``outer`` holds ``inner`` (an empty ``inner`` only in an empty ``outer``)."""
        if not outer:
            return True
        return bool(inner) and self.closure(outer).issuperset(inner)

    def meet(self, one: tuple[str, ...], other: tuple[str, ...]) -> bool:
        """Whether two scopes speak for some partner in common (everything meets all)."""
        if not one or not other:
            return True
        return not self.closure(one).isdisjoint(self.closure(other))

    def touches(self, ids: Iterable[str], partner: str) -> bool:
        """Whether one of ``ids`` is ``partner`` or below it."""
        return not self.of(partner).isdisjoint(ids)
