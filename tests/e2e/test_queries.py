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
    result = chrono("rebuild", "--force", env=env)
    assert result.returncode == 0
    assert "rebuilt the read model" in result.stderr
    assert query(env, "timeline")["entries"]


def test_a_rebuild_of_tables_that_agree_with_the_log_leaves_them(env: dict[str, str]) -> None:
    before = query(env, "counters")
    result = chrono("rebuild", env=env)
    assert result.returncode == 0
    assert "agrees with the log in every table" in result.stderr and "rebuilt" not in result.stderr
    assert query(env, "counters") == before
    assert chrono("audit", env=env).returncode == 0


def test_bad_as_of_is_exit_2(tmp_path: Path, env: dict[str, str]) -> None:
    result = chrono("timeline", "--as-of", "2019-02-29", env=env)
    assert result.returncode == 2
    assert "2019-02-29" in result.stderr and "Traceback" not in result.stderr


def test_counters_count_their_entries_and_list_them_when_asked(env: dict[str, str]) -> None:
    bare = {(c["metric"], c["unit"]): c for c in query(env, "counters")["counters"]}
    listed = {(c["metric"], c["unit"]): c for c in query(env, "counters", "--ids", "--limit", "0")["counters"]}
    assert bare.keys() == listed.keys()
    for key, counter in listed.items():
        assert bare[key]["contributors"] == []  # the running totals count, they do not list
        assert bare[key]["contributors_total"] == counter["contributors_total"] >= len(counter["contributors"])
        assert {k: counter[k] for k in ("definite", "possible", "high", "conflicts")} == {
            k: bare[key][k] for k in ("definite", "possible", "high", "conflicts")
        }
    assert any(counter["contributors"] for counter in listed.values())


def test_the_partner_panel_says_what_counters_say(env: dict[str, str]) -> None:
    for partner in ("van-son", "yunnan", "china"):
        for day in ("2019-12-31", "2021-12-31", "2024-12-31"):
            panel = query(env, "partner", partner, "--as-of", day)["state"]["agreements"]
            counters = [c for c in query(env, "counters", "--partner", partner, "--as-of", day)["counters"] if c["metric"] == "agreements"]
            assert (panel or None) == (counters[0] if counters else None), (partner, day)


def test_explain_pages_add_up_to_its_total(env: dict[str, str]) -> None:
    whole = query(env, "explain", "agreements", "--limit", "1000")
    total = whole["page"]["total"]
    assert total == len(whole["contributions"]) > 3
    pages = [query(env, "explain", "agreements", "--limit", "3", "--page", str(n))["contributions"] for n in range(1, total // 3 + 2)]
    assert [item for page in pages for item in page] == whole["contributions"]


def test_the_log_is_read_a_page_at_a_time(env: dict[str, str]) -> None:
    first = query(env, "log", "--limit", "5")
    second = query(env, "log", "--limit", "5", "--page", "2")
    assert [e["position"] for e in first["events"]] == [1, 2, 3, 4, 5]
    assert [e["position"] for e in second["events"]] == [6, 7, 8, 9, 10]
    assert second["page"]["total"] == first["total"] > 10
    everything = query(env, "log")
    assert len(everything["events"]) == first["total"]
    assert everything["events"][:5] == first["events"]
