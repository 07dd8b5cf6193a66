"""The flat-SQL baseline of each query command: the same question asked in plain SQL.

Each baseline is a few statements over the flat tables (``bench.flat``) or
eventsourcing's own log table, through sqlite3 or psycopg on a connection
opened beforehand, every row fetched; its time is the median of 7 after one
untimed call. A paged answer fetches its page and its total, as the
commands print both. Counters sum the amounts as of the day (no covering
by figures, no ranges for competing claims): the cost of an aggregate over
everything the counters read. Nothing is decoded or rendered.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from contextlib import closing
from typing import Any

from bench import queries

FAMILY = "WITH RECURSIVE fam(id) AS (SELECT ? UNION SELECT t.id FROM tree t JOIN fam f ON t.parent = f.id) "
IN_FAMILY = "partner IN (SELECT id FROM fam)"
PAGE = "SELECT entry, kind, title, earliest, latest FROM entries"
RELATIONSHIPS = "('RelationsEstablished', 'TwinningSigned', 'AgreementSigned', 'MechanismEstablished')"
REPEAT = 7

Statements = list[tuple[str, tuple[Any, ...]]]


def sums(where: str = "", group: str = "") -> str:
    """Definite and possible sums of the amounts as of a day (three ``?``: the day)."""
    return (
        f"SELECT metric, unit{group}, SUM(CASE WHEN latest <= ? THEN value ELSE 0 END),"
        f" SUM(CASE WHEN latest > ? AND earliest <= ? THEN value ELSE 0 END), COUNT(*)"
        f" FROM amounts{where} GROUP BY metric, unit{group}"
    )


def family_page(partner: str) -> Statements:
    return [
        (FAMILY + f"SELECT DISTINCT entry, order_key FROM entry_partners WHERE {IN_FAMILY} ORDER BY order_key LIMIT 20", (partner,)),
        (FAMILY + f"SELECT COUNT(DISTINCT entry) FROM entry_partners WHERE {IN_FAMILY}", (partner,)),
    ]


def statements(name: str, today: int, log: tuple[str, str, Any]) -> Statements:
    """The statements of baseline ``name``; ``log`` is the log table, its notification id column and the shown entry's id."""
    d = int(queries.AS_OF.replace("-", ""))
    p, k, m = queries.PARTNER, queries.KIND, queries.METRIC
    table, position, shown = log
    now = (today, today, today)
    known = "FROM revisions WHERE recorded <= 1 AND (superseded IS NULL OR superseded > 1) AND retracted = 0"
    every: dict[str, Statements] = {
        "timeline": [(f"{PAGE} ORDER BY order_key LIMIT 20", ()), ("SELECT COUNT(*) FROM entries", ())],
        "timeline_page": [(f"{PAGE} ORDER BY order_key LIMIT 20 OFFSET {(queries.PAGE - 1) * 20}", ()), ("SELECT COUNT(*) FROM entries", ())],
        "timeline_partner": family_page(p),
        "timeline_kind": [(f"{PAGE} WHERE kind = ? ORDER BY order_key LIMIT 20", (k,)), ("SELECT COUNT(*) FROM entries WHERE kind = ?", (k,))],
        "timeline_as_of": [(f"{PAGE} WHERE earliest <= ? ORDER BY order_key LIMIT 20", (d,)), ("SELECT COUNT(*) FROM entries WHERE earliest <= ?", (d,))],
        "timeline_known_at": [(f"SELECT entry, kind, title {known} ORDER BY order_key LIMIT 20", ()), (f"SELECT COUNT(*) {known}", ())],
        "partner": [
            *family_page(p),
            (FAMILY + f"SELECT kind, COUNT(DISTINCT entry), MIN(order_key), MAX(order_key) FROM entry_partners WHERE {IN_FAMILY} GROUP BY kind", (p,)),
        ],
        "counters": [(sums(), now)],
        "counters_by_year": [(sums(group=", year"), now)],
        "counters_partner": [(FAMILY + sums(where=f" WHERE entry IN (SELECT entry FROM entry_partners WHERE {IN_FAMILY})"), (p, *now))],
        "explain": [
            ("SELECT entry, unit, value, earliest, latest FROM amounts WHERE metric = ? ORDER BY order_key LIMIT 20", (m,)),
            ("SELECT unit, COUNT(*), SUM(value) FROM amounts WHERE metric = ? GROUP BY unit", (m,)),
        ],
        "state": [
            (sums(), (d, d, d)),
            ("SELECT entry, kind, title FROM entries WHERE latest <= ? ORDER BY order_key DESC LIMIT 10", (d,)),
            (f"SELECT partner, kind, MIN(order_key), COUNT(*) FROM entry_partners WHERE latest <= ? AND kind IN {RELATIONSHIPS} GROUP BY partner, kind", (d,)),
        ],
        "show": [(f"SELECT originator_version, topic, state FROM {table} WHERE originator_id = ? ORDER BY originator_version", (shown,))],
        "log": [(f"SELECT {position}, originator_id, originator_version, topic, state FROM {table} ORDER BY {position} LIMIT 20", ()),
                (f"SELECT MAX({position}) FROM {table}", ())],
    }  # fmt: skip
    return every[name]


class Baselines:
    """The baselines of one store: the flat tables' connection and the log's."""

    def __init__(self, flat: Any, log: Any, postgres: bool, log_table: tuple[str, str, Any]) -> None:
        self.flat, self.log, self.postgres, self.log_table = flat, log, postgres, log_table
        self.today = int(time.strftime("%Y%m%d"))
        self.writes = 0

    def execute(self, connection: Any, todo: Statements) -> None:
        with closing(connection.cursor()) as cursor:
            for sql, params in todo:
                cursor.execute(sql.replace("?", "%s") if self.postgres else sql, params)
                cursor.fetchall()

    def action(self, name: str) -> Callable[[], None]:
        if name.startswith("write_"):
            return lambda: self.write(name.removeprefix("write_"))
        connection = self.log if name in ("show", "log") else self.flat
        todo = statements(name, self.today, self.log_table)
        return lambda: self.execute(connection, todo)

    def write(self, then: str) -> None:
        """Insert one entry (and its count), commit, then ask ``then``."""
        self.writes += 1
        entry, key = f"bench-write-{self.writes}", f"20240501|20240531|bench-write-{self.writes}"
        insert: Statements = [
            ("INSERT INTO entries VALUES (?, 'VisitMade', 'happened', 20240501, 20240531, 2024, ?, 'Bench write')", (entry, key)),
            ("INSERT INTO amounts VALUES (?, 'VisitMade', 'visits', 'visit', 1.0, 20240501, 20240531, 2024, 0, ?)", (entry, key)),
        ]
        with closing(self.flat.cursor()) as cursor:
            for sql, params in insert:
                cursor.execute(sql.replace("?", "%s") if self.postgres else sql, params)
        self.flat.commit()
        self.execute(self.flat, statements(then, self.today, self.log_table))

    def measure_ms(self, name: str) -> float:
        action = self.action(name)
        action()
        times = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            action()
            times.append(time.perf_counter() - started)
        return statistics.median(times) * 1000
