"""Watch one app folder and hand over each burst of changes as one batch.

watchfiles' Rust watcher collects events and returns them once `quiet_ms` pass with no new
event (`max_wait_ms` caps how long a steady stream is held back), so a single save arrives
within one to two quiet periods: kept small, because it adds directly to HMR latency. When
what arrives touches more than one file, a burst is under way (an assistant writing a dozen
files), so the batch is held until `BURST_QUIET_MS` pass without a change: one burst, one
update, even if the writer pauses a few milliseconds mid-burst; a kernel's explicit batch (its
marker file, see `batches`) is held until the marker goes. Each folder gets its own thread
blocked in that watcher; batches reach the event loop through a queue, and batches that pile up
while one is being handled are merged.

The folder's directories are watched one by one (not recursively), skipping `node_modules` and
hidden folders, so an `npm install` neither floods the watcher nor exhausts inotify watches. A
new directory is added by replacing the watcher (the new one starts before the old one stops,
so nothing is lost) and reporting the files already in it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from watchfiles._rust_notify import RustNotify

from .batches import seconds_until_stale
from .paths import is_ignored_folder, is_watched

Batch = Callable[[set[Path]], Awaitable[None]]

log = logging.getLogger(__name__)

_TIMEOUT_MS = 5000
BURST_QUIET_MS = 15
_BACKUP_WAIT_S = 0.25
_REREAD_PAUSE_S = 0.002
_REREADS = 10


class FolderWatcher:
    def __init__(self, folder: Path, on_batch: Batch, quiet_ms: int, max_wait_ms: int) -> None:
        self.folder = folder
        self.on_batch = on_batch
        self.quiet_ms = quiet_ms
        self.max_wait_ms = max_wait_ms
        self._stop = threading.Event()
        self._queue: asyncio.Queue[set[Path]] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        self._directories = watched_directories(folder)
        # Created here, not in the thread: a change made right after registering is seen.
        self._notify = _notify(self._directories)
        self._thread = threading.Thread(
            target=self._watch, name=f"fastpreview-watch-{folder.name}", daemon=True
        )
        self._thread.start()
        self._consumer = self._loop.create_task(self._consume())

    async def stop(self) -> None:
        self._stop.set()
        self._consumer.cancel()
        await asyncio.to_thread(self._thread.join, 5)

    def _watch(self) -> None:
        try:
            while not self._stop.is_set():
                result = self._notify.watch(
                    self.max_wait_ms, self.quiet_ms, _TIMEOUT_MS, self._stop
                )
                if isinstance(result, str):
                    continue  # "timeout", "stop" (the loop ends) or "signal"
                paths = self._until_burst_ends({Path(path) for _, path in result})
                paths |= self._follow_directories(paths)
                self._loop.call_soon_threadsafe(self._queue.put_nowait, paths)
        except RuntimeError:  # the event loop closed under us: the server is gone
            pass
        except Exception:  # the watcher itself failed; say so rather than go quiet
            log.exception("fastpreview stopped watching %s", self.folder)
        finally:
            self._notify.close()

    def _until_burst_ends(self, paths: set[Path]) -> set[Path]:
        """More changes while they keep coming, if `paths` already touch several files."""
        deadline = time.monotonic() + self.max_wait_ms / 1000
        while sum(is_watched(self.folder, p) for p in paths) > 1 and time.monotonic() < deadline:
            more = self._notify.watch(self.max_wait_ms, self.quiet_ms, BURST_QUIET_MS, self._stop)
            if isinstance(more, str):
                break
            paths |= {Path(path) for _, path in more}
        return paths

    def _follow_directories(self, paths: set[Path]) -> set[Path]:
        """Watch directories that appeared, forget deleted ones; the files already in new ones."""
        appeared = {
            p for p in paths if p not in self._directories and _is_watched_dir(self.folder, p)
        }
        vanished = {p for p in paths if p in self._directories and not p.is_dir()}
        if not appeared and not vanished:
            return set()
        directories = watched_directories(self.folder)
        replacement = _notify(directories)
        self._notify.close()
        self._notify, self._directories = replacement, directories
        return {
            Path(root, name)
            for directory in appeared
            for root, _, names in os.walk(directory)
            for name in names
        }

    async def _consume(self) -> None:
        held: set[Path] = set()
        while True:
            batch = await self._next_batch(held)
            while not self._queue.empty():
                batch |= self._queue.get_nowait()
            held |= {path for path in batch if is_watched(self.folder, path)}
            if not held or seconds_until_stale(self.folder) is not None:
                continue  # the marker's removal is a change too: it releases what is held
            relevant, held = held, set()
            try:
                await self.on_batch(relevant)
            except Exception:  # a failed batch must not stop the watching
                log.exception("handling changes in %s failed", self.folder)

    async def _next_batch(self, held: set[Path]) -> set[Path]:
        """The next changes; while changes are held for a batch, at the latest when its marker
        turns stale (an empty batch then releases them)."""
        wait = seconds_until_stale(self.folder) if held else None
        if wait is None:
            return await self._queue.get()
        try:
            return await asyncio.wait_for(self._queue.get(), wait)
        except TimeoutError:
            return set()


def watched_directories(folder: Path) -> list[Path]:
    """The folder and its subdirectories, minus `node_modules` and hidden ones."""
    directories = []
    for root, names, _ in os.walk(folder):
        names[:] = [name for name in names if not is_ignored_folder(name)]
        directories.append(Path(root))
    return directories


def _is_watched_dir(folder: Path, path: Path) -> bool:
    return path.is_dir() and is_watched(folder, path)


def _notify(directories: list[Path]) -> RustNotify:
    return RustNotify([str(d) for d in directories], False, False, 50, False, True)


async def read_settled(path: Path) -> bytes | None:
    """The file's content once writers are done with it; None if it does not exist.

    JupyterLab saves by copying the file to `.~name`, rewriting it in place, then deleting the
    copy: while the copy exists the file may be empty or half written. Otherwise the content is
    read until two reads agree.
    """
    loop = asyncio.get_running_loop()
    backup = path.with_name(".~" + path.name)
    deadline = loop.time() + _BACKUP_WAIT_S
    while backup.exists() and loop.time() < deadline:
        await asyncio.sleep(_REREAD_PAUSE_S)
    previous = _read(path)
    for _ in range(_REREADS):
        current = _read(path)
        if current == previous:
            return current
        previous = current
        await asyncio.sleep(_REREAD_PAUSE_S)
    return previous


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
