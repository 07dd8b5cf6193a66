"""Stocks: a quantity observed on a date, in every import shape and back out."""

from __future__ import annotations

import json

import pytest

from chrono.errors import Rejected
from chrono.interchange import shapes
from chrono.interchange.changes import parse_quantity_text
from chrono.interchange.importing import import_files
from chrono.store import open_store
from tests.factories import PARTNERS, entry, jsonl

STOCK = {"metric": "twinnings", "value": "12", "unit": "border-post", "qualifier": "exact", "observed": "2021-03"}


def figure(**changes: object) -> dict:
    return entry("2021-border-posts-twinned", kind="FigureReported", when="2021-03", quantities=[{**STOCK, **changes}])


def test_a_stock_imports_from_json_lines_and_comes_back_out_observed(store_url: str) -> None:
    app = open_store(store_url)
    import_files(app, [(jsonl([*PARTNERS, figure()]), "in.jsonl")])
    quantity = app.entry("2021-border-posts-twinned").facts.quantities[0]
    assert quantity.stock and quantity.period is None
    assert quantity.observed is not None and quantity.observed.edtf == "2021-03"
    shown = shapes.entry_json(app.entry("2021-border-posts-twinned"), app.snapshot().partners)["quantities"][0]
    assert shown["observed"]["edtf"] == "2021-03" and shown["period"] is None


def test_a_stock_imports_from_csv_and_yaml(tmp_path) -> None:
    import yaml

    app = open_store(str(tmp_path / "s.sqlite"))
    record = figure()
    header = "type,id,kind,when,title_en,partners,metric,value,unit,qualifier,observed,document,quote\n"
    row = f"entry,{record['id']},FigureReported,2021-03,Posts,van-son,twinnings,12,border-post,exact,2021-03,a.txt,q\n"
    import_files(app, [(jsonl(PARTNERS), "p.jsonl"), (header.encode() + row.encode(), "in.csv")])
    assert app.entry(record["id"]).facts.quantities[0].observed.edtf == "2021-03"
    other = open_store(str(tmp_path / "y.sqlite"))
    import_files(other, [(jsonl(PARTNERS), "p.jsonl"), (yaml.safe_dump([record], allow_unicode=True).encode(), "in.yaml")])
    assert other.entry(record["id"]).facts.quantities[0].observed.edtf == "2021-03"


def test_a_quantity_with_both_a_period_and_an_observed_date_is_refused(tmp_path) -> None:
    app = open_store(str(tmp_path / "s.sqlite"))
    with pytest.raises(Rejected) as caught:
        import_files(app, [(jsonl([*PARTNERS, figure(period="2015/2020")]), "in.jsonl")])
    assert caught.value.problems[0].field == "quantities.0.observed"
    assert "not both" in caught.value.problems[0].message
    assert app.head_position() == 0


def test_a_bad_observed_date_names_its_field(tmp_path) -> None:
    app = open_store(str(tmp_path / "s.sqlite"))
    with pytest.raises(Rejected) as caught:
        import_files(app, [(jsonl([*PARTNERS, figure(observed="2021-13")]), "in.jsonl")])
    assert caught.value.problems[0].field == "quantities.0.observed"


def test_the_command_line_quantity_names_its_measure() -> None:
    assert parse_quantity_text("twinnings=12 border-post observed=2021-03")["observed"] == "2021-03"
    assert parse_quantity_text("agreements=85 agreement at_least 2015/2020")["period"] == "2015/2020"
    flow = parse_quantity_text("agreements=85 agreement period=2015/2020")
    assert flow["period"] == "2015/2020" and "observed" not in flow


def test_a_stock_survives_the_json_lines_export(tmp_path) -> None:
    app = open_store(str(tmp_path / "s.sqlite"))
    import_files(app, [(jsonl([*PARTNERS, figure()]), "in.jsonl")])
    exported = shapes.dumps(shapes.entry_json(app.entry("2021-border-posts-twinned"), app.snapshot().partners))
    again = open_store(str(tmp_path / "t.sqlite"))
    import_files(again, [(jsonl(PARTNERS) + exported.encode() + b"\n", "back.jsonl")])
    assert again.entry("2021-border-posts-twinned").facts == app.entry("2021-border-posts-twinned").facts
    assert json.loads(exported)["quantities"][0]["observed"]["edtf"] == "2021-03"
