"""A partner's history, and the partner registry as a hierarchy."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from chrono.events.entry import Entry
from chrono.events.values import Partner
from chrono.projections.counting import POSSIBLE
from chrono.projections.results import Counter, History, Since
from chrono.render.charts import bar
from chrono.render.figures import low_text, range_text
from chrono.render.labels import kind_label, label, level_label
from chrono.render.text import cell, plain
from chrono.render.theme import kind_style
from chrono.render.timeline import TimelineView

SIDE_BY_SIDE = 100  # from this width the hierarchy and the relationship sit side by side


def _children(partners: Mapping[str, Partner]) -> dict[str | None, list[Partner]]:
    found: dict[str | None, list[Partner]] = {}
    for partner in partners.values():
        parent = partner.parent if partner.parent in partners else None
        found.setdefault(parent, []).append(partner)
    for members in found.values():
        members.sort(key=lambda p: p.id)
    return found


def _partner_label(partner: Partner, lang: str, *, strong: bool = False, count: int | None = None) -> Text:
    text = plain(partner.name.get(lang), "chrono.partner.strong" if strong else "chrono.partner")
    text.append(f"  {level_label(partner.level, lang)}", style="chrono.muted")
    if count:
        text.append(f" ({count})", style="chrono.muted")
    return text


def lineage_tree(found: History, lang: str) -> Tree:
    """Ancestors down to the partner, then its children with their entry counts."""
    chain: list[Partner] = list(found.lineage) or [found.partner]
    root = Tree(_partner_label(chain[0], lang, strong=len(chain) == 1), guide_style="chrono.gutter")
    node = root
    for partner in chain[1:]:
        node = node.add(_partner_label(partner, lang, strong=partner.id == found.partner.id))
    for child, count in found.children:
        node.add(_partner_label(child, lang, count=count))
    return root


def _entry_line(entry: Entry | None, lang: str) -> Text:
    if entry is None:
        return Text("—", style="chrono.muted")
    text = plain(entry.facts.when.display(lang), "chrono.date")
    text.append(": ")
    text.append(entry.facts.title.get(lang))
    return text


def since_text(since: Since | None, lang: str) -> Text:
    """When a state began, from its earliest entry, marked when only possible."""
    if since is None:
        return Text("—", style="chrono.muted")
    text = plain(since.entry.facts.when.display(lang))
    if since.certainty == POSSIBLE:
        text.append(f" ({label(lang, 'marker.possible')})", style="chrono.possible")
    return text


def agreements_text(counter: Counter | None, lang: str) -> Text:
    """The agreements counter as ``counters`` shows it (its range too, when it has one)."""
    if counter is None:
        return Text("0", style="chrono.definite")
    text = low_text(counter, lang)
    spread = range_text(counter, lang)
    if spread:
        text.append(" (")
        text.append_text(spread)
        text.append(")")
    return text


def relationship_grid(found: History, lang: str) -> Table:
    """Since when, how many agreements, which mechanisms, first and latest contact."""
    state = found.relationship
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="chrono.heading", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(label(lang, "relations_since"), since_text(state.relations_since, lang))
    grid.add_row(label(lang, "twinned_since"), since_text(state.twinned_since, lang))
    grid.add_row(label(lang, "agreements"), agreements_text(state.agreements, lang))
    mechanisms = Text(str(state.mechanisms.total), style="chrono.definite")
    read = {entry.slug: entry for entry in state.listed}
    for slug in state.mechanisms.ids[:SHOWN_MECHANISMS]:
        mechanisms.append("\n• ")
        mechanisms.append_text(_entry_line(read[slug], lang) if slug in read else Text(slug))  # by date and title where read
    if state.mechanisms.total > SHOWN_MECHANISMS:
        mechanisms.append("\n" + label(lang, "more", n=state.mechanisms.total - SHOWN_MECHANISMS), style="chrono.muted")
    grid.add_row(label(lang, "mechanisms"), mechanisms)
    grid.add_row(label(lang, "first_contact"), _entry_line(found.first_contact, lang))
    grid.add_row(label(lang, "latest_contact"), _entry_line(found.latest_contact, lang))
    return grid


SHOWN_MECHANISMS = 5


def kind_counts(counts: Mapping[str, int], lang: str, width: int = 16) -> Table:
    """Entries by kind with a bar each."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(justify="right")
    table.add_column()
    top = max(counts.values(), default=0)
    for kind, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        table.add_row(plain(kind_label(kind, lang), kind_style(kind)), str(count), bar(count, 0, top, width))
    return table


class PartnerHistoryView:
    """``chrono partner P``: the partner's place, the relationship's state, its history."""

    def __init__(self, found: History, lang: str = "en", *, timeline: bool = True) -> None:
        self.found = found
        self.partners = found.timeline.partners
        self.lang = lang
        self.timeline = timeline  # False: the panel alone (a streamed history prints its timeline after it)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lang, found = self.lang, self.found
        tree = lineage_tree(found, lang)
        state = Group(relationship_grid(found, lang), Text(""), Text(label(lang, "counts"), style="chrono.heading"),
                      kind_counts(found.relationship.counts, lang))  # fmt: skip
        body: RenderableType
        if options.max_width >= SIDE_BY_SIDE:
            body = Table.grid(padding=(0, 3))
            body.add_column(ratio=2)
            body.add_column(ratio=3)
            body.add_row(Group(Text(label(lang, "hierarchy"), style="chrono.heading"), tree), state)
        else:
            body = Group(Text(label(lang, "hierarchy"), style="chrono.heading"), tree, Text(""), state)
        partner = found.partner
        title = plain(partner.name.get(lang), "chrono.partner.strong")
        title.append(f" · {level_label(partner.level, lang)} · {partner.id}", style="chrono.muted")
        yield Panel(body, title=title, title_align="left", border_style="chrono.gutter")
        if not self.timeline:
            return
        line = found.timeline
        yield TimelineView(line.entries, self.partners, lang, as_of=line.axes.as_of, known_at=line.axes.known_at, page=line.page,
                           by=line.by, total=line.total)  # fmt: skip


class PartnerTreeView:
    """``chrono partners``: the registry as a hierarchy, home side marked."""

    def __init__(self, partners: Mapping[str, Partner], lang: str = "en") -> None:
        self.partners = partners
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        children = _children(self.partners)
        root = Tree(Text(label(self.lang, "partners_title"), style="chrono.heading"), guide_style="chrono.gutter")

        # A walk with a stack, not a recursion: a registry may nest thousands deep.
        stack: list[tuple[Tree, str | None]] = [(root, None)]
        while stack:
            node, parent = stack.pop()
            for partner in children.get(parent, []):
                text = _partner_label(partner, self.lang)
                text.append(f" · {partner.id}", style="chrono.id")
                stack.append((node.add(text), partner.id))
        yield root


PARTNER_COLUMNS = ("id", "name_en", "name_vi", "name_zh", "level", "parent", "country")


def partner_rows(partners: Mapping[str, Partner]) -> Iterator[tuple[str, ...]]:
    """The registry as plain rows under PARTNER_COLUMNS, parents before children."""
    children = _children(partners)
    stack = list(reversed(children.get(None, [])))
    while stack:
        partner = stack.pop()
        yield tuple(cell(v) for v in (partner.id, partner.name.en, partner.name.vi, partner.name.zh, partner.level, partner.parent, partner.country))
        stack.extend(reversed(children.get(partner.id, [])))
