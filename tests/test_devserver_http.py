"""The dev server over HTTP: the apps API, the preview page, modules, vendor, runtime, deps,
and every way a caller without the capability, or a path out of the folder, is refused."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError, HTTPResponse

from jupyter_fastpreview.templates import TEMPLATES

APP_TSX = """import { useState } from "react";
import Label from "./Label";
import data from "./data.json";
import "./App.css";

export default function App() {
  const [count, setCount] = useState(0);
  return <main onClick={() => setCount(count + 1)}><Label />{count}{data.title}</main>;
}
"""
LABEL_TSX = "export default function Label() {\n  return <span>label</span>;\n}\n"
FILES = {
    "src/App.tsx": APP_TSX,
    "src/Label.tsx": LABEL_TSX,
    "src/data.json": '{"title": "Hello", "not-a-name": 1, "class": 2}',
    "src/App.css": ".title { background: url(./bg.png); }\n",
    "src/bg.png": "not really a png",
}
INDEX_HTML = """<!doctype html>
<html>
  <head><title>Indexed</title><link rel="stylesheet" href="/src/App.css"></head>
  <body><div id="root"></div><script type="module" src="/src/main.tsx"></script></body>
</html>
"""

Register = Callable[..., Awaitable[dict[str, Any]]]
Fetch = Callable[..., Awaitable[HTTPResponse]]


def write(folder: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def register(jp_fetch, jp_root_dir: Path) -> Register:
    """`await register("name", files)`: write an app under the root and register it."""

    async def make(name: str = "demo", files: dict[str, str] | None = None) -> dict[str, Any]:
        write(jp_root_dir / name, FILES if files is None else files)
        response = await jp_fetch(
            "fastpreview", "api", "apps", method="POST", body=json.dumps({"path": name})
        )
        return json.loads(response.body)

    return make


@pytest.fixture
def preview(http_server_client) -> Fetch:
    """GET a path under a preview prefix with no Jupyter credentials at all."""

    async def get(app: dict[str, Any], path: str = "", **kwargs: Any) -> HTTPResponse:
        return await http_server_client.fetch(
            app["preview_url"] + path, raise_error=False, follow_redirects=False, **kwargs
        )

    return get


# the apps API


async def test_register_gives_an_id_a_token_and_a_preview_url(register, jp_base_url) -> None:
    app = await register("My Demo App")
    assert app["id"] == "my-demo-app"
    assert app["name"] == "My Demo App"
    assert app["folder"] == "My Demo App"
    assert len(app["token"]) >= 32
    assert app["preview_url"] == f"{jp_base_url}fastpreview/preview/my-demo-app/{app['token']}/"
    assert app["preview_path"] == f"fastpreview/preview/my-demo-app/{app['token']}/"
    assert app["ws_url"] == app["preview_url"] + "@hmr"
    assert app["status"] in ("building", "ready")  # checked in the background
    assert app["sessions"] == 0
    assert app["last_error"] is None and app["errors"] == []


async def test_registering_the_same_folder_again_returns_the_same_app(register, jp_fetch) -> None:
    first = await register("demo")
    again = await jp_fetch(
        "fastpreview", "api", "apps", method="POST", body=json.dumps({"path": "demo/./"})
    )
    assert again.code == 200
    assert {k: json.loads(again.body)[k] for k in ("id", "token")} == {
        "id": first["id"],
        "token": first["token"],
    }


async def test_two_folders_with_one_name_get_distinct_ids(register) -> None:
    first = await register("a/demo")
    second = await register("b/demo")
    assert (first["id"], second["id"]) == ("demo", "demo-2")
    assert first["token"] != second["token"]


async def test_list_show_and_delete(register, jp_fetch) -> None:
    app = await register("demo")
    listed = json.loads((await jp_fetch("fastpreview", "api", "apps")).body)
    assert [a["id"] for a in listed] == ["demo"]
    shown = json.loads((await jp_fetch("fastpreview", "api", "apps", "demo")).body)
    assert shown["token"] == app["token"]
    status = json.loads((await jp_fetch("fastpreview", "api", "status")).body)
    assert [a["id"] for a in status["apps"]] == ["demo"]
    deleted = await jp_fetch("fastpreview", "api", "apps", "demo", method="DELETE")
    assert deleted.code == 204
    with pytest.raises(HTTPClientError) as gone:
        await jp_fetch("fastpreview", "api", "apps", "demo")
    assert gone.value.code == 404


async def test_a_deleted_app_no_longer_opens(register, preview, jp_fetch) -> None:
    app = await register("demo")
    assert (await preview(app)).code == 200
    await jp_fetch("fastpreview", "api", "apps", "demo", method="DELETE")
    assert (await preview(app)).code == 403


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("../outside", 403, "outside the server root"),
        ("/etc", 403, "outside the server root"),
        ("", 400, "relative to the server root"),
        (".", 400, "server root itself"),
        ("missing", 400, "does not exist"),
        ("file.txt", 400, "is a file"),
        (".hidden", 400, "hidden folder"),
    ],
)
async def test_registering_a_folder_that_cannot_be_an_app_is_refused(
    jp_fetch, jp_root_dir: Path, path: str, status: int, says: str
) -> None:
    (jp_root_dir / "file.txt").write_text("x")
    (jp_root_dir / ".hidden").mkdir()
    (jp_root_dir.parent / "outside").mkdir(exist_ok=True)
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch("fastpreview", "api", "apps", method="POST", body=json.dumps({"path": path}))
    assert refused.value.code == status
    assert says in json.loads(refused.value.response.body)["message"]


async def test_a_symlink_to_a_folder_outside_the_root_is_refused(jp_fetch, jp_root_dir) -> None:
    outside = jp_root_dir.parent / "elsewhere"
    outside.mkdir()
    (jp_root_dir / "link").symlink_to(outside)
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch(
            "fastpreview", "api", "apps", method="POST", body=json.dumps({"path": "link"})
        )
    assert refused.value.code == 403


async def create(jp_fetch, path: str, template: object) -> HTTPResponse:
    body = json.dumps({"path": path, "template": template})
    return await jp_fetch("fastpreview", "api", "apps", method="POST", body=body)


async def test_a_new_app_from_a_template_is_made_seeded_and_registered(
    jp_fetch, jp_root_dir: Path, preview
) -> None:
    response = await create(jp_fetch, "apps/fresh", "react-ts")
    assert response.code == 201
    app = json.loads(response.body)
    assert (app["name"], app["folder"]) == ("fresh", "apps/fresh")
    folder = jp_root_dir / "apps" / "fresh"
    assert {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} == set(
        TEMPLATES["react-ts"]
    )
    assert (await preview(app, "src/App.tsx")).code == 200
    puck = json.loads((await create(jp_fetch, "page", "puck")).body)
    assert (jp_root_dir / "page" / "src" / "puck" / "puck.config.tsx").is_file()
    assert puck["status"] in ("building", "ready")


@pytest.mark.parametrize(
    ("path", "template", "status", "says"),
    [
        ("taken", "react-ts", 409, "already exists and is not empty"),
        ("file.txt", "react-ts", 409, "already exists"),
        ("../outside", "react-ts", 403, "outside the server root"),
        (".hidden/app", "react-ts", 400, "hidden folder"),
        (".", "react-ts", 400, "server root itself"),
        ("fresh", "vue", 400, "unknown template 'vue'"),
        ("fresh", 3, 400, "unknown template 3"),
    ],
)
async def test_a_new_app_never_overwrites_or_leaves_the_root(
    jp_fetch, jp_root_dir: Path, path: str, template: object, status: int, says: str
) -> None:
    (jp_root_dir / "taken").mkdir()
    (jp_root_dir / "taken" / "notes.md").write_text("mine")
    (jp_root_dir / "file.txt").write_text("x")
    before = sorted(jp_root_dir.rglob("*"))
    with pytest.raises(HTTPClientError) as refused:
        await create(jp_fetch, path, template)
    assert refused.value.code == status
    assert says in json.loads(refused.value.response.body)["message"]
    assert sorted(jp_root_dir.rglob("*")) == before
    assert not (jp_root_dir.parent / "outside").exists()
    assert (jp_root_dir / "taken" / "notes.md").read_text() == "mine"


async def test_the_api_needs_jupyter_credentials(jp_fetch, jp_root_dir: Path) -> None:
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch(
            "fastpreview", "api", "apps", method="POST", body="{}", headers={"Authorization": ""}
        )
    assert refused.value.code == 403
    made = json.dumps({"path": "sneaky", "template": "react-ts"})
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch(
            "fastpreview", "api", "apps", method="POST", body=made, headers={"Authorization": ""}
        )
    assert refused.value.code == 403
    assert not (jp_root_dir / "sneaky").exists()


# the page


async def test_the_page_is_sandboxed_and_loads_the_runtime_first(register, preview) -> None:
    app = await register("demo")
    response = await preview(app)
    assert response.code == 200
    headers = response.headers
    assert (
        "sandbox allow-scripts allow-forms allow-modals allow-popups allow-downloads"
        in (headers["Content-Security-Policy"])
    )
    assert "allow-same-origin" not in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-store"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in headers
    page = response.body.decode()
    prefix = app["preview_url"]
    head = page[page.index("<head>") : page.index("</head>")]
    order = [
        "window.__FASTPREVIEW__",
        f'src="{prefix}@fastpreview/storage.js"',
        f'src="{prefix}@fastpreview/client.js"',
        f'import "{prefix}@fastpreview/refresh.js"',
        "<title>",
    ]
    positions = [head.index(marker) for marker in order]
    assert positions == sorted(positions)
    page_globals = json.loads(re.search(r"__FASTPREVIEW__ = (\{.*?\});", page)[1])
    assert page_globals["base"] == prefix
    assert page_globals["app"] == "demo"
    assert page_globals["buildHash"] == app["build_hash"]
    assert re.fullmatch(r"[0-9a-f]{16}", page_globals["serverId"])
    assert f'<script type="module" src="{prefix}@fastpreview/entry.tsx">' in page


async def test_an_index_html_is_served_with_root_urls_under_the_prefix(register, preview) -> None:
    app = await register("demo", {**FILES, "index.html": INDEX_HTML})
    page = (await preview(app)).body.decode()
    prefix = app["preview_url"]
    assert f'href="{prefix}src/App.css"' in page
    assert f'src="{prefix}src/main.tsx"' in page
    assert page.index("__FASTPREVIEW__") < page.index("<title>Indexed")


async def test_the_generated_entry_mounts_src_app(register, preview) -> None:
    app = await register("demo")
    response = await preview(app, "@fastpreview/entry.tsx")
    assert response.code == 200
    entry = response.body.decode()
    assert f'import App from "{app["preview_url"]}src/App.tsx";' in entry
    assert f'from "{app["preview_url"]}@vendor/react-dom_client.js"' in entry
    assert 'createRoot(document.getElementById("root")).render(' in entry


async def test_an_app_with_nothing_to_mount_says_so(register, preview) -> None:
    app = await register("demo", {"src/other.ts": "export const x = 1;\n"})
    response = await preview(app, "@fastpreview/entry.tsx")
    assert response.code == 500
    assert b"no index.html and no src/App.tsx" in response.body


# modules


async def test_a_tsx_module_is_compiled_rewritten_and_registered_for_refresh(
    register, preview
) -> None:
    app = await register("demo")
    prefix = app["preview_url"]
    response = await preview(app, "src/App.tsx?t=123")
    assert response.code == 200
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Etag"]
    code = response.body.decode()
    first_line = code.splitlines()[0]
    assert first_line.startswith(
        f'import {{ createHotContext as __fp_hot }} from "{prefix}@fastpreview/client.js"; '
        'import.meta.hot = __fp_hot("/src/App.tsx"); '
    )
    assert f'import * as __fp_refresh from "{prefix}@fastpreview/refresh.js";' in first_line
    assert f'import * as __fp_exports from "{prefix}src/App.tsx?t=123";' in first_line
    assert f'import {{ useState }} from "{prefix}@vendor/react.js";' in code
    assert f'from "{prefix}@vendor/react_jsx-dev-runtime.js"' in code
    assert f'import Label from "{prefix}src/Label.tsx";' in code
    assert f'import data from "{prefix}src/data.json?import";' in code
    assert f'import "{prefix}src/App.css?import";' in code
    assert '__fp_refresh.setSignature(App, "useState(0)");' in code
    assert '__fp_refresh.register(App, "/src/App.tsx App");' in code
    assert (
        "import.meta.hot.accept((next) => __fp_refresh.acceptExports("
        'import.meta.hot, "/src/App.tsx", __fp_exports, next));'
    ) in code
    assert code.rstrip().splitlines()[-1].startswith("//# sourceMappingURL=data:application/json")


async def test_an_unchanged_module_revalidates_with_its_etag(register, preview) -> None:
    app = await register("demo")
    first = await preview(app, "src/Label.tsx")
    again = await preview(app, "src/Label.tsx", headers={"If-None-Match": first.headers["Etag"]})
    assert again.code == 304


async def test_a_module_without_components_is_not_a_refresh_boundary(register, preview) -> None:
    app = await register("demo", {"src/util.ts": "export const twice = (n: number) => n * 2;\n"})
    code = (await preview(app, "src/util.ts")).body.decode()
    assert "__fp_refresh" not in code
    assert "import.meta.hot.accept" not in code
    assert "const twice = (n) => n * 2;" in code


async def test_import_meta_env_is_defined(register, preview) -> None:
    source = (
        "export const env = [import.meta.env.MODE, import.meta.env.DEV, import.meta.env.PROD];\n"
    )
    app = await register("demo", {"src/env.ts": source})
    code = (await preview(app, "src/env.ts")).body.decode()
    assert 'const env = ["development", true, false];' in code


async def test_a_css_import_is_a_self_accepting_style_module(register, preview) -> None:
    app = await register("demo")
    code = (await preview(app, "src/App.css?import")).body.decode()
    assert 'import.meta.hot = __fp_hot("/src/App.css");' in code
    assert 'const __fp_id = "/src/App.css";' in code
    assert f"url({app['preview_url']}src/bg.png)" in code
    assert "import.meta.hot.accept();" in code
    assert "__fp_style.remove()" in code


async def test_a_linked_stylesheet_is_served_as_css(register, preview) -> None:
    app = await register("demo")
    response = await preview(app, "src/App.css")
    assert response.headers["Content-Type"] == "text/css; charset=utf-8"
    assert response.body.decode().startswith(".title {")


async def test_a_json_import_exports_default_and_named_keys(register, preview) -> None:
    app = await register("demo")
    code = (await preview(app, "src/data.json?import")).body.decode()
    assert 'const __fp_json = {"title": "Hello", "not-a-name": 1, "class": 2};' in code
    assert "export default __fp_json;" in code
    assert "export const { title } = __fp_json;" in code
    raw = await preview(app, "src/data.json")
    assert raw.headers["Content-Type"] == "application/json"


async def test_an_asset_import_exports_its_url(register, preview) -> None:
    app = await register("demo")
    code = (await preview(app, "src/bg.png?import")).body.decode()
    assert f'export default "{app["preview_url"]}src/bg.png";' in code
    raw = await preview(app, "src/bg.png")
    assert raw.headers["Content-Type"] == "image/png"
    assert raw.body == b"not really a png"


async def test_a_syntax_error_is_a_500_that_throws_and_an_hmr_error(register, preview) -> None:
    app = await register("demo", {"src/Bad.tsx": "export const x = 1 +;\n"})
    response = await preview(app, "src/Bad.tsx")
    assert response.code == 500
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert response.body.decode() == ('throw new Error("/src/Bad.tsx:1:20: Unexpected \\";\\"");\n')
    shown = await api_app(register, app)
    assert shown["status"] == "error"
    assert shown["last_error"]["file"] == "/src/Bad.tsx"
    assert shown["last_error"]["plugin"] == "esbuild"


async def api_app(register, app: dict[str, Any]) -> dict[str, Any]:
    """The app's record now (registering again returns it)."""
    return await register(app["folder"], {})


