"""The bundled chronicle: the partner registry and the entries in ``chrono/data``."""

from __future__ import annotations

from importlib import resources

from chrono.events.application import Chronicle, Report
from chrono.interchange.importing import import_files


def bundled_files() -> list[tuple[bytes, str]]:
    """The bundled chronicle: the partner registry, then the entries."""
    root = resources.files("chrono.data")
    files = [root / "partners.jsonl"]
    chronicle = root / "chronicle"
    files += sorted((f for f in chronicle.iterdir() if f.name.endswith(".jsonl")), key=lambda f: f.name)
    return [(f.read_bytes(), f"chrono/data/{'chronicle/' if f.name != 'partners.jsonl' else ''}{f.name}") for f in files]


def import_bundled(app: Chronicle) -> Report:
    """Fill ``app`` with the bundled chronicle, through the users' import path."""
    return import_files(app, bundled_files())
