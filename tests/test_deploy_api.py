"""Deploys through the real server: the Jupyter-authenticated API, and `local` deployments
served at their capability URLs to callers holding no Jupyter credential at all."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError, HTTPResponse
from tornado.websocket import websocket_connect

from jupyter_fastpreview.deploy.serving import LOCAL_TARGET_SETTING

APP_TSX = 'export default function App() {{\n  return <main className="v">{text}</main>;\n}}\n'
BROKEN_APP = "export default function App() {\n  return <main>;\n}\n"
IMMUTABLE = "public, max-age=31536000, immutable"
POLLS = 1200
"""How often a test asks whether a deploy finished before calling it stuck (a hang guard)."""

Api = Callable[..., Awaitable[Any]]
Get = Callable[..., Awaitable[HTTPResponse]]


@pytest.fixture
def register(jp_fetch, jp_root_dir: Path) -> Callable[..., Awaitable[dict[str, Any]]]:
    """`await register("name")`: an app with only `src/App.tsx`, registered."""

    async def make(name: str = "site", text: str = "version one") -> dict[str, Any]:
        write_app_tsx(jp_root_dir / name, text)
        response = await jp_fetch(
            "fastpreview", "api", "apps", method="POST", body=json.dumps({"path": name})
        )
        return json.loads(response.body)

    return make


def write_app_tsx(folder: Path, text: str) -> None:
    (folder / "src").mkdir(parents=True, exist_ok=True)
    (folder / "src" / "App.tsx").write_text(APP_TSX.format(text=text))


@pytest.fixture
def api(jp_fetch) -> Api:
    """`await api("POST", "apps", id, "deployments", body={...})` -> the decoded JSON."""

    async def call(method: str, *parts: str, body: Any = None) -> Any:
        response = await jp_fetch(
            "fastpreview",
            "api",
            *parts,
            method=method,
            body=None if body is None else json.dumps(body),
            allow_nonstandard_methods=True,
        )
        return json.loads(response.body) if response.body else None

    return call


@pytest.fixture
def get(http_server_client) -> Get:
    """GET a path from the server's origin with no Jupyter credential."""

    async def fetch(path: str) -> HTTPResponse:
        return await http_server_client.fetch(path, raise_error=False, follow_redirects=False)

    return fetch


async def settle(api: Api, deployment_id: str) -> dict[str, Any]:
    """The deployment once it is `live` or `failed`, asking the API as a client would."""
    for _ in range(POLLS):
        deployment = await api("GET", "deployments", deployment_id)
        if deployment["status"] in ("live", "failed"):
            return deployment
        await asyncio.sleep(0.05)
    raise AssertionError(f"deployment {deployment_id} never finished: {deployment}")


async def deploy(api: Api, app_id: str, **body: Any) -> dict[str, Any]:
    started = await api("POST", "apps", app_id, "deployments", body=body)
    return await settle(api, started["id"])


async def api_error(call: Awaitable[Any]) -> int:
    with pytest.raises(HTTPClientError) as raised:
        await call
    return raised.value.code


def csp(response: HTTPResponse) -> str:
    return response.headers["Content-Security-Policy"]


async def test_deploy_serve_list_promote_and_delete(
    register, api: Api, get: Get, jp_fetch, jp_root_dir: Path, jp_base_url: str
) -> None:
    app = await register("site")
    response = await jp_fetch(
        "fastpreview", "api", "apps", app["id"], "deployments", method="POST", body="{}"
    )
    assert response.code == 202
    started = json.loads(response.body)
    assert (started["status"], started["target"], started["slug"]) == ("building", "local", "site")
    assert response.headers["Location"] == (
        f"{jp_base_url}fastpreview/api/deployments/{started['id']}"
    )
    first = await settle(api, started["id"])
    assert (first["status"], first["promoted"], first["phase"]) == ("live", True, "done")
    assert first["url"] == f"{jp_base_url}fastpreview/d/{first['id']}/"
    assert first["alias_url"].startswith(f"{jp_base_url}fastpreview/a/site/")

    page = await get(first["url"])
    assert page.code == 200 and b"./assets/main-" in page.body
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.headers["Cache-Control"] == "no-cache"
    assert "sandbox allow-scripts" in csp(page) and "allow-same-origin" not in csp(page)
    assert page.headers["Access-Control-Allow-Origin"] == "*"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    for entry in first["files"]:
        asset = await get(first["url"] + entry["path"])
        assert asset.code == 200 and len(asset.body) == entry["size"]
        assert "sandbox allow-scripts" in csp(asset)
        if entry["path"] != "index.html":
            assert asset.headers["Cache-Control"] == IMMUTABLE
    types = {(await get(first["url"] + e["path"])).headers["Content-Type"] for e in first["files"]}
    assert {"text/javascript; charset=utf-8", "application/json"} <= types
    assert (await get(first["alias_url"])).body == page.body

    write_app_tsx(jp_root_dir / "site", "version two")
    second = await deploy(api, app["id"], promote=False)
    assert (second["status"], second["promoted"]) == ("live", False)
    assert (await get(first["alias_url"])).body == page.body
    listed = await api("GET", "apps", app["id"], "deployments")
    assert [(d["id"], d["promoted"]) for d in listed] == [
        (second["id"], False),
        (first["id"], True),
    ]

    promoted = await api("POST", "deployments", second["id"], "promote")
    assert promoted["promoted"] and promoted["alias_url"] == first["alias_url"]
    second_page = (await get(second["url"])).body
    assert second_page != page.body and (await get(first["alias_url"])).body == second_page

    assert await api("DELETE", "deployments", second["id"]) is None
    assert (await get(second["url"])).code == 403
    assert (await get(second["url"] + "index.html")).code == 403
    assert await api_error(api("GET", "deployments", second["id"])) == 404
    assert (await get(first["alias_url"])).body == page.body  # the alias fell back


