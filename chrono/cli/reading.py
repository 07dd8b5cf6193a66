"""What a command reads: the store, and for a query its read model at the asked times."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from chrono.cli.present import err
from chrono.store import locate, open_location
from chrono.when.axes import parse_as_of, parse_known_at

if TYPE_CHECKING:
    from chrono.events.application import Chronicle
    from chrono.projections.results import Axes


# The commands that may create the store they name; the others, queries
# above all, refuse a store that does not exist (DESIGN.md section 8).
CREATING = frozenset({"record", "import"})


def open_chronicle(args: argparse.Namespace) -> Chronicle:
    """The store named by ``--store``; the default store, made now, is first
    filled with the bundled chronicle, so that a fresh install has something to show."""
    location = locate(args.store)
    from chrono.projections.witness import check_apart, named

    witness = named(getattr(args, "witness", None))  # an empty or misplaced witness is refused before anything is written
    if witness is not None:
        check_apart(witness, location)
    opened = open_location(location, create=location.is_default or args.command in CREATING)
    if opened.created and opened.location.is_default:
        from chrono.interchange.bundled import import_bundled

        report = import_bundled(opened.app)
        err(f"created {opened.location.path} with the bundled chronicle ({len(report.recorded)} records)")
    return opened.app


class Reading:
    """A query's store, caught-up read model, time axes and partner registry."""

    def __init__(self, args: argparse.Namespace, app: Chronicle | None = None) -> None:
        from chrono.projections.readmodel import fresh
        from chrono.render.progress import progress

        self.app = app if app is not None else open_chronicle(args)
        self.model = fresh(self.app, progress)  # a long catch-up, or running totals made, shown on a terminal
        self.known_at = parse_known_at(getattr(args, "known_at", None))
        self.as_of_text = getattr(args, "as_of", None)
        self.as_of = parse_as_of(self.as_of_text)
        self.partners = self.model.partners(self.known_at)

    @property
    def axes(self) -> Axes:
        from chrono.projections.results import Axes

        return Axes(self.as_of, self.known_at)

    def entries(self, partner_ids: Any = None) -> list[Any]:
        return self.model.entries(self.known_at, partner_ids)

    def header(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "known_at": self.known_at.isoformat() if self.known_at else None}

    def meta(self) -> list[str]:
        """The time axes, for the line under a Markdown report's title."""
        meta = [f"as of {self.as_of.isoformat()}"]
        if self.known_at is not None:
            meta.append(f"known at {self.known_at.isoformat()}")
        return meta
