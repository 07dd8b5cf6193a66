"""Finding where a date that the point grammar refused goes wrong (the slow path)."""

from __future__ import annotations

import re
from typing import Final


class PointError(Exception):
    """A failure inside one point, to be turned into InvalidWhen by the caller."""

    def __init__(self, reason: str, position: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.position = position


WHITESPACE_RE: Final = re.compile(r"\s")

_DIGITS: Final = frozenset("0123456789")
_NONZERO: Final = frozenset("123456789")
_QUALIFIERS: Final = frozenset("?~%")


def diagnose(s: str) -> PointError:
    """Find where a point that the regex refused goes wrong (the slow path)."""
    space = WHITESPACE_RE.search(s)
    if space is not None:
        return PointError("spaces are not allowed", space.start())
    if not s:
        return PointError("expected a date", 0)
    scan = _Scanner(s)
    try:
        scan.point()
    except PointError as error:
        return error
    return PointError("not a valid EDTF date", 0)


class _Scanner:
    """Walks the point grammar of POINT_RE char by char to locate an error."""

    def __init__(self, s: str) -> None:
        self.s = s
        self.i = 0

    def at(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.s[j] if j < len(self.s) else ""

    def expect(self, chars: frozenset[str], reason: str) -> None:
        if self.at() not in chars:
            raise PointError(reason, self.i)
        self.i += 1

    def skip(self, chars: frozenset[str] | str) -> bool:
        if self.at() != "" and self.at() in chars:
            self.i += 1
            return True
        return False

    def point(self) -> None:
        self.skip(_QUALIFIERS)
        if self.skip("Y"):
            self.long_year()
        else:
            self.skip("-")
            self.year()
        self.skip(_QUALIFIERS)
        if self.skip("-"):
            self.two_digits("expected a two-digit month, season or XX")
            if self.skip("-"):
                self.two_digits("expected a two-digit day or XX")
                if self.skip("T"):
                    self.time()
        if self.skip("S"):
            self.expect(_NONZERO, "expected the number of significant digits")
            while self.skip(_DIGITS):
                pass
        if self.i < len(self.s):
            raise PointError(f"unexpected character {self.at()!r}", self.i)

    def long_year(self) -> None:
        self.skip("-")
        start = self.i
        self.expect(_NONZERO, "expected the digits of a Y-year, not starting with 0")
        while self.skip(_DIGITS):
            pass
        if self.skip("E"):
            self.expect(_NONZERO, "expected an exponent")
            while self.skip(_DIGITS):
                pass
        elif self.i - start < 5:
            raise PointError("a Y-year has more than four digits", start)

    def year(self) -> None:
        reason = "expected a four-digit year (X only in its last two digits)"
        self.expect(_DIGITS, reason)
        self.expect(_DIGITS, reason)
        if self.skip("X"):
            self.expect(frozenset("X"), reason)
        else:
            self.expect(_DIGITS, reason)
            self.expect(_DIGITS | {"X"}, reason)

    def two_digits(self, reason: str) -> None:
        self.skip(_QUALIFIERS)
        if self.at() == "X":
            self.expect(frozenset("X"), reason)
            self.expect(frozenset("X"), reason)
        else:
            self.expect(_DIGITS, reason)
            self.expect(_DIGITS, reason)
        self.skip(_QUALIFIERS)

    def time(self) -> None:
        for expected in ("dd", ":", "dd", ":", "dd"):
            for char in expected:
                self.expect(_DIGITS if char == "d" else frozenset(char), "expected a time hh:mm:ss")
        if self.skip("Z") or not self.skip("+-"):
            return
        reason = "expected a UTC offset like Z, +05 or -04:30"
        self.expect(_DIGITS, reason)
        self.expect(_DIGITS, reason)
        if self.skip(":"):
            self.expect(_DIGITS, reason)
            self.expect(_DIGITS, reason)
