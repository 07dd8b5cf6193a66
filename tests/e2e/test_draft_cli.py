"""``chrono draft`` as a user runs it: draft, review, import; exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

SEEDS = Path(os.environ.get("CHRONO_SEEDS", Path(__file__).resolve().parents[3] / "shared" / "seeds"))
ARTICLE = """Wenshan and Ha Giang hold talks

10:24 | 15/03/2024

Officials of Ha Giang and Wenshan Prefecture held talks on 12 March in Ha Giang. The two sides signed 4 cooperation agreements.
A delegation from Kunming City, Yunnan will visit Ha Giang in early April 2024, and the province expects more than 2,000 visitors in the first half of 2024.
"""


def chrono(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chrono", *args],
        check=False, capture_output=True, text=True, env={**os.environ, **env}, input=stdin, timeout=180,
    )  # fmt: skip


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A store holding the bundled chronicle, as a first run makes it."""
    return {"XDG_DATA_HOME": str(tmp_path / "data"), "COLUMNS": "160"}


def test_an_english_article_is_drafted_reviewed_and_imported(tmp_path: Path, env: dict[str, str]) -> None:
    article = tmp_path / "talks.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "drafts.yaml"
    drafted = chrono("draft", str(article), "--out", str(out), env=env)
    assert drafted.returncode == 0, drafted.stderr
    assert drafted.stdout == "" and "drafted" in drafted.stderr
    records = yaml.safe_load(out.read_text(encoding="utf-8"))
    entries = [r for r in records if r["type"] == "entry"]
    by_kind = {r["kind"]: r for r in entries}
    talks = by_kind["TalksHeld"]
    assert talks["when"] == "2024-03-12" and "van-son" in talks["partners"] and talks["actors"] == ["ha-giang"]
    assert talks["draft"]["when"]["from"] == "on 12 March" and talks["draft"]["when"]["confidence"] < 0.9
    assert by_kind["VisitMade"]["status"] == "planned"
    assert any(r["type"] == "partner" and r["id"] == "kunming" and r["parent"] == "yunnan" for r in records)
    for record in entries:
        assert record["sources"][0]["quote"] in ARTICLE
        assert record["sources"][0]["published"] == "2024-03-15"
    imported = chrono("import", str(out), env=env)
    assert imported.returncode == 0, imported.stderr
    assert f"recorded {len(records)}," in imported.stderr
    again = chrono("import", str(out), env=env)
    assert again.returncode == 0 and "nothing new" in again.stderr
    shown = chrono("show", talks["id"], "--format", "json", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "draft" not in json.loads(shown.stdout) and "confidence" not in shown.stdout


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed articles are not at {SEEDS} (set CHRONO_SEEDS)")
def test_drafts_of_a_bundled_article_record_nothing_the_store_has(tmp_path: Path, env: dict[str, str]) -> None:
    seed = SEEDS / "000_c79a79b31e4fa503.txt"
    before = chrono("export", "--format", "jsonl", env=env)
    assert before.returncode == 0, before.stderr
    quoted = {(s["document"], " ".join(s["quote"].split())) for line in before.stdout.splitlines() for s in json.loads(line).get("sources", [])}
    drafted = chrono("draft", str(seed), "--format", "jsonl", env=env)
    assert drafted.returncode == 0, drafted.stderr
    assert "probably already in the store" in drafted.stderr
    lines = [json.loads(line) for line in drafted.stdout.splitlines()]
    assert lines, "every sentence of the article is already quoted?"
    for record in lines:
        if record["type"] == "entry":
            quote = " ".join(record["sources"][0]["quote"].split())
            assert not any(doc == seed.name and (q in quote or quote in q) for doc, q in quoted), record["id"]
    (tmp_path / "drafts.jsonl").write_text(drafted.stdout, encoding="utf-8")
    imported = chrono("import", str(tmp_path / "drafts.jsonl"), env=env)
    assert imported.returncode == 0, imported.stderr
    assert f"recorded {len(lines)}, already there 0" in imported.stderr


def test_yaml_drafts_comment_out_what_the_store_has(tmp_path: Path, env: dict[str, str]) -> None:
    article = tmp_path / "again.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    first = chrono("draft", str(article), "--out", str(tmp_path / "d.yaml"), env=env)
    assert first.returncode == 0, first.stderr
    assert chrono("import", str(tmp_path / "d.yaml"), env=env).returncode == 0
    second = chrono("draft", str(article), env=env)
    assert second.returncode == 0, second.stderr
    assert "# probably the same as" in second.stdout
    assert yaml.safe_load(second.stdout) is None or all(r["type"] == "partner" for r in yaml.safe_load(second.stdout) or [])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["draft", "missing.txt"], "missing.txt"),
        (["draft", "ARTICLE", "--published", "2024-13"], "--published"),
        (["draft", "ARTICLE", "--home", "nowhere"], "--home"),
        (["draft", "ARTICLE", "--home", "ha-giagn"], "did you mean 'ha-giang'?"),
        (["draft", "ARTICLE", "--format", "csv"], "invalid choice"),
    ],
)
def test_bad_input_is_refused_in_one_line_with_exit_2(tmp_path: Path, env: dict[str, str], args: list[str], message: str) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = chrono(*[str(article) if a == "ARTICLE" else a for a in args], env=env)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_drafts_are_never_written_over_the_store(tmp_path: Path, env: dict[str, str]) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    store = tmp_path / "team.sqlite"
    assert chrono("--store", str(store), "import", str(article.with_suffix(".jsonl")), env=env).returncode == 2  # no such file
    assert chrono("--store", str(store), "draft", str(article), env=env).returncode == 2  # a query never creates a store
    partner = {"type": "partner", "id": "ha-giang", "name": {"en": "Ha Giang", "vi": "Hà Giang"}, "level": "province", "country": "VN"}
    (tmp_path / "p.jsonl").write_text(json.dumps(partner, ensure_ascii=False) + "\n", encoding="utf-8")
    assert chrono("--store", str(store), "import", str(tmp_path / "p.jsonl"), env=env).returncode == 0
    assert chrono("--store", str(store), "draft", str(article), env=env).returncode == 0
    size = store.stat().st_size
    result = chrono("--store", str(store), "draft", str(article), "--out", str(store), env=env)
    assert result.returncode == 2 and "is the store itself" in result.stderr
    assert store.stat().st_size == size


