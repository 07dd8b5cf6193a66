"""For random logs: the audit of an untouched store is clean, and any single
changed byte of any stored event is found at its position."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chrono.interchange.importing import import_files
from chrono.projections.audit import audit
from chrono.store import open_store
from chrono.when import When
from tests.factories import PARTNERS, entry, jsonl

logs = st.lists(st.tuples(st.integers(1990, 2030), st.booleans(), st.booleans()), min_size=1, max_size=8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
