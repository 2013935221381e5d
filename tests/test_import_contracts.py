"""The layering rules as import contracts, checked by grimp on the installed package.

ARCHITECTURE.md draws the layers; these tests hold the code to the drawing. Imports
made only for type checkers count too: a type from a higher layer couples as much.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import grimp
import pytest
from import_graph import cycles, import_graphs

# Top to bottom: a package may import those below it, never those above.
LAYERS = (
    "cli",  # the command line (it starts the app through tui.launch)
    "tui",  # the Textual app
    "services",  # the one service layer
    "exports",  # Markdown, TOML, JSON, the vendor file, the kit's documents
    "store",  # SQLite
    "kit",  # the breach kit's domain
    "scoring",  # pure: answers -> score and plan
    "questionnaires",  # banks, profiles, answers files
    "support",  # text, dates, paths, files
)
CORE = ("exports", "store", "kit", "scoring", "questionnaires", "support")

# The module cycles still there, each with why it stays. Break one and this list
# must shrink (the test says so); add one and the test fails.
KNOWN_CYCLES: list[list[str]] = [
    # Opening a database backs it up before migrating, and names a backup to restore
    # when it is damaged; restoring a backup opens it to check it. Breaking this means
    # moving `open_database` out of db.py, above backups.py, and restore above both.
    ["pdpa_check.store.backups", "pdpa_check.store.db"],
]


def describe(dependencies: set[grimp.PackageDependency]) -> list[str]:
    """One line per illegal route, `importer -> ... -> imported`."""
    return sorted(
        " -> ".join([*route.heads, *route.middle, *route.tails])
        if len(route.heads) == 1 and len(route.tails) == 1
        else f"{sorted(route.heads)} -> {' -> '.join(route.middle)} -> {sorted(route.tails)}"
        for dependency in dependencies
        for route in dependency.routes
    )


def test_each_layer_imports_only_the_layers_below_it() -> None:
    """Core never reaches the services or the front ends; the app never imports the CLI."""
    graph = import_graphs().full
    illegal = graph.find_illegal_dependencies_for_layers(layers=LAYERS, containers={"pdpa_check"})
    assert describe(illegal) == []


def test_the_layer_list_names_every_package() -> None:
    """A new package must be placed in the layers before the contract can guard it."""
    graph = import_graphs().full
    packages = {
        module.split(".")[1]
        for module in graph.modules
        if module.startswith("pdpa_check.") and not graph.is_module_squashed(module)
    }
    assert packages - {"__main__"} == set(LAYERS)


def package_of(module: str, graph: grimp.ImportGraph) -> str:
    """The package a module belongs to (itself, for a package's `__init__`)."""
    return module if graph.find_children(module) else module.rpartition(".")[0]


def test_no_import_cycles_between_packages() -> None:
    graph = import_graphs().full
    ours = [m for m in graph.modules if m.startswith("pdpa_check.")]
    edges: dict[str, set[str]] = {}
    for module in ours:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith("pdpa_check."):
                here, there = package_of(module, graph), package_of(imported, graph)
                if here != there and not there.startswith(f"{here}."):
                    edges.setdefault(here, set()).add(there)
    assert cycles(edges) == []


def test_module_cycles_are_only_the_known_ones() -> None:
    graph = import_graphs().full
    edges = {
        module: {i for i in graph.find_modules_directly_imported_by(module) if "." in i}
        for module in graph.modules
        if module.startswith("pdpa_check.")
    }
    assert cycles(edges) == KNOWN_CYCLES


@pytest.mark.parametrize(("library", "allowed"), [("textual", {"tui"}), ("click", {"cli"})])
def test_a_library_is_reached_only_from_its_layer(library: str, allowed: set[str]) -> None:
    """No chain of imports, even inside functions, leads from another layer to the library.

    The command line reaches Textual only through `tui.launch`, to open the app.
    """
    graph = import_graphs().full
    reaching = {
        layer
        for layer in set(LAYERS) - allowed - {"cli"}
        if graph.chain_exists(importer=f"pdpa_check.{layer}", imported=library, as_packages=True)
    }
    assert reaching == set()
    if "cli" not in allowed:
        chains = graph.find_shortest_chains(
            importer="pdpa_check.cli", imported=library, as_packages=True
        )
        leaves = {chain[1] for chain in chains}
        assert leaves <= {"pdpa_check.tui.launch"}, sorted(chains)


def test_only_the_store_imports_sqlite_utils() -> None:
    """sqlite-utils is how the store writes; nothing else uses it directly."""
    graph = import_graphs().full
    importers = graph.find_modules_that_directly_import("sqlite_utils")
    assert {m for m in importers if not m.startswith("pdpa_check.store.")} == set()


def test_the_bank_cache_key_watches_every_module_validation_imports() -> None:
    """A validated bank is reused only while none of the code that validated it changed.

    The key stamps `cache._VALIDATION_SOURCES`; every module the loader imports (at run
    time, even inside functions) must be among them, or an edit there could serve a stale bank.
    What only the cache itself uses to store entries (private folders) shapes no bank.
    """
    from pdpa_check.questionnaires import cache

    graph = import_graphs().runtime
    ours, todo = set(), ["pdpa_check.questionnaires.loader"]
    while todo:
        module = todo.pop()
        ours.add(module)
        if module != "pdpa_check.questionnaires.cache":
            imported = graph.find_modules_directly_imported_by(module)
            todo += [m for m in imported if m.startswith("pdpa_check.") and m not in ours]
    files = set()
    for module in ours:
        spec = importlib.util.find_spec(module)
        assert spec is not None and spec.origin is not None, module
        files.add(Path(spec.origin).resolve())
    watched = {path.resolve() for path in cache._VALIDATION_SOURCES}
    assert sorted(map(str, files - watched)) == []
