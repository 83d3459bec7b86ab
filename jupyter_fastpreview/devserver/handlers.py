"""The handlers under the preview prefix `P = {base_url}fastpreview/preview/<id>/<token>/`.

The preview runs in an opaque origin and can present no Jupyter credential, so these handlers
are `@allow_unauthenticated` and check the app's capability token themselves (403 for a
missing, wrong or other app's token), never a cookie. Every response may be read cross-origin
(`Access-Control-Allow-Origin: *`, no credentials) and carries a CSP sandbox, so even an HTML
or SVG file opened directly runs in an opaque origin, away from the Jupyter session.
"""

from __future__ import annotations

import re
from http.client import responses
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.base.websocket import WS_PING_INTERVAL, WebSocketMixin
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.ioloop import IOLoop, PeriodicCallback
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from ..hmr import Client
from .deps import DependencyError
from .devserver import DevServer
from .errors import ModuleError
from .page import EDITOR_PAGE
from .paths import PathRefused, confine
from .resolve import VENDOR_DIR
from .session import JAVASCRIPT, AppSession
from .urls import ROUTE

DEVSERVER_SETTING = "fastpreview_devserver"
KEEPALIVE_SETTING = "fastpreview_hmr_keepalive"
MISSED_PINGS = 3
"""A socket that answered no ping for this many intervals is closed: its peer is gone."""
CLIENT_DIR = Path(__file__).resolve().parent / "client"
SANDBOX = "sandbox allow-scripts allow-forms allow-modals allow-popups allow-downloads"
NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
MAX_CLIENT_MESSAGE = 1 << 20
_RUNTIME_FILE = re.compile(r"^[\w.-]+\.js$")


class SandboxedHandler(JupyterHandler):
    """Base of the handlers that serve app code (previews, deployments): a capability in the
    URL instead of a Jupyter login, a sandbox CSP, readable from any origin, terse errors."""

    capability_authenticated = True

    @property
    def content_security_policy(self) -> str:
        return f"{super().content_security_policy}; {SANDBOX}"

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("Access-Control-Allow-Origin", "*")

    def set_cors_headers(self) -> None:
        """Any origin may read, none with credentials: Jupyter's own CORS settings (which
        would name a single origin, and may allow credentials) do not apply here."""
        self.set_header("Access-Control-Allow-Origin", "*")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A short text body: no Jupyter page (it would name the server) to app code."""
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {responses.get(status_code, 'Error')}\n")


class PreviewHandler(SandboxedHandler):
    """Base of the preview handlers: finds the app session the URL's token opens."""

    session: AppSession

    @property
    def devserver(self) -> DevServer:
        return self.settings[DEVSERVER_SETTING]

    async def prepare(self) -> None:  # type: ignore[override]
        await super().prepare()
        session = self.devserver.authorize(
            self.path_kwargs.get("app_id", ""), self.path_kwargs.get("token", "")
        )
        if session is None:
            raise web.HTTPError(403)
        self.session = session

    def finish_script(self, body: str, cache_control: str = NO_CACHE) -> None:
        self.set_header("Content-Type", JAVASCRIPT)
        self.set_header("Cache-Control", cache_control)
        self.finish(body)

    def fail_script(self, error: ModuleError) -> None:
        """HTTP 500 with a module body that throws, for the import that asked for it."""
        self.log.info("fastpreview: %s: %s", error.file, error.message)
        self.set_status(500)
        self.finish_script(error.as_script())


class PageHandler(PreviewHandler):
    @allow_unauthenticated
    def get(self, app_id: str, token: str) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        self.finish(self.session.page())


class ModuleHandler(PreviewHandler):
    """`P<path>`: an app file, as an ES module when it is a script or `?import`ed."""

    @allow_unauthenticated
    async def get(self, app_id: str, token: str, path: str) -> None:
        imported = "import" in self.request.query_arguments
        try:
            served = await self.session.serve(path, imported, self.request.uri or "")
        except PathRefused as refused:
            raise web.HTTPError(404) from refused
        except ModuleError as error:
            self.fail_script(error)
            return
        self.set_header("Content-Type", served.content_type)
        self.set_header("Cache-Control", NO_CACHE)
        self.finish(served.body)


class RuntimeHandler(PreviewHandler):
    """`P@fastpreview/<file>`: the browser runtime, the generated entry module, and the
    visual editor's page."""

    @allow_unauthenticated
    async def get(self, app_id: str, token: str, file: str) -> None:
        if file == EDITOR_PAGE:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.set_header("Referrer-Policy", "no-referrer")
            self.finish(self.session.editor_page())
            return
        if file == "entry.tsx":
            try:
                body = await self.session.serve_entry(self.request.uri or "")
            except ModuleError as error:
                self.fail_script(error)
                return
            self.finish_script(body)
            return
        path = CLIENT_DIR / file
        if not _RUNTIME_FILE.match(file) or not path.is_file():
            raise web.HTTPError(404)
        self.finish_script(path.read_text())


class VendorHandler(PreviewHandler):
    """`P@vendor/<file>`: React and friends, built into the package; never change."""

    @allow_unauthenticated
    def get(self, app_id: str, token: str, path: str) -> None:
        try:
            file = confine(VENDOR_DIR, path)
        except PathRefused as refused:
            raise web.HTTPError(404) from refused
        if not file.is_file() or file.suffix not in (".js", ".css"):
            raise web.HTTPError(404)
        if file.suffix == ".css":
            self.set_header("Content-Type", "text/css; charset=utf-8")
            self.set_header("Cache-Control", IMMUTABLE)
            self.finish(file.read_text())
            return
        self.finish_script(file.read_text(), IMMUTABLE)


