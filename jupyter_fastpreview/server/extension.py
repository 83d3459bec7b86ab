"""The server extension: owns the shared esbuild service and the dev server, mounts the handlers.

An `ExtensionApp` rather than a bare `_load_jupyter_server_extension` function, because only
extension apps get a shutdown hook (`stop_extension`), which we need to stop esbuild and the
file watchers. Watchers start when an app is registered (from a request, so on the server's
running loop), which is why nothing needs starting here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from jupyter_core.paths import jupyter_runtime_dir
from jupyter_server.extension.application import ExtensionApp
from traitlets import Integer

from ..devserver import DevServer
from ..esbuild import get_service
from .handlers import DEVSERVER_SETTING, ESBUILD_SETTING, handlers


class FastPreviewApp(ExtensionApp):
    """Jupyter server extension app for fastpreview (configurable as `c.FastPreviewApp`)."""

    name = "fastpreview"

    debounce_ms = Integer(
        3,
        config=True,
        help="Quiet time (ms) after a file change before the batch of changes is handled. "
        "Writes closer together than this become one HMR update; a change is seen one to two "
        "times this after it is written, so it adds directly to HMR latency.",
    )
    max_batch_ms = Integer(
        100,
        config=True,
        help="Longest time (ms) a steady stream of file changes is held back before handling.",
    )

    def initialize_settings(self) -> None:
        """Hand the handlers the services they use, through the web app's settings."""
        assert self.serverapp is not None, "initialize_settings runs once linked to a server"
        self.esbuild = get_service()
        self.devserver = DevServer(
            Path(self.serverapp.root_dir),
            self.serverapp.base_url,
            self.esbuild,
            watch_quiet_ms=self.debounce_ms,
            watch_max_wait_ms=self.max_batch_ms,
            registry_file=registry_file(Path(self.serverapp.root_dir)),
        )
        self.settings[ESBUILD_SETTING] = self.esbuild
        self.settings[DEVSERVER_SETTING] = self.devserver

    def initialize_handlers(self) -> None:
        """Register the routes; `ExtensionApp` joins each one to the server's `base_url`."""
        self.handlers.extend(handlers())

    async def stop_extension(self) -> None:
        """Stop watchers and esbuild with the server, so no thread or process outlives it."""
        await self.devserver.close()
        self.esbuild.close()


def registry_file(root_dir: Path) -> Path:
    """Where this server root's apps and tokens are kept across restarts (one file per root,
    so two servers of one user never overwrite each other's apps)."""
    digest = hashlib.sha1(str(root_dir.resolve()).encode()).hexdigest()[:12]
    return Path(jupyter_runtime_dir()) / f"fastpreview-apps-{digest}.json"
