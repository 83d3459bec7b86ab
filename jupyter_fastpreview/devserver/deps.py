"""npm dependencies, pre-bundled from the app's own `node_modules` into one ES module each.

Like Vite's dependency optimiser: a bare import (`lodash-es`, `@scope/pkg/sub`) is served as
`P@deps/<specifier>.js`, one esbuild bundle, cached per (app, specifier, package version).
React stays external and comes from the vendor runtime, so the app and its dependencies share
one React. A CommonJS package gets named exports from a static read of its source (`cjs.py`).

Limitations: each specifier is bundled on its own, so a package used by two dependencies is
copied into both (fine for stateless code; two copies of a stateful library do not share
state). Files a bundle pulls in from outside the app folder (e.g. an `npm link`) are refused.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

from ..esbuild import (
    EsbuildError,
    EsbuildService,
    OnLoadArgs,
    OnLoadResult,
    OnResolveArgs,
    OnResolveResult,
    OutputFile,
    Plugin,
)
from .cjs import cjs_export_names
from .resolve import package_name, vendor_files
from .urls import PreviewUrls

_SHIM = "fp-vendor-shim"
_VENDOR_FILTER = r"^(react|react-dom|react-refresh)(/.*)?$"
_ASSET_LOADERS = {
    ext: "dataurl" for ext in (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".woff", ".woff2")
}
_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")
_CJS_NAMESPACE = "__fp_cjs"


class DependencyError(Exception):
    """The package is missing or does not bundle; the message says which and what to do."""


class DependencyBundler:
    def __init__(self, esbuild: EsbuildService) -> None:
        self.esbuild = esbuild
        self._bundles: dict[tuple[str, ...], str] = {}
        self._locks: dict[tuple[str, ...], asyncio.Lock] = {}

    async def bundle(self, folder: Path, specifier: str, urls: PreviewUrls) -> str:
        """The ES module for `specifier` as the app in `folder` sees it."""
        package = package_name(specifier)
        if package is None:
            raise DependencyError(f'"{specifier}" is not an npm package specifier')
        manifest = folder / "node_modules" / package / "package.json"
        if not manifest.is_file():
            raise DependencyError(
                f'Cannot find package "{package}": run app.install("{package}") or '
                f"npm install {package} in the app folder"
            )
        version = json.loads(manifest.read_text()).get("version", "")
        key = (str(folder), specifier, version, str(manifest.stat().st_mtime_ns), urls.prefix)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self._bundles:
                self._bundles[key] = await self._build(folder, specifier, urls)
        return self._bundles[key]

    async def _build(self, folder: Path, specifier: str, urls: PreviewUrls) -> str:
        options = {
            "bundle": True,
            "format": "esm",
            "platform": "browser",
            "target": "es2022",
            "write": False,
            "metafile": True,
            "abs_working_dir": str(folder),
            "outdir": str(folder / ".fastpreview-deps"),
            "define": {"process.env.NODE_ENV": '"development"', "global": "globalThis"},
            "loader": _ASSET_LOADERS,
            "plugins": [_vendor_plugin(urls)],
        }
        try:
            result = await self.esbuild.build_async(entry_points=[specifier], **options)
            assert result.metafile is not None
            output = next(
                o for name, o in result.metafile["outputs"].items() if name.endswith(".js")
            )
            if output["exports"] == ["default"] and output.get("entryPoint"):
                names = _cjs_names(folder / output["entryPoint"])
                if names:
                    result = await self.esbuild.build_async(
                        stdin=_cjs_entry(specifier, names, folder), **options
                    )
        except EsbuildError as error:
            raise DependencyError(f'Cannot bundle "{specifier}": {error}') from error
        assert result.metafile is not None and result.output_files is not None
        _check_inputs_inside(folder, specifier, result.metafile["inputs"])
        return _with_styles(specifier, result.output_files)


def _vendor_plugin(urls: PreviewUrls) -> Plugin:
    """React from the vendor runtime: an external URL for `import`, a shim for `require`."""
    plugin = Plugin("fastpreview-vendor")

    @plugin.on_resolve(filter=_VENDOR_FILTER)
    def vendor(args: OnResolveArgs) -> OnResolveResult | None:
        file = vendor_files().get(args.path)
        if file is None:
            return None
        if args.kind == "require-call":
            # require() of an external ES module cannot work; an ES shim bundled in can.
            return OnResolveResult(path=args.path, namespace=_SHIM)
        return OnResolveResult(path=urls.vendor(file), external=True)

    @plugin.on_resolve(filter=".*", namespace=_SHIM)
    def shim_import(args: OnResolveArgs) -> OnResolveResult:
        return OnResolveResult(path=args.path, external=True)

    @plugin.on_load(filter=".*", namespace=_SHIM)
    def shim(args: OnLoadArgs) -> OnLoadResult:
        url = json.dumps(urls.vendor(vendor_files()[args.path]))
        return OnLoadResult(contents=f"export * from {url};\nexport {{ default }} from {url};\n")

    return plugin


def _cjs_names(entry: Path) -> list[str]:
    return [name for name in cjs_export_names(entry) if _IDENTIFIER.match(name)]


def _cjs_entry(specifier: str, names: list[str], folder: Path) -> dict[str, str]:
    """An ES entry that gives a CommonJS package named exports."""
    names = [name for name in names if name != _CJS_NAMESPACE]
    contents = (
        f"import * as {_CJS_NAMESPACE} from {json.dumps(specifier)};\n"
        f"export default {_CJS_NAMESPACE}.default;\n"
        f"export const {{ {', '.join(names)} }} = {_CJS_NAMESPACE};\n"
    )
    return {"contents": contents, "resolve_dir": str(folder), "sourcefile": "fp-deps-entry.js"}


def _check_inputs_inside(folder: Path, specifier: str, inputs: dict[str, object]) -> None:
    for name in inputs:
        if name.startswith(f"{_SHIM}:") or name == "fp-deps-entry.js":
            continue
        if not (folder / name).resolve().is_relative_to(folder):
            raise DependencyError(
                f'"{specifier}" pulls in {name}, outside the app folder (an npm link?); '
                "install the package into the app folder instead"
            )


def _with_styles(specifier: str, output_files: list[OutputFile]) -> str:
    """The bundle's JS, injecting the CSS esbuild split out of it (component libraries)."""
    code = next(f.text for f in output_files if f.path.endswith(".js"))
    for css in (f.text for f in output_files if f.path.endswith(".css")):
        code += (
            "\n{\n  const style = document.createElement('style');\n"
            f"  style.setAttribute('data-fp-dep', {json.dumps(specifier)});\n"
            f"  style.textContent = {json.dumps(css)};\n"
            "  document.head.appendChild(style);\n}\n"
        )
    return code
