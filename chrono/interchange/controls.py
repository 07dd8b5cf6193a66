"""Control characters: the ones a terminal obeys rather than shows.

Titles, quotes and names come from imported files and the command line. In a
terminal, an escape sequence (``\\x1b[31m``, or ``\\x1b]0;...`` that retitles
the window) or a bidirectional override would be obeyed, not shown. Every
output that can reach a terminal writes them out (``clean``) or drops them
(``strip``); the Rich views do so through ``chrono.render.safe``.
"""

from __future__ import annotations

import re

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
