"""The server records each app's status moves and one dev build per batch in the state store."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import test_hmr_websocket as hmr
from jupyter_server.serverapp import ServerApp
from traitlets.config import Config

from jupyter_fastpreview.store import AppRecord, Store

make_preview = hmr.make_preview
BROKEN_LABEL = "export default function Label() {\n  return <span>;\n}\n"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "elsewhere" / "state.db"


@pytest.fixture
def jp_server_config(jp_server_config: Config, store_path: Path) -> Config:
    jp_server_config.FastPreviewApp.store_path = str(store_path)
    return jp_server_config


@pytest.fixture
def store(jp_serverapp: ServerApp, store_path: Path) -> Store:
    """The configured store, opened the way a kernel would open it: by its path."""
    return Store(store_path)


async def app_record(store: Store, folder: Path, status: str) -> AppRecord:
    """The app's record once it shows `status` (the store is written right after the batch)."""
    for _ in range(100):
        record = store.app_for_folder(folder.resolve())
        if record is not None and record.status == status:
            return record
        await asyncio.sleep(0.01)
    raise AssertionError(f"{folder} never became {status}: {store.app_for_folder(folder)}")


async def test_registering_an_app_records_it_and_its_check(make_preview, store: Store) -> None:
    preview = await make_preview()
    record = await app_record(store, preview.folder, "ready")
    assert (record.name, record.last_error) == ("demo", None)
    [check] = store.builds(record.id)
    assert (check.kind, check.ok) == ("check", True)


async def test_an_error_and_its_fix_are_status_moves(make_preview, store: Store) -> None:
    preview = await make_preview()
    await preview.load()
    socket = await preview.connect()
    preview.write("src/Label.tsx", BROKEN_LABEL)
    assert (await hmr.receive(socket))["type"] == "error"
    broken = await app_record(store, preview.folder, "error")
    assert (
        broken.last_error
        == '/src/Label.tsx:3:0: The character "}" is not valid inside a JSX element'
    )
    preview.write("src/Label.tsx", hmr.LABEL_TSX.replace("label", "fixed"))
    assert (await hmr.receive(socket))["type"] == "update"
    fixed = await app_record(store, preview.folder, "ready")
    assert fixed.last_error is None
    builds = store.builds(fixed.id)
    assert sorted((b.kind, b.ok) for b in builds) == [
        ("check", True),
        ("dev", False),
        ("dev", True),
    ]
    failed = next(b for b in builds if not b.ok)
    assert failed.errors[0]["file"] == "/src/Label.tsx"
    assert all(b.ms > 0 for b in builds)
