"""The server extension: owns the shared esbuild service and mounts the handlers.

An `ExtensionApp` rather than a bare `_load_jupyter_server_extension` function, because only
extension apps get a shutdown hook (`stop_extension`), which we need to stop esbuild.
"""

from __future__ import annotations

from jupyter_server.extension.application import ExtensionApp

from ..esbuild import get_service
from .handlers import APPS_SETTING, ESBUILD_SETTING, handlers


class FastPreviewApp(ExtensionApp):
    """Jupyter server extension app for fastpreview (configurable as `c.FastPreviewApp`)."""

    name = "fastpreview"

    def initialize_settings(self) -> None:
        """Hand the handlers the services they use, through the web app's settings."""
        self.esbuild = get_service()
        self.settings[ESBUILD_SETTING] = self.esbuild
        self.settings[APPS_SETTING] = []

    def initialize_handlers(self) -> None:
        """Register the routes; `ExtensionApp` joins each one to the server's `base_url`."""
        self.handlers.extend(handlers())

    async def stop_extension(self) -> None:
        """Stop the esbuild process with the server, so no child process outlives it."""
        self.esbuild.close()
