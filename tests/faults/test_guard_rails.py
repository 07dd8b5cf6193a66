"""Guard-rails for newcomers (DESIGN.md section 8): a mistake is told, never answered with an empty or wrong result."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import PARTNERS, entry, jsonl
from tests.faults.helpers import cli, write_jsonl

# -- a query never creates a store ---------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["timeline"], ["partners"], ["partner", "van-son"], ["counters"], ["state"], ["show", "x"], ["log"], ["export"], ["audit"], ["replay"],
     ["rebuild"], ["correct", "x", "--set", "note=n", "--reason", "r"], ["retract", "x", "--reason", "r"]],
)  # fmt: skip
def test_a_command_on_a_mistyped_store_path_is_refused_and_creates_nothing(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "no" / "such" / "store.sqlite"
    code, out, err = cli("--store", str(missing), *command)
    assert code == 2, (out, err)
    assert err.strip() == f"chrono: error: no store at {missing}: a query never creates a store: check --store, or import or record into it first"
    assert not (tmp_path / "no").exists()


def test_a_query_on_an_empty_file_says_it_is_not_a_store_yet(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    code, _, err = cli("--store", str(empty), "timeline")
    assert code == 2
    assert "is empty, not a chrono store yet" in err
    assert empty.stat().st_size == 0


def test_writes_create_the_store_they_name(tmp_path: Path) -> None:
    store = tmp_path / "new" / "store.sqlite"
    code, _, err = cli("--store", str(store), "import", str(write_jsonl(tmp_path / "p.jsonl", PARTNERS)))
    assert code == 0, err
    assert cli("--store", str(store), "partners", "--format", "json")[0] == 0


@pytest.mark.postgres
def test_a_query_on_a_postgres_schema_without_a_store_creates_nothing(postgres_url: str) -> None:
    import psycopg

    from tests.conftest import POSTGRES_URL

    code, _, err = cli("--store", postgres_url, "timeline")
    assert code == 2, err
    assert "no chrono store at" in err and "a query never creates a store" in err
    schema = postgres_url.rsplit("schema=", 1)[1]
    with psycopg.connect(POSTGRES_URL) as connection:
        assert connection.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is None


# -- closed choices refuse unknown values --------------------------------------------------------


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store with the bundled chronicle (the default store of a fresh install)."""
    store = str(tmp_path_factory.mktemp("bundled") / "s.sqlite")
    from chrono.interchange.bundled import import_bundled
    from chrono.store import open_store

    app = open_store(store)
    try:
        import_bundled(app)
    finally:
        app.close()
    return store


