"""Finding partners by id or name, and their place in the hierarchy."""

from __future__ import annotations

from collections.abc import Mapping

from chrono.errors import UnknownPartner
from chrono.events.values import Partner


def find_partner(query: str, partners: Mapping[str, Partner]) -> Partner:
    """The partner whose id or name (any language, diacritics optional) is ``query``."""
    if query in partners:
        return partners[query]
    from chrono.events.records import slugify  # only lookups by name need the record parser

    wanted = slugify(query)
    matches = [p for p in partners.values() if wanted in (slugify(p.name.en), slugify(p.name.vi), p.id) or query == p.name.zh]
    if not matches:
        raise UnknownPartner(query)
    return matches[0]


def descendants(pid: str, partners: Mapping[str, Partner]) -> set[str]:
    """``pid`` and every partner below it."""
    children: dict[str, list[str]] = {}
    for partner in partners.values():
        if partner.parent:
            children.setdefault(partner.parent, []).append(partner.id)
    found = {pid}
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def ancestry(pid: str, partners: Mapping[str, Partner]) -> list[Partner]:
    """The chain from the top of the hierarchy down to ``pid``."""
    chain: list[Partner] = []
    seen: set[str] = set()
    current: str | None = pid
    while current and current in partners and current not in seen:
        seen.add(current)
        chain.append(partners[current])
        current = partners[current].parent
    return chain[::-1]
