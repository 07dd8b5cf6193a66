"""CI checks the code, not only the tests: .ci/run installs and runs ruff and mypy before pytest."""

from __future__ import annotations

from pathlib import Path

RUN = Path(__file__).resolve().parents[2] / ".ci" / "run"


def test_ci_lints_formats_and_type_checks_before_the_suite() -> None:
    lines = [line.strip() for line in RUN.read_text(encoding="utf-8").splitlines() if line.strip() and not line.strip().startswith("#")]
    order = [
        next(i for i, line in enumerate(lines) if needle in line)
        for needle in ("pip install", "ruff check chrono tests bench", "ruff format --check chrono tests bench", "mypy --strict", "pytest")
    ]
    assert order == sorted(order)
    assert "dev]" in lines[order[0]]  # ruff, mypy and the stubs come from the dev extra


def test_ci_installs_chromium_for_the_browser_tests_and_keeps_their_screenshots() -> None:
    text = RUN.read_text(encoding="utf-8")
    assert "apt-get install -y -qq chromium chromium-driver" in text
    assert 'export CHRONO_TEST_ARTEFACTS="${CHRONO_TEST_ARTEFACTS:-$PWD/.ci/artefacts}"' in text
    assert ".ci/artefacts/" in (RUN.parents[1] / ".gitignore").read_text(encoding="utf-8").splitlines()