async def test_an_import_of_a_missing_file_names_it(register, preview) -> None:
    app = await register("demo", {"src/App.tsx": 'import X from "./Nope";\nexport default X;\n'})
    response = await preview(app, "src/App.tsx")
    assert response.code == 500
    assert b'Failed to resolve import \\"./Nope\\" from \\"/src/App.tsx\\"' in response.body


async def test_a_missing_package_says_how_to_install_it(register, preview) -> None:
    app = await register("demo", {"src/App.tsx": 'import _ from "lodash-es";\nexport default _;\n'})
    response = await preview(app, "src/App.tsx")
    assert response.code == 500
    message = (
        'Cannot find package \\"lodash-es\\" imported from /src/App.tsx: '
        'run app.install(\\"lodash-es\\") or npm install lodash-es in the app folder'
    )
    assert message.encode() in response.body


# the runtime, the vendor modules and npm dependencies


async def test_the_runtime_files_are_served(register, preview, tmp_path, monkeypatch) -> None:
    from jupyter_fastpreview.devserver import handlers

    (tmp_path / "client.js").write_text("export const createHotContext = () => ({});\n")
    monkeypatch.setattr(handlers, "CLIENT_DIR", tmp_path)
    app = await register("demo")
    response = await preview(app, "@fastpreview/client.js")
    assert response.code == 200
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert response.body.startswith(b"export const createHotContext")
    assert (await preview(app, "@fastpreview/missing.js")).code == 404
    assert (await preview(app, "@fastpreview/..%2Fsecret.js")).code == 404