def test_an_article_on_standard_input_in_json_lines(env: dict[str, str]) -> None:
    result = chrono("draft", "-", "--lang", "en", "--format", "jsonl", "--published", "2024-03-15", env=env, stdin=ARTICLE)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["sources"][0]["document"] for r in records if r["type"] == "entry"} == {"stdin.txt"}


def test_the_publication_date_source_and_language_given_are_the_drafts(tmp_path: Path, env: dict[str, str]) -> None:
    article = tmp_path / "undated.txt"
    article.write_text(
        "Tỉnh Hà Giang hội đàm với châu Văn Sơn vào chiều 18/3. Năm ngoái, tỉnh Hà Giang đón hơn 1.456 lượt khách từ tỉnh Vân Nam.\n", encoding="utf-8"
    )
    given = ["--published", "2023-05-02", "--source", "Báo Hà Giang, 2023-05-02", "--publisher", "Báo Hà Giang", "--lang", "vi"]
    result = chrono("draft", str(article), *given, "--format", "jsonl", env=env)
    assert result.returncode == 0, result.stderr
    talks, figure = (json.loads(line) for line in result.stdout.splitlines())
    assert talks["sources"][0] == {
        "document": "Báo Hà Giang, 2023-05-02",
        "publisher": "Báo Hà Giang",
        "published": "2023-05-02",
        "quote": talks["sources"][0]["quote"],
    }
    assert (talks["kind"], talks["when"], talks["partners"]) == ("TalksHeld", "2023-03-18", ["van-son"])
    assert talks["draft"]["when"]["confidence"] < 0.9 and "reckoned from the article's date" in talks["draft"]["when"]["note"]
    assert (figure["when"], figure["quantities"][0]["value"], figure["quantities"][0]["qualifier"]) == ("2022", "1456", "at_least")
    assert figure["quantities"][0]["metric"] == "visitors"


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed articles are not at {SEEDS} (set CHRONO_SEEDS)")
def test_the_drafts_of_all_seed_articles_import_together_and_are_then_all_known(tmp_path: Path, env: dict[str, str]) -> None:
    # Placeholder titles repeat across articles ("Relations"): two articles'
    # drafts once had one id, and importing both was refused.
    files = []
    for seed in sorted(SEEDS.glob("*.txt")):
        out = tmp_path / f"{seed.stem}.yaml"
        drafted = chrono("draft", str(seed), "--out", str(out), env=env)
        assert drafted.returncode == 0, drafted.stderr
        files.append(str(out))
    ids = [r["id"] for f in files for r in yaml.safe_load(Path(f).read_text(encoding="utf-8")) or [] if r["type"] == "entry"]
    assert ids and len(set(ids)) == len(ids)
    imported = chrono("import", *files, env=env)
    assert imported.returncode == 0, imported.stderr
    for seed in sorted(SEEDS.glob("*.txt")):
        again = chrono("draft", str(seed), "--format", "jsonl", env=env)
        assert again.returncode == 0, again.stderr
        assert again.stdout == "", f"{seed.name} drafted again what is now in the store"
