"""A kernel's batch reaches open previews as one update, never through transient errors."""

from __future__ import annotations

import asyncio
import os
import time

import test_hmr_websocket as hmr

from jupyter_fastpreview.kernel.app import App
from jupyter_fastpreview.kernel.files import BATCH_MARKER, STALE_BATCH_SECONDS

PARTS = 49
make_preview = hmr.make_preview
receive = hmr.receive


def generated_app() -> dict[str, str | bytes | None]:
    """`src/App.tsx` importing 49 new components: 50 files, broken if any arrives early."""
    names = [f"Part{i}" for i in range(PARTS)]
    imports = "".join(f'import {name} from "./parts/{name}";\n' for name in names)
    tags = "".join(f"<{name} />" for name in names)
    app = f"export default function App() {{\n  return <main>{tags}</main>;\n}}\n"
    files: dict[str, str | bytes | None] = {"src/App.tsx": imports + app}
    for name in names:
        files[f"src/parts/{name}.tsx"] = (
            f"export default function {name}() {{\n  return <span>{name}</span>;\n}}\n"
        )
    return files


async def messages_of_one_batch(socket) -> list[dict]:
    """The first message, then every one that follows it closely (a `prune` may)."""
    messages = [await receive(socket)]
    while True:
        try:
            messages.append(await receive(socket, hmr.QUIET_S))
        except asyncio.TimeoutError:
            return messages


def assert_one_update_of_the_app(messages: list[dict]) -> None:
    """One update of `App.tsx`, besides pruning the modules it stopped importing; no error."""
    updates = [m for m in messages if m["type"] != "prune"]
    assert len(updates) == 1, messages
    assert updates[0]["type"] == "update", messages
    assert [u["path"] for u in updates[0]["updates"]] == ["/src/App.tsx"]


async def test_write_files_of_fifty_files_is_one_update(make_preview) -> None:
    preview = await make_preview()
    await preview.load()
    socket = await preview.connect()
    app = App(preview.folder)
    await asyncio.to_thread(app.write_files, generated_app())
    assert_one_update_of_the_app(await messages_of_one_batch(socket))
    assert not (preview.folder / BATCH_MARKER).exists()


def write_slowly(app: App, files: dict[str, str | bytes | None]) -> None:
    """Pauses longer than any watcher debounce: only the marker can hold these together."""
    with app.batch():
        for path, source in files.items():
            assert source is not None
            app.write(path, source)
            time.sleep(0.01)


async def test_a_slow_batch_is_held_until_its_marker_goes(make_preview) -> None:
    preview = await make_preview()
    await preview.load()
    socket = await preview.connect()
    await asyncio.to_thread(write_slowly, App(preview.folder), generated_app())
    assert_one_update_of_the_app(await messages_of_one_batch(socket))


async def test_deletes_in_a_batch_are_one_update(make_preview) -> None:
    preview = await make_preview()
    app = App(preview.folder)
    app.write_files(generated_app())
    await preview.load(["src/App.tsx", *(f"src/parts/Part{i}.tsx" for i in range(PARTS))])
    socket = await preview.connect()
    removal: dict[str, str | bytes | None] = {path: None for path in generated_app()}
    removal["src/App.tsx"] = hmr.APP_TSX.replace('import "./App.css";\n', "")
    await asyncio.to_thread(app.write_files, removal)
    messages = [m for m in await messages_of_one_batch(socket) if m["type"] != "prune"]
    assert [m["type"] for m in messages] in (["update"], ["full-reload"]), messages


async def test_a_stale_marker_does_not_freeze_the_preview(make_preview) -> None:
    preview = await make_preview()
    await preview.load()
    socket = await preview.connect()
    marker = preview.folder / BATCH_MARKER
    marker.write_text("left by a crashed kernel")
    long_ago = time.time() - STALE_BATCH_SECONDS - 1
    os.utime(marker, (long_ago, long_ago))
    preview.write("src/Label.tsx", "export default function Label() {\n  return <b>x</b>;\n}\n")
    update = await receive(socket)
    assert [u["path"] for u in update["updates"]] == ["/src/Label.tsx"]
