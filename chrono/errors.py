"""Exceptions raised by chrono, kept in one module so callers can catch them."""

from __future__ import annotations


class ChronoError(Exception):
    """Base class of every error chrono raises on purpose."""


class InvalidWhen(ChronoError, ValueError):
    """An EDTF string that chrono cannot accept.

    Attributes:
        text: the string as given.
        position: the 0-based index where parsing failed, or None.
        reason: what is wrong, in a few words.
    """

    def __init__(self, text: str, reason: str, position: int | None = None) -> None:
        self.text = text
        self.reason = reason
        self.position = position
        where = f" at position {position}" if position is not None else ""
        shown = text if len(text) <= 60 else text[:60] + "…"  # a message stays one readable line
        super().__init__(f"invalid date {shown!r}{where}: {reason}")


class Problem:
    """One thing wrong with one field of one input record.

    Attributes:
        file: the file the record came from (or ``-`` / ``command line``).
        line: the 1-based line (or row) number, 0 when it does not apply.
        field: the record's field, dotted for nested ones (``sources.0.quote``).
        message: what is wrong, for a person.
    """

    __slots__ = ("field", "file", "line", "message")

    def __init__(self, file: str, line: int, field: str, message: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.message = message

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"

    def to_json(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "field": self.field, "message": self.message}


class UnknownPartnerId(Problem):
    """A record names a partner id that is not known: the write that refuses it
    names the nearest known partner (``chrono.events.writing.hinted``).

    Attributes:
        pid: the partner id as given.
    """

    __slots__ = ("pid",)

    def __init__(self, file: str, line: int, field: str, pid: str, message: str | None = None) -> None:
        super().__init__(file, line, field, message or f"unknown partner {pid!r}")
        self.pid = pid


class Rejected(ChronoError):
    """Input was refused as a whole; nothing was written.

    Attributes:
        problems: every problem found, in input order.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = str(problems[0]) if problems else "input rejected"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first + more)


class UnknownEntry(ChronoError, KeyError):
    """No entry has the given id."""

    def __str__(self) -> str:
        return f"no entry with id {self.args[0]!r}"


class UnknownPartner(ChronoError, KeyError):
    """No partner matches the given id or name (``args``: the query, and a hint if one)."""

    def __str__(self) -> str:
        hint = f"; {self.args[1]}" if len(self.args) > 1 and self.args[1] else ""
        return f"no partner matches {self.args[0]!r}{hint}"


class AmbiguousPartner(ChronoError):
    """A name that fits more than one partner: the caller is asked for an id."""

    def __init__(self, query: str, ids: list[str]) -> None:
        self.query = query
        self.ids = ids
        super().__init__(f"{query!r} fits {len(ids)} partners: {', '.join(ids)}; give the id")


class StoreError(ChronoError):
    """The store cannot be opened, read or written."""


class StoreDamaged(StoreError):
    """The store holds something chrono did not write: a finding, exit 1 (DESIGN.md section 7).

    Attributes:
        position: the log position it concerns, if any.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        self.position = position
        super().__init__(message)


class Conflict(ChronoError):
    """Another writer changed the same entry at the same time."""


class NotBundled(ChronoError):
    """A store that holds entries, but none of the bundled chronicle's, was asked to update it."""
