"""HTTP handlers under `{base_url}fastpreview/`, all behind Jupyter authentication."""

from __future__ import annotations

import json

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from .. import __version__

ROUTE_PREFIX = "fastpreview"
AUTH_RESOURCE = "fastpreview"
ESBUILD_SETTING = "fastpreview_esbuild"
APPS_SETTING = "fastpreview_apps"


class StatusHandler(APIHandler):
    """What the lab page needs to know to say whether previews can work."""

    auth_resource = AUTH_RESOURCE

    @web.authenticated
    @authorized
    def get(self) -> None:
        esbuild = self.settings[ESBUILD_SETTING]
        status = {
            "version": __version__,
            "esbuild": {
                "version": esbuild.version,
                "binary": esbuild.binary,
                "running": esbuild.running,
                "pid": esbuild.pid,
            },
            "apps": list(self.settings[APPS_SETTING]),
        }
        self.finish(json.dumps(status))


def handlers() -> list[tuple[str, type[APIHandler]]]:
    """Routes relative to the server's `base_url`."""
    return [(url_path_join(ROUTE_PREFIX, "api/status"), StatusHandler)]
