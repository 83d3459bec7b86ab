"""What the browser tests and `benchmarks/hmr_latency.py` share: the Jupyter server subprocess,
app folders on disk, and a Playwright page with what the tests observe of it.

Kept out of conftest.py so the benchmark can import it too (no pytest needed here).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_fastpreview.bench.local import (  # noqa: F401 - the tests' names for them
    BASE_URL,
    CHROMIUM,
    CHROMIUM_ARGS,
    SERVER_START_TIMEOUT_S,
    JupyterServer,
    ServerError,
    browser_unavailable,
    free_port,
)

# Upper bound for every wait on the page; a working dev server needs a small fraction of it.
TIMEOUT_MS = 10_000


# --------------------------------------------------------------------------------------------
# Apps on disk
# --------------------------------------------------------------------------------------------

APP_TSX = """\
import { useContext, useState } from "react";
import Label, { SUFFIX } from "./Label";
import { ACCENT } from "./theme";
import { ThemeBadge, ThemeCtx } from "./Ctx";
import "./App.css";

export default function App() {
  const [count, setCount] = useState(0);
  const theme = useContext(ThemeCtx);
  return (
    <main>
      <h1 className="title" data-testid="title">Hello</h1>
      <button data-testid="counter" onClick={() => setCount(count + 1)}>count: {count}</button>
      <Label />
      <p data-testid="suffix">suffix: {SUFFIX}</p>
      <p data-testid="accent">accent: {ACCENT}</p>
      <p data-testid="app-theme">app theme: {theme}</p>
      <ThemeBadge />
    </main>
  );
}
"""

LABEL_TSX = """\
export const SUFFIX = "!";

export default function Label() {
  return <span data-testid="label">label{SUFFIX}</span>;
}
"""

THEME_TS = """\
export const ACCENT = "red";
"""

CTX_TSX = """\
import { createContext, useContext } from "react";

export const ThemeCtx = createContext("light");

export function ThemeBadge() {
  const theme = useContext(ThemeCtx);
  return <span data-testid="badge">badge: {theme}</span>;
}
"""

APP_CSS = """\
.title { color: rgb(255, 0, 0); }
"""

# The index.html layout (as Vite's): main.tsx mounts App and imports a plain constant module.
INDEX_HTML = """\
<!doctype html>
<html>
  <head><meta charset="utf-8" /><title>fastpreview test</title></head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.tsx"></script>
  </body>
</html>
"""

MAIN_TSX = """\
import { createRoot } from "react-dom/client";
import App from "./App";
import { GREETING } from "./config";

