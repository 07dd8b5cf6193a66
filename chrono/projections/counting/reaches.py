"""The first of a run of claims whose region may start early enough, found in a few steps.

A happening is covered by the first claim (in rank order, from those ending
on or after its last day) whose region holds its dates. Most happenings of a
large chronicle are covered by none, and a walk through the claims after
them to say so took time in proportion to the claims: the counting pass at a
million entries spent half its time there. ``Reaches`` keeps the claims'
first days in a tree of minima, so that the claims that start too late to
hold anything (``claims.reach_needed``) are skipped a subtree at a time; the
claims it finds are still judged by the rule (``claims.covers_part``).
"""

from __future__ import annotations

from collections.abc import Sequence

_PAST_EVERY_DAY = 2**63  # a leaf that holds no claim: it never starts early enough


class Reaches:
    """The first days of a sequence of regions, searched by "the first from here that starts by then"."""

    def __init__(self, firsts: Sequence[int]) -> None:
        size = 1
        while size < len(firsts):
            size *= 2
        tree = [_PAST_EVERY_DAY] * (2 * size)
        tree[size : size + len(firsts)] = firsts
        for node in range(size - 1, 0, -1):
            tree[node] = min(tree[2 * node], tree[2 * node + 1])
        self._size = size
        self._tree = tree
        self._count = len(firsts)

    def first_from(self, start: int, latest_first: int) -> int | None:
        """The least index at or after ``start`` whose first day is ``latest_first`` or earlier, or None."""
        if start >= self._count:
            return None
        tree, node = self._tree, start + self._size
        while tree[node] > latest_first:  # on to the subtree just right of this one
            while node & 1:
                node >>= 1
            if node == 0:
                return None
            node += 1
        while node < self._size:  # down to its leftmost leaf that starts early enough
            node = 2 * node if tree[2 * node] <= latest_first else 2 * node + 1
        return node - self._size