class DepsHandler(PreviewHandler):
    """`P@deps/<specifier>.js`: an npm package of the app, pre-bundled."""

    @allow_unauthenticated
    async def get(self, app_id: str, token: str, specifier: str) -> None:
        session = self.session
        try:
            body = await self.devserver.deps.bundle(session.folder, specifier, session.urls)
        except DependencyError as failure:
            error = ModuleError(str(failure), f"/@deps/{specifier}")
            self.devserver.hub.send_error(app_id, error.to_wire())
            self.fail_script(error)
            return
        self.finish_script(body)


class HmrSocketHandler(WebSocketMixin, WebSocketHandler, JupyterHandler):
    """`P@hmr`: the HMR websocket. Token and `Origin` are checked before the upgrade.

    Pings come from the server's one `Keepalive`, not from a timer and a task per connection
    (what `WebSocketMixin` and tornado would start): thousands of previews may be open.
    """

    capability_authenticated = True
    app_id = ""
    client: Client | None = None

    @property
    def devserver(self) -> DevServer:
        return self.settings[DEVSERVER_SETTING]

    @property
    def ping_interval(self) -> int:
        """No per-connection pinging (see `Keepalive`)."""
        return 0

    def set_default_headers(self) -> None:
        """Nothing: JupyterHandler's page headers mean nothing on an upgrade response."""

    @property
    def max_message_size(self) -> int:
        return MAX_CLIENT_MESSAGE

    @allow_unauthenticated
    async def get(self, app_id: str, token: str) -> None:
        if self.devserver.authorize(app_id, token) is None:
            raise web.HTTPError(403)
        self.app_id = app_id
        await super().get(app_id, token)

    def check_origin(self, origin: str = "") -> bool:
        """The sandboxed preview (`null`) or a page of this server; never Jupyter's CORS rules,
        which would let any origin the server trusts drive a preview."""
        if origin == "null":
            return True
        parsed = urlparse(origin)
        return parsed.scheme in ("http", "https") and parsed.netloc == self.request.host.lower()

    def select_subprotocol(self, subprotocols: list[str]) -> str | None:
        """Accept whatever subprotocol the client names: it carries no meaning here."""
        return subprotocols[0] if subprotocols else None

    def open(self, *args: Any, **kwargs: Any) -> None:
        super().open(*args, **kwargs)
        self.client = self.devserver.hub.connect(self.app_id, self)
        if self.client is None:
            self.close(1001, "app removed")
            return
        self.last_pong = IOLoop.current().time()
        keepalive = self.keepalive
        if keepalive is not None:
            keepalive.add(self)

    @property
    def keepalive(self) -> Keepalive | None:
        """The server's keepalive, made on first use; None if pings are off."""
        interval = self.settings.get("ws_ping_interval", WS_PING_INTERVAL)
        if not interval:
            return None
        if KEEPALIVE_SETTING not in self.settings:
            self.settings[KEEPALIVE_SETTING] = Keepalive(interval)
        return self.settings[KEEPALIVE_SETTING]

    def on_message(self, message: str | bytes) -> None:
        self.devserver.hub.receive(self.app_id, message)

    def on_close(self) -> None:
        keepalive = self.settings.get(KEEPALIVE_SETTING)
        if keepalive is not None:
            keepalive.discard(self)
        if self.client is not None:
            self.devserver.hub.disconnect(self.app_id, self.client)


class Keepalive:
    """Pings every open HMR socket of a server from one timer, and closes the sockets whose
    peer stopped answering (a laptop put to sleep never sends a close)."""

    def __init__(self, interval_ms: float) -> None:
        self.timeout_s = MISSED_PINGS * interval_ms / 1000
        self.sockets: set[HmrSocketHandler] = set()
        self._timer = PeriodicCallback(self.ping_all, interval_ms)

    def add(self, socket: HmrSocketHandler) -> None:
        self.sockets.add(socket)
        if not self._timer.is_running():
            self._timer.start()

    def discard(self, socket: HmrSocketHandler) -> None:
        self.sockets.discard(socket)
        if not self.sockets:
            self._timer.stop()

    def ping_all(self) -> None:
        now = IOLoop.current().time()
        for socket in list(self.sockets):
            if now - socket.last_pong > self.timeout_s:
                socket.close(1001, "ping timeout")
                continue
            try:
                socket.ping()
            except WebSocketClosedError:
                self.discard(socket)


def preview_routes() -> list[tuple[str, type[web.RequestHandler]]]:
    """Routes relative to the server's `base_url`; the catch-all module route comes last."""
    app = url_path_join(ROUTE, r"(?P<app_id>[^/]+)", r"(?P<token>[^/]+)") + "/"
    return [
        (app + "@hmr", HmrSocketHandler),
        (app + r"@fastpreview/(?P<file>[^/]+)", RuntimeHandler),
        (app + r"@vendor/(?P<path>.+)", VendorHandler),
        (app + r"@deps/(?P<specifier>.+)\.js", DepsHandler),
        (app + r"(?P<path>.+)", ModuleHandler),
        (app, PageHandler),
    ]
