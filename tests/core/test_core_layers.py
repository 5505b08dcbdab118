"""core/ is layered the way data flows: a module imports only from its own layer or the layers below it, and
no two modules import each other, directly or through others.

    errors, gdalcalls, scheme, compatibility, atomic  <  formats  <  storage  <  sources  <  planning
        <  execution  <  reporting

Imports are read from the source (every ``from``/``import`` statement, also inside functions and
TYPE_CHECKING blocks), so a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "core"
LAYERS = {"errors": 0, "gdalcalls": 0, "scheme": 0, "schemes": 0, "compatibility": 0, "atomic": 0,
          "formats": 1, "storage": 2, "sources": 3, "planning": 4, "packaging": 4, "execution": 5,
          "reporting": 6}


def module_name(path: Path) -> str:
    parts = path.relative_to(CORE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """core-relative names of the core modules ``path`` imports."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
            if node.level - 1 > len(package):
                raise AssertionError(f"{path}: import above core: {ast.unparse(node)}")
            stem = base + (node.module.split(".") if node.module else [])
            for alias in node.names:            # `from . import x` may name a module
                candidate = ".".join(stem + [alias.name])
                found.add(candidate if _exists(candidate) else ".".join(stem))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("map_server_cache.core"):
            found.add(node.module.removeprefix("map_server_cache.core").lstrip("."))
    return {name for name in found if name}


def _exists(name: str) -> bool:
    path = CORE.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def layer(name: str) -> int:
    top = name.split(".")[0]
    assert top in LAYERS, f"core/{top} belongs to no layer: add it to LAYERS in {__file__}"
    return LAYERS[top]


GRAPH = {module_name(path): imports_of(path) for path in sorted(CORE.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(name for name in GRAPH if name))
def test_imports_only_from_its_layer_or_below(module):
    upward = sorted(name for name in GRAPH[module] if layer(name) > layer(module))
    assert not upward, f"core.{module} (layer {layer(module)}) imports from a higher layer: {upward}"


def test_no_import_cycle():
    def packages_entered(module, name):          # importing `a.b` from outside `a` runs `a/__init__` first
        parents = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        return {parent for parent in parents if not module.startswith(parent + ".")}

    edges = {module: {target for name in targets for target in {name} | packages_entered(module, name)
                      if target in GRAPH and target != module}
             for module, targets in GRAPH.items() if module}
    state: dict[str, int] = {}

    def visit(module, path):
        state[module] = 1
        for target in sorted(edges.get(module, ())):
            if state.get(target) == 1:
                raise AssertionError("import cycle: " + " → ".join(path[path.index(target):] + [target]))
            if target not in state:
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])


def test_the_check_sees_a_violation(tmp_path):
    """The reader of imports finds an upward relative import (guards the test above against reading none)."""
    assert "execution.engine" in GRAPH and "planning.units" in GRAPH["execution.engine"]
    assert "storage.layouts" in GRAPH["sources.dataset"]
