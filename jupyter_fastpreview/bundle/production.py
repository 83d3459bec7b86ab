"""An app's production bundle, built by esbuild in the calling process (the kernel, a deploy).

Minified, with content-hashed names (`assets/[name]-[hash].js`), so a deploy can serve the
assets as immutable, and a linked source map beside each (`assets/[name]-[hash].js.map`) so
devtools show the app's own sources while pages load only the code. React comes from the
production vendor build shipped in the package, so an app that only uses React needs nothing
installed. The entry is `index.html`'s module script
(as in Vite), or, for an app with only `src/App.tsx`, a generated entry that mounts it.

    build = build_production(Path("hello"))
    build.files["index.html"], build.total_bytes, build.ms
"""

from __future__ import annotations

import html
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import generated_app
from ..esbuild import (
    EsbuildError,
    EsbuildService,
    OnLoadArgs,
    OnLoadResult,
    OnResolveArgs,
    OnResolveResult,
    Plugin,
    get_service,
)

VENDOR = Path(__file__).parents[1] / "vendor" / "production"
ASSET_NAMES = "assets/[name]-[hash]"
GENERATED_ENTRY = "fastpreview:entry"
SOURCE_SCHEME = "fastpreview://"


class BundleError(RuntimeError):
    """The app cannot be bundled; the message says which file and why."""


@dataclass(frozen=True)
class ProductionBuild:
    files: dict[str, bytes]
    """Output path (relative, `index.html` and `assets/...`) -> contents."""
    ms: float

    @property
    def sizes(self) -> dict[str, int]:
        return {path: len(data) for path, data in self.files.items()}

    @property
    def total_bytes(self) -> int:
        return sum(self.sizes.values())

    def write(self, directory: str | Path) -> None:
        """Put the build into `directory` (a deploy target does its own, atomic, copying)."""
        for relative, data in self.files.items():
            target = Path(directory) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


def build_production(folder: str | Path, esbuild: EsbuildService | None = None) -> ProductionBuild:
    """Bundle the app in `folder`; raises `BundleError` with esbuild's messages."""
    folder = Path(folder).resolve()
    started = time.perf_counter()
    page, entry = _page_and_entry(folder)
    try:
        result = (esbuild or get_service()).build(**production_options(folder, entry))
    except EsbuildError as error:
        raise BundleError(f"{folder.name} does not build: {error}") from None
    files = {
        Path(output.path).relative_to(folder / "dist").as_posix(): output.contents
        for output in result.output_files or []
    }
    for path, data in files.items():
        if path.endswith(".map"):
            files[path] = _portable_map(data, (folder / "dist" / path).parent, folder)
    assert result.metafile is not None
    files["index.html"] = _linked_page(page, result.metafile, folder).encode()
    return ProductionBuild(files, (time.perf_counter() - started) * 1000)


def production_options(folder: Path, entry: str | None = None) -> dict[str, Any]:
    """esbuild's options for the app's production bundle (also what an incremental context of
    it is made with, to measure rebuilds of exactly this build)."""
    return {
        "abs_working_dir": str(folder),
        "entry_points": {"main": entry or _page_and_entry(folder)[1]},
        "outdir": str(folder / "dist"),
        "bundle": True,
        "format": "esm",
        "splitting": True,
        "minify": True,
        "jsx": "automatic",
        "entry_names": ASSET_NAMES,
        "chunk_names": ASSET_NAMES,
        "asset_names": ASSET_NAMES,
        "sourcemap": "linked",
        "define": {"process.env.NODE_ENV": '"production"'},
        "metafile": True,
        "plugins": [_generated_entry(folder), vendor_react()],
    }


def _portable_map(data: bytes, base: Path, folder: Path) -> bytes:
    """The map (in folder `base`) with sources outside the app folder renamed: esbuild writes
    them relative to the map, which would publish this machine's directory layout."""
    source_map = json.loads(data)
    vendor = VENDOR.resolve()
    source_map["sources"] = [
        _portable_source(source, base, folder, vendor) for source in source_map["sources"]
    ]
    return json.dumps(source_map, separators=(",", ":")).encode()


def _portable_source(source: str, base: Path, folder: Path, vendor: Path) -> str:
    if ":" in source:
        return source  # a virtual module, like the generated entry
    resolved = (base / source).resolve()
    if resolved.is_relative_to(folder):
        return source
    if resolved.is_relative_to(vendor):
        return f"{SOURCE_SCHEME}vendor/{resolved.relative_to(vendor).as_posix()}"
    return f"{SOURCE_SCHEME}external/{resolved.name}"


def vendor_react(vendor: Path = VENDOR) -> Plugin:
    """Resolve React's imports to a vendor build shipped in the package (production unless
    told otherwise), so a bundle shares the one React the vendor's other modules import."""
    imports = json.loads((vendor / "importmap.json").read_text())["imports"]
    plugin = Plugin("fastpreview-vendor-react")
    names = "|".join(re.escape(name) for name in imports)

    @plugin.on_resolve(filter=f"^({names})$")
    def resolve(args: OnResolveArgs) -> OnResolveResult:
        return OnResolveResult(path=str((vendor / imports[args.path]).resolve()))

    return plugin


def _generated_entry(folder: Path) -> Plugin:
    plugin = Plugin("fastpreview-entry")

    @plugin.on_resolve(filter=f"^{GENERATED_ENTRY}$")
    def resolve(args: OnResolveArgs) -> OnResolveResult:
        return OnResolveResult(path="main.tsx", namespace="fastpreview")

    @plugin.on_load(filter=".*", namespace="fastpreview")
    def load(args: OnLoadArgs) -> OnLoadResult:
        return OnLoadResult(
            contents=generated_app.entry_source("./src/App"), loader="tsx", resolve_dir=str(folder)
        )

    return plugin


def _page_and_entry(folder: Path) -> tuple[str, str]:
    """The page to ship and the entry to bundle: `index.html`'s, or generated ones."""
    index = folder / "index.html"
    if index.is_file():
        page = index.read_text()
        script = generated_app.MODULE_SCRIPT.search(page)
        if script is None:
            raise BundleError(f'{index} has no <script type="module" src="..."> to bundle')
        entry = folder / html.unescape(script["src"]).lstrip("/")
        if not entry.is_file():
            raise BundleError(f"{index} loads {script['src']}, which does not exist")
        return page, "./" + entry.relative_to(folder).as_posix()
    if not generated_app.has_root_component(folder):
        raise BundleError(f"{folder} has no index.html and no src/App.tsx to build")
    return generated_app.page(folder.name, "/main.tsx"), GENERATED_ENTRY


def _linked_page(page: str, metafile: dict, folder: Path) -> str:
    """The page with its module script pointing at the bundle, and the bundle's CSS linked."""
    outputs = metafile["outputs"]
    main = next(path for path, output in outputs.items() if "entryPoint" in output)
    relative = Path(main).relative_to("dist").as_posix()
    tag = f'<script type="module" src="./{relative}"></script>'
    css = outputs[main].get("cssBundle")
    if css:
        tag = (
            f'<link rel="stylesheet" href="./{Path(css).relative_to("dist").as_posix()}" />\n{tag}'
        )
    return generated_app.MODULE_SCRIPT.sub(lambda _: tag, page, count=1)
