"""For random logs: the audit of an untouched store is clean, and any single
changed byte of any stored event is found at its position."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from chrono.interchange.importing import import_files
from chrono.projections.audit import audit
from chrono.store import open_store
from chrono.when import When
from tests.factories import PARTNERS, entry, jsonl

logs = st.lists(st.tuples(st.integers(1990, 2030), st.booleans(), st.booleans()), min_size=1, max_size=8)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(logs, st.data())
def test_clean_audit_and_every_byte_matters(log: list[tuple[int, bool, bool]], data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = str(Path(directory) / "s.sqlite")
        app = open_store(path)
        records = [entry(f"e-{n}", when=str(year)) for n, (year, _, _) in enumerate(log)]
        import_files(app, [(jsonl([*PARTNERS, *records]), "in.jsonl")])
        for n, (year, corrected, retracted) in enumerate(log):
            if corrected:
                app.correct(f"e-{n}", {"when": When.parse(f"{year}-06")}, "test", None)
            if retracted:
                app.retract(f"e-{n}", "test")
        assert audit(app).ok
        head = app.head_position()
        position = data.draw(st.integers(1, head), label="position")
        with sqlite3.connect(path) as connection:
            (state,) = connection.execute("SELECT state FROM stored_events WHERE rowid = ?", (position,)).fetchone()
            index = data.draw(st.integers(0, len(state) - 1), label="byte")
            mask = data.draw(st.integers(1, 255), label="mask")
            changed = bytearray(state)
            changed[index] ^= mask
            connection.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (bytes(changed), position))
        report = audit(open_store(path))
        assert not report.ok
        assert report.problems[0].check == "chain"
        assert report.problems[0].position == position


# Tables whose every byte the audit answers for (chrono_meta is the store's, not the read model's;
# chrono_tracking's positions are covered by the chain and the seals, tested in tests/faults/test_tampering.py).
_TABLES = (
    "stored_events", "chrono_chain", "chrono_revisions", "chrono_revision_partners", "chrono_partners", "chrono_contributions",
    "chrono_tallies", "chrono_totals", "chrono_totals_keys", "chrono_totals_pending", "chrono_members", "chrono_seals",
)  # fmt: skip


def _changed(value: object, index: int, step: int) -> object:
    """``value`` with one byte (or character) changed."""
    if isinstance(value, bytes):
        changed = bytearray(value)
        changed[index % len(changed)] ^= 1 + step % 255
        return bytes(changed)
    text = str(value)
    at = index % len(text)
    alphabet = "0123456789" if isinstance(value, int) else "abcdefghijklmnopqrstuvwxyz0123456789-.:"
    options = [c for c in alphabet if c != text[at]]
    if isinstance(value, int) and at == 0 and len(text) > 1:
        options = [c for c in options if c != "0"]
    new = text[:at] + options[step % len(options)] + text[at + 1 :]
    return int(new) if isinstance(value, int) else new


# Not shrunk: each example makes a store and runs commands, and shrinking one took minutes; the draws are printed.
@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow], phases=[Phase.explicit, Phase.generate])
@given(logs, st.data())
def test_any_changed_byte_of_any_table_fails_the_audit_and_no_command_crashes(log: list[tuple[int, bool, bool]], data: st.DataObject) -> None:
    from tests.faults.helpers import cli

    with tempfile.TemporaryDirectory() as directory:
        path = str(Path(directory) / "s.sqlite")
        app = open_store(path)
        records = [
            entry(f"e-{n}", when=str(year), quantities=[{"metric": "aid_value", "value": str(n + 1), "unit": "USD"}]) for n, (year, _, _) in enumerate(log)
        ]
        import_files(app, [(jsonl([*PARTNERS, *records]), "in.jsonl")])
        for argv in (["counters"], ["counters", "--by", "year"], ["explain", "aid_value"]):
            assert cli("--store", path, *argv)[0] == 0
        for n, (year, corrected, retracted) in enumerate(log):
            if corrected:
                app.correct(f"e-{n}", {"when": When.parse(f"{year}-06")}, "test", None)
            if retracted:
                app.retract(f"e-{n}", "test")
        app.close()
        assert cli("--store", path, "counters")[0] == 0
        assert cli("--store", path, "audit")[0] == 0
        with sqlite3.connect(path) as connection:
            tables = [t for t in _TABLES if connection.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]]
            table = data.draw(st.sampled_from(tables), label="table")
            rowids = [r for (r,) in connection.execute(f"SELECT rowid FROM {table}")]
            rowid = data.draw(st.sampled_from(rowids), label="row")
            row = connection.execute(f"SELECT * FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
            names = [d[0] for d in connection.execute(f"SELECT * FROM {table} LIMIT 1").description]
            # A count that went back to zero says nothing (the audit compares the counts that count).
            assume(not (table == "chrono_tallies" and row[names.index("n")] == 0))
            columns = [(name, value) for name, value in zip(names, row, strict=True) if value not in (None, "", b"")]
            column, value = data.draw(st.sampled_from(columns), label="column")
            new = _changed(value, data.draw(st.integers(0, 10_000), label="index"), data.draw(st.integers(0, 10_000), label="step"))
            try:
                connection.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (new, rowid))
            except sqlite3.IntegrityError:  # a change the table's own keys refuse
                assume(False)
        report = audit(open_store(path))
        assert not report.ok
        named = " ".join(f"{p.message} {p.id or ''}" for p in report.problems)
        if table in {"stored_events", "chrono_chain"}:
            assert any(p.check == "chain" and p.position is not None for p in report.problems), named
        else:
            assert table in named, named
        # Queries that make out-of-date running totals again check their seals first; the rebuild repairs the
        # tables on the record: the change is reported by every audit after them.
        for argv in (["timeline"], ["counters", "--by", "year"], ["explain", "aid_value"], ["audit"], ["rebuild"], ["audit"]):
            code, _, err = cli("--store", path, *argv)
            assert code != 3 and "Traceback" not in err, (argv, err)
            if argv == ["audit"]:
                assert code == 1, (argv, err, _)