@pytest.mark.parametrize(
    ("command", "needle"),
    [
        (["timeline", "--status", "foo"], "--status: unknown status 'foo'; known: happened, planned, held, postponed, cancelled"),
        (["timeline", "--status", "plannd"], "--status: unknown status 'plannd'; did you mean 'planned'?"),
        (["timeline", "--kind", "agreementsigned"], "--kind: unknown kind 'agreementsigned'; did you mean 'AgreementSigned'?"),
        (["export", "--kind", "Visit"], "--kind: unknown kind 'Visit'"),
        (["explain", "agreement"], "metric: unknown metric 'agreement'; did you mean 'agreements'?"),
        (["explain", "zebras"], "metric: unknown metric 'zebras'"),
        (["partner", "atlantis"], "no partner matches 'atlantis'"),
        (["partner", "Wenshn"], "no partner matches 'Wenshn'; did you mean 'van-son'?"),
        (["timeline", "--partner", "Wenshn"], "did you mean 'van-son'?"),
        (["counters", "--partner", "Yunan"], "did you mean 'yunnan'?"),
        (["partner", "文山國"], "no partner matches '文山國'; it has no Latin letters or digits to compare"),
        (["partner", ""], "no partner matches ''; it has no Latin letters or digits to compare"),
        (["counters", "--partner", ""], "no partner matches ''"),
        (["explain", "agreements", "--partner", ""], "no partner matches ''"),
        (["partner", "--", "---"], "no partner matches '---'; it has no Latin letters"),
    ],
)
def test_an_unknown_value_for_a_closed_choice_is_refused_with_a_hint(bundled: str, command: list[str], needle: str) -> None:
    code, out, err = cli("--store", bundled, *command)
    assert code == 2, (out, err)
    assert needle in err, err
    assert len(err.strip().splitlines()) <= 2, err


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [
        (["timeline", "--as-of"], "--as-of", ""), (["timeline", "--known-at"], "--known-at", ""), (["timeline", "--as-of"], "--as-of", "  "),
        (["timeline", "--from"], "--from", ""), (["timeline", "--to"], "--to", ""), (["partner", "van-son", "--as-of"], "--as-of", ""),
        (["counters", "--known-at"], "--known-at", ""), (["explain", "agreements", "--as-of"], "--as-of", ""), (["state", "--as-of"], "--as-of", ""),
        (["state", "--known-at"], "--known-at", "\t"), (["export", "--as-of"], "--as-of", ""), (["export", "--known-at"], "--known-at", ""),
        (["replay", "--known-at"], "--known-at", ""), (["diff", "--known-at", "2030-01-01", "--known-at"], "--known-at", ""),
        (["show", "2018-thien-bao-commune-twinning", "--known-at"], "--known-at", ""), (["partners", "--known-at"], "--known-at", ""),
        (["log", "--known-at"], "--known-at", ""),
        (["record", "VisitMade", "--title", "t", "--partner", "van-son", "--source", "s", "--quote", "q", "--when"], "--when", ""),
        (["record", "VisitMade", "--when", "2020", "--title", "t", "--partner", "van-son", "--source", "s", "--quote", "q", "--published"], "--published", ""),
        (["draft", "-", "--published"], "--published", ""),
    ],
)  # fmt: skip
def test_an_empty_date_option_is_refused_not_taken_as_not_given(bundled: str, command: list[str], option: str, value: str) -> None:
    # A script's unset variable (``--as-of "$DAY"``) answered for today, exit 0; ``diff`` failed with exit 3.
    code, out, err = cli("--store", bundled, *command, value)
    assert code == 2, (out, err)
    blank = "blank" if value else "empty"
    assert err.strip() == f"chrono: error: {option} {value!r} is {blank}: give a date, or leave {option} out", err
    assert out == ""


def test_every_date_option_is_under_the_empty_date_rule() -> None:
    import argparse

    from chrono.cli.parser import DATE_OPTIONS, build_parser

    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    dated = {(name, a.dest) for name, sub in commands.items() for a in sub._actions if a.help and ("EDTF" in a.help or "recording time" in a.help)}
    assert {dest for _, dest in dated} <= set(DATE_OPTIONS), dated
    assert {"timeline", "partner", "counters", "explain", "state", "export", "replay", "partners", "show", "log", "record", "draft"} <= {n for n, _ in dated}


def test_an_empty_date_is_no_date_to_the_parsers_either() -> None:
    from chrono.errors import InvalidWhen
    from chrono.when.axes import parse_as_of, parse_known_at

    with pytest.raises(InvalidWhen):
        parse_as_of("")
    with pytest.raises(InvalidWhen):
        parse_known_at("")
    assert parse_known_at(None) is None


def test_record_names_the_nearest_partner_to_an_unknown_id(tmp_path: Path) -> None:
    store = str(tmp_path / "s.sqlite")
    assert cli("--store", store, "import", str(write_jsonl(tmp_path / "p.jsonl", PARTNERS)))[0] == 0
    words = ["record", "VisitMade", "--when", "2024-03", "--title", "T", "--partner", "vanson", "--actor", "ha-gian", "--source", "m", "--quote", "q"]
    code, out, err = cli("--store", store, *words)
    assert code == 2, (out, err)
    assert "command line: partners: unknown partner 'vanson'; did you mean 'van-son'?" in err, err
    assert "command line: actors: unknown partner 'ha-gian'; did you mean 'ha-giang'?" in err, err
    assert cli("--store", store, "import", str(write_jsonl(tmp_path / "e.jsonl", [entry("2021-e")])))[0] == 0
    code, _, err = cli("--store", store, "correct", "2021-e", "--set", "partners=yunan", "--reason", "r")
    assert code == 2
    assert "partners: unknown partner 'yunan'; did you mean 'yunnan'?" in err, err


