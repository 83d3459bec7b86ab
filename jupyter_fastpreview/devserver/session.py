"""One registered app at run time: what its preview is served, and how a change reaches it.

Serving a module runs the pipeline (transform, resolve, render) and records the module in the
graph. A batch of file changes runs it again for the changed modules the browser has loaded,
then turns the result into protocol messages: `update` for the boundaries, `full-reload` when
there is none, `prune` for modules no longer imported, `error` for a module that fails (the
graph keeps its last good version, and the error stays current until the module is fixed).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import mimetypes
import posixpath
import time
from dataclasses import dataclass
from pathlib import Path

from ..hmr import HmrHub
from ..hmr.messages import module_update, now_ms
from .apps import App
from .check import entry_modules
from .errors import ModuleError, position_of
from .graph import FullReload, ModuleGraph
from .imports import Specifier
from .page import ENTRY_MODULE, entry_source, render_editor_page, render_page
from .paths import PathRefused, confine, module_id, request_id
from .render import (
    is_script,
    render_asset_module,
    render_css_module,
    render_json_module,
    render_script,
    rewrite_css_urls,
)
from .resolve import Resolved, ResolveError, resolve
from .transform import ScriptTransformer, TransformedScript, content_hash
from .urls import PreviewUrls
from .watcher import read_settled

INDEX_HTML = "/index.html"
JAVASCRIPT = "text/javascript; charset=utf-8"


@dataclass(frozen=True)
class Served:
    body: str | bytes
    content_type: str


class AppSession:
    def __init__(
        self, app: App, urls: PreviewUrls, transformer: ScriptTransformer, hub: HmrHub
    ) -> None:
        self.app = app
        self.urls = urls
        self.transformer = transformer
        self.hub = hub
        self.graph = ModuleGraph()
        self.broken: set[str] = set()
        """Modules whose last transform failed: retried on every batch of changes."""
        self.stylesheets: set[str] = set()
        """CSS files served as stylesheets (linked from the page), updated by `css-update`."""
        self._invalidations: set[tuple[str, int | None]] = set()
        self._handled: dict[str, str] = {}
        """Content hash of each module as the last batch of changes handled it."""
        self._last_timestamp = 0
        self._resolved: dict[tuple[str, str, str], Resolved] = {}
        """(specifier, importer's folder and extension) -> what it named, until a file changes:
        a page load resolves the same imports hundreds of times, each probing the disk."""
        self.channel = hub.open_channel(
            app.id, hashlib.sha1(f"{hub.server_id}:{app.id}".encode()).hexdigest()[:16]
        )

    @property
    def folder(self) -> Path:
        return self.app.folder

    @property
    def build_hash(self) -> str:
        """Changes with every update or reload sent: a client that missed one must reload."""
        return self.channel.build_hash

    # serving

    def page(self) -> str:
        return render_page(self.folder, self.app.name, self.urls, self._page_globals())

    def editor_page(self) -> str:
        return render_editor_page(self.folder, self.app.name, self.urls, self._page_globals())

    def _page_globals(self) -> dict[str, str]:
        return {
            "base": self.urls.prefix,
            "app": self.app.id,
            "buildHash": self.build_hash,
            "serverId": self.hub.server_id,
        }

    async def serve(self, requested: str, imported: bool, self_url: str) -> Served:
        """The response for app file `requested` (a decoded path relative to the folder).

        Raises `PathRefused` (answer 404) and `ModuleError` (answer 500; also sent as `error`).
        """
        module = request_id(requested)
        path = confine(self.folder, requested)
        if not path.is_file():
            raise PathRefused(f"no such file: {module}")
        kind = Path(module).suffix
        try:
            if is_script(module):
                source = _decode(path.read_bytes(), module)
                return Served(await self._script(module, source, self_url), JAVASCRIPT)
            if imported:
                return Served(self._imported(module, path.read_bytes()), JAVASCRIPT)
        except ModuleError as error:
            self.report(error)
            raise
        if kind == ".css":
            self.stylesheets.add(module)
            css = rewrite_css_urls(module, path.read_text(errors="replace"), self.urls)
            return Served(css, _content_type(module))
        return Served(path.read_bytes(), _content_type(module))

    async def serve_entry(self, self_url: str) -> str:
        try:
            return await self._script(ENTRY_MODULE, entry_source(self.folder), self_url)
        except ModuleError as error:
            self.report(error)
            raise

    async def _script(self, module: str, source: str, self_url: str) -> str:
        script, resolved = await self._link(module, source)
        self._loaded(module, script, resolved)
        return render_script(module, script, resolved, self.urls, self.graph.timestamp, self_url)

    async def _link(
        self, module: str, source: str
    ) -> tuple[TransformedScript, dict[Specifier, Resolved]]:
        script = await self.transformer.transform(module, source)
        resolved = {}
        for specifier in (*script.imports, *script.accepted):
            try:
                resolved[specifier] = self._resolve(specifier.value, module)
            except ResolveError as error:
                raise _unresolved(error, specifier, module, source) from error
        return script, resolved

    def _resolve(self, specifier: str, module: str) -> Resolved:
        folder, extension = posixpath.split(module)[0], posixpath.splitext(module)[1]
        key = (specifier, folder, extension)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = resolve(specifier, module, self.folder)
        return found

    def _loaded(
        self, module: str, script: TransformedScript, resolved: dict[Specifier, Resolved]
    ) -> list[str]:
        """Record the module's imports and accepts in the graph; the modules it orphaned."""
        modules = {s: r.target for s, r in resolved.items() if r.kind == "module"}
        imports = {target for s, target in modules.items() if s.kind != "accept"}
        accepted = {target for s, target in modules.items() if s.kind == "accept"}
        self.broken.discard(module)
        return self.graph.set_module(module, imports, script.self_accepting, accepted)

    def _imported(self, module: str, data: bytes) -> str:
        """CSS, JSON or another file imported from a script, as a module."""
        kind = Path(module).suffix
        if kind == ".css":
            self.graph.set_module(module, (), self_accepting=True)
            return render_css_module(module, _decode(data, module), self.urls)
        self.graph.set_module(module, (), self_accepting=False)
        if kind == ".json":
            return render_json_module(module, _decode(data, module), self.urls)
        return render_asset_module(module, self.urls, self.graph.timestamp(module))

    # checking without a browser

    @property
    def previewed(self) -> bool:
        """Whether a preview is open, or has asked for modules since the server started."""
        return bool(self.channel.clients or self.graph.nodes or self.broken)

    async def check_without_preview(self) -> None:
        """Make the app's first error current, or clear it, by loading it as a browser would."""
        self.show_check(await self.check())

    def show_check(self, error: ModuleError | None) -> None:
        if error is None:
            self.hub.clear_error(self.app.id)
        else:
            self.hub.send_error(self.app.id, error.to_wire())

    async def check(self) -> ModuleError | None:
        """The first error met walking the app's scripts from its entries, level by level."""
        seen: set[str] = set()
        level = entry_modules(self.folder)
        while level:
            seen.update(level)
            results = await asyncio.gather(
                *(self._checked_imports(module) for module in level), return_exceptions=True
            )
            found: set[str] = set()
            for result in results:
                if isinstance(result, BaseException):
                    if isinstance(result, ModuleError):
                        return result
                    raise result
                found.update(module for module in result if is_script(module))
            level = sorted(found - seen)
        return None

    async def _checked_imports(self, module: str) -> list[str]:
        """The app modules `module` imports; raises `ModuleError` if it cannot be served."""
        if module == ENTRY_MODULE:
            source = entry_source(self.folder)
        else:
            try:
                path = confine(self.folder, module)
            except PathRefused:
                raise ModuleError(f"{module} is not a file the preview may load", module) from None
            if not path.is_file():
                raise ModuleError(f"{module} does not exist", module)
            source = _decode(path.read_bytes(), module)
        _, resolved = await self._link(module, source)
        return [target.target for target in resolved.values() if target.kind == "module"]

    def report(self, error: ModuleError) -> None:
        """Make `error` the app's current error and show it in every open preview."""
        self.broken.add(error.file)
        self.hub.send_error(self.app.id, error.to_wire())

    # changes

    async def apply_changes(self, paths: set[Path]) -> None:
        """Bring open previews up to date with a batch of changed files."""
        started = time.perf_counter()
        changed = {module_id(self.folder, path) for path in paths}
        self._resolved.clear()  # a file added, moved or deleted may change what names what
        if not self.previewed:
            await self.check_without_preview()
            return
        timestamp = self._next_timestamp()
        if INDEX_HTML in changed:
            self._full_reload("index.html changed", INDEX_HTML, started)
            return
        loaded = {module for module in changed if self.graph.is_loaded(module)}
        deleted = {module for module in loaded if not self._exists(module)}
        # A deleted module's importers fail to resolve it now; their error is the message.
        candidates = (loaded - deleted) | self.broken
        candidates |= {importer for module in deleted for importer in self.graph.importers(module)}
        never_ran = {module for module in self.broken if not self.graph.is_loaded(module)}
        reloaded, pruned, errors = [], [], []
        for module in sorted(candidates):
            try:
                orphans = await self._reload(module)
            except ModuleError as error:
                errors.append(error)
                continue
            if orphans is not None:
                pruned += orphans
                reloaded.append(module)
        self.graph.invalidate(changed | set(reloaded), timestamp)
        stylesheets = sorted(m for m in changed & self.stylesheets if self._exists(m))
        fixed_unloaded = [module for module in reloaded if module in never_ran]
        if fixed_unloaded:
            reason = f"{fixed_unloaded[0]} failed to load before and is fixed"
            self._full_reload(reason, None, started)
        else:
            self._send_updates(reloaded, stylesheets, timestamp, started)
        if pruned:
            self.hub.send_prune(self.app.id, pruned)
        for failure in errors:
            self.report(failure)
        if not self.broken:
            self.hub.clear_error(self.app.id)

    async def _reload(self, module: str) -> list[str] | None:
        """Run the pipeline on the module's new content; the modules it orphaned.

        None if the content is what the last batch already handled: a save that lands in two
        batches (or rewrites the same text) must not update the preview twice.
        """
        if module == ENTRY_MODULE:
            source = entry_source(self.folder)
        else:
            data = await read_settled(confine(self.folder, module))
            if data is None:
                raise ModuleError(f"{module} was deleted", module)
            version = content_hash(data)
            if self._handled.get(module) == version and module not in self.broken:
                return None
            self._handled[module] = version
            if not is_script(module):
                self._imported(module, data)
                self.broken.discard(module)
                return []
            source = _decode(data, module)
        script, resolved = await self._link(module, source)
        return self._loaded(module, script, resolved)

    def _send_updates(
        self, reloaded: list[str], stylesheets: list[str], timestamp: int, started: float
    ) -> None:
        outcome = self.graph.propagate(reloaded)
        if isinstance(outcome, FullReload):
            self._full_reload(outcome.reason, outcome.path, started)
            return
        updates = [module_update("css-update", m, m, timestamp) for m in stylesheets]
        updates += [
            module_update("js-update", b.path, b.accepted_path, timestamp)
            for b in outcome.boundaries
        ]
        if updates:
            build_hash = self._next_build_hash(updates)
            self.hub.send_update(self.app.id, updates, build_hash, started)

    def invalidate(self, module: str, message: str) -> None:
        """The browser could not apply an update to `module` (`import.meta.hot.invalidate`):
        its importers must, at the module's current stamp so they get the instance just run."""
        started = time.perf_counter()
        timestamp = self.graph.timestamp(module)
        if (module, timestamp) in self._invalidations or not self.graph.is_loaded(module):
            return  # every open preview reports it; handle it once
        self._invalidations.add((module, timestamp))
        outcome = self.graph.propagate([module], from_importers=True)
        if isinstance(outcome, FullReload):
            why = f": {message}" if message else ""
            self._full_reload(f"{module} invalidated{why}; {outcome.reason}", module, started)
            return
        stamp = timestamp if timestamp is not None else self._next_timestamp()
        self.graph.invalidate(self.graph.importers(module), stamp)
        updates = [
            module_update("js-update", b.path, b.accepted_path, stamp) for b in outcome.boundaries
        ]
        if updates:
            build_hash = self._next_build_hash(updates)
            self.hub.send_update(self.app.id, updates, build_hash, started)

    def _full_reload(self, reason: str, path: str | None, started: float) -> None:
        # The reloaded page requests every module again, and reports what still fails.
        self.broken.clear()
        self.hub.clear_error(self.app.id)
        build_hash = self._next_build_hash({"reload": reason})
        self.hub.send_full_reload(self.app.id, reason, path, build_hash, started)

    def _next_build_hash(self, change: object) -> str:
        text = f"{self.build_hash}:{json.dumps(change, sort_keys=True)}"
        return hashlib.sha1(text.encode()).hexdigest()[:16]

    def _next_timestamp(self) -> int:
        """Epoch ms, always increasing: two updates must never share a `?t=`."""
        self._last_timestamp = max(int(now_ms()), self._last_timestamp + 1)
        return self._last_timestamp

    def _exists(self, module: str) -> bool:
        try:
            return confine(self.folder, module).is_file()
        except PathRefused:
            return False


def _unresolved(error: ResolveError, specifier: Specifier, module: str, source: str) -> ModuleError:
    """The resolution error, located at the specifier in the original source if found."""
    for quote in "\"'`":
        offset = source.find(f"{quote}{specifier.value}{quote}")
        if offset != -1:
            line, column = position_of(source, offset + 1)
            return ModuleError.at(str(error), module, source, line, column, "fastpreview")
    return ModuleError(str(error), module)


def _decode(data: bytes, module: str) -> str:
    try:
        return data.decode()
    except UnicodeDecodeError as error:
        raise ModuleError(f"{module} is not UTF-8 text: {error}", module) from error


def _content_type(module: str) -> str:
    guessed, _ = mimetypes.guess_type(module)
    if guessed is None:
        return "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed
