"""One function per question people ask, each returning a typed result (``results``).

The command line, exports and tests all ask here; every number comes from
``counting``, every read from the indexed tables (``queries``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import attrs

from chrono.events.application import Chronicle
from chrono.events.entry import Entry
from chrono.events.kinds import KINDS
from chrono.projections import counted
from chrono.projections.counting import COUNTED_STATUSES, certainty, day_key
from chrono.projections.counting.grouping import GROUPINGS
from chrono.projections.hierarchy import ancestry
from chrono.projections.queries import counts as queries_counts
from chrono.projections.queries import log as queries_log
from chrono.projections.queries import timeline as queries_timeline
from chrono.projections.queries.filters import Filter
from chrono.projections.queries.parts import family
from chrono.projections.readmodel import ReadModel
from chrono.projections.results import (
    Activity,
    Axes,
    Correction,
    Counters,
    Dated,
    Explanation,
    History,
    IdPage,
    Log,
    Page,
    Relationship,
    Since,
    State,
    Timeline,
)

LIST_LIMIT = 20  # ids shown per list of a counter, unless asked for more


def counters(model: ReadModel, axes: Axes, partner: str | None = None, by: str | None = None, *, ids: bool = False, limit: int | None = LIST_LIMIT) -> Counters:
    """The counters on ``axes``, overall or for ``partner``'s family, grouped ``by``.

    As known now they come from the running totals (``totals``), with how
    many entries count but not which; asked for a past recording time, or
    for the entries' ids (``ids``, the first ``limit`` of each list), every
    contribution is judged from its row.
    """
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"cannot group counters by {by!r} (choose one of {', '.join(GROUPINGS)})")
    if axes.known_at is None and not ids:
        return Counters(axes.as_of, None, partner, by, counted.totalled(model, axes, partner, by))
    _, wanted, judged = counted.judged(model, axes, partner)
    return Counters(axes.as_of, axes.known_at, partner, by, counted.tallied(judged, partner, by, wanted, limit))


def explain(model: ReadModel, axes: Axes, metric: str, partner: str | None = None, *, page: int = 1, size: int = LIST_LIMIT) -> Explanation:
    """The counters of ``metric`` (one per unit) and page ``page`` of the contributions behind them:
    per unit, definite, then possible, then covered; each in the order they stop counting, then by date.

    As known now the contributions are read a page at a time from the kept
    segments (``members``); at a past recording time they are worked out.
    """
    page = max(1, page)
    day = int(day_key(axes.as_of) or 0)
    if axes.known_at is None:
        from chrono.projections import members
        from chrono.projections.facets import Facet

        made = tuple(c for c in counted.totalled(model, axes, partner) if c.metric == metric)
        blocks = [(c.unit, state, n.total) for c in made for state, n in zip(members.STATES, (c.contributors, c.possible_contributors, c.covered), strict=True)]
        members.refresh(model, Facet(partner).name, partner, metric)
        shown = tuple(members.page(model, (Facet(partner).name, metric, day), blocks, (page - 1) * size, size))
        total = sum(count for _, _, count in blocks)
    else:
        _, wanted, judged = counted.judged(model, axes, partner, metric)
        made = counted.tallied(judged, partner, None, wanted, 0)
        ordered = counted.held(model, axes, partner, metric, day)
        shown, total = tuple(ordered[(page - 1) * size : page * size]), len(ordered)
    slugs = list(unique(item.entry for item in shown))
    entries = model.entries_by_id(slugs, axes.known_at)
    return Explanation(
        metric, partner, axes.as_of, axes.known_at, made, shown, Page(page, size, total),
        entries, {slug: _corrections(model.app, slug, axes.known_at) for slug in slugs}, model.partners(axes.known_at),
    )  # fmt: skip


def _corrections(app: Chronicle, slug: str, known_at: datetime | None) -> tuple[Correction, ...]:
    found: list[Any] = [event for event in app.revisions(slug) if isinstance(event, Entry.Corrected)]
    return tuple(Correction(event.timestamp, dict(event.changes), event.reason) for event in found if known_at is None or event.timestamp <= known_at)


DEFAULT_PAGE = 20
DECADE_SPAN = 40  # years between the first and the last start beyond which a timeline groups by decade


def timeline(model: ReadModel, axes: Axes, flt: Filter, *, page: int = 0, limit: int = 0, stream: bool = False) -> Timeline:
    """The entries ``flt`` holds, in the chronicle's order: page ``page`` of ``limit``
    (20 without one), or the first ``limit`` entries, or (neither) all of them; those,
    with ``stream``, read a chunk at a time as they are used (``entries`` is then an iterator)."""
    size = limit if limit > 0 else DEFAULT_PAGE if page else 0
    offset = (page - 1) * size if page else 0
    total = queries_counts.count(model, flt, axes.known_at)
    if stream and not size:
        entries: Any = dated(queries_timeline.stream(model, flt, axes.known_at), axes)
    else:
        entries = tuple(dated(model.revisions_of(queries_timeline.keys(model, flt, axes.known_at, offset, size or total)), axes))
    return Timeline(axes, entries, Page(page, size, total) if page else None, total, _grouping(model, flt, axes), model.partners(axes.known_at))


def dated(entries: Iterable[Entry], axes: Axes) -> Iterator[Dated]:
    """Entries with their certainty as of ``axes`` (``counting.certainty``)."""
    day = int(day_key(axes.as_of) or 0)
    for entry in entries:
        yield Dated(entry, certainty(*_bounds(entry), day))


def _bounds(entry: Entry) -> tuple[int | None, int | None]:
    when = entry.facts.when
    return day_key(when.earliest_key), day_key(when.latest_key)


def _grouping(model: ReadModel, flt: Filter, axes: Axes) -> str:
    """``decade`` when the entries' starts span more than DECADE_SPAN years, else ``year``."""
    kept = queries_counts.years(model, flt, axes.known_at)
    if kept is not None:
        return "decade" if kept[1] - kept[0] > DECADE_SPAN else "year"
    first = model.revisions_of(queries_timeline.keys(model, flt, axes.known_at, 0, 1))
    last = model.revisions_of(queries_timeline.keys(model, flt, axes.known_at, 0, 1, backwards=True))
    years = [e.facts.when.earliest_key[0] for e in (*first, *last) if e.facts.when.earliest_key is not None]
    return "decade" if years and max(years) - min(years) > DECADE_SPAN else "year"


