"""The dev server: registered apps, their sessions and watchers, the HMR hub, shared caches.

The server extension owns one `DevServer`; handlers reach it through the web app's settings.
Its methods run on the server's event loop (registering an app starts a watcher task there).

    devserver = DevServer(root_dir, base_url, esbuild)
    app, created = devserver.register("apps/counter")   # AppFolderError if not allowed
    app = devserver.create("apps/new", {"src/App.tsx": ...})   # a new folder, seeded first
    devserver.describe(app.id)   # {"id", "token", "preview_url", "status", ...}
    await devserver.unregister(app.id)
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Coroutine, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..esbuild import EsbuildService
from ..hmr import HmrHub
from ..kernel.files import AppFileError, AppFiles
from ..puck import LibraryError, PuckConversionError
from ..puck.publish import PAGE_DATA, PAGE_MODULE, publish
from ..server.events import log_event
from .apps import App, AppRegistry
from .deps import DependencyBundler
from .observer import AppObserver
from .session import AppSession
from .transform import ScriptTransformer
from .urls import PreviewUrls, preview_prefix
from .watcher import Batch, FolderWatcher

PUBLISH_EVENT = "fastpreview:puck-publish"
"""From the visual editor: `data` is the page's Puck data."""
PUBLISHED = "fastpreview:puck-published"
PUBLISH_ERROR = "fastpreview:puck-error"


