"""How a change travels up the module graph: boundaries, dead ends, cycles, pruning, stamps."""

from __future__ import annotations

from jupyter_fastpreview.devserver.graph import Boundary, FullReload, ModuleGraph, Update


def graph_of(edges: dict[str, list[str]], accepting: set[str] = frozenset()) -> ModuleGraph:
    """A graph where each key imports its list; modules in `accepting` accept themselves."""
    graph = ModuleGraph()
    for module, imports in edges.items():
        graph.set_module(module, imports, module in accepting)
    for module in {dep for imports in edges.values() for dep in imports} - set(edges):
        graph.set_module(module, (), module in accepting)
    return graph


def test_a_self_accepting_module_is_its_own_boundary() -> None:
    graph = graph_of({"/main": ["/App"], "/App": ["/Leaf"]}, accepting={"/Leaf", "/App"})
    assert graph.propagate(["/Leaf"]) == Update((Boundary("/Leaf", "/Leaf"),))


def test_a_change_goes_up_to_the_nearest_accepting_importers() -> None:
    graph = graph_of(
        {"/main": ["/A", "/B"], "/A": ["/util"], "/B": ["/util"]}, accepting={"/A", "/B"}
    )
    assert graph.propagate(["/util"]) == Update((Boundary("/A", "/A"), Boundary("/B", "/B")))


def test_an_importer_accepting_the_dependency_is_the_boundary() -> None:
    graph = graph_of({"/main": ["/App"]})
    graph.set_module("/App", ["/dep"], False, accepted_deps=["/dep"])
    graph.set_module("/dep", (), False)
    assert graph.propagate(["/dep"]) == Update((Boundary("/App", "/dep"),))


def test_a_path_to_a_root_without_boundary_is_a_full_reload() -> None:
    graph = graph_of({"/main": ["/App", "/config"], "/App": ["/config"]}, accepting={"/App"})
    outcome = graph.propagate(["/config"])
    assert outcome == FullReload(
        "no module accepts the update: /config -> /main (imported by nothing)", "/config"
    )


def test_a_changed_entry_is_a_full_reload() -> None:
    graph = graph_of({"/main": ["/App"]}, accepting={"/App"})
    assert isinstance(graph.propagate(["/main"]), FullReload)


def test_modules_the_browser_never_loaded_are_skipped() -> None:
    graph = ModuleGraph()
    graph.set_module("/main", ["/lazy"], False)
    assert graph.propagate(["/lazy", "/unknown"]) == Update(())


def test_a_cycle_with_a_boundary_outside_it_updates() -> None:
    graph = graph_of({"/main": ["/Page"], "/Page": ["/a"], "/a": ["/b"], "/b": ["/a"]}, {"/Page"})
    assert graph.propagate(["/b"]) == Update((Boundary("/Page", "/Page"),))


def test_a_cycle_with_no_boundary_is_a_full_reload_that_names_it() -> None:
    graph = graph_of({"/a": ["/b"], "/b": ["/a"]})
    outcome = graph.propagate(["/a"])
    assert outcome == FullReload("circular import with no HMR boundary: /a -> /b -> /a", "/a")


def test_propagating_from_importers_ignores_the_modules_own_acceptance() -> None:
    graph = graph_of({"/main": ["/App"], "/App": ["/Leaf"]}, accepting={"/Leaf", "/App"})
    assert graph.propagate(["/Leaf"], from_importers=True) == Update((Boundary("/App", "/App"),))
    assert isinstance(graph.propagate(["/App"], from_importers=True), FullReload)


def test_an_import_removed_prunes_what_only_it_imported() -> None:
    graph = graph_of({"/App": ["/Old", "/Shared"], "/Old": ["/OldDep", "/Shared"], "/Other": []})
    graph.set_module("/Other", ["/Shared"], False)
    pruned = graph.set_module("/App", ["/Shared"], True)
    assert pruned == ["/Old", "/OldDep"]
    assert "/Old" not in graph.nodes and "/OldDep" not in graph.nodes
    assert graph.importers("/Shared") == {"/App", "/Other"}


def test_a_module_still_imported_elsewhere_is_not_pruned() -> None:
    graph = graph_of({"/App": ["/Dep"], "/Other": ["/Dep"]})
    assert graph.set_module("/App", [], True) == []
    assert graph.importers("/Dep") == {"/Other"}


def test_pruning_reports_only_modules_the_browser_loaded() -> None:
    graph = ModuleGraph()
    graph.set_module("/App", ["/NeverLoaded"], True)
    assert graph.set_module("/App", [], True) == []
    assert "/NeverLoaded" not in graph.nodes


def test_invalidate_stamps_the_importers_up_to_those_accepting_the_change() -> None:
    graph = graph_of({"/main": ["/App"], "/App": ["/Leaf"]}, accepting={"/Leaf"})
    graph.set_module("/Host", ["/Leaf"], False, accepted_deps=["/Leaf"])
    graph.set_module("/Above", ["/Host"], False)
    graph.invalidate(["/Leaf", "/not-in-graph"], 42)
    stamped = {m for m in [*graph.nodes, "/not-in-graph"] if graph.timestamp(m) == 42}
    assert stamped == {"/Leaf", "/App", "/main", "/not-in-graph"}
