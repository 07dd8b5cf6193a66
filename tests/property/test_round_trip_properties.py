"""Every export re-imports to the same entry, whatever it holds (DESIGN.md section 10).

For any entry hypothesis can make (any Unicode text in every text field, any
quantities, one or more sources), an export in each re-importable format
(JSON Lines, CSV, the event log), imported into an empty store, gives the
same entry, field for field.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chrono.events.values import QUALIFIERS
from tests.factories import PARTNERS, jsonl
from tests.faults.helpers import cli, same_entries

ROUND_TRIP = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Any text a store can hold: every code point but the lone surrogates, which
# UTF-8 cannot encode (the import refuses them). Line breaks of every kind,
# controls, quotes, formula starts and spaces are drawn more often than chance would.
AWKWARD = st.sampled_from(["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0c", "\t", " ", "'", "=", "+", "-", "@", '"', ",", ";", "\x00", "\x1b"])
characters = st.characters(exclude_categories=("Cs",))
text = st.lists(st.one_of(characters, AWKWARD), min_size=1, max_size=12).map("".join)
required = text.filter(lambda s: s.strip() != "")  # a required field holds more than spaces
optional = st.one_of(st.just(""), required)
values = st.decimals(min_value=Decimal("1e-12"), max_value=Decimal("1e23"), allow_nan=False, allow_infinity=False, places=4).filter(lambda d: d > 0)
dates = st.sampled_from(["2018", "2016-03", "2015/2020", "2012/..", "[2024-03-21..2024-03-31]", "2018~", "201X", "-0100"])
quantities = st.fixed_dictionaries(
    {"metric": required, "value": values.map(str), "unit": required, "qualifier": st.sampled_from(QUALIFIERS)},
    optional={"period": dates},
)
sources = st.fixed_dictionaries({"document": required, "quote": required, "publisher": optional, "title": optional}, optional={"published": dates})
entries = st.fixed_dictionaries(
    {
        "type": st.just("entry"), "id": st.just("2020-any"), "kind": st.sampled_from(["VisitMade", "AidProvided", "FigureReported"]),
        "when": dates, "title": st.fixed_dictionaries({"en": required, "vi": optional}), "partners": st.just(["van-son"]),
        "actors": st.just(["ha-giang"]), "note": optional, "quantities": st.lists(quantities, max_size=3),
        "sources": st.lists(sources, min_size=1, max_size=3),
    },
    optional={"status": st.sampled_from(["happened", "planned"])},
)  # fmt: skip


def _import(store: str, path: Path, data: bytes) -> None:
    path.write_bytes(data)
    code, _, err = cli("--store", store, "import", str(path))
    assert code == 0, err


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "events"])
@ROUND_TRIP
@given(record=entries)
def test_an_exported_entry_reimports_as_the_same_entry(fmt: str, record: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        first, second = str(folder / "first.sqlite"), str(folder / "second.sqlite")
        _import(first, folder / "in.jsonl", jsonl([*PARTNERS, record]))
        code, exported, err = cli("--store", first, "export", "--format", fmt)
        assert code == 0, err
        if fmt == "csv":  # CSV holds entries only: the partners come first, from their own file
            _import(second, folder / "partners.jsonl", jsonl(PARTNERS))
        _import(second, folder / f"export.{'csv' if fmt == 'csv' else 'jsonl'}", exported.encode())
        same_entries(first, second)
