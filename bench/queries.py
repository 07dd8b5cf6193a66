"""The query commands of DESIGN.md section 9, as a user types them.

Each has a name (for ``--only``), the arguments after ``chrono --store URL``
and the flat-SQL baseline that asks the same question (``bench.flat``).
The writes are ``chrono record`` of one new entry, untimed, followed by the
timed query: the first query after a write.
"""

from __future__ import annotations

import attrs

PARTNER = "china"  # the largest family: the country and its 205 descendants
KIND = "TwinningSigned"  # 3% of entries
METRIC = "agreements"
AS_OF = "2021-12-31"
PAGE = 100  # a later page: entries 1981-2000


@attrs.frozen
class Question:
    """What the commands ask about, fixed for a run but for ``known_at`` and ``show``.

    Attributes:
        known_at: a recording time between the import and the corrections (ISO, UTC, to the second).
        show: an entry that was corrected (it has several revisions).
    """

    known_at: str
    show: str


@attrs.frozen
class Query:
    """One query figure.

    Attributes:
        name: its name for ``--only`` and in the JSON.
        label: the command as the table shows it.
        args: what follows ``chrono --store URL``.
        baseline: the name of its flat-SQL baseline in ``bench.flat``.
        write: True for the first query after a write of one entry.
    """

    name: str
    label: str
    args: tuple[str, ...]
    baseline: str
    write: bool = False


def queries(question: Question) -> list[Query]:
    limit = ("--limit", "20")
    table = [
        Query("timeline", "timeline --limit 20", ("timeline", *limit), "timeline"),
        Query("timeline-page", f"timeline --limit 20 --page {PAGE}", ("timeline", *limit, "--page", str(PAGE)), "timeline_page"),
        Query("timeline-partner", f"timeline --partner {PARTNER} --limit 20", ("timeline", "--partner", PARTNER, *limit), "timeline_partner"),
        Query("timeline-kind", f"timeline --kind {KIND} --limit 20", ("timeline", "--kind", KIND, *limit), "timeline_kind"),
        Query("timeline-as-of", f"timeline --as-of {AS_OF} --limit 20", ("timeline", "--as-of", AS_OF, *limit), "timeline_as_of"),
        Query("timeline-known-at", "timeline --known-at T --limit 20", ("timeline", "--known-at", question.known_at, *limit), "timeline_known_at"),
        Query("partner", f"partner {PARTNER} --limit 20", ("partner", PARTNER, *limit), "partner"),
        Query("counters", "counters", ("counters",), "counters"),
        Query("counters-json", "counters --format json", ("counters", "--format", "json"), "counters"),
        Query("counters-by-year", "counters --by year", ("counters", "--by", "year"), "counters_by_year"),
        Query("counters-partner", f"counters --partner {PARTNER}", ("counters", "--partner", PARTNER), "counters_partner"),
        Query("explain", f"explain {METRIC}", ("explain", METRIC), "explain"),
        Query("state", f"state --as-of {AS_OF}", ("state", "--as-of", AS_OF), "state"),
        Query("show", "show ID (a corrected entry)", ("show", question.show), "show"),
        Query("log", "log --limit 20", ("log", *limit), "log"),
    ]
    writes = [
        Query("write-counters", "record, then counters", ("counters",), "write_counters", write=True),
        Query("write-timeline", "record, then timeline --limit 20", ("timeline", *limit), "write_timeline", write=True),
    ]
    return table + writes


def record_args(number: int) -> tuple[str, ...]:
    """``chrono record`` of one new entry (a visit to the partner, today)."""
    return (
        "record", "VisitMade", "--id", f"bench-write-{number}", "--when", "2024-05",
        "--title", f"Bench write {number}", "--partner", PARTNER, "--actor", "home",
        "--source", "bench.txt", "--quote", "Đoàn công tác của tỉnh đã sang thăm và làm việc.",
    )  # fmt: skip
