"""The package's layering holds: no import cycle, and each stage imports only what it may.

The rules are those in the package docstrings and ``docs/architecture.md``;
imports are read from the source (``ast``), including those inside functions
and under ``TYPE_CHECKING``, so a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "newsletter"

Graph = dict[str, set[str]]


def module_name(path: Path) -> str:
    """``newsletter/content/loading.py`` -> ``newsletter.content.loading``."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the package by name."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported(path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that the module at ``path`` imports, wherever in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from newsletter.incremental import parallel`` imports a submodule, not a name.
            names = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module
                     for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in known)
    return found


@pytest.fixture(scope="module")
def graph() -> Graph:
    known = modules()
    return {name: imported(path, known) - {name} for name, path in known.items()}


def cycles(graph: Graph) -> Iterator[list[str]]:
    """Each import cycle once, as the modules along it (depth-first search with colours)."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(name: str) -> Iterator[list[str]]:
        state[name] = "open"
        stack.append(name)
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                yield [*stack[stack.index(target):], target]
            elif target not in state:
                yield from visit(target)
        stack.pop()
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            yield from visit(name)


def imports_of(graph: Graph, package: str) -> set[tuple[str, str]]:
    """Every (importer, imported) pair whose importer is in ``package``."""
    return {(name, target) for name, targets in graph.items()
            if name == package or name.startswith(package + ".") for target in targets}


def test_the_graph_sees_lazy_and_submodule_imports(graph: Graph) -> None:
    assert "newsletter.build" in graph["newsletter.cli.build"]  # imported inside a function
    assert "newsletter.incremental.parallel" in graph["newsletter.incremental.reading"]
    assert "newsletter.model" in graph["newsletter.options"]  # under TYPE_CHECKING


def test_no_import_cycle_anywhere(graph: Graph) -> None:
    assert list(cycles(graph)) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert list(cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})) == [["a", "b", "c", "a"]]


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("newsletter.content", ("newsletter.render", "newsletter.incremental", "newsletter.cli",
                                "newsletter.build", "newsletter.output", "newsletter.project",
                                "newsletter.serve", "newsletter.send", "newsletter.authoring")),
        ("newsletter.render", ("newsletter.cli", "newsletter.incremental", "newsletter.build",
                               "newsletter.output", "newsletter.project", "newsletter.content.loading",
                               "newsletter.content.layout", "newsletter.content.settings",
                               "newsletter.content.entries", "newsletter.content.issues",
                               "newsletter.content.archive")),
        ("newsletter.incremental", ("newsletter.cli",)),
        ("newsletter.model", ("newsletter.",)),
        ("newsletter.errors", ("newsletter.",)),
        ("newsletter.output", ("newsletter.content", "newsletter.render", "newsletter.incremental",
                               "newsletter.cli")),
    ],
)
def test_each_stage_imports_only_what_it_may(graph: Graph, package: str, forbidden: tuple[str, ...]) -> None:
    wrong = sorted(
        (name, target) for name, target in imports_of(graph, package)
        if any(target == rule or target.startswith(rule if rule.endswith(".") else rule + ".")
               for rule in forbidden)
    )
    assert wrong == []


def test_top_level_modules_stay_few() -> None:
    top = sorted(path.stem for path in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top