class DevServer:
    def __init__(
        self,
        root_dir: Path,
        base_url: str,
        esbuild: EsbuildService,
        *,
        watch_quiet_ms: int = 2,
        watch_max_wait_ms: int = 100,
        registry_file: Path | None = None,
        observer: AppObserver | None = None,
    ) -> None:
        self.registry = AppRegistry(root_dir, registry_file)
        self.base_url = base_url
        self.hub = HmrHub()
        self.transformer = ScriptTransformer(esbuild)
        self.deps = DependencyBundler(esbuild)
        self.sessions: dict[str, AppSession] = {}
        self.watch_quiet_ms = watch_quiet_ms
        self.watch_max_wait_ms = watch_max_wait_ms
        self.observer = observer
        self._watchers: dict[str, FolderWatcher] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._builds_in_flight: dict[str, int] = {}
        self.hub.on("fastpreview:invalidate", self._on_invalidate)
        self.hub.on(PUBLISH_EVENT, self._on_publish)

    def register(self, path: str) -> tuple[App, bool]:
        """The app for `path` (relative to the server root) and whether it is new; a new app
        gets its session and starts being watched. Raises `AppFolderError`."""
        app, created = self.registry.register(path)
        self._session(app)
        return app, created

    def create(self, path: str, files: Mapping[str, str]) -> App:
        """A new app in folder `path` (absent or empty), its `files` written before it is
        watched so no preview sees it half made. Raises `AppFolderError`, or `AppFileError`
        (then the folder is gone again: it held nothing before)."""
        folder = self.registry.new_folder(path)
        try:
            AppFiles(folder).write_many(files)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return self.register(path)[0]

    def _session(self, app: App) -> AppSession:
        """The app's session, started on first use: at registration, or for an app restored
        from before a restart, at its first request (watchers need the running loop)."""
        session = self.sessions.get(app.id)
        if session is None:
            urls = PreviewUrls(preview_prefix(self.base_url, app.id, app.token))
            session = AppSession(app, urls, self.transformer, self.hub)
            self.sessions[app.id] = session
            self._watchers[app.id] = FolderWatcher(
                app.folder, self._applier(session), self.watch_quiet_ms, self.watch_max_wait_ms
            )
            if self.observer:
                self.observer.registered(app)
            self._in_background(self._first_check(session))
        return session

    async def _first_check(self, session: AppSession) -> None:
        """Check a newly watched app, so its status is known before any preview opens."""
        started = time.perf_counter()
        with self._building(session):
            await session.check_without_preview()
        self._observe(session, "check", started)

    @contextmanager
    def _building(self, session: AppSession) -> Iterator[None]:
        """Say `building` while a batch or a check runs: its outcome is not known yet."""
        app_id = session.app.id
        self._builds_in_flight[app_id] = self._builds_in_flight.get(app_id, 0) + 1
        try:
            yield
        finally:
            self._builds_in_flight[app_id] -= 1

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _observe(self, session: AppSession, kind: str, started: float) -> None:
        ms = (time.perf_counter() - started) * 1000
        error = session.channel.error
        status = "error" if error else "ok"
        log_event("build", app=session.app.id, kind=kind, status=status, ms=ms)
        if self.observer:
            self.observer.applied(session.app, kind, ms, error)

    def _applier(self, session: AppSession) -> Batch:
        """Apply a batch of changes to the session, then tell the observer how it went."""

        async def apply(paths: set[Path]) -> None:
            started = time.perf_counter()
            previewed = session.previewed
            with self._building(session):
                await session.apply_changes(paths)
            self._observe(session, "dev" if previewed else "check", started)

        return apply

    async def unregister(self, app_id: str) -> bool:
        """Forget the app: stop watching it, disconnect its previews. False if unknown."""
        if self.registry.remove(app_id) is None:
            return False
        await self._stop_session(app_id)
        return True

    def authorize(self, app_id: str, token: str) -> AppSession | None:
        """The app's session if `token` is its capability token."""
        app = self.registry.authorize(app_id, token)
        return self._session(app) if app else None

    def describe(self, app_id: str) -> dict[str, Any] | None:
        """What the apps API says about an app (it includes the token: Jupyter users only).

        `preview_url` is a path from the server's origin, `preview_path` the same from its base
        URL; `last_error` is the build error if there is one, else the last runtime error.
        """
        registered = self.registry.get(app_id)
        if registered is None:
            return None
        session = self._session(registered)
        app, channel = session.app, session.channel
        errors = [error for error in (channel.error, channel.runtime_error) if error]
        return {
            "id": app.id,
            "name": app.name,
            "folder": app.relative,
            "token": app.token,
            "preview_url": session.urls.prefix,
            "preview_path": session.urls.prefix.removeprefix(self.base_url),
            "ws_url": session.urls.websocket,
            "status": self._status(app.id, errors),
            "last_error": errors[0] if errors else None,
            "errors": errors,
            "sessions": len(channel.clients),
            "build_hash": channel.build_hash,
            "last_applied": channel.last_applied,
        }

    async def check(self, app_id: str) -> dict[str, Any] | None:
        """`describe`, with the build error found by checking the files on disk right now:
        a notebook asks just after writing, possibly before the watcher has seen the write."""
        registered = self.registry.get(app_id)
        if registered is None:
            return None
        session = self._session(registered)
        error = await session.check()
        if not session.previewed:
            session.show_check(error)
        runtime = session.channel.runtime_error
        errors = [found for found in (error and error.to_wire(), runtime) if found]
        return {
            **(self.describe(app_id) or {}),
            "status": "error" if errors else "ready",
            "errors": errors,
            "last_error": errors[0] if errors else None,
        }

    def _status(self, app_id: str, errors: list[dict[str, Any]]) -> str:
        if self._builds_in_flight.get(app_id):
            return "building"
        return "error" if errors else "ready"

    def send_custom_to_folder(self, folder: Path, event: str, data: Any) -> None:
        """A custom event to the previews of the app in `folder`, if one is registered."""
        app = self.registry.for_folder(folder.resolve())
        if app is not None:
            self.hub.send_custom(app.id, event, data)

    def sessions_per_app(self) -> dict[str, int]:
        """Open previews (HMR connections) of each app with a running session."""
        return {app_id: len(session.channel.clients) for app_id, session in self.sessions.items()}

    def builds_in_flight(self) -> dict[str, int]:
        """Batches of changes and checks running now, for each app that has any."""
        return {app_id: count for app_id, count in self._builds_in_flight.items() if count}

    def describe_all(self) -> list[dict[str, Any]]:
        return [self.describe(app.id) or {} for app in self.registry]

    async def close(self) -> None:
        """Stop watching and disconnect previews; the registry keeps the apps for a restart."""
        for task in list(self._tasks):
            task.cancel()
        for app_id in list(self.sessions):
            await self._stop_session(app_id)

    async def _stop_session(self, app_id: str) -> None:
        if self.sessions.pop(app_id, None) is not None:
            self.hub.close_channel(app_id)
        watcher = self._watchers.pop(app_id, None)
        if watcher:
            await watcher.stop()

    def _on_publish(self, app_id: str, data: Any) -> None:
        """The visual editor published a page: write it like any edit (off the loop)."""
        app = self.registry.get(app_id)
        if app is not None:
            self._in_background(self._publish(app, data))

    async def _publish(self, app: App, data: Any) -> None:
        try:
            if not isinstance(data, dict):
                raise PuckConversionError((), "the page data must be an object")
            await asyncio.to_thread(publish, app.folder, data)
        except (PuckConversionError, LibraryError, AppFileError) as refused:
            where = getattr(refused, "path", None)
            self.hub.send_custom(app.id, PUBLISH_ERROR, {"message": str(refused), "path": where})
            return
        self.hub.send_custom(app.id, PUBLISHED, {"files": [PAGE_DATA, PAGE_MODULE]})

    def _on_invalidate(self, app_id: str, data: Any) -> None:
        session = self.sessions.get(app_id)
        if session and isinstance(data, dict) and isinstance(data.get("path"), str):
            session.invalidate(data["path"], str(data.get("message") or ""))