OVERDUE_SHOWN = 20


def history(
    model: ReadModel, axes: Axes, pid: str, *, exact: bool = False, strict: bool = False, page: int = 0, limit: int = 0, stream: bool = False
) -> History:
    """Partner ``pid``'s history (with its descendants unless ``exact``): its place, its
    relationship as of ``axes``, and a page of its entries (only those begun by then if ``strict``;
    every one, streamed, with ``stream`` and no page)."""
    registry = model.partners(axes.known_at)
    tree = family(model, axes.known_at)
    ids = frozenset({pid}) if exact else tree.of(pid)
    day = int(day_key(axes.as_of) or 0)
    shown = Filter(partners=ids, scope=None if exact else pid, begun_by=day if strict else None)
    children = tuple(
        (child, queries_counts.count(model, Filter(partners=tree.of(child.id), scope=child.id, begun_by=shown.begun_by), axes.known_at))
        for child in sorted((p for p in registry.values() if p.parent == pid), key=lambda p: p.id)
    )  # fmt: skip
    first = model.revisions_of(queries_timeline.keys(model, shown, axes.known_at, 0, 1))
    happened = Filter(partners=ids, scope=shown.scope, statuses=COUNTED_STATUSES, begun_by=day)
    latest = model.revisions_of(queries_timeline.keys(model, happened, axes.known_at, 0, 1, backwards=True))
    return History(
        registry[pid], tuple(ancestry(pid, registry)), children, relationship(model, axes, pid, ids, exact=exact),
        first[0] if first else None, latest[0] if latest else None, timeline(model, axes, shown, page=page, limit=limit, stream=stream),
    )  # fmt: skip


def relationship(model: ReadModel, axes: Axes, pid: str, ids: frozenset[str], *, exact: bool = False) -> Relationship:
    """The state of the relationship with ``ids`` (``pid`` and those below it, or ``pid`` alone if ``exact``) as of ``axes``."""
    day = int(day_key(axes.as_of) or 0)
    scope = None if exact else pid

    def since(kind: str) -> Since | None:
        flt = Filter(partners=ids, scope=scope, kinds=frozenset({kind}), statuses=COUNTED_STATUSES, begun_by=day)
        found = model.revisions_of(queries_timeline.keys(model, flt, axes.known_at, 0, 1))
        return Since(found[0], certainty(*_bounds(found[0]), day)) if found else None

    mechanisms = Filter(partners=ids, scope=scope, kinds=frozenset({"MechanismEstablished"}), statuses=COUNTED_STATUSES, begun_by=day)
    shown = model.revisions_of(queries_timeline.keys(model, mechanisms, axes.known_at, 0, LIST_LIMIT))
    if exact or axes.known_at is not None:
        _, _, judged = counted.judged(model, axes, None, "agreements", wanted=ids)
        made = counted.tallied(judged, pid, None, ids, LIST_LIMIT)
    else:
        made = counted.totalled(model, axes, pid)
    tallied = {(c.metric, c.unit): c for c in made}
    return Relationship(
        pid, since("RelationsEstablished"), since("TwinningSigned"), tallied.get(("agreements", "agreement")),
        IdPage(tuple(e.slug for e in shown), queries_counts.count(model, mechanisms, axes.known_at)),
        queries_counts.kinds(model, Filter(partners=ids, scope=scope, statuses=COUNTED_STATUSES, begun_by=day), axes.known_at),
        tuple(shown),
    )  # fmt: skip


