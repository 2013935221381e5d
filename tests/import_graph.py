"""The installed package's import graph, as grimp reads it, for the import contracts.

setuptools maps the top-level folders (store/, tui/, ...) under `pdpa_check`, and grimp
finds a package's modules by walking its folder, so over the editable install it sees
only `pdpa_check/`. The graph is therefore read from a tree of symlinks laid out with
the installed names (the one `typecheck.py` builds for mypy), in a child process whose
`pdpa_check` is that tree, and rebuilt here as a `grimp.ImportGraph`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cache

import grimp
from typecheck import ROOT, build_shadow

TREE = ROOT / "build" / "import-graph"  # apart from mypy's tree: the two may be built at once

# Run in the child: every import with its line, and whether it also runs outside
# `if TYPE_CHECKING:` blocks.
_READ = """
import json, sys
import grimp

def edges(graph):
    return {(m, i) for m in graph.modules for i in graph.find_modules_directly_imported_by(m)}

full = grimp.build_graph("pdpa_check", include_external_packages=True, cache_dir=None)
runtime = grimp.build_graph(
    "pdpa_check", include_external_packages=True, exclude_type_checking_imports=True,
    cache_dir=None,
)
running = edges(runtime)
imports = [
    [importer, imported, detail["line_number"], detail["line_contents"],
     (importer, imported) in running]
    for importer, imported in sorted(edges(full))
    for detail in full.get_import_details(importer=importer, imported=imported)
]
external = sorted(m for m in full.modules if full.is_module_squashed(m))
json.dump({"modules": sorted(full.modules), "external": external, "imports": imports}, sys.stdout)
"""


@dataclass(frozen=True)
class Graphs:
    full: grimp.ImportGraph  # every import, those only for type checkers too
    runtime: grimp.ImportGraph  # the imports that run


@cache
def import_graphs() -> Graphs:
    tree = build_shadow(TREE)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", _READ], capture_output=True, text=True, env=env, cwd=tree, check=True
    )
    data = json.loads(done.stdout)
    full, runtime = grimp.ImportGraph(), grimp.ImportGraph()
    for graph in (full, runtime):
        for module in data["modules"]:
            graph.add_module(module, is_squashed=module in data["external"])
    for importer, imported, line_number, line_contents, runs in data["imports"]:
        for graph in (full, runtime) if runs else (full,):
            graph.add_import(
                importer=importer,
                imported=imported,
                line_number=line_number,
                line_contents=line_contents,
            )
    return Graphs(full, runtime)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            group.append(node)
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)
