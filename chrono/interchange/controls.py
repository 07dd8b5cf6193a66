"""Control characters: the ones a terminal obeys rather than shows.

Titles, quotes and names come from imported files and the command line. In a
terminal, an escape sequence (``\\x1b[31m``, or ``\\x1b]0;...`` that retitles
the window) or a bidirectional override would be obeyed, not shown. Every
output that can reach a terminal writes them out (``clean``) or drops them
(``strip``); the Rich views do so through ``chrono.render.safe``.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

# C0 controls but newline and tab, DEL, C1 controls, and the bidirectional
# embeddings, overrides and isolates ("Trojan Source").
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str) -> str:
    """``text`` with every control character written out (``\\x1b``), for
    lines chrono prints itself (error messages)."""
    return UNSAFE.sub(_visible, text)


def strip(text: str) -> str:
    """``text`` without its control characters.

    Used on laid-out output, where they take no width: dropping them keeps
    the columns of a table aligned, and what is left ("[31m") is plain text.
    """
    return UNSAFE.sub("", text)


# Line breaks other than \n: a terminal (or Markdown, or a one-line label)
# would break the line at some of them, others it shows as nothing at all.
LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def one_line(text: str, mark: str = " ⏎ ") -> str:
    """``text`` on one line: each line break shown as ``mark``, so that a title
    with a newline cannot print what looks like another row of a table."""
    return LINE_BREAKS.sub(mark, text) if LINE_BREAKS.search(text) else text


class _Shown:
    """A text stream that writes control characters out (``clean``) before a terminal sees them."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(clean(text.replace("\r\n", "\n")))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def for_terminal(stream: TextIO) -> TextIO:
    """``stream`` itself, or, when it is a terminal, one that shows control characters as text.

    CSV and the other file formats keep the text exact (they are read back);
    on a terminal the same bytes would be obeyed: an escape sequence retitles
    the window or clears the screen, a lone carriage return overwrites a line.
    """
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream: left as it is
        return stream
    return _Shown(stream) if terminal else stream  # type: ignore[return-value]
