"""Publishing a Puck page: from Python (`App.page_data`) and from the sandboxed editor over the
HMR websocket, through the same atomic, confined write path; refused data writes nothing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import test_hmr_websocket as hmr

from jupyter_fastpreview import App
from jupyter_fastpreview.puck import LibraryError, PuckConversionError
from jupyter_fastpreview.puck.defaults import library_files
from jupyter_fastpreview.puck.publish import PAGE_DATA, PAGE_MODULE, publish, read_page_data

make_preview = hmr.make_preview
PAGE = {
    "root": {"props": {"title": "Home"}},
    "content": [{"type": "Heading", "props": {"id": "Heading-1", "text": "Hello from Puck"}}],
}
BAD = {"root": {"props": {}}, "content": [{"type": "Marquee", "props": {"id": "Marquee-1"}}]}


async def in_thread(call: Callable[[], Any]) -> Any:
    return await asyncio.to_thread(call)


def test_publish_writes_the_data_and_the_page_module(tmp_path: Path) -> None:
    publish(tmp_path, PAGE)
    assert json.loads((tmp_path / PAGE_DATA).read_text()) == PAGE
    module = (tmp_path / PAGE_MODULE).read_text()
    assert 'import { Heading, Page } from "./puck/components";' in module
    assert "Hello from Puck" in module
    assert read_page_data(tmp_path) == PAGE


def test_refused_data_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(PuckConversionError, match=r"content\[0\]"):
        publish(tmp_path, BAD)
    assert list(tmp_path.iterdir()) == []


def test_the_puck_template_renders_the_published_page(tmp_path: Path) -> None:
    app = App(tmp_path / "site", template="puck")
    assert "<PuckPage />" in app.read("src/App.tsx")
    assert app.page_data == {"content": [], "root": {"props": {}}}
    app.page_data = PAGE
    assert app.page_data == PAGE and "Hello from Puck" in app.read(PAGE_MODULE)
    with pytest.raises(PuckConversionError):
        app.page_data = BAD
    assert app.page_data == PAGE  # unchanged


async def test_edit_seeds_the_library_and_opens_the_editor(make_app) -> None:
    app: App = make_app()
    widget = await in_thread(app.edit)
    assert widget.edit_mode is True
    assert {"src/puck/components.tsx", "src/puck/puck.config.tsx", PAGE_MODULE} <= set(app.files())
    assert await in_thread(lambda: app.status) == "ready"  # the seeded files compile


async def test_the_editor_of_an_app_without_puck_says_how_to_add_it(make_preview) -> None:
    preview = await make_preview()
    page = await preview.get("@fastpreview/editor")
    assert "<code>src/puck/puck.config.tsx</code> is missing" in page
    assert "app.edit()" in page and "editor.js" not in page
    for path, text in library_files().items():
        preview.write(path, text)
    page = await preview.get("@fastpreview/editor")
    assert "editor.js" in page and "is missing" not in page


async def test_the_editor_publishes_over_the_websocket(make_preview) -> None:
    preview = await make_preview()
    socket = await preview.connect()
    socket.write_message(
        json.dumps({"type": "custom", "event": "fastpreview:puck-publish", "data": PAGE})
    )
    published = await next_custom(socket, "fastpreview:puck-published")
    assert published["files"] == [PAGE_DATA, PAGE_MODULE]
    assert json.loads((preview.folder / PAGE_DATA).read_text()) == PAGE
    assert "Hello from Puck" in (preview.folder / PAGE_MODULE).read_text()


async def test_refused_data_from_the_editor_is_answered_and_writes_nothing(make_preview) -> None:
    preview = await make_preview()
    socket = await preview.connect()
    socket.write_message(
        json.dumps({"type": "custom", "event": "fastpreview:puck-publish", "data": BAD})
    )
    refused = await next_custom(socket, "fastpreview:puck-error")
    assert refused["path"] == "content[0].type" and "Marquee" in refused["message"]
    assert not (preview.folder / PAGE_DATA).exists()
    assert not (preview.folder / PAGE_MODULE).exists()


async def next_custom(socket: Any, event: str) -> dict[str, Any]:
    while True:
        message = await hmr.receive(socket)
        if message["type"] == "custom" and message["event"] == event:
            return message["data"]


BANNER_TSX = "export function Banner({ text }: { text: string }) {\n  return <p>{text}</p>;\n}\n"


def test_an_app_registers_its_own_components(tmp_path: Path) -> None:
    app = App(tmp_path / "site", template="puck")
    app.write("src/components/Banner.tsx", BANNER_TSX)
    page = {
        "root": {"props": {}},
        "content": [{"type": "Banner", "props": {"id": "Banner-1", "text": "Sale!"}}],
    }
    with pytest.raises(PuckConversionError, match="Banner"):
        app.page_data = page  # not registered yet
    library = {
        "components": {
            "Banner": {"import": "./components/Banner", "fields": {"text": {"type": "text"}}}
        }
    }
    app.write("src/puck/library.json", json.dumps(library))
    app.page_data = page
    module = app.read(PAGE_MODULE)
    assert 'import { Banner } from "./components/Banner";' in module and "Sale!" in module


def test_a_broken_library_file_is_a_clear_error(tmp_path: Path) -> None:
    app = App(tmp_path / "site", template="puck")
    app.write("src/puck/library.json", '{"components": {"Banner": {"fields": {}}}}')
    with pytest.raises(LibraryError, match=r"components\.Banner"):
        app.page_data = PAGE