def relationships(model: ReadModel, axes: Axes, families: dict[str, frozenset[str]]) -> list[Relationship]:
    """The relationships with several partners (each with those below it) as of ``axes``, in a few
    queries for all of them: what ``relationship`` gives for each, but for the mechanisms' ids (their
    number only). Asked for a past recording time, each is worked out on its own."""
    if axes.known_at is not None:
        return [relationship(model, axes, pid, ids) for pid, ids in families.items()]
    from chrono.projections import totals
    from chrono.projections.facets import Facet

    day = int(day_key(axes.as_of) or 0)
    happened = Filter(statuses=COUNTED_STATUSES, begun_by=day)
    since: dict[str, dict[str, Since]] = {}
    for kind in ("RelationsEstablished", "TwinningSigned"):
        found = queries_timeline.firsts(model, families, attrs.evolve(happened, kinds=frozenset({kind})), None)
        decoded = dict(zip(found, model.revisions_of(list(found.values())), strict=True))
        since[kind] = {pid: Since(entry, certainty(*_bounds(entry), day)) for pid, entry in decoded.items()}
    kinds = queries_counts.kinds_of(model, families, happened)
    agreements = totals.read_many(model, [Facet(pid) for pid in families], day, "agreements")
    out = []
    for pid in families:
        made = {(c.metric, c.unit): c for c in counted.counters_of(agreements[Facet(pid).name], pid, None)}
        out.append(Relationship(
            pid, since["RelationsEstablished"].get(pid), since["TwinningSigned"].get(pid), made.get(("agreements", "agreement")),
            IdPage((), kinds[pid].get("MechanismEstablished", 0)), kinds[pid],
        ))  # fmt: skip
    return out


def state(model: ReadModel, axes: Axes, *, latest: int = 10) -> State:
    """Everything as of ``axes``: relationships, counters, the latest happenings, overdue plans, activity."""
    registry = model.partners(axes.known_at)
    tree = family(model, axes.known_at)
    day = int(day_key(axes.as_of) or 0)
    tops = queries_timeline.foreign(model, [p.id for p in sorted(registry.values(), key=lambda p: p.id) if p.parent is None], axes.known_at)
    if axes.known_at is None:
        _made_together(model, tops)
    relations = tuple(relationships(model, axes, {pid: tree.of(pid) for pid in tops}))
    begun = Filter(begun_by=day)
    shown = queries_timeline.keys(model, begun, axes.known_at, 0, latest, backwards=True)[::-1]
    recent = tuple(Dated(e, certainty(*_bounds(e), day)) for e in model.revisions_of(shown))
    overdue = model.revisions_of(queries_timeline.overdue(model, day, axes.known_at, OVERDUE_SHOWN))
    made = counters(model, axes)
    return State(axes, relations, made, recent, tuple(overdue), activity(counters(model, axes, by="year")), registry)


def _made_together(model: ReadModel, tops: Iterable[str]) -> None:
    """The running totals ``state`` reads (each relationship's, everything's and by year) made or moved
    up to the tables in one piece of work: everything's two share one pass over every contribution,
    and one second process takes its share of them all. Asked for one after another, everything's
    counters were made twice over, in three pieces of work: a first ``state`` at 100k took 14.8 s, now 11.1."""
    from chrono.projections import totals
    from chrono.projections.facets import Facet

    totals.refresh_all(model, [*(Facet(pid) for pid in tops), Facet(), Facet(by="year")])


def activity(by_year: Counters) -> Activity:
    """How many contributions the kinds' counters have per year (``counting.year_of``): definite
    (covered ones too: they happened) and possible; the chart of ``counters --by year``."""
    kinds = {(info.metric, info.unit) for info in KINDS.values()}
    definite: dict[int, int] = defaultdict(int)
    possible: dict[int, int] = defaultdict(int)
    undated = 0
    for counter in by_year.counters:
        if (counter.metric, counter.unit) not in kinds:
            continue
        done, maybe = counter.contributors.total + counter.covered.total, counter.possible_contributors.total
        if counter.group is None:
            undated += done + maybe
        else:
            definite[int(counter.group)] += done
            possible[int(counter.group)] += maybe
    years = sorted({*definite, *possible})
    span = range(years[0], years[-1] + 1) if years else range(0)
    if len(span) > MAX_YEARS:
        span = range(0)
        undated += sum(definite.values()) + sum(possible.values())
    return Activity(tuple((year, definite[year], possible[year]) for year in span), undated)


MAX_YEARS = 10_000  # a span of years wider than this is not drawn year by year


def log(model: ReadModel, known_at: datetime | None = None, *, page: int = 0, limit: int = 0) -> Log:
    """The event log in recording order: page ``page`` of ``limit`` (20 without one), the first
    ``limit`` events, or (neither) every event, streamed."""
    app = model.app
    total = model.position() if known_at is None else queries_log.known(model, known_at)
    if not page and not limit:
        return Log(queries_log.named(model, app.domain_events(known_at)), queries_log.Names(model), None, total)
    size = limit if limit > 0 else DEFAULT_PAGE
    start = (page - 1) * size + 1 if page else 1
    events = tuple(event for _, event in zip(range(size), app.domain_events(known_at, start=start), strict=False))
    names = queries_log.names(model, {event.originator_id for _, event in events})
    return Log(events, names, Page(page, size, total) if page else None, total)


def unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))
