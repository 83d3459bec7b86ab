"""The esbuild step of the module pipeline, cached by (module id, content hash).

Everything here depends only on a module's id and source, so it is computed once per version
of a file: esbuild's output (TS/JSX compiled, inline source map), where its import specifiers
are, what it accepts through `import.meta.hot`, and which components it declares. What depends
on the rest of the app (resolution, `?t=` stamps, URLs) is done per request by `render`.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from ..esbuild import EsbuildError, EsbuildService
from .errors import ModuleError
from .imports import Specifier, find_hot_accepts, find_imports
from .refresh import Component, find_components

LOADERS = {".tsx": "tsx", ".ts": "ts", ".jsx": "jsx", ".js": "jsx", ".mjs": "js"}
"""`.js` gets the JSX loader: a superset of JS that forgives JSX in `.js` files."""

IMPORT_META_ENV = {
    "import.meta.env": '{"MODE":"development","DEV":true,"PROD":false,"BASE_URL":"/"}',
    "import.meta.env.MODE": '"development"',
    "import.meta.env.DEV": "true",
    "import.meta.env.PROD": "false",
}
_SOURCE_MAP_COMMENT = "//# sourceMappingURL="


@dataclass(frozen=True)
class TransformedScript:
    code: str
    """esbuild's output without its trailing source-map comment."""
    source_map_comment: str
    imports: tuple[Specifier, ...]
    accepted: tuple[Specifier, ...]
    """Specifiers given to `import.meta.hot.accept(...)`."""
    self_accepting: bool
    """The module accepts itself: by its own `import.meta.hot.accept()`, or it has components."""
    components: tuple[Component, ...]


def content_hash(source: str | bytes) -> str:
    data = source.encode() if isinstance(source, str) else source
    return hashlib.sha1(data).hexdigest()


class ScriptTransformer:
    """esbuild transforms of app scripts, with an LRU cache shared by every app."""

    def __init__(self, esbuild: EsbuildService, cache_size: int = 4096) -> None:
        self.esbuild = esbuild
        self._cache: OrderedDict[tuple[str, str], TransformedScript] = OrderedDict()
        self._cache_size = cache_size

    async def transform(self, module: str, source: str) -> TransformedScript:
        """Raises `ModuleError` with esbuild's location and a code frame on a syntax error."""
        key = (module, content_hash(source))
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        try:
            result = await self.esbuild.transform_async(source, **transform_options(module))
        except EsbuildError as error:
            raise ModuleError.from_esbuild(error, module, source) from error
        transformed = analyse(result.code)
        self._cache[key] = transformed
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return transformed


def transform_options(module: str) -> dict[str, Any]:
    """esbuild's options for one app script: TS/JSX compiled for the browser, inline map."""
    return {
        "loader": LOADERS[posixpath.splitext(module)[1]],
        "jsx": "automatic",
        "jsx_dev": True,
        "sourcemap": "inline",
        "sourcefile": module,
        "format": "esm",
        "target": "es2022",
        "define": IMPORT_META_ENV,
    }


def analyse(output: str) -> TransformedScript:
    """Split off the source map and find imports, accepts and components in esbuild's output."""
    code, comment = output, ""
    at = output.rfind(_SOURCE_MAP_COMMENT)
    if at != -1:
        code, comment = output[:at], output[at:]
    self_accepting, accepted = find_hot_accepts(code)
    components = find_components(code)
    return TransformedScript(
        code=code,
        source_map_comment=comment,
        imports=tuple(find_imports(code)),
        accepted=tuple(accepted),
        self_accepting=self_accepting or bool(components),
        components=tuple(components),
    )