@pytest.mark.postgres
def test_record_on_postgresql_names_the_nearest_partner_too(tmp_path: Path, postgres_url: str) -> None:
    assert cli("--store", postgres_url, "import", str(write_jsonl(tmp_path / "p.jsonl", PARTNERS)))[0] == 0
    words = ["record", "VisitMade", "--when", "2024-03", "--title", "T", "--partner", "vanson", "--source", "m", "--quote", "q"]
    code, _, err = cli("--store", postgres_url, *words)
    assert code == 2
    assert "partners: unknown partner 'vanson'; did you mean 'van-son'?" in err, err


ATLANTIS = {"type": "partner", "id": "atlantis-city", "name": {"en": "Atlantis City", "vi": "Atlantis"}, "level": "city", "parent": None, "country": "XX"}


def _misspelt(fmt: str) -> bytes:
    """An entry naming two partners and an actor, misspelt; JSON Lines and YAML define one of the partners
    in the file itself (CSV has no partner rows: the store holds it)."""
    import yaml

    wrong = entry("2021-misspelt", partners=["atlantis-cty", "yunan"], actors=["zzzzzz"])
    if fmt == "csv":
        return b"type,id,kind,when,title_en,partners,actors,document,quote\r\nentry,2021-misspelt,AgreementSigned,2021,T,atlantis-cty;yunan,zzzzzz,d.txt,q\r\n"
    return yaml.safe_dump([ATLANTIS, wrong], allow_unicode=True).encode() if fmt == "yaml" else jsonl([ATLANTIS, wrong])


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "yaml"])
def test_an_import_names_the_nearest_partner_to_an_unknown_id(tmp_path: Path, fmt: str) -> None:
    store = str(tmp_path / "s.sqlite")
    known = [*PARTNERS, ATLANTIS] if fmt == "csv" else PARTNERS
    assert cli("--store", store, "import", str(write_jsonl(tmp_path / "p.jsonl", known)))[0] == 0
    path = tmp_path / f"m.{fmt}"
    path.write_bytes(_misspelt(fmt))
    code, out, err = cli("--store", store, "import", str(path))
    assert code == 2, (out, err)
    assert "partners: unknown partner 'atlantis-cty'; did you mean 'atlantis-city'?" in err, err
    assert "partners: unknown partner 'yunan'; did you mean 'yunnan'?" in err, err
    assert "actors: unknown partner 'zzzzzz'; chrono partners lists them all" in err, err
    assert ("atlantis" in cli("--store", store, "partners", "--format", "json")[1]) == (fmt == "csv")  # nothing was written


def test_a_partner_s_unknown_parent_is_hinted_too(tmp_path: Path) -> None:
    store = str(tmp_path / "s.sqlite")
    child = {**ATLANTIS, "parent": "chna"}
    code, _, err = cli("--store", store, "import", str(write_jsonl(tmp_path / "p.jsonl", [*PARTNERS, child])))
    assert code == 2
    assert "parent: unknown partner 'chna' (define it first); did you mean 'china'?" in err, err


def test_known_values_still_answer_even_when_the_answer_is_empty(bundled: str) -> None:
    code, _, err = cli("--store", bundled, "explain", "twinnings", "--as-of", "1900", "--format", "json")
    assert code == 0, err
    assert cli("--store", bundled, "timeline", "--status", "cancelled", "--format", "json")[0] == 0
    assert cli("--store", bundled, "partner", "Văn Sơn", "--format", "json")[0] == 0
    assert cli("--store", bundled, "partner", "van son", "--format", "json")[0] == 0


def test_a_name_that_fits_two_partners_is_refused_with_both_ids(tmp_path: Path) -> None:
    twins = [
        *PARTNERS,
        {"type": "partner", "id": "van-son-town", "name": {"en": "Van Son", "vi": "Văn Sơn"}, "level": "city", "parent": None, "country": "VN"},
    ]
    store = str(tmp_path / "s.sqlite")
    assert cli("--store", store, "import", str(write_jsonl(tmp_path / "p.jsonl", twins)))[0] == 0
    code, _, err = cli("--store", store, "partner", "Văn Sơn")
    assert code == 2
    assert "'Văn Sơn' fits 2 partners: van-son, van-son-town; give the id" in err
    assert cli("--store", store, "partner", "van-son-town", "--format", "json")[0] == 0


