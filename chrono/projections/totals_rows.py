"""The rows of a facet's running totals (``totals``), made from the contributions by the counting rule.

Those of one partner (or of everything) are made from one pass over its
contributions, whose segments they share: only their groupings differ;
those of several families, where they hold many entries, from one pass over
every contribution, each handed to the families it touches. Used
where the facets are stored (``totals``), by the second process that makes
a share of them (``beside``) and by the audit that makes them again
(``facetcheck``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from chrono.projections import seals, shares
from chrono.projections.counting import COVERED, Family, Part
from chrono.projections.counting.claims import listed
from chrono.projections.counting.grouping import groups
from chrono.projections.counting.segments import Among, Segment
from chrono.projections.facets import NONE, Facet, Made, Runs, put, touched
from chrono.projections.readmodel import ReadModel


def groups_of(model: ReadModel, facets: Sequence[Facet]) -> list[list[Facet]]:
    """The facets in groups, each made from one pass over the contributions: one partner's facets (or
    everything's) share their segments, only their groupings differ; the facets of several partners
    whose families hold half the entries or more are made together from one read of every contribution
    (``shares.together``): a first ``state`` asks for everything's and some twenty families'."""
    partners = list(dict.fromkeys(facet.partner for facet in facets))
    if len(partners) > 1 and shares.together(model, partners):
        return [list(facets)]
    return [[facet for facet in facets if facet.partner == partner] for partner in partners]


def made_apart(env: dict[str, str], spec: Any, jobs: list[shares.Job]) -> Iterator[dict[Facet, Made]]:
    """The second process's share of ``facets_rows`` (``beside``)."""
    return shares.made_apart(env, spec, jobs, job_rows)


def job_rows(read: Any, job: shares.Job) -> dict[Facet, Made]:
    """The rows of a job's facets (``shares``), made in the read ``read``."""
    facets, metrics = job
    return _made_in(read, facets, metrics)


def _made_in(read: Any, facets: Sequence[Facet], metrics: Sequence[str] | None = None) -> dict[Facet, Made]:
    """The facets' rows, made in the read ``read``: those of one partner from its family's contributions;
    those of several from one read of every contribution, each handed to the families its entry touches."""
    from chrono.projections.queries.parts import by_counter, by_counter_touching, family_in

    tree = family_in(read)
    making = _Making(read.position(), facets, tree, read.model.veil.hide)
    partners = making.partners
    if len(partners) == 1:
        only = (partners[0],)
        for key, figures, happenings in by_counter(read, making.wanted[only[0]], stored=metrics, most=shares.most_of(read, only[0])):
            making.counter(key, {only[0]: figures}, ((part, only) for part in happenings))
        return making.made
    families = _Families(partners, making.wanted)
    for key, reported, happened in by_counter_touching(read, stored=metrics):
        found = [(figure, families.of(ids)) for figure, ids in reported]
        making.counter(key, {p: [figure for figure, held in found if p in held] for p in partners}, ((item, families.of(ids)) for item, ids in happened))
    return making.made


class _Families:
    """Which of the partners' families an entry is in, from the partner ids it touches (``by_counter_touching``).

    Worked out per partner id, not per list of them: a million entries touch some 380,000 different
    lists, whose answers, kept, took a hundred megabytes."""

    def __init__(self, partners: Sequence[str | None], wanted: dict[str | None, frozenset[str] | None]) -> None:
        self.partners = partners
        self.wanted = wanted
        self.everything = tuple(p for p in partners if p is None)
        self._holders: dict[str, frozenset[str | None]] = {}

    def of(self, ids: str) -> tuple[str | None, ...]:
        """The partners (of ``partners``, in their order) whose family holds one of ``ids`` (comma-joined); None's always."""
        found: set[str | None] = set()
        for pid in ids.split(",") if ids else ():
            held = self._holders.get(pid)
            if held is None:
                held = self._holders[pid] = frozenset(p for p in self.partners if p is not None and pid in (self.wanted[p] or ()))
            found |= held
        return (*self.everything, *(p for p in self.partners if p in found)) if found else self.everything


