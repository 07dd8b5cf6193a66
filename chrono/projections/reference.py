"""The audit's reference: a read model made from the store's own log, in a scratch store.

The scratch store is a schema of its own beside a PostgreSQL store, else a
scratch SQLite file (``scratch.place``). The reference is made from the
store's stored events, byte for byte, by the same code that made the stored
one: a long log is read from the store itself by a second process that
derives its rows (``offload``), and only the rows are written to the scratch
store; a short one is copied into the scratch store and projected there, a
page at a time (so memory stays bounded however long the log is). The
running totals and the explained segments are made lazily, per facet, at
the read model's position of the time: each
facet the store holds is made in the reference at that same position.
``chrono audit`` compares the store's tables with it (``audit_tables``);
``chrono rebuild`` compares them too, then takes its tables (``upkeep.adopt``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from chrono.projections import offload
from chrono.projections import scratch as scratch_store
from chrono.projections.offload import Watcher
from chrono.projections.rawlog import Raw, dialect_of, raw_log, streamed


class Unreadable(Exception):
    """The log could not be made into a read model (a damaged event): nothing to compare with."""


@contextmanager
def reference(
    app: Any, progress: Callable[[int], None] | None = None, until: int | None = None, watcher: Watcher | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[Any]:  # fmt: skip
    """A read model made from ``app``'s stored events (up to position ``until``: where its own read
    model stands) in a scratch store, with the facets ``app`` holds; ``watcher`` is shown every
    revision as it is projected (``ReadModel.observer``). A long log is derived in a second
    process while this one writes the rows (``offload``); ``meanwhile`` is run first, while the
    second process starts (a check of the chain, which needs no reference)."""
    from chrono.events.application import Chronicle

    with scratch_store.place(app) as env:
        scratch = Chronicle(env=env)
        try:
            last = _length(app, until)
            if offload.worth(last):
                _make_apart(app, scratch, last, progress=progress, watcher=watcher, meanwhile=meanwhile)
            else:
                if meanwhile is not None:
                    meanwhile()
                _make(app, scratch, progress, until, watcher)
            yield scratch
        finally:
            scratch.close()


def _length(app: Any, until: int | None) -> int:
    head = int(app.head_position() or 0)
    return head if until is None else min(head, until)


def _make_apart(
    app: Any, scratch: Any, last: int, *, progress: Callable[[int], None] | None, watcher: Watcher | None, meanwhile: Callable[[], None] | None
) -> None:  # fmt: skip
    """``_make``, with the rows of the log (up to position ``last``) derived from the store in a second process.
    The scratch store holds no copy of the log: nothing reads it there (the copy of the bench's million
    events took a gigabyte of scratch disk, and a second and a half per hundred thousand events)."""
    from chrono.projections.cursors import retry_busy

    stages = facet_stages(app)
    model = scratch_model(scratch, stages)
    bounds = sorted({p for p in stages if p <= last} | {last})
    with offload.apart(dict(app.env), bounds, model.veil, watcher, store=app) as derived:
        if meanwhile is not None:
            meanwhile()
        with _readable():
            for number, bound in enumerate(bounds):
                if number == 0:
                    model.rebuild(progress, derived.stage())
                else:
                    model.take(derived.stage(), progress)
                retry_busy(model.recount)
                make_facets(model, stages.get(bound, []))
            derived.finish(watcher)


def _make(app: Any, scratch: Any, progress: Callable[[int], None] | None, until: int | None, watcher: Watcher | None) -> None:
    stages = facet_stages(app)
    model = scratch_model(scratch, stages)
    model.observer = None if watcher is None else watcher.see
    copied, made = 0, False
    for position in sorted(p for p in stages if until is None or p <= until):
        copied = _copy(app, scratch, copied, position, progress)
        _project(model, made)
        made = True
        make_facets(model, stages[position])
    if _copy(app, scratch, copied, until, progress) > copied or not made:
        _project(model, made)


def scratch_model(scratch: Any, stages: dict[int, list[Any]]) -> Any:
    """The reference's read model in ``scratch``: no chain of its own (the store's is the evidence),
    and only the indexes its comparison reads unless a facet is made, by the queries that read them."""
    from chrono.projections.readmodel import ReadModel

    model = ReadModel(scratch)
    model.evidence = False
    model.secondary_indexes = bool(stages)
    return model


def _project(model: Any, made: bool) -> None:
    from chrono.projections.cursors import retry_busy

    with _readable():
        if made:
            model.catch_up()
        else:
            model.rebuild()
        retry_busy(model.recount)  # the entry counts settled as a query settles them (a rebuild leaves that to it)


@contextmanager
def _readable() -> Iterator[None]:
    """A damaged event provokes whatever it provokes in the projection, here or in the second process
    (which names it as this one would): the log is then ``Unreadable``, and that is what is said."""
    try:
        yield
    except offload.DerivingFailed as error:
        raise Unreadable(str(error)) from error
    except Exception as error:
        raise Unreadable(f"{type(error).__name__}: {error}") from error


def _copy(app: Any, scratch: Any, after: int, until: int | None, progress: Callable[[int], None] | None) -> int:
    """Copy the stored events after position ``after`` (up to ``until``) into the scratch store; the last copied."""
    copied = scratch_store.copy_log(app, scratch, after, until)
    if copied is not None:
        if progress is not None:
            progress(copied - after)
        return copied
    statement = "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?, ?)"
    batch: list[tuple[Any, ...]] = []
    last = after

    def flush() -> None:
        with scratch.recorder.datastore.transaction(commit=True) as cursor:
            cursor.executemany(statement, batch)
        if progress is not None:
            progress(len(batch))
        batch.clear()

    for raw in raw_log(app, after + 1):
        if until is not None and raw.id > until:
            break
        batch.append(_row(raw))
        last = raw.id
        if len(batch) >= 2000:
            flush()
    if batch:
        flush()
    return last


def _row(raw: Raw) -> tuple[Any, ...]:
    originator = raw.originator_id
    # SQLite keeps ids as hex text (PostgreSQL as uuid): as eventsourcing's SQLite recorder writes them
    return (raw.id, originator.hex if isinstance(originator, UUID) else originator, raw.originator_version, raw.topic, raw.state)


def facet_stages(app: Any) -> dict[int, list[Any]]:
    """The facets the store holds (each as ``facet_of`` names it), by the position they were made at."""
    from chrono.projections import veil
    from chrono.projections.schema import NAME

    dialect = dialect_of(app)
    stages: dict[int, list[Any]] = {}
    for name, position in streamed(app, dialect, "SELECT name, position FROM {t:tracking} ORDER BY name"):
        spec = facet_of(str(name), veil.of(app), NAME)
        if spec is not None and type(position) is int and position >= 0:
            stages.setdefault(position, []).append(spec)
    return stages


def make_facets(model: Any, specs: list[Any], tables: Any = None) -> None:
    """Make the facets ``specs`` (``facet_of``'s) in ``model`` at its position, as a query would: running
    totals of one partner from one pass over its contributions, then each metric's explained segments.
    ``tables``: another read model whose tables (at its position) they are made from, not ``model``'s."""
    from chrono.projections import members, totals
    from chrono.projections.facets import Facet

    totals.make_all(model, [spec for spec in specs if isinstance(spec, Facet)], tables)
    for spec in specs:
        if isinstance(spec, Facet):
            continue
        if tables is None:
            members.refresh(model, *spec)
            continue
        with tables.reads() as read, model.datastore.transaction(commit=True) as cursor:
            for batch in members.made_batches(read, spec, tables.veil.hide):
                model.insert(cursor, "members", batch)


def facet_of(name: str, codec: Any, layout: str = "") -> Any:
    """The facet a tracking row names: a ``Facet`` of running totals, or the (facet, partner, metric) of
    explained segments (its metric as ``codec``, the store's ``veil``, hides it); None for any other name."""
    from chrono.errors import StoreDamaged
    from chrono.projections.schema import NAME

    layout = layout or NAME
    if name.startswith(f"{layout}/totals/"):
        return _facet(name.removeprefix(f"{layout}/totals/"))
    if name.startswith(f"{layout}/members/"):
        spec, _, stored = name.removeprefix(f"{layout}/members/").partition("/")
        facet = _facet(spec)
        try:
            metric = codec.show(stored)
        except StoreDamaged:  # a name chrono did not seal: made from the log, it is not there (its rows differ)
            return None
        if facet is None or not metric:
            return None
        return spec, facet.partner, metric
    return None


def _facet(spec: str) -> Any:
    from chrono.projections.facets import Facet

    fields = dict(item.partition("=")[::2] for item in spec.split(";") if item)
    if set(fields) - {"partner", "by"}:
        return None
    facet = Facet(fields.get("partner"), fields.get("by"))
    return facet if facet.name == spec else None


def made_positions(scratch: Any) -> dict[str, int]:
    """The positions the ``reference``'s tables were made at (the read model's, and each facet's)."""
    from chrono.projections.schema import NAME

    rows = streamed(scratch, dialect_of(scratch), "SELECT name, position FROM {t:tracking} WHERE name = ? OR name LIKE ?", [NAME, f"{NAME}/%"])
    return {str(name): int(position) for name, position in rows if str(name).startswith((NAME + "/totals/", NAME + "/members/")) or name == NAME}
