"""The server extension: owns the shared esbuild service and the dev server, mounts the handlers.

An `ExtensionApp` rather than a bare `_load_jupyter_server_extension` function, because only
extension apps get a shutdown hook (`stop_extension`), which we need to stop esbuild and the
file watchers. Watchers start when an app is registered (from a request, so on the server's
running loop), which is why nothing needs starting here.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from jupyter_core.paths import jupyter_runtime_dir
from jupyter_server.extension.application import ExtensionApp
from tornado.ioloop import IOLoop
from traitlets import Integer, Unicode, default

from ..devserver import DevServer
from ..esbuild import get_service
from ..kernel.link import ROOT_VAR, STORE_VAR, TOKEN_VAR, URL_VAR
from ..store import Store, default_path
from .handlers import DEVSERVER_SETTING, ESBUILD_SETTING, handlers
from .recorder import StoreRecorder


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

    store_path = Unicode(
        config=True,
        help="The SQLite state store (apps, builds, deployments); kernels open the same file. "
        "Defaults to fastpreview/state.db in the Jupyter data directory.",
    )

    @default("store_path")
    def _default_store_path(self) -> str:
        return str(default_path())

    def initialize_settings(self) -> None:
        """Hand the handlers the services they use, through the web app's settings."""
        assert self.serverapp is not None, "initialize_settings runs once linked to a server"
        self.esbuild = get_service()
        self.store = Store(self.store_path)
        self.devserver = DevServer(
            Path(self.serverapp.root_dir),
            self.serverapp.base_url,
            self.esbuild,
            watch_quiet_ms=self.debounce_ms,
            watch_max_wait_ms=self.max_batch_ms,
            registry_file=registry_file(Path(self.serverapp.root_dir)),
            observer=StoreRecorder(self.store),
        )
        self.settings[ESBUILD_SETTING] = self.esbuild
        self.settings[DEVSERVER_SETTING] = self.devserver
        IOLoop.current().add_callback(self.export_link_for_kernels)

    def export_link_for_kernels(self) -> None:
        """Put this server's address, token, root and store into the environment its kernels
        inherit, so the kernel-side `ServerLink` finds it. Runs once the loop runs: only then
        is the server's port final."""
        assert self.serverapp is not None
        os.environ[URL_VAR] = self.serverapp.connection_url
        os.environ[TOKEN_VAR] = self.serverapp.identity_provider.token or ""
        os.environ[ROOT_VAR] = str(Path(self.serverapp.root_dir).resolve())
        os.environ[STORE_VAR] = self.store_path

    def initialize_handlers(self) -> None:
        """Register the routes; `ExtensionApp` joins each one to the server's `base_url`."""
        self.handlers.extend(handlers())

    async def stop_extension(self) -> None:
        """Stop watchers and esbuild with the server, so no thread or process outlives it."""
        await self.devserver.close()
        self.esbuild.close()
        self.store.close()


def registry_file(root_dir: Path) -> Path:
    """Where this server root's apps and tokens are kept across restarts (one file per root,
    so two servers of one user never overwrite each other's apps)."""
    digest = hashlib.sha1(str(root_dir.resolve()).encode()).hexdigest()[:12]
    return Path(jupyter_runtime_dir()) / f"fastpreview-apps-{digest}.json"
