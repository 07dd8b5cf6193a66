"""Readable ids: slugs of names and titles, and the id of a record given none."""

from __future__ import annotations

import re
import unicodedata

from chrono.events.values import Names
from chrono.when import When

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def slugify(text: str) -> str:
    """An ASCII slug of ``text``: ``Thiên Bảo twinning`` -> ``thien-bao-twinning``."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def derive_slug(kind: str, when: When, title: Names) -> str:
    """The id of a record that has none: its year, kind and title."""
    year = when.edtf[:4] if when.earliest_key is None else f"{when.earliest_key[0]:04d}"
    return slugify(f"{year}-{kind}-{title.en}")[:80].strip("-")
