"""Serving `local` deployments from the Jupyter server, to anyone holding their URL.

    {base_url}fastpreview/d/<deployment-id>/<path>     one deployment, immutable
    {base_url}fastpreview/a/<app>/<alias-token>/<path> whatever the app has promoted

A deployed page is untrusted code, opened in a sandboxed iframe or a browser tab, and can show
no Jupyter credential: the id or the alias token in the URL is the capability (403 without a
valid one, as for the previews). Every response carries a CSP sandbox, so the page runs in an
opaque origin away from the Jupyter session even when opened directly; it may be read
cross-origin (`Access-Control-Allow-Origin: *`, which its own module scripts need from that
opaque origin), and it sends no referrer, so the capability does not leak to links it follows.
"""

from __future__ import annotations

from pathlib import Path

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.utils import url_path_join
from tornado import web

from ..devserver.handlers import SandboxedHandler
from ..devserver.paths import PathRefused, confine
from .files import cache_control, content_type
from .local import ROUTE, LocalTarget

LOCAL_TARGET_SETTING = "fastpreview_local_deployments"
INDEX = "index.html"


class DeployedFileHandler(SandboxedHandler):
    """A file of a deployment: the subclasses decide which deployment the URL opens."""

    @property
    def local(self) -> LocalTarget:
        return self.settings[LOCAL_TARGET_SETTING]

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("Referrer-Policy", "no-referrer")

    def serve(self, folder: Path, path: str) -> None:
        """`path` from the deployment folder; 404 for anything outside it or missing."""
        requested = f"{path}{INDEX}" if path == "" or path.endswith("/") else path
        try:
            body = confine(folder, requested).read_bytes()
        except (PathRefused, OSError) as refused:
            raise web.HTTPError(404) from refused
        self.set_header("Content-Type", content_type(requested))
        self.set_header("Cache-Control", cache_control(requested))
        self.finish(body)


class DeploymentFileHandler(DeployedFileHandler):
    @allow_unauthenticated
    def get(self, deployment_id: str, path: str) -> None:
        folder = self.local.deployment_folder(deployment_id)
        if folder is None:
            raise web.HTTPError(403)
        self.serve(folder, path)


class AliasFileHandler(DeployedFileHandler):
    @allow_unauthenticated
    def get(self, slug: str, token: str, path: str) -> None:
        deployment_id = self.local.alias_deployment(slug, token)
        if deployment_id is None:
            raise web.HTTPError(403)
        folder = self.local.deployment_folder(deployment_id)
        if folder is None:
            raise web.HTTPError(404)  # nothing promoted now; the alias itself stays valid
        self.serve(folder, path)


def serving_routes() -> list[tuple[str, type[web.RequestHandler]]]:
    """Routes relative to the server's `base_url`."""
    return [
        (url_path_join(ROUTE, r"d/(?P<deployment_id>[^/]+)/(?P<path>.*)"), DeploymentFileHandler),
        (
            url_path_join(ROUTE, r"a/(?P<slug>[^/]+)/(?P<token>[^/]+)/(?P<path>.*)"),
            AliasFileHandler,
        ),
    ]