createRoot(document.getElementById("root")!).render(
  <>
    <p data-testid="greeting">{GREETING}</p>
    <p data-testid="main-mark">main v1</p>
    <App />
  </>,
);
"""

CONFIG_TS = """\
export const GREETING = "greeting one";
"""

COUNTER_APP = {
    "src/App.tsx": APP_TSX,
    "src/Label.tsx": LABEL_TSX,
    "src/theme.ts": THEME_TS,
    "src/Ctx.tsx": CTX_TSX,
    "src/App.css": APP_CSS,
}

INDEX_APP = {
    **COUNTER_APP,
    "index.html": INDEX_HTML,
    "src/main.tsx": MAIN_TSX,
    "src/config.ts": CONFIG_TS,
}


@dataclass
class App:
    """An app folder under the server root, and (once registered) its API record."""

    server: JupyterServer
    name: str
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.server.root / "apps" / self.name

    @property
    def rel(self) -> str:
        return f"apps/{self.name}"

    def path(self, relative: str) -> Path:
        return self.folder / relative

    def write(self, relative: str, text: str) -> None:
        """A plain in-place write, as most writers (and JupyterLab's save) do it."""
        target = self.path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def read(self, relative: str) -> str:
        return self.path(relative).read_text()

    def replace(self, relative: str, old: str, new: str) -> str:
        source = self.read(relative)
        assert old in source, f"{old!r} not in {relative}"
        edited = source.replace(old, new, 1)
        self.write(relative, edited)
        return edited

    def delete(self, relative: str) -> None:
        self.path(relative).unlink()

    def write_all(self, files: dict[str, str]) -> None:
        for relative, text in files.items():
            self.write(relative, text)

    def register(self) -> dict[str, Any]:
        status, payload = self.server.request("POST", "fastpreview/api/apps", {"path": self.rel})
        assert status in (200, 201), (
            f"POST fastpreview/api/apps {{'path': {self.rel!r}}} -> {status}: {payload!r}\n"
            f"server log:\n{self.server.log_tail(40)}"
        )
        assert isinstance(payload, dict), payload
        for key in ("id", "token", "preview_url"):
            assert key in payload, f"app record lacks {key!r}: {payload!r}"
        self.info = payload
        return payload

    @property
    def preview_url(self) -> str:
        return self.server.absolute(self.info["preview_url"])

    def unregister(self) -> None:
        if self.info and self.server.running:
            with contextlib.suppress(OSError):
                self.server.request("DELETE", f"fastpreview/api/apps/{self.info['id']}", timeout=5)


# --------------------------------------------------------------------------------------------
# Chromium
# --------------------------------------------------------------------------------------------

# Runs before any script of every document (and frame): counts applied updates.
INIT_SCRIPT = """
(() => {
  if (window.__fp_test) return;
  window.__fp_test = { applied: 0, details: [] };
  window.addEventListener("fastpreview:applied", (event) => {
    window.__fp_test.applied += 1;
    try { window.__fp_test.details.push(JSON.parse(JSON.stringify(event.detail ?? null))); }
    catch (e) { window.__fp_test.details.push(null); }
  });
})();
"""


class PreviewPage:
    """A Playwright page plus what the tests observe of it: console, loads, HMR frames."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        self.loads = 0
        self.ws_received: list[dict[str, Any]] = []
        self.ws_sent: list[dict[str, Any]] = []
        self.ws_urls: list[str] = []
        page.on("console", lambda msg: self.console.append(f"[{msg.type}] {msg.text}"))
        page.on("pageerror", lambda err: self.errors.append(str(err)))
        page.on("load", self._on_load)
        page.on("websocket", self._on_websocket)
        page.set_default_timeout(TIMEOUT_MS)

    def _on_load(self, *_: Any) -> None:
        self.loads += 1

    def _on_websocket(self, ws: Any) -> None:
        self.ws_urls.append(ws.url)
        ws.on("framereceived", lambda payload: self._frame(self.ws_received, payload))
        ws.on("framesent", lambda payload: self._frame(self.ws_sent, payload))

    @staticmethod
    def _frame(into: list[dict[str, Any]], payload: Any) -> None:
        if isinstance(payload, bytes):
            payload = payload.decode(errors="replace")
        try:
            message = json.loads(payload)
        except ValueError:
            message = {"type": "<not json>", "raw": payload}
        if isinstance(message, dict):
            into.append(message)

    # -- waiting ------------------------------------------------------------------------------

    def wait_until(
        self, condition: Callable[[], bool], what: str, timeout_ms: int = TIMEOUT_MS
    ) -> None:
        """Poll a Python-side condition while Playwright delivers events (console, frames)."""
        deadline = time.monotonic() + timeout_ms / 1000
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout_ms} ms waiting for {what}")
            self.page.wait_for_timeout(20)

    def received(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.ws_received if m.get("type") == kind]

    def wait_connected(self, count: int = 1, timeout_ms: int = TIMEOUT_MS) -> None:
        """Until the HMR socket has said `connected` `count` times (the protocol's first frame)."""
        self.wait_until(
            lambda: len(self.received("connected")) >= count,
            f"HMR 'connected' message #{count} (websockets: {self.ws_urls})",
            timeout_ms,
        )

    def hmr_state(self) -> Any:
        return self.page.evaluate("() => window.__fastpreview_hmr ?? null")

    def applied(self) -> int:
        return self.page.evaluate("() => window.__fp_test ? window.__fp_test.applied : -1")

    def wait_applied(self, more_than: int) -> None:
        self.page.wait_for_function(
            "(n) => window.__fp_test && window.__fp_test.applied > n", arg=more_than
        )

    def set_marker(self) -> None:
        """A JS global that only survives if the document is not reloaded."""
        self.page.evaluate("() => { window.__marker = 1; }")

    def marker(self) -> Any:
        return self.page.evaluate("() => window.__marker ?? null")

    def assert_not_reloaded(self, loads_before: int) -> None:
        assert self.marker() == 1, (
            f"the page was reloaded (window.__marker is gone); console:\n{self.console_text()}"
        )
        assert self.loads == loads_before, f"load events: {loads_before} -> {self.loads}"

    def console_text(self) -> str:
        return "\n".join(self.console[-50:])

    # -- apps ---------------------------------------------------------------------------------

    def open(self, app: App, first_render: str = "[data-testid=counter]") -> None:
        """Navigate to the app's preview; wait for the first render and the HMR connection."""
        from playwright.sync_api import expect

        response = self.page.goto(app.preview_url)
        assert response is not None and response.status == 200, (
            f"GET {app.preview_url} -> {response and response.status}\n{app.server.log_tail(30)}"
        )
        expect(self.page.locator(first_render).first).to_be_visible(timeout=TIMEOUT_MS)
        self.wait_connected()
