"""Production bundles through the real esbuild, and `App.build()` recording them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from jupyter_fastpreview import App
from jupyter_fastpreview.bundle import BundleError, build_production
from jupyter_fastpreview.kernel.link import STORE_VAR
from jupyter_fastpreview.store import Store

HASHED = re.compile(r"^assets/main-[A-Z0-9]{8}\.(js|css)(\.map)?$")
INDEX_HTML = """<!doctype html>
<html><head><title>vite style</title></head>
<body><div id="root"></div><script type="module" src="/src/main.tsx"></script></body></html>
"""
MAIN_TSX = """import { createRoot } from "react-dom/client";
createRoot(document.getElementById("root")!).render(<p>from main</p>);
"""


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "state.db"
    monkeypatch.setenv(STORE_VAR, str(path))
    return path


def test_an_app_tsx_only_app_gets_a_generated_entry_and_page(tmp_path: Path) -> None:
    app = App(tmp_path / "hello")
    build = build_production(app.folder)
    outputs = sorted(path for path in build.files if path != "index.html")
    assert all(HASHED.match(path) for path in outputs), outputs
    assets = [path for path in outputs if not path.endswith(".map")]
    page = build.files["index.html"].decode()
    script, css = (
        next(p for p in assets if p.endswith(".js")),
        next(p for p in assets if p.endswith(".css")),
    )
    assert f'<script type="module" src="./{script}"></script>' in page
    assert f'<link rel="stylesheet" href="./{css}" />' in page
    bundle = build.files[script].decode()
    assert "react.production.js" in bundle and "react.development" not in bundle
    assert len(bundle.splitlines()[0]) > 10_000  # minified: the code is one line
    assert "createRoot" in bundle or "hydrateRoot" in bundle
    assert build.total_bytes == sum(len(data) for data in build.files.values())
    assert build.ms > 0


def test_index_html_entry_is_bundled_and_relinked(tmp_path: Path) -> None:
    app = App(tmp_path / "vite", template=None)
    app.write_files({"index.html": INDEX_HTML, "src/main.tsx": MAIN_TSX})
    build = build_production(app.folder)
    page = build.files["index.html"].decode()
    assert "/src/main.tsx" not in page and "<title>vite style</title>" in page
    (script,) = [path for path in build.files if path.endswith(".js")]
    assert "from main" in build.files[script].decode()
    build.write(tmp_path / "out")
    assert (tmp_path / "out" / script).read_bytes() == build.files[script]


def test_each_asset_links_a_separate_source_map_naming_no_local_paths(tmp_path: Path) -> None:
    app = App(tmp_path / "hello")
    build = build_production(app.folder)
    assets = [path for path in build.files if HASHED.match(path) and not path.endswith(".map")]
    assert {f"{path}.map" for path in assets} == {p for p in build.files if p.endswith(".map")}
    for path in assets:
        tail = build.files[path].decode().rstrip().splitlines()[-1]
        assert f"sourceMappingURL={Path(path).name}.map" in tail
    (script,) = [path for path in assets if path.endswith(".js")]
    sources = json.loads(build.files[f"{script}.map"])["sources"]
    assert "../../src/App.tsx" in sources
    assert any(source.startswith("fastpreview://vendor/") for source in sources)
    local = [source for source in sources if ":" not in source]
    maps_dir = app.folder / "dist" / "assets"
    assert all((maps_dir / source).resolve().is_relative_to(app.folder) for source in local)
    assert "sourceMappingURL" not in build.files["index.html"].decode()


def test_a_missing_package_is_a_bundle_error(tmp_path: Path) -> None:
    app = App(tmp_path / "hello")
    app.write("src/App.tsx", 'import x from "left-pad";\nexport default () => x;\n')
    with pytest.raises(BundleError, match="left-pad"):
        build_production(app.folder)


def test_app_build_records_a_production_build(tmp_path: Path, store_path: Path) -> None:
    app = App(tmp_path / "hello")
    build = app.build()
    store = Store(store_path)
    record = store.app_for_folder(app.folder)
    assert record is not None
    (recorded,) = store.builds(record.id)
    assert (recorded.kind, recorded.ok, recorded.sizes) == ("production", True, build.sizes)


def test_a_failed_build_is_recorded_and_raised(tmp_path: Path, store_path: Path) -> None:
    app = App(tmp_path / "empty", template=None)
    with pytest.raises(BundleError, match="no index.html and no src/App.tsx"):
        app.build()
    store = Store(store_path)
    record = store.app_for_folder(app.folder)
    assert record is not None
    (recorded,) = store.builds(record.id)
    assert (recorded.kind, recorded.ok) == ("production", False)