async def test_vendor_modules_are_served_immutable(register, preview) -> None:
    app = await register("demo")
    response = await preview(app, "@vendor/react.js")
    assert response.code == 200
    assert "immutable" in response.headers["Cache-Control"]
    chunk = re.search(r'from "\./(chunks/[\w-]+\.js)"', response.body.decode())[1]
    assert (await preview(app, f"@vendor/{chunk}")).code == 200
    assert (await preview(app, "@vendor/importmap.json")).code == 404
    assert (await preview(app, "@vendor/../production/react.js")).code == 404


def write_package(folder: Path, name: str, manifest: dict[str, Any], files: dict[str, str]) -> None:
    package = folder / "node_modules" / name
    write(package, {"package.json": json.dumps({"name": name, **manifest}), **files})


async def test_an_installed_package_is_served_from_deps(register, preview, jp_root_dir) -> None:
    folder = jp_root_dir / "demo"
    write_package(
        folder,
        "tiny-esm",
        {"version": "1.0.0", "type": "module", "main": "index.js"},
        {"index.js": 'import { useState } from "react";\nexport const hi = () => useState;\n'},
    )
    source = 'import { hi } from "tiny-esm";\nexport default hi;\n'
    app = await register("demo", {"src/App.tsx": source})
    prefix = app["preview_url"]
    code = (await preview(app, "src/App.tsx")).body.decode()
    assert f'import {{ hi }} from "{prefix}@deps/tiny-esm.js";' in code
    dep = await preview(app, "@deps/tiny-esm.js")
    assert dep.code == 200
    assert f'from "{prefix}@vendor/react.js"' in dep.body.decode()
    assert "export {\n  hi\n};" in dep.body.decode()


