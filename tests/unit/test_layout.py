"""The layout of DESIGN.md section 2: each folder a layer, imports flowing one way.

Read from the source (every import, also those inside functions, which the
command line uses to load a module only when its command runs), so that a
harmless-looking import cannot quietly turn the layers into a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import chrono

ROOT = Path(chrono.__file__).parent
# Down this list: a layer imports only from itself and the layers above it.
LAYERS = ("errors", "collector", "when", "events", "store", "interchange", "projections", "render", "cli")
# The packages checked for import circles: all of chrono.
ACYCLIC = ("chrono",)


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        name = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth of its code."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names if f"{node.module}.{alias.name}" in MODULES)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "chrono" and parts[1] in LAYERS else None


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m)))
def test_imports_flow_down_the_layers(module: str) -> None:
    own = LAYERS.index(_layer(module) or "")
    upward = sorted(name for name in _imports(MODULES[module]) if (layer := _layer(name)) is not None and LAYERS.index(layer) > own)
    assert not upward, f"{module} imports from a layer below it: {upward}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) in ("when", "events")))
def test_dates_and_the_write_side_import_no_storage_rich_or_command_line(module: str) -> None:
    forbidden = ("sqlite3", "psycopg", "rich", "eventsourcing.sqlite", "eventsourcing.postgres")
    found = sorted(name for name in _imports(MODULES[module]) if name.split(".")[0] in forbidden or name in forbidden)
    assert not found, f"{module} imports {found}"


def test_chrono_has_no_import_circle() -> None:
    graph = {m: {n for n in _imports(p) if n in MODULES and n != m} for m, p in MODULES.items() if m.startswith(ACYCLIC)}
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> list[str] | None:
        state[module] = 1
        for name in sorted(graph.get(module, ())):
            if state.get(name) == 1 and name in graph:
                return [*path[path.index(name) :], name] if name in path else [module, name]
            if name in graph and name not in state and (circle := visit(name, [*path, name])):
                return circle
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            circle = visit(module, [module])
            assert circle is None, " -> ".join(circle)


def test_every_module_sits_in_a_layer() -> None:
    # A module outside the layers is outside every check above but the circles (chrono/bundled.py was).
    outside = sorted(m for m in MODULES if _layer(m) is None)
    assert outside == ["chrono", "chrono.__main__", "chrono.data"], outside


def test_the_layout_test_sees_the_packages() -> None:
    assert {"chrono.when.value", "chrono.store.opening", "chrono.interchange.csvfile", "chrono.cli.present"} <= set(MODULES)
