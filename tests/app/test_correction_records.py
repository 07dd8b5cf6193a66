"""``correct`` and ``retract`` records: corrections as files, in one transaction with the rest of an import."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chrono.errors import Rejected
from chrono.store import open_store
from tests.app.test_write_side import fill
from tests.factories import entry

SLUG = "2021-van-son-programme"
STOCK = {"metric": "agreements", "value": "3", "unit": "agreement", "observed": "2022-07-04"}


def correction(**fields: Any) -> dict[str, Any]:
    return {"type": "correct", "id": SLUG, "set": fields, "reason": "the minutes give March"}


def test_a_correct_record_is_a_corrected_event_and_importing_it_again_records_nothing(store_url: str) -> None:
    app = open_store(store_url)
    fill(app, entry())
    before = datetime.now(UTC)
    record = correction(when="2021-03", actors=["ha-giang", "yunnan"], title={"en": "Programme", "vi": "Chương trình"}, quantities=[STOCK])
    assert fill(app, record).recorded == (SLUG,)
    got = app.entry(SLUG)
    assert (got.facts.when.edtf, got.facts.actors, got.facts.title.en) == ("2021-03", ("ha-giang", "yunnan"), "Programme")
    (quantity,) = got.facts.quantities
    assert quantity.observed is not None and quantity.observed.edtf == "2022-07-04" and quantity.period is None
    assert [type(e).__name__ for e in app.revisions(SLUG)] == ["AgreementSigned", "Corrected"]
    assert app.entry(SLUG, known_at=before).facts.when.edtf == "2021"
    assert fill(app, entry(), record).recorded == ()  # the entry as first recorded, and the correction, are both there


def test_an_entry_and_its_correction_in_one_file_are_one_transaction(store_url: str) -> None:
    app = open_store(store_url)
    with pytest.raises(Rejected):
        fill(app, entry(), correction(when="2021-03"), correction(partners=["atlantis"]))
    assert app.head_position() == 0
    fill(app, entry(), correction(when="2021-03"), {"type": "retract", "id": SLUG, "reason": "recorded twice"})
    got = app.entry(SLUG)
    assert got.facts.when.edtf == "2021-03" and got.retracted and got.retraction_reason == "recorded twice"
    assert [type(e).__name__ for e in app.revisions(SLUG)] == ["AgreementSigned", "Corrected", "Retracted"]


@pytest.mark.parametrize(
    ("record", "field"),
    [
        (correction(wehn="2021-03"), "set.wehn"),
        (correction(when="2021-13"), "set.when"),
        (correction(partners=["atlantis"]), "set.partners"),
        (correction(cameo="040"), "set.cameo"),
        (correction(quantities="many"), "set.quantities"),
        ({"type": "correct", "id": SLUG, "set": {}, "reason": "x"}, "set"),
        ({"type": "correct", "id": SLUG, "set": {"when": "2021-03"}}, "reason"),
        ({**correction(when="2021-03"), "resaon": "typo"}, "resaon"),
        ({"type": "correct", "id": "no-such-entry", "set": {"when": "2021-03"}, "reason": "x"}, "id"),
        ({"type": "retract", "id": SLUG}, "reason"),
        ({"type": "retract", "id": "no-such-entry", "reason": "x"}, "id"),
    ],
)
def test_bad_corrections_are_named_by_field_and_nothing_is_written(store_url: str, record: dict, field: str) -> None:
    app = open_store(store_url)
    fill(app, entry())
    head = app.head_position()
    with pytest.raises(Rejected) as caught:
        fill(app, record)
    assert field in [p.field for p in caught.value.problems]
    assert app.head_position() == head