async def test_an_uninstalled_package_in_deps_is_a_500(register, preview) -> None:
    app = await register("demo")
    response = await preview(app, "@deps/left-pad.js")
    assert response.code == 500
    assert b'Cannot find package \\"left-pad\\"' in response.body


# refusals


@pytest.mark.parametrize(
    "path",
    ["", "src/App.tsx", "@vendor/react.js", "@fastpreview/entry.tsx", "@fastpreview/editor"],
)
async def test_no_wrong_or_other_apps_token_is_refused(register, http_server_client, path) -> None:
    app = await register("demo")
    other = await register("other")
    base = app["preview_url"].removesuffix(f"{app['token']}/")

    async def status(url: str) -> int:
        response = await http_server_client.fetch(url, raise_error=False, follow_redirects=False)
        return response.code

    for token in ("x", app["token"][:-1], app["token"] + "x", other["token"]):
        assert await status(f"{base}{token}/{path}") == 403, token
    # With no token, the path's first part is taken for one, or no route matches at all.
    assert await status(f"{base}{path}") in (302, 403, 404)
    unknown_app = base.replace("/demo/", "/nobody/")
    assert await status(f"{unknown_app}{app['token']}/{path}") == 403


async def test_a_jupyter_token_opens_no_preview(register, http_server_client, jp_auth_header):
    app = await register("demo")
    base = app["preview_url"].removesuffix(f"{app['token']}/")
    response = await http_server_client.fetch(
        f"{base}wrong/", headers=jp_auth_header, raise_error=False
    )
    assert response.code == 403


