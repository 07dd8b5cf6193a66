"""A store's facets made again from its tables and compared by their fingerprints (``fingerprints``).

A facet (a partner's or a grouping's running totals, a metric's explained
segments) is made from the read model's tables as they stand when it is
first asked for, at the read model's position, and made again or moved once
the read model has moved on. Once the other tables are found to be the
log's (``tablecheck``), a facet made at the position they stand at is what
they make now: each is made again from them, by the code that made it
(``totals_rows.job_rows``, ``members.made_rows``), and every row of the facet
tables is compared, by fingerprint, with the rows so made; the running totals
are reduced to their fingerprints, and to their seals' digests, by the
process that makes them (``shares``), and every seal is checked against the
digest of its facet's rows as made. A facet made at
an earlier position, or moved since (steps not yet folded in), is what the
tables made *then*: it is made again from the tables as they stood there
(``earlier``).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from chrono.projections import audit_tables, fingerprints, members, seals, shares, totals_rows
from chrono.projections.facets import Facet
from chrono.projections.rawlog import any_row, dialect_of, pieces, streamed
from chrono.projections.readmodel import ReadModel
from chrono.projections.schema import COLUMNS, NAME

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
    made, digests = totals_sums(model, [spec for spec in specs if isinstance(spec, Facet)], key)
    for spec in specs:
        if not isinstance(spec, Facet):
            digests[members.tracking(spec[0], model.veil.hide(spec[2]))] = _members_sums(model, spec, made)
    stored = fingerprints.Sums(key)
    for table in TABLES:
        for piece in pieces(app, dialect, f"SELECT {', '.join(COLUMNS[table])} FROM {{t:{table}}}"):
            stored.fold(table, piece)
    differing = tuple(table for table in stored.differing(made) if table in TABLES)
    # Tables that agree hold the rows made (each names its facet): each facet's seal is checked against the
    # digest of its rows as made, worked out where they were made, not by hashing the stored rows again.
    if not differing and any(True for _ in audit_tables.seal_differences(app, digests)):
        return ("seals",)
    return differing


def _members_sums(model: ReadModel, spec: Any, sums: fingerprints.Sums) -> int:
    """Fold the explained segments ``spec`` into ``sums``, a batch at a time; the digest of their seal (``seals``)."""
    digest = 0
    with model.reads() as read:
        for batch in members.made_batches(read, spec, model.veil.hide):
            sums.fold("members", map(seals.as_stored, batch))
            digest += seals.row_sum("members", batch)
    return digest % seals.MODULUS


# The running totals' fingerprints, made by both processes (``shares``): each job's facets are reduced to
# theirs where they are made, and only those are sent and kept. Holding the rows of the facets made in two
# parts until both were there took the audit of the bench's million entries to 450 MB.
WORK = "running totals' fingerprints"
# This process's part of that work: after it, it makes the explained segments and folds the stored facet
# tables (3.7 s of the 24 s of the facets of the bench's 100k store after its queries; with halves this
# process worked 13 s on them, the second one 10.5 s).
HERE = 0.4
# The position a facet was made at, the fingerprints of its rows (``Sums.to_plain``) and its seal's digest.
Part = tuple[int, dict[str, tuple[int, int]], int]


def totals_sums(model: ReadModel, facets: list[Facet], key: bytes) -> tuple[fingerprints.Sums, dict[str, int]]:
    """The fingerprints of the rows of the running totals ``facets``, as the tables make them now, and
    each facet's seal digest (by its tracking name)."""
    sums, digests = fingerprints.Sums(key), {}
    for facet, (_, plain, digest) in shares.made(
        model, totals_rows.groups_of(model, facets), partial(_fingerprinted, key), work=WORK, args=(key,), join=_joined, here=HERE
    ):
        sums.add(fingerprints.Sums.from_plain(key, plain))
        digests[facet.tracking] = digest
    return sums, digests


def sums_apart(env: dict[str, str], spec: Any, jobs: list[shares.Job], key: bytes) -> Iterator[dict[Facet, Part]]:
    """The second process's share of ``totals_sums`` (``beside``)."""
    return shares.made_apart(env, spec, jobs, partial(_fingerprinted, key))


def _fingerprinted(key: bytes, read: Any, job: shares.Job) -> dict[Facet, Part]:
    made, out = totals_rows.job_rows(read, job), {}
    while made:  # each facet's rows let go of once counted
        facet, rows = made.popitem()
        sums, tables = fingerprints.Sums(key), totals_rows.stored_tables(rows)
        for table, got in tables:
            sums.fold(table, map(seals.as_stored, got))
        out[facet] = (rows[0], sums.to_plain(), totals_rows.sealed_sum(tables))
    return out


def _joined(first: Part, second: Part) -> Part:
    """A facet's fingerprints, of its two parts (made at one position)."""
    both = fingerprints.Sums.from_plain(b"", first[1])
    both.add(fingerprints.Sums.from_plain(b"", second[1]))
    return first[0], both.to_plain(), (first[2] + second[2]) % seals.MODULUS
