"""The sync API under `{base_url}fastpreview/api/`, Jupyter-authenticated like the rest:

- `POST apps/<app_id>/sync` `{"remote": "...", "branch": "main"}`: 202 and the queued job;
- `GET apps/<app_id>/sync`: the app's latest jobs, newest first;
- `GET sync/<job_id>`: one job.

`<app_id>` is the dev server's app id. A job is the `SyncJobRecord` as JSON: `id`, `app_id`
(the store's), `remote`, `branch`, `status` (queued, running, done, failed), `attempts`,
`next_try_at`, `last_error`, `commit_sha`, `created_at`, `updated_at`.
"""

from __future__ import annotations

import json
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from ..devserver import DevServer
from ..devserver.apps import App
from ..devserver.handlers import DEVSERVER_SETTING
from .jobs import SyncQueue
from .remotes import RemoteRefused, branch_ref, check_remote

SYNC_SETTING = "fastpreview_gitsync"
SYNC_EVENT = "fastpreview:sync"
"""The custom HMR event that carries a job's status moves to the app's previews."""
AUTH_RESOURCE = "fastpreview"
"""The same resource as the other fastpreview endpoints: one permission covers them all."""
DEFAULT_BRANCH = "main"
LISTED_JOBS = 20


class SyncAPIHandler(APIHandler):
    auth_resource = AUTH_RESOURCE

    @property
    def queue(self) -> SyncQueue:
        return self.settings[SYNC_SETTING]

    def registered_app(self, app_id: str) -> App:
        devserver: DevServer = self.settings[DEVSERVER_SETTING]
        app = devserver.registry.get(app_id)
        if app is None:
            raise web.HTTPError(404, f"no app {app_id!r}")
        return app

    def finish_json(self, value: Any) -> None:
        self.finish(json.dumps(value))


class AppSyncHandler(SyncAPIHandler):
    """`POST` queues a sync of the app; `GET` lists its latest syncs."""

    @web.authenticated
    @authorized
    def post(self, app_id: str) -> None:
        app = self.registered_app(app_id)
        remote, branch = self._target()
        record = self.queue.store.ensure_app(app.name, app.folder)
        job_id = self.queue.enqueue(record, remote, branch)
        job = self.queue.store.sync_job(job_id)
        assert job is not None, "a job just queued is in the store"
        self.set_status(202)
        self.finish_json(job.to_json())

    @web.authenticated
    @authorized
    def get(self, app_id: str) -> None:
        app = self.registered_app(app_id)
        record = self.queue.store.app_for_folder(app.folder)
        jobs = self.queue.store.sync_jobs(record.id, LISTED_JOBS) if record else []
        self.finish_json([job.to_json() for job in jobs])

    def _target(self) -> tuple[str, str]:
        """The remote and branch of the request body, checked before anything is stored."""
        body = self.get_json_body()
        if not isinstance(body, dict) or not isinstance(body.get("remote"), str):
            raise web.HTTPError(400, 'give {"remote": "<git URL or absolute path>", "branch": ...}')
        branch = body.get("branch", DEFAULT_BRANCH)
        if not isinstance(branch, str):
            raise web.HTTPError(400, "branch must be a string")
        try:
            check_remote(body["remote"])
            branch_ref(branch)
        except RemoteRefused as refused:
            raise web.HTTPError(400, str(refused)) from refused
        return body["remote"], branch


class SyncJobHandler(SyncAPIHandler):
    """`GET` one sync job by id."""

    @web.authenticated
    @authorized
    def get(self, job_id: str) -> None:
        job = self.queue.store.sync_job(int(job_id))
        if job is None:
            raise web.HTTPError(404, f"no sync job {job_id}")
        self.finish_json(job.to_json())


def sync_routes() -> list[tuple[str, type[web.RequestHandler]]]:
    """Routes relative to the server's `base_url`."""
    api = url_path_join("fastpreview", "api")
    return [
        (url_path_join(api, "apps", r"(?P<app_id>[^/]+)", "sync"), AppSyncHandler),
        (url_path_join(api, "sync", r"(?P<job_id>[0-9]{1,18})"), SyncJobHandler),
    ]
