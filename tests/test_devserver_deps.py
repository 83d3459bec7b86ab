"""npm dependencies pre-bundled from the app's node_modules: ES modules, CommonJS, React kept
external, and the errors for a missing or escaping package. Tiny hand-written packages: no npm."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyter_fastpreview.devserver.deps import DependencyBundler, DependencyError
from jupyter_fastpreview.devserver.urls import PreviewUrls
from jupyter_fastpreview.esbuild import EsbuildService

URLS = PreviewUrls("/base/fastpreview/preview/demo/tok/")
REACT_URL = '"/base/fastpreview/preview/demo/tok/@vendor/react.js"'


def package(folder: Path, name: str, manifest: dict, files: dict[str, str]) -> None:
    root = folder / "node_modules" / name
    root.mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": name, **manifest}))
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)


@pytest.fixture
def app(tmp_path: Path) -> Path:
    folder = tmp_path / "app"
    package(
        folder,
        "esm-pkg",
        {"version": "1.0.0", "type": "module", "exports": {".": "./index.js", "./sub": "./sub.js"}},
        {
            "index.js": 'import { useState } from "react";\nimport "./style.css";\n'
            "export const hook = () => useState;\nexport default 42;\n",
            "style.css": ".esm { color: red; }\n",
            "sub.js": "export const sub = 1;\n",
        },
    )
    package(
        folder,
        "cjs-pkg",
        {"version": "0.1.0", "main": "lib.js"},
        {
            "lib.js": 'const React = require("react");\n'
            "exports.add = (a, b) => a + b;\nexports.el = () => React.createElement('b');\n"
        },
    )
    return folder.resolve()


@pytest.fixture
def bundler(esbuild: EsbuildService) -> DependencyBundler:
    return DependencyBundler(esbuild)


async def test_an_es_module_package_keeps_its_exports_and_reacts_url(app, bundler) -> None:
    code = await bundler.bundle(app, "esm-pkg", URLS)
    assert f"import {{ useState }} from {REACT_URL};" in code
    assert "esm_pkg_default as default" in code and "  hook\n" in code
    # The CSS esbuild split out of the bundle is put in the page by the bundle itself.
    assert 'style.textContent = "/* node_modules/esm-pkg/style.css */\\n.esm {' in code


async def test_a_subpath_export(app, bundler) -> None:
    code = await bundler.bundle(app, "esm-pkg/sub", URLS)
    assert "export {\n  sub\n};" in code


async def test_a_commonjs_package_gets_named_exports(app, bundler) -> None:
    code = await bundler.bundle(app, "cjs-pkg", URLS)
    assert "export {\n  add,\n  entry_default as default,\n  el\n};" in code.replace(
        "fp_deps_entry_default", "entry_default"
    )
    # require("react") inside CommonJS reaches the vendor module through an ES shim.
    assert f"import * as react_star from {REACT_URL};" in code
    assert '__require("react")' not in code


async def test_bundles_are_cached_per_version(app, bundler, esbuild) -> None:
    first = await bundler.bundle(app, "esm-pkg/sub", URLS)
    (app / "node_modules/esm-pkg/sub.js").write_text("export const sub = 2;\n")
    assert await bundler.bundle(app, "esm-pkg/sub", URLS) is first
    manifest = app / "node_modules/esm-pkg/package.json"
    manifest.write_text(manifest.read_text().replace("1.0.0", "1.0.1"))
    assert "sub = 2" in await bundler.bundle(app, "esm-pkg/sub", URLS)


async def test_a_missing_package_names_it_and_how_to_add_it(app, bundler) -> None:
    with pytest.raises(DependencyError) as missing:
        await bundler.bundle(app, "left-pad/lib", URLS)
    assert str(missing.value) == (
        'Cannot find package "left-pad": run app.install("left-pad") or '
        "npm install left-pad in the app folder"
    )


async def test_a_package_that_pulls_in_files_from_outside_is_refused(app, bundler) -> None:
    outside = app.parent / "linked"
    outside.mkdir()
    (outside / "package.json").write_text('{"name": "linked", "main": "index.js"}')
    (outside / "index.js").write_text("export const x = 1;\n")
    (app / "node_modules/linked").symlink_to(outside)
    with pytest.raises(DependencyError, match="outside the app folder"):
        await bundler.bundle(app, "linked", URLS)


async def test_a_package_that_does_not_build_says_why(app, bundler) -> None:
    package(app, "broken", {"version": "1.0.0", "main": "index.js"}, {"index.js": "export ="})
    with pytest.raises(DependencyError, match='Cannot bundle "broken"'):
        await bundler.bundle(app, "broken", URLS)
