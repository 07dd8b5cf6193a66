"""The query commands on the bundled chronicle, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_cli import chrono


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("data")
    environment = {"XDG_DATA_HOME": str(data)}
    assert chrono("timeline", env=environment).returncode == 0
    return environment


def query(env: dict[str, str], *args: str) -> dict:
    result = chrono(*args, "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_timeline_as_of_marks_certainty(env: dict[str, str]) -> None:
    data = query(env, "timeline", "--as-of", "2018-06-30", "--partner", "thien-bao", "--exact")
    assert data["as_of"] == "2018-06-30"
    rows = {e["id"]: e["certainty"] for e in data["entries"]}
    assert rows["2018-thien-bao-commune-twinning"] == "possible"
    assert set(rows.values()) <= {"definite", "possible"}


def test_partner_found_by_name_without_diacritics(env: dict[str, str]) -> None:
    data = query(env, "partner", "Van Son")
    assert data["partner"]["id"] == "van-son"
    assert data["lineage"] == ["china", "yunnan", "van-son"]
    ids = [e["id"] for e in data["entries"]]
    assert "2018-thien-bao-commune-twinning" in ids
    assert data["first_contact"]["id"] == ids[0]
    assert {"relations_since", "twinned_since", "agreements", "mechanisms"} <= set(data["state"])


def test_unknown_partner_is_a_clear_error(env: dict[str, str]) -> None:
    result = chrono("partner", "Atlantis", env=env)
    assert result.returncode == 2
    assert "no partner matches 'Atlantis'" in result.stderr


def test_counters_have_the_design_shape(env: dict[str, str]) -> None:
    data = query(env, "counters", "--as-of", "2021-12-31")
    assert data["as_of"] == "2021-12-31" and data["known_at"] is None
    assert data["counters"]
    for counter in data["counters"]:
        assert {"metric", "unit", "partner", "definite", "possible", "contributors", "possible_contributors"} <= set(counter)


def test_known_at_before_anything_was_recorded_is_empty(env: dict[str, str]) -> None:
    data = query(env, "timeline", "--known-at", "2000-01-01")
    assert data["entries"] == []
    assert data["known_at"].startswith("2000-01-01")


def test_state_as_of_a_date(env: dict[str, str]) -> None:
    data = query(env, "state", "--as-of", "2021-12-31")
    assert "china" in data["relationships"]
    assert all(e["certainty"] in ("definite", "possible") for e in data["latest"])


def test_vietnamese_labels_and_dates(env: dict[str, str]) -> None:
    result = chrono("--lang", "vi", "timeline", "--partner", "thien-bao", "--exact", env=env)
    assert result.returncode == 0
    assert "năm 2018" in result.stdout
    assert "Thời gian" in result.stdout


def test_no_color_and_piped_output_is_plain_text(env: dict[str, str]) -> None:
    result = chrono("timeline", env={**env, "NO_COLOR": "1"})
    assert "\x1b[" not in result.stdout


def test_rebuild_reports_the_events(env: dict[str, str]) -> None:
    result = chrono("rebuild", env=env)
    assert result.returncode == 0
    assert "rebuilt the read model" in result.stderr
    assert query(env, "timeline")["entries"]


def test_bad_as_of_is_exit_2(tmp_path: Path, env: dict[str, str]) -> None:
    result = chrono("timeline", "--as-of", "2019-02-29", env=env)
    assert result.returncode == 2
    assert "2019-02-29" in result.stderr and "Traceback" not in result.stderr
