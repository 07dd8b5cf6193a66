"""Whether the stored read-model tables are the ones the log makes, by their fingerprints (``fingerprints``).

The audit and ``chrono rebuild`` ask this first: where the fingerprints
apply and agree, no reference read model is made; where a table's differ,
or where they do not apply, the reference is made and compared row by row
(``reference``, ``audit_tables``), which names the first differing row.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Any

import attrs

from chrono.projections import earlier, facetcheck, fingerprints, offload
from chrono.projections.deriving import STALE_TALLIES
from chrono.projections.rawlog import tracked


def applicable(app: Any) -> bool:
    """Whether ``app``'s tables can be checked by fingerprints: a store without a cipher, and no entry
    counts waiting to be made again. Its facets are made again from them (``facetcheck``), or from
    them as they stood where a facet was made (``earlier``)."""
    return getattr(app.mapper, "cipher", None) is None and tracked(app, STALE_TALLIES) is None


def check(
    app: Any, progress: Callable[[int], None] | None, until: int | None, watcher: Any, meanwhile: Callable[[], None] | None
) -> tuple[str, ...] | None:  # fmt: skip
    """The tables whose fingerprints differ from the log's (up to position ``until``), or None when the
    fingerprints do not apply or could not be made (a damaged log: the reference says how). ``watcher``
    takes over what a copy of it saw of every revision when the tables agree; ``meanwhile`` runs first,
    while a long log's second process starts, and what it raises is raised."""
    if not applicable(app):
        return None
    head = int(app.head_position() or 0)
    asked = _Asked(app, os.urandom(32), head if until is None else min(head, until), progress, meanwhile)  # a key for this check alone
    seen = _copy(watcher)
    found = asked.split(seen) if offload.worth(asked.last) else asked.here(seen)
    if found is None:
        return None
    made, counts, mine = found
    differing = tuple(mine.differing(fingerprints.Sums.from_plain(asked.key, {**made, "tallies": counts})))
    if not differing:
        facets = _facets(app, asked.key)  # made from the tables, once those are the log's
        if facets is None:
            return None
        differing = facets
    if not differing and watcher is not None:
        watcher.take_over(seen)
    return differing


def _facets(app: Any, key: bytes) -> tuple[str, ...] | None:
    """The facet tables that differ from what the tables make now (or made where the facet was made:
    ``earlier``), and the seals if one is broken (None: a facet chrono does not name, or damage that
    stops the making; the reference says what)."""
    try:
        if not facetcheck.applicable(app):
            return earlier.differing(app)
        return facetcheck.check(app, key)  # the seals too
    except Exception:
        return None


# The part of the log's entries this process derives when a second one derives the rest, once it has read
# the stored tables and the chain: ``offload.HERE``, as for rows (8 of 32 before; 10 measured best for both:
# the bench's 100k store with its corrections, audited, 8.1 -> 7.3 s, medians of four).
HERE = offload.HERE
Found = tuple[dict[str, tuple[int, int]], tuple[int, int], fingerprints.Sums]  # the log's fingerprints, the counts', the stored tables'


@attrs.frozen
class _Asked:
    app: Any
    key: bytes
    last: int  # the last position of the log checked
    progress: Callable[[int], None] | None
    meanwhile: Callable[[], None] | None

    def here(self, seen: Any) -> Found | None:
        """The fingerprints of the log (derived here, shown to ``seen``), of the entry counts and of the stored tables."""
        if self.meanwhile is not None:
            self.meanwhile()
        try:
            made, counts = fingerprints.derive(self.app, fingerprints.Slice(key=self.key), self.last, seen, self.progress)
            return made, self._counts([counts]), fingerprints.stored(self.app, self.key)
        except Exception:  # a damaged log or table: the reference names it
            return None

    def _counts(self, slices: list[Any]) -> tuple[int, int]:
        """The entry counts' fingerprint, as gathered while deriving, or made from the stored rows where a partner moved."""
        found = fingerprints.counted(self.key, slices)
        return found if found is not None else fingerprints.recounted(self.app, self.key)

    def split(self, seen: Any) -> Found | None:
        """``here``, the log derived by two processes: a second one's slice, and this one's once it
        has read the stored tables (while the second process starts, ``meanwhile`` runs)."""
        app, key, progress = self.app, self.key, self.progress
        with offload.apart(dict(app.env), [self.last], None, _copy(seen), fingerprints.Slice(HERE, key=key)) as child:
            if self.meanwhile is not None:
                self.meanwhile()
            try:
                ticks = (lambda *_: child.pending(progress)) if progress is not None else None
                mine = fingerprints.stored(app, key, ticks)
                here, counts_here = fingerprints.derive(app, fingerprints.Slice(0, HERE, key=key), self.last, seen, ticks)
                (there, counts_there), seen_there = child.fingerprints(progress)
                counts = self._counts([counts_here, counts_there])
            except Exception:
                return None
        made = fingerprints.Sums.from_plain(key, here)
        made.add(fingerprints.Sums.from_plain(key, there))
        if seen is not None:
            seen.merge(seen_there)
        return made.to_plain(), counts, mine


def _copy(watcher: Any) -> Any:
    """A copy of ``watcher`` to be shown a check's revisions (taken over or merged once they agree)."""
    return None if watcher is None else pickle.loads(pickle.dumps(watcher))  # noqa: S301 (its own object, copied)
