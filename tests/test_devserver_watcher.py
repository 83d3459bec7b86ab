"""The folder watcher: one batch per burst, ignored files, new folders, settled reads."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from jupyter_fastpreview.devserver.watcher import FolderWatcher, read_settled, watched_directories

WAIT_S = 5.0
QUIET_S = 0.2


class Batches:
    """Collects the batches a watcher hands over."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[set[Path]] = asyncio.Queue()

    async def __call__(self, paths: set[Path]) -> None:
        await self.queue.put(paths)

    async def next(self) -> set[Path]:
        return await asyncio.wait_for(self.queue.get(), WAIT_S)

    async def none(self) -> bool:
        await asyncio.sleep(QUIET_S)
        return self.queue.empty()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "node_modules" / "pkg").mkdir(parents=True)
    (app / ".git").mkdir()
    return app.resolve()


async def watching(folder: Path) -> tuple[FolderWatcher, Batches]:
    batches = Batches()
    return FolderWatcher(folder, batches, quiet_ms=3, max_wait_ms=100), batches


def test_node_modules_and_hidden_folders_are_not_watched(folder: Path) -> None:
    assert watched_directories(folder) == [folder, folder / "src"]


async def test_a_write_is_a_batch_and_a_burst_is_one(folder: Path) -> None:
    watcher, batches = await watching(folder)
    try:
        (folder / "src/App.tsx").write_text("one")
        assert await batches.next() == {folder / "src/App.tsx"}
        for number in range(20):
            (folder / f"src/Leaf{number}.tsx").write_text(str(number))
        assert await batches.next() == {folder / f"src/Leaf{n}.tsx" for n in range(20)}
        assert await batches.none()
    finally:
        await watcher.stop()


async def test_backups_swap_files_and_dependencies_are_ignored(folder: Path) -> None:
    watcher, batches = await watching(folder)
    try:
        for relative in ("src/.~App.tsx", "src/App.tsx.swp", "src/4913", "src/App.tsx~"):
            (folder / relative).write_text("x")
        (folder / "node_modules/pkg/index.js").write_text("x")
        (folder / ".git/HEAD").write_text("x")
        assert await batches.none()
    finally:
        await watcher.stop()


async def test_an_atomic_save_is_one_change_of_the_file(folder: Path) -> None:
    target = folder / "src/App.tsx"
    target.write_text("old")
    watcher, batches = await watching(folder)
    try:
        temporary = folder / "src/.App.tsx.tmp123"
        temporary.write_text("new")
        os.replace(temporary, target)
        assert await batches.next() == {target}
        assert await batches.none()
    finally:
        await watcher.stop()


async def test_a_new_folder_is_watched_and_its_files_reported(folder: Path) -> None:
    watcher, batches = await watching(folder)
    try:
        (folder / "src/components/deep").mkdir(parents=True)
        (folder / "src/components/deep/New.tsx").write_text("new")
        seen: set[Path] = set()
        while folder / "src/components/deep/New.tsx" not in seen:
            seen |= await batches.next()
        (folder / "src/components/deep/New.tsx").write_text("edited")
        assert folder / "src/components/deep/New.tsx" in await batches.next()
    finally:
        await watcher.stop()


async def test_a_jupyterlab_save_is_read_once_the_backup_is_gone(folder: Path) -> None:
    target, backup = folder / "src/App.tsx", folder / "src/.~App.tsx"
    target.write_text("")  # truncated in place, being rewritten
    backup.write_text("the old content")

    async def finish_saving() -> None:
        await asyncio.sleep(0.03)
        target.write_text("the new content")
        backup.unlink()

    saving = asyncio.create_task(finish_saving())
    assert await read_settled(target) == b"the new content"
    await saving
    assert await read_settled(folder / "src/missing.tsx") is None


async def test_a_deleted_folder_does_not_stop_the_watching(folder: Path) -> None:
    (folder / "src/old").mkdir()
    (folder / "src/old/Gone.tsx").write_text("x")
    watcher, batches = await watching(folder)
    try:
        (folder / "src/old/Gone.tsx").unlink()
        (folder / "src/old").rmdir()
        seen: set[Path] = set()
        while folder / "src/old" not in seen:
            seen |= await batches.next()
        (folder / "src/old").mkdir()
        (folder / "src/old/Back.tsx").write_text("back")
        (folder / "src/App.tsx").write_text("still watched")
        seen = set()
        while not {folder / "src/old/Back.tsx", folder / "src/App.tsx"} <= seen:
            seen |= await batches.next()
    finally:
        await watcher.stop()
