"""Readable ids: slugs of names and titles, and the id of a record given none."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from chrono.events.values import Names, Partner
from chrono.when import When

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def slugify(text: str) -> str:
    """An ASCII slug of ``text``: ``Thiên Bảo twinning`` -> ``thien-bao-twinning``."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def id_year(when: When) -> str:
    """The year a derived id starts with: the year ``when`` starts in ("2018"; "minus-0500" before
    year 0, whose sign a slug would drop), "undated" when its start is open or unknown ("../2012"),
    as the bundled chronicle's ids are."""
    if when.earliest_key is None:
        return "undated"
    year = when.earliest_key[0]
    return f"{year:04d}" if year >= 0 else f"minus-{-year:04d}"


def derive_slug(kind: str, when: When, title: Names) -> str:
    """The id of a record that has none: its year (``id_year``), kind and title."""
    return slugify(f"{id_year(when)}-{kind}-{title.en}")[:80].strip("-")


def derived_ids(kind: str, when: When, title: Names) -> tuple[str, str | None]:
    """``derive_slug``'s id, and the id chrono derived before ``id_year`` (0.1.0's stores) where that
    differs: the first four characters of an open start's EDTF ("../2012" gave "2-..."), a year
    without its sign. A record given again is matched to the entry recorded under it, never twice."""
    slug = derive_slug(kind, when, title)
    year = when.edtf[:4] if when.earliest_key is None else f"{when.earliest_key[0]:04d}"
    earlier = slugify(f"{year}-{kind}-{title.en}")[:80].strip("-")
    return slug, None if earlier == slug else earlier


def partner_hint(query: str, partners: Mapping[str, Partner]) -> str:
    """Why no partner is ``query``, and the nearest one's id if one is near.

    The one hint of every place a partner is not found: a query by id or
    name, and an id a record or an import names that the store does not hold.
    """
    import difflib

    wanted = slugify(query)
    if not wanted:
        return "it has no Latin letters or digits to compare with ids and names, and no name is written exactly so"
    by_slug = {slug: p.id for p in partners.values() for slug in (p.id, slugify(p.name.en), slugify(p.name.vi)) if slug}
    near = difflib.get_close_matches(wanted[:100], sorted(by_slug), n=1, cutoff=0.6)
    return f"did you mean {by_slug[near[0]]!r}?" if near else "chrono partners lists them all"
