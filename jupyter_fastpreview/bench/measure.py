"""The measurements, each timed around exactly the thing it names, on a real app.

Edits go to a copy of the app (compile, rebuild) or are undone afterwards (HMR), and the
deploys made to measure are deleted again, so benchmarking leaves the app as it found it.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import shutil
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..bundle import build_production
from ..bundle.production import production_options
from ..devserver.transform import analyse, transform_options
from ..esbuild import EsbuildService, get_service
from .figures import Figure

if TYPE_CHECKING:
    from ..kernel.app import App

POLL_S = 0.002
WAIT_S = 10.0
_SCRIPTS = (".tsx", ".jsx", ".ts", ".js")


def edited_module(app: App) -> str:
    """The file the benchmark edits: a leaf component if the app has one, else the root one."""
    files = [f for f in app.files() if f.endswith(_SCRIPTS) and f.startswith("src/")]
    leaves = sorted(f for f in files if "/components/" in f)
    for candidate in (*leaves, "src/App.tsx", "src/App.jsx", *sorted(files)):
        if candidate in files:
            return candidate
    raise ValueError(f"{app.name} has no script under src/ to measure with")


def _edit(source: str, run: int) -> str:
    """A change the browser must load and apply, yet one that changes nothing it shows; never
    the same text twice, or a write merged with the one before could look like no change."""
    return f"{source.rstrip()}\n// fastpreview benchmark run {run} ({secrets.token_hex(4)})\n"


def ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def single_file_compile(app: App, runs: int, esbuild: EsbuildService | None = None) -> Figure:
    """One script through the dev server's compile step: esbuild's transform and the scan of
    its output for imports, accepts and components."""
    esbuild = esbuild or get_service()
    module = edited_module(app)
    source = app.read(module)
    times = []
    for run in range(runs):
        started = time.perf_counter()
        result = esbuild.transform(_edit(source, run), **transform_options("/" + module))
        analyse(result.code)
        times.append(ms_since(started))
    return Figure("single_file_compile", times, f"{module}: esbuild transform + import scan")


def full_bundle(app: App, runs: int, esbuild: EsbuildService | None = None) -> Figure:
    times = [build_production(app.folder, esbuild).ms for _ in range(runs)]
    return Figure("full_bundle", times, "production bundle: minified, hashed, source maps")


def incremental_rebuild(app: App, runs: int, esbuild: EsbuildService | None = None) -> Figure:
    """The production build as an esbuild context, rebuilt after each edit of one file (on a
    copy of the app, so the app and its previews are left alone)."""
    esbuild = esbuild or get_service()
    module = edited_module(app)
    with _copy_of(app.folder) as folder:
        source = (folder / module).read_text()
        with esbuild.context(**production_options(folder)) as context:
            context.rebuild()
            times = []
            for run in range(runs):
                (folder / module).write_text(_edit(source, run))
                started = time.perf_counter()
                context.rebuild()
                times.append(ms_since(started))
    return Figure("incremental_rebuild", times, f"rebuild of the production bundle after {module}")


@contextmanager
def _copy_of(folder: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="fastpreview-bench-") as tmp:
        yield copy_app(folder, Path(tmp) / folder.name)


def copy_app(folder: Path, copy: Path) -> Path:
    """The app's sources copied to `copy` (no build output or hidden files), its installed
    packages linked rather than copied."""
    ignored = shutil.ignore_patterns("node_modules", "dist", ".*")
    shutil.copytree(folder, copy, ignore=ignored, dirs_exist_ok=True)
    if (folder / "node_modules").is_dir():
        (copy / "node_modules").symlink_to(folder.resolve() / "node_modules")
    return copy


def deploy(app: App, runs: int) -> Figure:
    """Deploys to `local`, not promoted and deleted afterwards: the app's URL is untouched."""
    times = []
    for _ in range(runs):
        deployment = app.deploy(promote=False)
        times.append(deployment.ms or 0.0)
        deployment.delete()
    return Figure("deploy", times, "server side, from the request to live (build + publish)")


def hmr_update(app: App, runs: int) -> Figure:
    """End to end in the browser when a preview of the app is open (the write until the page
    reports the update applied); else server side, to a websocket client of our own."""
    module = edited_module(app)
    original = app.read(module)
    try:
        if app.open_previews:
            times = [_browser_update(app, module, _edit(original, run)) for run in range(runs)]
            return Figure("hmr_update", times, "end to end: file write until applied in a browser")
        with _HmrListener(app, module) as listener:
            times = [listener.update(_edit(original, run)) for run in range(runs)]
        return Figure("hmr_update", times, "server side: file write until the update is received")
    finally:
        app.write(module, original)


def _browser_update(app: App, module: str, source: str) -> float:
    before = _last_applied_at(app)
    written_at = time.time() * 1000
    app.write(module, source)
    deadline = time.monotonic() + WAIT_S
    while (applied_at := _last_applied_at(app)) == before:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no open preview applied the edit of {module} in {WAIT_S}s")
        time.sleep(POLL_S)
    return max(0.0, applied_at - written_at)


def _last_applied_at(app: App) -> float:
    last = app.link.request("GET", f"api/apps/{app.id}").get("last_applied") or {}
    return float(last.get("appliedAt") or 0)


class _HmrListener:
    """An HMR websocket client of our own, on its own thread and loop (a kernel's loop is
    busy running the cell): the module is requested once, so the server sends its updates."""

    def __init__(self, app: App, module: str) -> None:
        self.app = app
        self.module = module
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.socket: Any = None

    def __enter__(self) -> _HmrListener:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        self.thread.start()
        described = self.app.link.request("GET", f"api/apps/{self.app.id}")
        origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(self.app.link.url))
        _get(self.app.url + self.module)  # the module is loaded: a change to it is an update
        ws_url = origin.replace("http", "ws", 1) + described["ws_url"]
        request = HTTPRequest(ws_url, headers={"Origin": "null"})
        self.socket = self._run(lambda: websocket_connect(request))
        self._next_message("connected")
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.socket.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    def update(self, source: str) -> float:
        written = time.perf_counter()
        self.app.write(self.module, source)
        self._next_message("update")
        return ms_since(written)

    def _next_message(self, kind: str) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT_S
        while True:
            left = max(deadline - time.monotonic(), 0.001)
            text = self._run(partial(self._read, left))
            if text is None:
                raise ConnectionError("the HMR websocket closed")
            message = json.loads(text)
            if message.get("type") == kind:
                return message

    async def _read(self, timeout: float) -> str | bytes | None:
        return await asyncio.wait_for(self.socket.read_message(), timeout)

    def _run(self, start: Callable[[], Awaitable[Any]]) -> Any:
        """Start `start()` on the listener's loop (tornado makes its futures on the loop of
        the thread that calls it) and wait for its result here."""
        return asyncio.run_coroutine_threadsafe(_awaited(start), self.loop).result(WAIT_S + 1)


async def _awaited(start: Callable[[], Awaitable[Any]]) -> Any:
    return await start()


def _get(url: str) -> None:
    import urllib.request

    with urllib.request.urlopen(url, timeout=WAIT_S) as response:
        response.read()
