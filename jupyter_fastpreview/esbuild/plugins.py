"""Plugins written in Python: esbuild asks us to resolve and load paths it matches by filter.

    virtual = Plugin("virtual")

    @virtual.on_resolve(filter=r"^virtual:")
    def resolve(args: OnResolveArgs) -> OnResolveResult:
        return OnResolveResult(path=args.path, namespace="virtual")

    @virtual.on_load(filter=r".*", namespace="virtual")
    def load(args: OnLoadArgs) -> OnLoadResult:
        return OnLoadResult(contents="export default 42", loader="js")

Filters are Go regular expressions (esbuild matches them before calling Python, so a
callback only runs for paths it asked for). A callback returns None to let the next one try.
Callbacks run on a worker thread and may call the esbuild service themselves.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .protocol import NO_PLUGIN_DATA
from .results import Message


@dataclass(frozen=True)
class OnResolveArgs:
    path: str
    importer: str
    namespace: str
    resolve_dir: str
    kind: str
    plugin_data: Any = None
    with_: dict[str, str] = field(default_factory=dict)


@dataclass
class OnResolveResult:
    path: str | None = None
    namespace: str | None = None
    external: bool | None = None
    side_effects: bool | None = None
    suffix: str | None = None
    plugin_data: Any = None
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    watch_files: list[str] | None = None
    watch_dirs: list[str] | None = None


@dataclass(frozen=True)
class OnLoadArgs:
    path: str
    namespace: str
    suffix: str
    plugin_data: Any = None
    with_: dict[str, str] = field(default_factory=dict)


@dataclass
class OnLoadResult:
    contents: str | bytes | None = None
    loader: str | None = None
    resolve_dir: str | None = None
    plugin_data: Any = None
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    watch_files: list[str] | None = None
    watch_dirs: list[str] | None = None


ResolveCallback = Callable[[OnResolveArgs], "OnResolveResult | None"]
LoadCallback = Callable[[OnLoadArgs], "OnLoadResult | None"]


@dataclass(frozen=True)
class _Hook:
    filter: str
    namespace: str
    callback: Callable[[Any], Any]


class Plugin:
    def __init__(self, name: str) -> None:
        self.name = name
        self.resolve_hooks: list[_Hook] = []
        self.load_hooks: list[_Hook] = []

    def on_resolve(self, filter: str, namespace: str = "") -> Callable[[ResolveCallback], Any]:
        def register(callback: ResolveCallback) -> ResolveCallback:
            self.resolve_hooks.append(_Hook(filter, namespace, callback))
            return callback

        return register

    def on_load(self, filter: str, namespace: str = "") -> Callable[[LoadCallback], Any]:
        def register(callback: LoadCallback) -> LoadCallback:
            self.load_hooks.append(_Hook(filter, namespace, callback))
            return callback

        return register


class PluginHost:
    """Serves esbuild's `on-resolve` / `on-load` requests for one build or context.

    esbuild refers to callbacks by number and to plugin data by handle; this keeps both
    tables, so Python objects can travel as plugin data without being serialised.
    """

    def __init__(self, plugins: list[Plugin]) -> None:
        self._resolvers: list[tuple[str, ResolveCallback]] = []
        self._loaders: list[tuple[str, LoadCallback]] = []
        self._data: dict[int, Any] = {}
        self._handles = itertools.count()
        self.wire: list[dict[str, Any]] = [self._describe(p) for p in plugins]

    def _describe(self, plugin: Plugin) -> dict[str, Any]:
        def register(hooks: list[_Hook], table: list[tuple[str, Any]]) -> list[dict[str, Any]]:
            described = []
            for hook in hooks:
                described.append(
                    {"id": len(table), "filter": hook.filter, "namespace": hook.namespace}
                )
                table.append((plugin.name, hook.callback))
            return described

        return {
            "name": plugin.name,
            "onStart": False,
            "onEnd": False,
            "onResolve": register(plugin.resolve_hooks, self._resolvers),
            "onLoad": register(plugin.load_hooks, self._loaders),
        }

    def on_resolve(self, request: dict[str, Any]) -> dict[str, Any]:
        args = OnResolveArgs(
            path=request["path"],
            importer=request.get("importer", ""),
            namespace=request.get("namespace", ""),
            resolve_dir=request.get("resolveDir", ""),
            kind=request.get("kind", ""),
            plugin_data=self._load_data(request.get("pluginData")),
            with_=request.get("with") or {},
        )
        for hook_id in request["ids"]:
            name, callback = self._resolvers[hook_id]
            try:
                result = callback(args)
            except Exception as error:  # noqa: BLE001 - a plugin's failure becomes esbuild's error
                return self._failure(hook_id, name, error)
            if result is not None:
                return {
                    "id": hook_id,
                    "pluginName": name,
                    **self._common(result),
                    **_present(
                        path=result.path,
                        namespace=result.namespace,
                        external=result.external,
                        sideEffects=result.side_effects,
                        suffix=result.suffix,
                    ),
                }
        return {}

    def on_load(self, request: dict[str, Any]) -> dict[str, Any]:
        args = OnLoadArgs(
            path=request["path"],
            namespace=request.get("namespace", ""),
            suffix=request.get("suffix", ""),
            plugin_data=self._load_data(request.get("pluginData")),
            with_=request.get("with") or {},
        )
        for hook_id in request["ids"]:
            name, callback = self._loaders[hook_id]
            try:
                result = callback(args)
            except Exception as error:  # noqa: BLE001 - a plugin's failure becomes esbuild's error
                return self._failure(hook_id, name, error)
            if result is not None:
                contents = result.contents
                return {
                    "id": hook_id,
                    "pluginName": name,
                    **self._common(result),
                    **_present(
                        contents=contents.encode() if isinstance(contents, str) else contents,
                        loader=result.loader,
                        resolveDir=result.resolve_dir,
                    ),
                }
        return {}

    def _common(self, result: OnResolveResult | OnLoadResult) -> dict[str, Any]:
        return _present(
            pluginData=self._store_data(result.plugin_data),
            errors=[m.to_wire() for m in result.errors] or None,
            warnings=[m.to_wire() for m in result.warnings] or None,
            watchFiles=result.watch_files,
            watchDirs=result.watch_dirs,
        )

    def _failure(self, hook_id: int, name: str, error: Exception) -> dict[str, Any]:
        message = Message(text=f"{type(error).__name__}: {error}", plugin_name=name)
        return {"id": hook_id, "errors": [message.to_wire()]}

    def _store_data(self, value: Any) -> int | None:
        if value is None:
            return None
        handle = next(self._handles)
        self._data[handle] = value
        return handle

    def _load_data(self, handle: int | None) -> Any:
        return self._data.get(handle) if handle not in (None, NO_PLUGIN_DATA) else None

    def on_start(self, request: dict[str, Any]) -> dict[str, Any]:
        # A new build starts: drop the last one's plugin data so a context does not grow.
        self._data.clear()
        return {"errors": [], "warnings": []}


def _present(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}