async def test_a_failed_build_is_recorded_and_the_promoted_one_keeps_serving(
    register, api: Api, get: Get, jp_root_dir: Path
) -> None:
    app = await register("site")
    good = await deploy(api, app["id"])
    good_page = (await get(good["url"])).body
    (jp_root_dir / "site" / "src" / "App.tsx").write_text(BROKEN_APP)

    failed = await deploy(api, app["id"])
    assert (failed["status"], failed["phase"], failed["promoted"]) == ("failed", "failed", False)
    assert "App.tsx" in failed["error"]
    assert failed["url"] is None
    assert (await get(good["alias_url"])).body == good_page
    assert (await get(f"{good['url'].rsplit('/d/', 1)[0]}/d/{failed['id']}/")).code == 403
    assert await api_error(api("POST", "deployments", failed["id"], "promote")) == 409
    listed = await api("GET", "apps", app["id"], "deployments")
    assert [d["status"] for d in listed] == ["failed", "live"]


async def test_progress_is_broadcast_on_the_apps_hmr_channel(
    register, api: Api, jp_http_port: int
) -> None:
    app = await register("site")
    socket = await websocket_connect(f"ws://127.0.0.1:{jp_http_port}{app['preview_url']}@hmr")
    assert json.loads(await socket.read_message())["type"] == "connected"
    started = await api("POST", "apps", app["id"], "deployments", body={})

    events = []
    while not events or events[-1]["phase"] not in ("done", "failed"):
        message = json.loads(await asyncio.wait_for(socket.read_message(), 60))
        if message["type"] == "custom" and message["event"] == "fastpreview:deploy":
            events.append(message["data"])
    socket.close()

    assert {event["deployment"] for event in events} == {started["id"]}
    phases = [event["phase"] for event in events]
    assert phases[0] == "build" and "publish" in phases and phases[-2:] == ["promote", "done"]
    assert [event["percent"] for event in events] == sorted(e["percent"] for e in events)
    done = await api("GET", "deployments", started["id"])
    assert events[-1]["url"] == done["url"] and events[-1]["alias_url"] == done["alias_url"]


async def test_unknown_apps_and_deployments_and_bad_requests(register, api: Api) -> None:
    app = await register("site")
    missing = "0" * 32
    assert await api_error(api("GET", "apps", "nope", "deployments")) == 404
    assert await api_error(api("POST", "apps", "nope", "deployments", body={})) == 404
    assert await api_error(api("GET", "deployments", missing)) == 404
    assert await api_error(api("POST", "deployments", missing, "promote")) == 404
    assert await api_error(api("DELETE", "deployments", missing)) == 404
    deployments = ("apps", app["id"], "deployments")
    assert await api_error(api("POST", *deployments, body={"target": "ftp"})) == 400
    assert await api_error(api("POST", *deployments, body={"options": []})) == 400
    assert await api_error(api("POST", *deployments, body={"promote": "yes"})) == 400
    bad_option = {"target": "directory", "options": {"root": "/srv"}}
    assert await api_error(api("POST", *deployments, body=bad_option)) == 400
    assert await api("GET", *deployments) == []


async def test_the_api_refuses_callers_without_jupyter_credentials(
    register, api: Api, get: Get, jp_base_url: str
) -> None:
    app = await register("site")
    done = await deploy(api, app["id"])
    prefix = f"{jp_base_url}fastpreview/api"
    assert (await get(f"{prefix}/apps/{app['id']}/deployments")).code == 403
    assert (await get(f"{prefix}/deployments/{done['id']}")).code == 403


async def test_deployment_urls_confine_paths_and_check_capabilities(
    register, api: Api, get: Get, jp_serverapp
) -> None:
    app = await register("site")
    done = await deploy(api, app["id"])
    url, alias = done["url"], done["alias_url"]
    folder = jp_serverapp.web_app.settings[LOCAL_TARGET_SETTING].root / done["id"]
    os.symlink("/etc/hostname", folder / "assets" / "escape.txt")
    (folder.parent / "secret.txt").write_text("not a deployment file")

    for path in ("..%2Fsecret.txt", "%2e%2e/secret.txt", "assets/..%2F..%2Fsecret.txt"):
        assert (await get(url + path)).code == 404, path
    assert (await get(url + "assets/escape.txt")).code == 404
    assert (await get(url + "missing.js")).code == 404
    assert (await get(url.replace(done["id"], "..%2F.aliases"))).code == 403
    assert (await get(url.replace(done["id"], "f" * 32))).code == 403
    token = alias.rstrip("/").rsplit("/", 1)[1]
    wrong = token[:-1] + ("a" if token[-1] != "a" else "b")
    assert (await get(alias.replace(token, wrong))).code == 403
    assert (await get(alias.replace("/a/site/", "/a/other/"))).code == 403
    assert (await get(alias + "..%2F..%2Fsecret.txt")).code == 404
    refused = await get(url + "..%2Fsecret.txt")
    assert refused.body == b"404 Not Found\n"  # plain text: nothing about the server


async def test_a_directory_deploy_through_the_api(register, api: Api, tmp_path: Path) -> None:
    app = await register("site")
    docroot = tmp_path / "docroot"
    docroot.mkdir()
    options = {"path": str(docroot), "public_url": "https://static.example/"}
    done = await deploy(api, app["id"], target="directory", options=options)
    assert done["status"] == "live"
    assert done["url"] == f"https://static.example/site/{done['id']}/"
    assert (docroot / "site" / "current" / "index.html").is_file()
