"""Finding partners by id or name, and their place in the hierarchy."""

from __future__ import annotations

from collections.abc import Mapping

from chrono.errors import AmbiguousPartner, UnknownPartner
from chrono.events.values import Partner


def find_partner(query: str, partners: Mapping[str, Partner]) -> Partner:
    """The partner whose id or name (any language, diacritics optional) is ``query``.

    A name that fits two partners is refused with both ids (``AmbiguousPartner``);
    a query with nothing to compare (no Latin letter or digit, as ``文山`` or
    ``""``) matches a name written exactly so, or nothing: never a partner
    whose own name has no Latin letters either.
    """
    if query in partners:
        return partners[query]
    from chrono.events.slugs import partner_hint, slugify  # only lookups by name need slugs

    wanted, written = slugify(query), query.strip()
    matches = [
        p for p in partners.values()
        if (wanted and wanted in (slugify(p.name.en), slugify(p.name.vi), p.id)) or (written and written in (p.name.en, p.name.vi, p.name.zh))
    ]  # fmt: skip
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise AmbiguousPartner(query, sorted(p.id for p in matches))
    raise UnknownPartner(query, partner_hint(query, partners))


def children(partners: Mapping[str, Partner]) -> dict[str, list[str]]:
    """Each partner's id with the ids of the partners directly below it."""
    below: dict[str, list[str]] = {}
    for partner in partners.values():
        if partner.parent:
            below.setdefault(partner.parent, []).append(partner.id)
    return below


def descendants(pid: str, partners: Mapping[str, Partner], below: Mapping[str, list[str]] | None = None) -> set[str]:
    """``pid`` and every partner below it (``below``: ``children(partners)``,
    made once by a caller that asks for many partners)."""
    if below is None:
        below = children(partners)
    found = {pid}
    stack = [pid]
    while stack:
        for child in below.get(stack.pop(), []):
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


def top_down(partners: Mapping[str, Partner]) -> list[Partner]:
    """Every partner, each after its parent (then by id): the order an import can read them in."""
    below = children(partners)
    roots = sorted(pid for pid, p in partners.items() if not p.parent or p.parent not in partners)
    out: list[Partner] = []
    stack = roots[::-1]
    seen: set[str] = set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        out.append(partners[pid])
        stack.extend(sorted(below.get(pid, []), reverse=True))
    return out + [p for pid, p in sorted(partners.items()) if pid not in seen]  # a cycle in the registry: still every partner
