"""The deploy API under `{base_url}fastpreview/api/`, for Jupyter-authenticated callers.

    POST   apps/<app>/deployments      {"target": "local"|"directory"|"s3", "options": {...},
                                        "promote": true}  -> 202, the deployment (building)
    GET    apps/<app>/deployments      -> the app's deployments, newest first
    GET    deployments/<id>            -> one, with phase and percent while it runs
    POST   deployments/<id>/promote    -> the deployment, now promoted, with its alias_url
    DELETE deployments/<id>            -> 204

`<app>` is the dev server's app id. A deploy runs on the deployer's threads and reports its
progress on the app's HMR channel as custom event `fastpreview:deploy`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.ioloop import IOLoop

from ..devserver import DevServer
from ..devserver.apps import App
from ..devserver.handlers import DEVSERVER_SETTING
from .deployer import DeployConflict, Deployer, DeploymentNotFound
from .serving import serving_routes
from .target import DeployError

DEPLOYER_SETTING = "fastpreview_deployer"
AUTH_RESOURCE = "fastpreview"
"""The server extension's authorization resource (see `server.handlers`)."""
PROGRESS_EVENT = "fastpreview:deploy"
API = "fastpreview/api"
Result = TypeVar("Result")


class DeployAPIHandler(APIHandler):
    auth_resource = AUTH_RESOURCE

    @property
    def deployer(self) -> Deployer:
        return self.settings[DEPLOYER_SETTING]

    @property
    def devserver(self) -> DevServer:
        return self.settings[DEVSERVER_SETTING]

    async def in_thread(self, call: Callable[..., Result], *args: Any) -> Result:
        """Run a blocking deployer call (disk, network) off the event loop, and not behind
        the deploys waiting for the deployer's own threads."""
        try:
            return await IOLoop.current().run_in_executor(None, call, *args)
        except DeploymentNotFound as error:
            raise web.HTTPError(404, str(error)) from None
        except DeployConflict as error:
            raise web.HTTPError(409, str(error)) from None
        except DeployError as error:
            raise web.HTTPError(502, str(error)) from None

    def finish_json(self, value: Any, status: int = 200) -> None:
        self.set_status(status)
        self.finish(json.dumps(value))


class AppDeploymentsHandler(DeployAPIHandler):
    @web.authenticated
    @authorized
    def get(self, app_id: str) -> None:
        app = self._app(app_id)
        records = self.deployer.deployments(app.folder)
        self.finish_json([self.deployer.describe(record) for record in records])

    @web.authenticated
    @authorized
    def post(self, app_id: str) -> None:
        """Start a deploy and answer at once; the work and its failures happen in a thread."""
        app = self._app(app_id)
        target, options, promote = _deploy_request(self.get_json_body())
        try:
            job = self.deployer.start(
                app.folder, app.id, target, options, promote=promote, events=self._events()
            )
        except DeployError as error:
            raise web.HTTPError(400, str(error)) from None
        running = self.deployer.executor.submit(self.deployer.run, job)
        running.add_done_callback(self._log_outcome)
        location = url_path_join(self.base_url, API, "deployments", job.record.id)
        self.set_header("Location", location)
        self.finish_json(self.deployer.describe(job.record), status=202)

    def _app(self, app_id: str) -> App:
        app = self.devserver.registry.get(app_id)
        if app is None:
            raise web.HTTPError(404, f"no app {app_id!r}")
        return app

    def _events(self) -> Callable[[str, dict[str, Any]], None]:
        """Progress to the app's previews; the hub is the event loop's, so hop onto it."""
        loop, hub = IOLoop.current(), self.devserver.hub

        def send(app_id: str, event: dict[str, Any]) -> None:
            loop.add_callback(hub.send_custom, app_id, PROGRESS_EVENT, event)

        return send

    def _log_outcome(self, running: Future[Any]) -> None:
        error = running.exception()
        if error is not None:
            self.log.warning("fastpreview: deploy failed: %s", error)


class DeploymentHandler(DeployAPIHandler):
    @web.authenticated
    @authorized
    def get(self, deployment_id: str) -> None:
        record = self.deployer.deployment(deployment_id)
        if record is None:
            raise web.HTTPError(404, f"no deployment {deployment_id!r}")
        self.finish_json(self.deployer.describe(record))

    @web.authenticated
    @authorized
    async def delete(self, deployment_id: str) -> None:
        await self.in_thread(self.deployer.delete, deployment_id)
        self.set_status(204)
        self.finish()


class PromoteHandler(DeployAPIHandler):
    @web.authenticated
    @authorized
    async def post(self, deployment_id: str) -> None:
        record = await self.in_thread(self.deployer.promote, deployment_id)
        self.finish_json(self.deployer.describe(record))


def _deploy_request(body: Any) -> tuple[str, dict[str, Any], bool]:
    """`(target, options, promote)` from the POST body, or a 400 saying what is wrong."""
    body = {} if body is None else body
    if not isinstance(body, dict):
        raise web.HTTPError(400, "give a JSON object: {target, options, promote}")
    target, options, promote = (
        body.get("target", "local"),
        body.get("options", {}),
        body.get("promote", True),
    )
    if not isinstance(target, str) or not isinstance(options, dict):
        raise web.HTTPError(400, "target must be a string and options an object")
    if not isinstance(promote, bool):
        raise web.HTTPError(400, "promote must be true or false")
    return target, options, promote


def deploy_routes() -> list[tuple[str, type[web.RequestHandler]]]:
    """The API's and the `local` deployments' routes, relative to the server's `base_url`."""
    return api_routes() + serving_routes()


def api_routes() -> list[tuple[str, type[web.RequestHandler]]]:
    return [
        (url_path_join(API, r"apps/(?P<app_id>[^/]+)/deployments"), AppDeploymentsHandler),
        (url_path_join(API, r"deployments/(?P<deployment_id>[^/]+)"), DeploymentHandler),
        (url_path_join(API, r"deployments/(?P<deployment_id>[^/]+)/promote"), PromoteHandler),
    ]
