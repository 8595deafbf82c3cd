"""The rules of the house, kept by tests: no import cycles, small modules, short lines and functions.

Imports are read from the source (``ast``), lazy ones inside functions
included: a cycle hidden in a function is still a cycle for whoever reads the
code. ``from catgen.x import y`` counts as an import of ``catgen.x.y`` when
that is a module, else of ``catgen.x``; importing ``catgen.x.y`` from outside
``catgen.x`` also runs the package ``catgen.x``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "catgen"
MAX_LINE = 120
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
# Generated code (catgen/load/schemacode.py writes it, tests/load/test_schemacode.py keeps it current) is
# fastjsonschema's, not written by hand: it keeps the import rules, not the size ones.
GENERATED = "catgen.load.validators."
WRITTEN = {name: path for name, path in MODULES.items() if not name.startswith(GENERATED)}


def _imported(name: str, node: ast.AST, module: str) -> list[str]:
    """The catgen modules an import statement runs."""
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module if MODULES[module].name == "__init__.py" else module.rsplit(".", 1)[0]
            for _ in range(node.level - 1):
                package = package.rsplit(".", 1)[0]
            base = f"{package}.{base}" if base else package
        targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
    found = []
    for target in targets:
        parts = target.split(".")
        found += [".".join(parts[:i]) for i in range(2, len(parts) + 1) if ".".join(parts[:i]) in MODULES]
    # A module's own ancestor packages run before it anyway: that is no import of its choosing.
    return [t for t in found if t != name and not name.startswith(t + ".")]


def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for name, path in MODULES.items():
        graph.add_node(name)
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                graph.add_edges_from((name, target) for target in _imported(name, node, name))
    return graph


def test_the_import_graph_is_read_from_the_source():
    graph = import_graph()
    assert graph.has_edge("catgen.load.catalog", "catgen.load.parsing")
    assert graph.has_edge("catgen.checking.engine", "catgen.rules")  # the registry package
    assert graph.has_edge("catgen.cli", "catgen.commands.check")  # a lazy import inside a function


def test_no_import_cycles_lazy_imports_included():
    cycles = [sorted(group) for group in nx.strongly_connected_components(import_graph()) if len(group) > 1]
    assert cycles == []


def test_the_yaml_loader_knows_nothing_of_schemas_or_manifests():
    assert sorted(nx.descendants(import_graph(), "catgen.load.yamlsafe")) == []


def test_no_package_init_imports_its_own_modules_except_registries():
    """A package's ``__init__`` stays light, so importing one of its modules does not load the rest."""
    graph = import_graph()
    registries = {"catgen.rules", "catgen.reporters"}  # explicit registries by design
    heavy = {pkg: sorted(t for t in graph.successors(pkg) if t.startswith(pkg + "."))
             for pkg, path in MODULES.items() if path.name == "__init__.py" and pkg not in registries}
    assert {pkg: found for pkg, found in heavy.items() if found} == {}


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def test_lines_stay_under_120_characters():
    long_lines = [f"{path.relative_to(SRC)}:{number}" for path in WRITTEN.values()
                  for number, line in enumerate(path.read_text("utf-8").splitlines(), 1) if len(line) > MAX_LINE]
    assert long_lines == []


def test_test_and_benchmark_lines_stay_under_120_characters():
    paths = sorted(path for folder in ("tests", "benchmarks") for path in (ROOT / folder).rglob("*.py"))
    long_lines = [f"{path.relative_to(ROOT)}:{number}" for path in paths
                  for number, line in enumerate(path.read_text("utf-8").splitlines(), 1) if len(line) > MAX_LINE]
    assert long_lines == []


def test_modules_stay_under_400_lines():
    sizes = {str(path.relative_to(SRC)): len(path.read_text("utf-8").splitlines()) for path in WRITTEN.values()}
    assert {path: size for path, size in sizes.items() if size > MAX_MODULE_LINES} == {}


def test_functions_stay_under_60_lines():
    long_functions = [f"{path.relative_to(SRC)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
                      for path in WRITTEN.values() for node in _functions(ast.parse(path.read_text("utf-8")))
                      if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long_functions == []