@pytest.mark.parametrize(
    "path",
    [
        "../secret.txt",
        "src/../../secret.txt",
        "%2e%2e/secret.txt",
        "%2E%2E%2Fsecret.txt",
        "src/..%2f..%2fsecret.txt",
        "..\\secret.txt",
        "src\\..\\..\\secret.txt",
        "src%5c..%5c..%5csecret.txt",
        "src/App.tsx%00.png",
        "out/secret.txt",
        ".env",
        "src/.hidden.ts",
        "src/.~App.tsx",
        "node_modules/tiny/index.js",
        "src/App.tsx~",
        "src",
        "missing.tsx",
    ],
)
async def test_paths_out_of_the_folder_or_not_servable_are_404(
    register, preview, jp_root_dir, path
) -> None:
    (jp_root_dir / "secret.txt").write_text("secret")
    outside = jp_root_dir.parent / "outside-secret"
    outside.mkdir(exist_ok=True)
    (outside / "secret.txt").write_text("secret")
    files = {
        **FILES,
        ".env": "SECRET=1",
        "src/.hidden.ts": "export {}",
        "src/.~App.tsx": "backup",
        "src/App.tsx~": "backup",
        "node_modules/tiny/index.js": "export {}",
    }
    app = await register("demo", files)
    (jp_root_dir / "demo" / "out").symlink_to(outside)
    response = await preview(app, path)
    assert response.code == 404, response.body
    assert b"secret" not in response.body


async def test_the_extension_app_exposes_the_dev_server(jp_serverapp, jp_root_dir, preview) -> None:
    write(jp_root_dir / "direct", FILES)
    devserver = jp_serverapp.web_app.settings["fastpreview"].devserver
    app, created = devserver.register("direct")
    assert created and devserver.registry.get(app.id) is app
    record = devserver.describe(app.id)
    assert (await preview(record, "src/Label.tsx")).code == 200


async def test_invalid_json_is_an_error_with_its_position(register, preview) -> None:
    app = await register("demo", {"src/data.json": '{\n  "a": 1,\n}\n'})
    response = await preview(app, "src/data.json?import")
    assert response.code == 500
    assert b"/src/data.json:3:0: Invalid JSON" in response.body
