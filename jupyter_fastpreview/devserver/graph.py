"""The module graph of one app, and how a change travels up it (Vite's `propagateUpdate`).

Nodes are module ids (`/src/App.tsx`). A change to a module is applied by the nearest
*boundaries* above it: a module that accepts itself, or an importer that accepts that
dependency. If some path from the changed module reaches a module nothing imports (the entry)
without meeting a boundary, the page must reload; the reason names that path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class ModuleNode:
    id: str
    importers: set[str] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)
    accepted_deps: set[str] = field(default_factory=set)
    self_accepting: bool | None = None
    """None until the module is served: the browser has not run it, so a change is moot."""

    @property
    def loaded(self) -> bool:
        return self.self_accepting is not None


@dataclass(frozen=True)
class Boundary:
    path: str
    """The module whose accept callback runs."""
    accepted_path: str
    """The module it accepts: itself, or one of its dependencies."""


@dataclass(frozen=True)
class Update:
    boundaries: tuple[Boundary, ...]


@dataclass(frozen=True)
class FullReload:
    reason: str
    path: str | None


class ModuleGraph:
    def __init__(self) -> None:
        self.nodes: dict[str, ModuleNode] = {}
        self._timestamps: dict[str, int] = {}

    def is_loaded(self, module: str) -> bool:
        node = self.nodes.get(module)
        return node is not None and node.loaded

    def importers(self, module: str) -> set[str]:
        node = self.nodes.get(module)
        return set(node.importers) if node else set()

    def set_module(
        self,
        module: str,
        imports: Iterable[str],
        self_accepting: bool,
        accepted_deps: Iterable[str] = (),
    ) -> list[str]:
        """Record what `module` now imports and accepts; return the modules it orphaned.

        An orphan (a module that lost its last importer) leaves the graph, and so may the
        modules only it imported; only those the browser had loaded are returned, to `prune`.
        """
        node = self.nodes.setdefault(module, ModuleNode(module))
        previous, node.imports = node.imports, set(imports)
        node.self_accepting = self_accepting
        node.accepted_deps = set(accepted_deps)
        for dep in node.imports - previous:
            self.nodes.setdefault(dep, ModuleNode(dep)).importers.add(module)
        pruned: list[str] = []
        for dep in sorted(previous - node.imports):
            self._drop_importer(dep, module, pruned)
        return pruned

    def _drop_importer(self, module: str, importer: str, pruned: list[str]) -> None:
        node = self.nodes.get(module)
        if node is None:
            return
        node.importers.discard(importer)
        if node.importers:
            return
        del self.nodes[module]
        if node.loaded:
            pruned.append(module)
        for dep in sorted(node.imports):
            self._drop_importer(dep, module, pruned)

    def timestamp(self, module: str) -> int | None:
        """When the module last changed (ms), for the `?t=` that makes the browser refetch it."""
        return self._timestamps.get(module)

    def invalidate(self, modules: Iterable[str], timestamp: int) -> None:
        """Stamp the changed modules and every importer up to the ones that accept them.

        A re-imported boundary imports its dependencies again; unless each module on the way
        down carries the new stamp, the browser hands back the old instance from its cache.
        A changed file the graph does not know is stamped too, for when it is imported later.
        """
        pending = list(modules)
        seen: set[str] = set()
        while pending:
            module = pending.pop()
            if module in seen:
                continue
            seen.add(module)
            self._timestamps[module] = timestamp
            for importer in self.importers(module):
                if module not in self.nodes[importer].accepted_deps:
                    pending.append(importer)

    def propagate(
        self, changed: Iterable[str], *, from_importers: bool = False
    ) -> Update | FullReload:
        """The boundaries that apply a change to `changed`, or why the page must reload.

        `from_importers` ignores the changed modules' own acceptance: the browser asked to
        invalidate them (`import.meta.hot.invalidate`), so their importers must handle it.
        Modules the browser never loaded are skipped.
        """
        boundaries: dict[Boundary, None] = {}
        for module in changed:
            node = self.nodes.get(module)
            if node is None or not node.loaded:
                continue
            walk = _Walk(self)
            dead_end = walk.visit(node, [module], accept_self=not from_importers)
            if dead_end:
                return FullReload(dead_end, module)
            if not walk.boundaries and walk.cycles:
                cycle = " -> ".join(walk.cycles[0])
                return FullReload(f"circular import with no HMR boundary: {cycle}", module)
            boundaries.update(dict.fromkeys(walk.boundaries))
        return Update(tuple(boundaries))


class _Walk:
    """One depth-first walk up the importers of a changed module."""

    def __init__(self, graph: ModuleGraph) -> None:
        self.graph = graph
        self.seen: set[str] = set()
        self.boundaries: list[Boundary] = []
        self.cycles: list[list[str]] = []

    def visit(self, node: ModuleNode, chain: list[str], accept_self: bool = True) -> str | None:
        """The dead-end reason if a path from `node` reaches a root with no boundary."""
        if node.id in self.seen:
            return None
        self.seen.add(node.id)
        if node.self_accepting and accept_self:
            self.boundaries.append(Boundary(node.id, node.id))
            return None
        if not node.importers:
            path = " -> ".join(chain)
            return f"no module accepts the update: {path} (imported by nothing)"
        for importer_id in sorted(node.importers):
            importer = self.graph.nodes[importer_id]
            if node.id in importer.accepted_deps:
                self.boundaries.append(Boundary(importer_id, node.id))
            elif importer_id in chain:
                self.cycles.append([*chain, importer_id])
            else:
                dead_end = self.visit(importer, [*chain, importer_id])
                if dead_end:
                    return dead_end
        return None