class _Making:
    """Facets' running totals in the making, a counter at a time (``_made_in``)."""

    def __init__(self, position: int, facets: Sequence[Facet], tree: Family, hide: Callable[[str], str]) -> None:
        self.facets = facets
        self.tree = tree
        self.hide = hide  # the rows are made as they are stored (and sealed: ``seals``)
        self.partners = list(dict.fromkeys(facet.partner for facet in facets))
        self.wanted = {p: None if p is None else tree.of(p) for p in self.partners}
        self.of = {p: [facet for facet in facets if facet.partner == p] for p in self.partners}
        self.made: dict[Facet, Made] = {facet: (position, Runs(), [], []) for facet in facets}

    def counter(self, key: tuple[str, str], figures: dict[str | None, list[Part]], happenings: Iterable[tuple[Part, tuple[str | None, ...]]]) -> None:
        """One counter's rows for every facet: each family's figures judged among themselves, and each
        happening among the figures of each family it is in."""
        steps: dict[Facet, dict[str, dict[int, list[Any]]]] = {facet: defaultdict(dict) for facet in self.facets}
        # each family's facets with their steps, looked up once per counter rather than per segment
        targets = {p: [(facet, steps[facet]) for facet in self.of[p]] for p in self.partners}
        among = {p: Among(figures[p], self.tree) for p in self.partners}
        for p in self.partners:
            for segment in among[p].figures():
                self._put(segment, p, targets[p])
        for part, families in happenings:
            for p in families:
                for segment in among[p].happening(part):
                    self._put(segment, p, targets[p])
        hide = self.hide
        metric, unit = hide(key[0]), hide(key[1])  # as stored (sealed in an encrypted store), once per counter
        for facet, by_group in steps.items():
            _, rows, keys, _ = self.made[facet]
            for group, by_day in by_group.items():
                run = (facet.name, group, metric, unit)
                running = list(_running(by_day, hide))
                rows.add(run, running, seals.row_sum("totals", ((*run, *row) for row in running), stored=True))
                if running:
                    keys.append((*run, *running[-1]))

    def _put(self, segment: Segment, partner: str | None, targets: list[tuple[Facet, dict[str, dict[int, list[Any]]]]]) -> None:
        values = touched(segment)
        clashing = segment.claim is not None and segment.claim.conflict and segment.state != COVERED
        wanted = self.wanted[partner]
        start, end = segment.start, segment.end
        for facet, by_group in targets:
            for group in groups(segment.part, facet.by, wanted):
                put(by_group[group or NONE], start, end, values)
                if clashing and _lists(segment, group, facet, wanted):
                    self.made[facet][3].append(_clash(facet, group or NONE, segment, self.hide))


def _lists(segment: Segment, group: str | None, facet: Facet, wanted: frozenset[str] | None) -> bool:
    """Whether a conflicting claim is listed in ``group`` by this report: by its first report, and
    in a group the first report is not in (by partner) by the report that is, as the rule's tally lists it."""
    assert segment.claim is not None
    first = segment.claim.first
    return segment.part is first or group not in groups(first, facet.by, wanted)


def _running(by_day: dict[int, list[Any]], hide: Callable[[str], str]) -> Iterator[tuple[Any, ...]]:
    """A counter's running totals in one group, a row per day on which they change (without the key the
    table's rows start with: facet, group, metric and unit); each sum hidden by ``hide``."""
    total: list[Any] = [Decimal(0), Decimal(0), Decimal(0), 0, 0, 0, 0, 0]
    for day in sorted(by_day):
        total = [a + b for a, b in zip(total, by_day[day], strict=True)]
        yield (day, hide(str(total[0])), hide(str(total[1])), hide(str(total[2])), *total[3:])


def _clash(facet: Facet, group: str, segment: Segment, hide: Callable[[str], str]) -> tuple[Any, ...]:
    assert segment.claim is not None
    entries, values = listed(segment.claim)
    part = segment.part
    return (facet.name, group, hide(part.metric), hide(part.unit), segment.start, segment.end, entries, hide(values))


def stored_tables(made: Made) -> tuple[tuple[str, Collection[tuple[Any, ...]]], ...]:
    """A facet's rows (``Made``) by the table that holds them, as they are stored and sealed: its
    running totals, their keys, and its competing claims each as one span (``merged_clashes``)."""
    _, rows, keys, clashes = made
    return ("totals", rows), ("totals_keys", keys), ("conflicts", merged_clashes(clashes))


def sealed_sum(tables: Iterable[tuple[str, Collection[tuple[Any, ...]]]]) -> int:
    """The digest a facet's seal holds, of its rows by table (``stored_tables``): the running totals'
    worked out where they were made, as each run was packed (by either process), the rest here."""
    total = 0
    for table, got in tables:
        total += got.digest if isinstance(got, Runs) else seals.row_sum(table, got)
    return total % seals.MODULUS


def merged_clashes(clashes: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """A claim's possible and definite segments as one span of days (they follow each other)."""
    spans: dict[tuple[Any, ...], list[int]] = {}
    for row in clashes:
        key = (*row[:4], *row[6:])
        span = spans.setdefault(key, [row[4], row[5]])
        span[0], span[1] = min(span[0], row[4]), max(span[1], row[5])
    return [(*key[:4], start, end, *key[4:]) for key, (start, end) in spans.items()]
