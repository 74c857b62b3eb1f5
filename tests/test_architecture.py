"""The house rules a newcomer relies on (docs/architecture.md): layers point one way, no import cycles,
imports at the top of each module, modules imported by name, files short enough to read in one sitting."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import networkx
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "accounts", "talent", "marketplace", "matching", "centers", "seed", "web", "bench")
MAX_LINES = 400


def source_files() -> list[Path]:
    files = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    return files + list((ROOT / "tests").rglob("*.py"))


def module_graph() -> networkx.DiGraph:
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    edges = networkx.DiGraph()
    for module in graph.modules:
        edges.add_node(module)
        edges.add_edges_from((module, imported) for imported in graph.find_modules_directly_imported_by(module))
    return edges


def cycles(graph: networkx.DiGraph) -> list[set[str]]:
    return [component for component in networkx.strongly_connected_components(graph) if len(component) > 1]


def test_layers_point_one_way():
    """core → accounts → talent → marketplace → matching, centers → seed → web → bench (pyproject.toml)."""
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0


def test_no_module_imports_itself_round_a_cycle():
    graph = module_graph()
    assert cycles(graph) == []
    packages = networkx.DiGraph((a.split(".")[0], b.split(".")[0]) for a, b in graph.edges)
    packages.remove_edges_from(networkx.selfloop_edges(packages))
    assert cycles(packages) == []


def nested_imports(tree: ast.Module) -> list[tuple[ast.AST, ast.stmt]]:
    """(enclosing function or class, import) for every import below module level."""
    found = []
    for scope in ast.walk(tree):
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found += [(scope, n) for n in ast.walk(scope) if isinstance(n, (ast.Import, ast.ImportFrom))]
    return found


def test_imports_stand_at_the_top_except_heavy_libraries_with_a_reason():
    """A nested import is allowed only for a heavy, optional library, under a `# lazy: reason` line."""
    unexplained = set()
    for path in source_files():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for scope, node in nested_imports(ast.parse(text)):
            before = lines[scope.lineno - 1:node.lineno - 1]
            if not any(line.strip().startswith("# lazy:") for line in before):
                unexplained.add(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert sorted(unexplained) == []


def test_modules_are_imported_by_name_never_by_string():
    offenders = [str(p.relative_to(ROOT)) for p in source_files()
                 if p.name != "test_architecture.py" and "importlib" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_every_source_file_reads_in_one_sitting():
    long_files = {str(p.relative_to(ROOT)): n for p in source_files()
                  if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long_files == {}