def test_a_name_in_chinese_matches_when_the_registry_holds_it(bundled: str) -> None:
    import json

    from chrono.interchange.bundled import bundled_files
    from chrono.interchange.reading import read_records

    zh = next(
        r["name"]["zh"] for data, name in bundled_files() for r, _ in read_records(data, name) if r.get("type") == "partner" and r.get("name", {}).get("zh")
    )
    code, out, err = cli("--store", bundled, "partner", zh, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["partner"]["name"]["zh"] == zh


# -- times as chrono shows them ----------------------------------------------------------------


def test_a_recording_time_shown_to_the_second_includes_that_second(tmp_path: Path) -> None:
    import json
    from datetime import datetime, timedelta

    from tests.factories import entry

    store = str(tmp_path / "s.sqlite")
    assert cli("--store", store, "import", str(write_jsonl(tmp_path / "a.jsonl", [*PARTNERS, entry("2021-shown")])))[0] == 0
    recorded = datetime.fromisoformat(json.loads(cli("--store", store, "show", "2021-shown", "--format", "json")[1])["recorded_at"])
    shown = recorded.replace(microsecond=0).isoformat()  # as a table shows it: to the second
    for at in (shown, shown.replace("+00:00", "Z"), recorded.strftime("%Y-%m-%dT%H:%M")):
        code, out, err = cli("--store", store, "timeline", "--known-at", at, "--format", "json")
        assert code == 0, err
        assert [e["id"] for e in json.loads(out)["entries"]] == ["2021-shown"], at
    earlier = (recorded.replace(microsecond=0) - timedelta(seconds=1)).isoformat()
    assert json.loads(cli("--store", store, "timeline", "--known-at", earlier, "--format", "json")[1])["entries"] == []


def test_record_prints_the_new_entry_s_id_and_recording_time(tmp_path: Path) -> None:
    import json

    store = str(tmp_path / "s.sqlite")
    assert cli("--store", store, "import", str(write_jsonl(tmp_path / "p.jsonl", PARTNERS)))[0] == 0
    words = ["record", "VisitMade", "--when", "2024-03", "--title", "Delegation to Wenshan", "--partner", "van-son", "--source", "m.pdf", "--quote", "q"]
    code, out, err = cli("--store", store, *words)
    assert code == 0, err
    said, slug, at, when = out.split()
    assert (said, slug, at) == ("recorded", "2024-visitmade-delegation-to-wenshan", "at")
    shown = json.loads(cli("--store", store, "show", slug, "--format", "json")[1])
    assert shown["recorded_at"].startswith(when.removesuffix("+00:00"))
    found = json.loads(cli("--store", store, "timeline", "--known-at", when, "--format", "json")[1])["entries"]
    assert [e["id"] for e in found] == [slug]
    assert cli("--store", store, *words)[1].startswith(f"already recorded {slug} at {when}")


def test_timeline_ids_shows_each_entry_s_id(tmp_path: Path) -> None:
    from tests.factories import entry

    store = str(tmp_path / "s.sqlite")
    assert cli("--store", store, "import", str(write_jsonl(tmp_path / "a.jsonl", [*PARTNERS, entry("2021-with-an-id")])))[0] == 0
    assert "2021-with-an-id" in cli("--store", store, "timeline", "--ids")[1]
    assert "2021-with-an-id" not in cli("--store", store, "timeline")[1]


# -- the command line's own words ----------------------------------------------------------------


def test_chrono_version_says_which_chrono(capsys: pytest.CaptureFixture[str]) -> None:
    import chrono
    from chrono.cli import main

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"chrono {chrono.__version__}"


def test_global_options_are_taken_after_the_command_too(tmp_path: Path) -> None:
    import json

    store = str(tmp_path / "s.sqlite")
    assert cli("import", str(write_jsonl(tmp_path / "p.jsonl", PARTNERS)), "--store", store)[0] == 0
    code, out, err = cli("partners", "--format", "json", "--store", store)
    assert code == 0, err
    assert {p["id"] for p in json.loads(out)["partners"]} == {p["id"] for p in PARTNERS}
    assert "Trung Quốc" in cli("partners", "--store", store, "--lang", "vi")[1]
    assert cli("--store", str(tmp_path / "elsewhere.sqlite"), "partners", "--store", store)[0] == 0  # the later one stands
    assert cli("--lang", "vi", "partners", "--store", store)[1] == cli("partners", "--store", store, "--lang", "vi")[1]
