"""Debian's Chromium driven by Playwright, for the HTML export's tests and the README's picture.

Playwright's own browser download is never used (``playwright install`` would
fetch one): the system's Chromium is launched headless, without sandbox, GPU,
QUIC or any background networking, with a fresh profile each time.

    python -m tests.e2e.browser PAGE.html PICTURE.png [ENTRY-ID]

saves a picture of a page as the tests see it (with an entry's details open).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
VIEWPORT = {"width": 1400, "height": 900}


def unavailable() -> str | None:
    """Why no browser test can run here, or None when one can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium; .ci/run installs it)"
    return None


@contextmanager
def chromium(profile: Path | None = None) -> Iterator[Any]:
    """A headless Chromium context with a fresh profile (--headless is Playwright's headless=True)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="chrono-chromium-") as fresh, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile or fresh), executable_path=CHROMIUM, headless=True, args=FLAGS, viewport=VIEWPORT,
        )  # fmt: skip
        try:
            yield context
        finally:
            context.close()


class Visit:
    """A page opened from a file, with every console error, page error and request it made."""

    def __init__(self, context: Any, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = context.new_page()
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(self.url)
        self.page.wait_for_selector("#timeline g.entry, #timeline")

    @property
    def other_requests(self) -> list[str]:
        """Requests beyond loading the page itself."""
        return [url for url in self.requests if url != self.url]

    def close(self) -> None:
        self.page.close()


def screenshot(page: Path, picture: Path, entry: str | None = None) -> None:
    """A picture of ``page`` as it opens, with ``entry``'s details shown if given."""
    with chromium() as context:
        visit = Visit(context, page)
        if entry:
            visit.page.click(f'#timeline g.entry[data-id="{entry}"] text')
        visit.page.screenshot(path=str(picture), full_page=False)
        visit.close()


if __name__ == "__main__":
    screenshot(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else None)
