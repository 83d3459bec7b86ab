"""HTTP handlers under `{base_url}fastpreview/`: the Jupyter-authenticated API, and the
capability-token routes of the previews (`devserver.handlers`)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from .. import __version__
from ..deploy import Deployer
from ..deploy.handlers import DEPLOYER_SETTING, deploy_routes
from ..devserver import AppFolderError, DevServer
from ..devserver.handlers import DEVSERVER_SETTING, preview_routes
from ..esbuild import EsbuildNotFound
from ..gitsync.handlers import sync_routes
from ..store import Store
from ..templates import TEMPLATES

ROUTE_PREFIX = "fastpreview"
AUTH_RESOURCE = "fastpreview"
ESBUILD_SETTING = "fastpreview_esbuild"
STORE_SETTING = "fastpreview_store"


class FastPreviewAPIHandler(APIHandler):
    auth_resource = AUTH_RESOURCE

    @property
    def devserver(self) -> DevServer:
        return self.settings[DEVSERVER_SETTING]


class StatusHandler(FastPreviewAPIHandler):
    """What the lab page needs to know to say whether previews can work, and what the server
    is doing now (`jupyter fastpreview status` prints it): open previews and builds running
    per app, deploys running, git sync jobs by status."""

    @web.authenticated
    @authorized
    def get(self) -> None:
        deployer: Deployer = self.settings[DEPLOYER_SETTING]
        store: Store = self.settings[STORE_SETTING]
        deploys = deployer.in_flight()
        status = {
            "version": __version__,
            "esbuild": self._esbuild_status(),
            "apps": self.devserver.describe_all(),
            "sessions": _per_app(self.devserver.sessions_per_app()),
            "builds_in_flight": _per_app(self.devserver.builds_in_flight()),
            "deploys_in_flight": {"total": len(deploys), "deploys": deploys},
            "sync_jobs": store.sync_job_counts(),
        }
        self.finish(json.dumps(status))

    def _esbuild_status(self) -> dict[str, Any]:
        """esbuild's state, or why it is missing: status is most needed when it is broken."""
        esbuild = self.settings[ESBUILD_SETTING]
        try:
            return {
                "version": esbuild.version,
                "binary": esbuild.binary,
                "running": esbuild.running,
                "pid": esbuild.pid,
            }
        except (EsbuildNotFound, OSError, subprocess.SubprocessError) as error:
            return {"error": str(error), "running": False}


def _per_app(counts: dict[str, int]) -> dict[str, Any]:
    return {"total": sum(counts.values()), "by_app": counts}


class AppsHandler(FastPreviewAPIHandler):
    """`GET` lists the registered apps (with `?details=1`, also each one's last build, latest
    deployment and latest git sync, for the lab's side panel); `POST {"path": "<folder>"}`
    registers one, and with `"template": "react-ts"` (or `"puck"`) first makes that folder and
    seeds it: a new app from JupyterLab's launcher."""

    @web.authenticated
    @authorized
    def get(self) -> None:
        apps = self.devserver.describe_all()
        if self.get_query_argument("details", "") in ("1", "true"):
            apps = [{**app, **self._history(app)} for app in apps]
        self.finish(json.dumps(apps))

    def _history(self, app: dict[str, Any]) -> dict[str, Any]:
        store: Store = self.settings[STORE_SETTING]
        registered = self.devserver.registry.get(app["id"])
        record = store.app_for_folder(registered.folder) if registered else None
        if record is None:
            return {"last_build": None, "latest_deployment": None, "latest_sync": None}
        builds = store.builds(record.id, 1)
        deployments = store.deployments(record.id, 1)
        jobs = store.sync_jobs(record.id, 1)
        return {
            "last_build": asdict(builds[0]) if builds else None,
            "latest_deployment": deployments[0].to_json() if deployments else None,
            "latest_sync": jobs[0].to_json() if jobs else None,
        }

    @web.authenticated
    @authorized
    def post(self) -> None:
        body = self.get_json_body() or {}
        path = body.get("path") if isinstance(body, dict) else None
        if not isinstance(path, str):
            raise web.HTTPError(400, 'give {"path": "<app folder, relative to the server root>"}')
        template = body.get("template")
        try:
            if template is None:
                app, created = self.devserver.register(path)
            else:
                app, created = self.devserver.create(path, _template_files(template)), True
        except AppFolderError as refused:
            raise web.HTTPError(refused.status, str(refused)) from refused
        self.set_status(201 if created else 200)
        self.finish(json.dumps(self.devserver.describe(app.id)))


def _template_files(name: object) -> dict[str, str]:
    if not isinstance(name, str) or name not in TEMPLATES:
        raise web.HTTPError(400, f"unknown template {name!r}; choose one of {sorted(TEMPLATES)}")
    return TEMPLATES[name]


class AppHandler(FastPreviewAPIHandler):
    """`GET` shows one app; `DELETE` forgets it (its previews disconnect)."""

    @web.authenticated
    @authorized
    def get(self, app_id: str) -> None:
        described = self.devserver.describe(app_id)
        if described is None:
            raise web.HTTPError(404, f"no app {app_id!r}")
        self.finish(json.dumps(described))

    @web.authenticated
    @authorized
    async def delete(self, app_id: str) -> None:
        if not await self.devserver.unregister(app_id):
            raise web.HTTPError(404, f"no app {app_id!r}")
        self.set_status(204)
        self.finish()


class AppCheckHandler(FastPreviewAPIHandler):
    """`POST` checks the app's files as they are on disk now: `GET` of the app, up to date."""

    @web.authenticated
    @authorized
    async def post(self, app_id: str) -> None:
        checked = await self.devserver.check(app_id)
        if checked is None:
            raise web.HTTPError(404, f"no app {app_id!r}")
        self.finish(json.dumps(checked))


def handlers() -> list[tuple[str, type[web.RequestHandler]]]:
    """Routes relative to the server's `base_url`."""
    api = [
        ("api/status", StatusHandler),
        ("api/apps", AppsHandler),
        (r"api/apps/(?P<app_id>[^/]+)", AppHandler),
        (r"api/apps/(?P<app_id>[^/]+)/check", AppCheckHandler),
    ]
    routes = [(url_path_join(ROUTE_PREFIX, path), handler) for path, handler in api]
    return routes + sync_routes() + deploy_routes() + preview_routes()
