"""Imports flow one way: entry points and wiring → features → engines, outbox, database → pure domain.

Every module under ``blokhub/`` is parsed (imports inside functions and under ``TYPE_CHECKING`` count too): no import
may reach a higher layer, and no two packages may import each other, directly or round a longer loop.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "blokhub"

# Longest prefix wins. Higher number = higher layer; a module may import its own layer or any lower one.
LAYERS: dict[str, int] = {
    "blokhub": 0,  # the package's own __init__ (version)
    "blokhub.config": 0,
    "blokhub.blok": 0,
    "blokhub.ai": 0,
    "blokhub.db": 1,
    "blokhub.runtime": 1,
    "blokhub.indexers": 1,
    "blokhub.outbox": 1,
    "blokhub.api": 2,
    "blokhub.recommend": 2,
    "blokhub.seed": 2,
    "blokhub.cli": 3,
    "blokhub.__main__": 3,
    "blokhub.api.app": 3,
    "blokhub.workers": 3,
    "blokhub.wiring": 3,
}
NAMES = {0: "pure domain", 1: "engines/outbox/db", 2: "features", 3: "entry points and wiring"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _best(name: str, table: dict[str, int]) -> str:
    return max((k for k in table if name == k or name.startswith(k + ".")), key=len)


def layer(module: str) -> int:
    return LAYERS[_best(module, LAYERS)]


def package(module: str) -> str:
    """The unit package cycles are checked between: a top-level package of ``blokhub`` (a module placed in another
    layer than its package, ``api.app``, counts on its own). Inside a package, the module-level check applies."""
    if _best(module, LAYERS) != _best(".".join(module.split(".")[:2]), LAYERS):
        return _best(module, LAYERS)
    return ".".join(module.split(".")[:2])


def imports(module: str) -> set[str]:
    """The ``blokhub`` modules ``module`` imports, anywhere in its body."""
    tree = ast.parse(MODULES[module].read_text("utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module.split(".") if MODULES[module].name == "__init__.py" else module.split(".")[:-1]
                base = ".".join([*here[: len(here) - node.level + 1], *([base] if base else [])])
            for alias in node.names:
                out.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {m for m in out if m == "blokhub" or m.startswith("blokhub.")}


GRAPH = {m: imports(m) for m in MODULES}


def test_every_module_has_a_layer() -> None:
    assert all(_best(m, LAYERS) for m in MODULES)


def test_no_import_reaches_a_higher_layer() -> None:
    upward = sorted(
        f"{src} ({NAMES[layer(src)]}) imports {dst} ({NAMES[layer(dst)]})"
        for src, targets in GRAPH.items()
        for dst in targets
        if layer(dst) > layer(src)
    )
    assert upward == []


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_between_packages() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for src, targets in GRAPH.items():
        for dst in targets:
            if package(src) != package(dst):
                edges[package(src)].add(package(dst))
    assert _cycles(edges) == []


def test_no_import_cycle_between_modules() -> None:
    edges = {src: {t for t in targets if t != src} for src, targets in GRAPH.items()}
    assert _cycles(edges) == []


def test_the_checker_sees_an_upward_import_inside_a_function() -> None:
    # The rule's own guard: the known lazy import of old would be caught.
    tree = ast.parse("def f():\n    from blokhub.api.search.saved import notify_matches\n")
    found = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert found and layer(found[0].module or "") > layer("blokhub.indexers.sync")
