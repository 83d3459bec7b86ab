"""The HMR websocket end to end, without a browser: files change on disk, messages arrive.

A test plays the browser's part by fetching the modules a page would load (that is what puts
them in the module graph), then edits files and reads the protocol messages.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

WAIT_S = 5.0
QUIET_S = 0.3

APP_TSX = """import { useState } from "react";
import Label from "./Label";
import { GREETING } from "./config";
import "./App.css";

export default function App() {
  const [count, setCount] = useState(0);
  return <main onClick={() => setCount(count + 1)}><Label />{GREETING}{count}</main>;
}
"""
LABEL_TSX = "export default function Label() {\n  return <span>label</span>;\n}\n"
CONFIG_TS = 'export const GREETING = "hello";\n'
MAIN_TSX = """import { createRoot } from "react-dom/client";
import App from "./App";
import { TITLE } from "./title";

document.title = TITLE;
createRoot(document.getElementById("root")!).render(<App />);
"""
INDEX_HTML = """<!doctype html>
<html><head><link rel="stylesheet" href="/src/global.css"></head>
<body><div id="root"></div><script type="module" src="/src/main.tsx"></script></body></html>
"""
FILES = {
    "index.html": INDEX_HTML,
    "src/main.tsx": MAIN_TSX,
    "src/title.ts": 'export const TITLE = "t";\n',
    "src/App.tsx": APP_TSX,
    "src/Label.tsx": LABEL_TSX,
    "src/config.ts": CONFIG_TS,
    "src/App.css": "main { color: red; }\n",
    "src/global.css": "body { margin: 0; }\n",
}
LOADED = ["src/main.tsx", "src/title.ts", "src/App.tsx", "src/Label.tsx", "src/config.ts"]
LOADED += ["src/App.css?import", "src/global.css"]


class Preview:
    """One app as a browser would hold it: its record, folder and module fetches."""

    def __init__(self, record: dict[str, Any], folder: Path, client, port: int) -> None:
        self.record = record
        self.folder = folder
        self._client = client
        self._port = port

    @property
    def prefix(self) -> str:
        return self.record["preview_url"]

    async def get(self, path: str) -> str:
        response = await self._client.fetch(self.prefix + path, raise_error=False)
        return response.body.decode()

    async def load(self, paths: list[str] = LOADED) -> None:
        for path in paths:
            await self.get(path)

    def ws_url(self, token: str | None = None) -> str:
        prefix = self.prefix if token is None else self.prefix.replace(self.record["token"], token)
        return f"ws://127.0.0.1:{self._port}{prefix}@hmr"

    async def connect(self, origin: str | None = None) -> WebSocketClientConnection:
        headers = {"Origin": origin} if origin else {}
        socket = await websocket_connect(HTTPRequest(self.ws_url(), headers=headers))
        hello = await receive(socket)
        assert hello["type"] == "connected", hello
        return socket

    def write(self, relative: str, text: str) -> None:
        path = self.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


async def receive(socket: WebSocketClientConnection, timeout: float = WAIT_S) -> dict[str, Any]:
    text = await asyncio.wait_for(socket.read_message(), timeout)
    assert text is not None, "the server closed the websocket"
    return json.loads(text)


async def silent(socket: WebSocketClientConnection, seconds: float = QUIET_S) -> bool:
    """Whether nothing arrives for `seconds`."""
    try:
        message = await asyncio.wait_for(socket.read_message(), seconds)
    except asyncio.TimeoutError:
        return True
    raise AssertionError(f"unexpected message: {message}")


MakePreview = Callable[..., Awaitable[Preview]]


@pytest.fixture
def make_preview(jp_fetch, jp_root_dir, http_server_client, jp_http_port) -> MakePreview:
    async def make(name: str = "demo", files: dict[str, str] = FILES) -> Preview:
        folder = jp_root_dir / name
        for relative, text in files.items():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_text(text)
        response = await jp_fetch(
            "fastpreview", "api", "apps", method="POST", body=json.dumps({"path": name})
        )
        return Preview(json.loads(response.body), folder, http_server_client, jp_http_port)

    return make


async def test_connected_comes_first_with_the_pages_build_hash(make_preview) -> None:
    preview = await make_preview()
    socket = await websocket_connect(preview.ws_url())
    hello = await receive(socket)
    page = await preview.get("")
    assert hello["type"] == "connected"
    assert f'"buildHash": "{hello["buildHash"]}"' in page
    assert f'"serverId": "{hello["serverId"]}"' in page


async def test_a_component_edit_is_an_update_of_that_module(make_preview) -> None:
    preview = await make_preview()
    await preview.load()
    socket = await preview.connect()
    preview.write("src/Label.tsx", LABEL_TSX.replace("label", "edited"))
    update = await receive(socket)
    assert update["type"] == "update"
    (entry,) = update["updates"]
    assert entry == {
        "type": "js-update",
        "path": "/src/Label.tsx",
        "acceptedPath": "/src/Label.tsx",
        "timestamp": entry["timestamp"],
    }
    assert update["buildHash"] != preview.record["build_hash"]
    assert isinstance(update["sentAt"], float)
    refetched = await preview.get(f"src/Label.tsx?t={entry['timestamp']}")
    assert 'jsxDEV("span", { children: "edited" }' in refetched
    # Importers now import the new version, so a later re-import of them gets it too.
    assert f'src/Label.tsx?t={entry["timestamp"]}"' in await preview.get("src/App.tsx")


async def test_an_edit_that_reaches_the_entry_is_a_full_reload(make_preview) -> None:
    preview = await make_preview()
    await preview.load()
    socket = await preview.connect()
    preview.write("src/title.ts", 'export const TITLE = "changed";\n')
    reload = await receive(socket)
    assert reload == {
        "type": "full-reload",
        "reason": "no module accepts the update: /src/title.ts -> /src/main.tsx "
        "(imported by nothing)",
        "path": "/src/title.ts",
    }


async def test_a_non_component_edit_goes_up_to_the_component_importer(make_preview) -> None:
    preview = await make_preview()
    await preview.load()
    socket = await preview.connect()
    preview.write("src/config.ts", 'export const GREETING = "bye";\n')
    update = await receive(socket)
    assert [(u["path"], u["acceptedPath"]) for u in update["updates"]] == [
        ("/src/App.tsx", "/src/App.tsx")
    ]


async def test_css_updates(make_preview) -> None:
    preview = await make_preview()
    await preview.load()
    socket = await preview.connect()
    preview.write("src/App.css", "main { color: blue; }\n")
    imported = await receive(socket)
    assert [(u["type"], u["path"]) for u in imported["updates"]] == [("js-update", "/src/App.css")]
    preview.write("src/global.css", "body { margin: 1px; }\n")
    linked = await receive(socket)
    assert [(u["type"], u["path"]) for u in linked["updates"]] == [
        ("css-update", "/src/global.css")
    ]


async def test_a_changed_index_html_reloads(make_preview) -> None:
    preview = await make_preview()
    socket = await preview.connect()
    preview.write("index.html", INDEX_HTML.replace("<body>", "<body><h1>new</h1>"))
    assert (await receive(socket))["type"] == "full-reload"


async def test_a_syntax_error_is_an_error_until_fixed(make_preview) -> None:
    preview = await make_preview()
    await preview.load()
    socket = await preview.connect()
    broken = "export default function Label() {\n  return <span>label</span>\n}}\n"
    preview.write("src/Label.tsx", broken)
    error = await receive(socket)
    assert error["type"] == "error"
    err = error["err"]
    assert (err["file"], err["line"], err["column"], err["plugin"]) == (
        "/src/Label.tsx",
        3,
        1,
        "esbuild",
    )
    assert err["message"] == 'Unexpected "}"'
    assert err["frame"].splitlines()[-2:] == ["> 3 | }}", "    |  ^"]
    # A preview that (re)connects meanwhile sees the error right after `connected`.
    late = await websocket_connect(preview.ws_url())
    assert (await receive(late))["type"] == "connected"
    assert (await receive(late))["err"] == err

    preview.write("src/Label.tsx", LABEL_TSX)
    fixed = await receive(socket)
    assert fixed["type"] == "update"
    assert fixed["updates"][0]["path"] == "/src/Label.tsx"
    assert await preview.get("") and (await receive(late))["type"] == "update"
    again = await websocket_connect(preview.ws_url())
    assert (await receive(again))["type"] == "connected"
    assert await silent(again)


async def test_deleting_an_imported_file_is_an_error_in_its_importer(make_preview) -> None:
    preview = await make_preview()
    await preview.load()
    socket = await preview.connect()
    (preview.folder / "src/Label.tsx").unlink()
    error = await receive(socket)
    assert error["type"] == "error"
    assert error["err"]["file"] == "/src/App.tsx"
    assert error["err"]["message"] == (
        'Failed to resolve import "./Label" from "/src/App.tsx". Does the file exist?'
    )
    assert error["err"]["line"] == 2
    preview.write("src/Label.tsx", LABEL_TSX)
    restored = await receive(socket)
    assert restored["type"] == "update"
    assert {u["path"] for u in restored["updates"]} >= {"/src/App.tsx"}


async def test_a_burst_of_writes_is_one_update(make_preview) -> None:
    leaves = {f"src/Leaf{i}.tsx": LABEL_TSX.replace("Label", f"Leaf{i}") for i in range(20)}
    app_source = "".join(f'import Leaf{i} from "./Leaf{i}";\n' for i in range(20))
    app_source += "export default function App() {\n  return <main>"
    app_source += "".join(f"<Leaf{i} />" for i in range(20)) + "</main>;\n}\n"
    preview = await make_preview(files={**leaves, "src/App.tsx": app_source})
    await preview.load(["src/App.tsx", *[f"src/Leaf{i}.tsx" for i in range(20)]])
    socket = await preview.connect()
    for relative, text in leaves.items():
        preview.write(relative, text.replace("label", "edited"))
    update = await receive(socket)
    assert update["type"] == "update"
    assert sorted(u["path"] for u in update["updates"]) == sorted(f"/{r}" for r in leaves)
    assert len({u["timestamp"] for u in update["updates"]}) == 1
    assert await silent(socket)


async def test_every_preview_of_the_app_and_no_other_gets_the_update(make_preview) -> None:
    preview = await make_preview()
    other = await make_preview("other")
    await preview.load()
    await other.load()
    first, second = await preview.connect(), await preview.connect()
    bystander = await other.connect()
    preview.write("src/Label.tsx", LABEL_TSX.replace("label", "edited"))
    assert (await receive(first))["type"] == "update"
    assert (await receive(second))["type"] == "update"
    assert await silent(bystander)


async def test_an_import_removed_is_pruned(make_preview) -> None:
    preview = await make_preview()
    await preview.load()
    socket = await preview.connect()
    preview.write(
        "src/App.tsx",
        APP_TSX.replace('import Label from "./Label";\n', "").replace("<Label />", ""),
    )
    update = await receive(socket)
    assert [u["path"] for u in update["updates"]] == ["/src/App.tsx"]
    assert await receive(socket) == {"type": "prune", "paths": ["/src/Label.tsx"]}


async def test_an_invalidated_module_updates_its_importers(make_preview) -> None:
    preview = await make_preview()
    await preview.load()
    socket = await preview.connect()
    invalidate = {"path": "/src/Label.tsx", "message": "exports changed"}
    await socket.write_message(
        json.dumps({"type": "custom", "event": "fastpreview:invalidate", "data": invalidate})
    )
    update = await receive(socket)
    assert [(u["path"], u["acceptedPath"]) for u in update["updates"]] == [
        ("/src/App.tsx", "/src/App.tsx")
    ]
    await socket.write_message(
        json.dumps(
            {
                "type": "custom",
                "event": "fastpreview:invalidate",
                "data": {"path": "/src/App.tsx", "message": "App exports a constant"},
            }
        )
    )
    reload = await receive(socket)
    assert reload["type"] == "full-reload"
    assert reload["reason"].startswith("/src/App.tsx invalidated: App exports a constant; ")


async def test_reports_from_the_preview_show_in_the_api(make_preview, jp_fetch) -> None:
    preview = await make_preview()
    await preview.load()
    socket = await preview.connect()
    preview.write("src/Label.tsx", LABEL_TSX.replace("label", "edited"))
    update = await receive(socket)
    applied = {
        "buildHash": update["buildHash"],
        "timestamp": update["updates"][0]["timestamp"],
        "paths": ["/src/Label.tsx"],
        "appliedAt": update["sentAt"] + 7.5,
    }
    crash = {"message": "boom", "file": "/src/Label.tsx", "line": 2, "column": 3, "stack": ""}
    for event, data in (("fastpreview:applied", applied), ("fastpreview:runtime-error", crash)):
        await socket.write_message(json.dumps({"type": "custom", "event": event, "data": data}))
    await asyncio.sleep(0.05)
    record = json.loads((await jp_fetch("fastpreview", "api", "apps", "demo")).body)
    assert record["sessions"] == 1
    assert record["last_applied"]["latencyMs"] == pytest.approx(7.5)
    assert record["status"] == "error"
    assert record["last_error"]["message"] == "boom"


@pytest.mark.parametrize("origin", ["null", "http://127.0.0.1:{port}", None])
async def test_the_sandbox_and_the_servers_own_origin_may_connect(
    make_preview, jp_http_port, origin
) -> None:
    preview = await make_preview()
    await preview.connect(origin.format(port=jp_http_port) if origin else None)


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "https://127.0.0.1.evil.example", "http://localhost:1"]
)
async def test_another_origin_is_refused(make_preview, origin) -> None:
    preview = await make_preview()
    with pytest.raises(HTTPClientError) as refused:
        await preview.connect(origin)
    assert refused.value.code == 403


async def test_a_wrong_or_other_apps_token_is_refused(make_preview) -> None:
    preview = await make_preview()
    other = await make_preview("other")
    for token in ("nope", other.record["token"]):
        with pytest.raises(HTTPClientError) as refused:
            await websocket_connect(preview.ws_url(token))
        assert refused.value.code == 403


async def test_deleting_the_app_closes_its_previews(make_preview, jp_fetch) -> None:
    preview = await make_preview()
    socket = await preview.connect()
    await jp_fetch("fastpreview", "api", "apps", "demo", method="DELETE")
    assert await asyncio.wait_for(socket.read_message(), WAIT_S) is None
