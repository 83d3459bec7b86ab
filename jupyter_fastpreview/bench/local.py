"""What the command-line benchmark needs to run on its own: a Jupyter server with fastpreview
on 127.0.0.1 (a subprocess, started the way a user starts it) and, when installed, Chromium.

The browser tests use the same server class, so what is benchmarked is what is tested.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from ..kernel.link import ROOT_VAR, STORE_VAR, TOKEN_VAR, URL_VAR

CHROMIUM = Path(os.environ.get("FASTPREVIEW_CHROMIUM", "/usr/bin/chromium"))
# The one way Chromium is launched here (headless, no sandbox: CI containers run as root).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BASE_URL = "/fp-base/"
"""Not the root: whatever runs here must work under a base URL, as under JupyterHub."""
SERVER_START_TIMEOUT_S = 30.0


def browser_unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package `playwright` is not installed (pip install playwright)"
    if not CHROMIUM.exists():
        return (
            f"no Chromium at {CHROMIUM} (apt-get install chromium, or point "
            "FASTPREVIEW_CHROMIUM at a Chromium binary)"
        )
    return None


# --------------------------------------------------------------------------------------------
# The Jupyter server subprocess
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerError(RuntimeError):
    pass


class JupyterServer:
    """One `jupyter server` process with fastpreview enabled; stoppable and restartable.

    Restarting keeps the port, the token, the root directory and the Jupyter data/runtime
    directories, so an open preview can reconnect to the new process at the same address.
    """

    def __init__(self, workdir: Path, port: int | None = None, *, lab: bool = False) -> None:
        self.workdir = workdir
        self.lab = lab
        """Serve JupyterLab too, with its app object exposed for tests to drive."""
        self.root = workdir / "root"
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.token = secrets.token_hex(24)
        self.origin = f"http://127.0.0.1:{self.port}"
        self.base = f"{self.origin}{BASE_URL}"
        self.log_path = workdir / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        env = dict(os.environ)
        # Isolated Jupyter directories: no user config leaks in, no runtime files leak out.
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"):
            path = workdir / name.lower()
            path.mkdir(exist_ok=True)
            env[name] = str(path)
        env["PYTHONUNBUFFERED"] = "1"
        env.pop("JUPYTER_TOKEN", None)
        self.env = env

    # -- process control ----------------------------------------------------------------------

    def command(self) -> list[str]:
        extensions = {
            "jupyter_fastpreview": True,
            # Not needed by the preview; disabled so a (re)start takes ~1 s, not ~3 s.
            "jupyterlab": self.lab,
            "jupyter_lsp": False,
            "jupyter_server_terminals": False,
            "notebook_shim": False,
            "notebook": False,
        }
        cmd = [
            sys.executable,
            "-m",
            "jupyter",
            "server",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",  # fail rather than silently move to another port
            f"--IdentityProvider.token={self.token}",  # ServerApp.token is deprecated in 2.x
            f"--ServerApp.base_url={BASE_URL}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.allow_unauthenticated_access=False",
            f"--ServerApp.jpserver_extensions={extensions!r}",
            "--ServerApp.reraise_server_extension_failures=True",
        ]
        if self.lab:
            cmd.append("--LabApp.expose_app_in_browser=True")
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        return cmd

    @property
    def store_path(self) -> Path:
        """The state store the server uses by default (its Jupyter data directory's)."""
        return Path(self.env["JUPYTER_DATA_DIR"]) / "fastpreview" / "state.db"

    def kernel_env(self) -> dict[str, str]:
        """The environment this server gives the kernels it starts (see `kernel.link`)."""
        return {
            **self.env,
            URL_VAR: self.base,
            TOKEN_VAR: self.token,
            ROOT_VAR: str(self.root.resolve()),
            STORE_VAR: str(self.store_path),
        }

    def start(self, timeout: float = SERVER_START_TIMEOUT_S) -> None:
        assert self.proc is None, "already running"
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start #{self.starts} =====\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                self.command(),
                cwd=self.workdir,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: esbuild children die with it
            )
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self._reap()
                raise ServerError(f"jupyter server exited with {code}:\n{self.log_tail()}")
            try:
                status, _ = self.request("GET", "fastpreview/api/status", timeout=2)
                if status == 200:
                    return
                last = status
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
                last = exc
            time.sleep(0.05)
        self.kill()
        raise ServerError(f"server not ready after {timeout}s (last: {last}):\n{self.log_tail()}")

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (the server shuts its extensions down), then SIGKILL whatever is left."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout)
        self._reap()

    def kill(self) -> None:
        if self.proc is not None:
            self._reap()

    def _reap(self) -> None:
        """Kill the process group we created (the server and any child it left behind)."""
        proc = self.proc
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # -- HTTP ---------------------------------------------------------------------------------

    def url(self, path: str = "") -> str:
        return urllib.parse.urljoin(self.base, path)

    def absolute(self, url: str) -> str:
        """A URL the API returned (absolute, or a path on this server) made absolute."""
        return urllib.parse.urljoin(self.origin + "/", url)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = "default",
        timeout: float = 10,
    ) -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        if token == "default":
            token = self.token
        if token:
            headers["Authorization"] = f"token {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.url(path), data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                raw = resp.read()
                status = resp.status
        except urllib.error.HTTPError as err:
            raw = err.read()
            status = err.code
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw.decode(errors="replace")
        return status, payload

    def get_status_code(self, url: str) -> int:
        """Status of an unauthenticated GET of an absolute URL (e.g. a preview URL)."""
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return resp.status
        except urllib.error.HTTPError as err:
            return err.code

    # -- logs ---------------------------------------------------------------------------------

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_since(self, offset: int, max_lines: int = 200) -> str:
        if not self.log_path.exists():
            return ""
        with self.log_path.open("rb") as fh:
            fh.seek(offset)
            text = fh.read().decode(errors="replace")
        lines = text.splitlines()
        if len(lines) > max_lines:
            lines = [f"... ({len(lines) - max_lines} lines before)"] + lines[-max_lines:]
        return "\n".join(lines)

    def log_tail(self, lines: int = 60) -> str:
        return self.log_since(0, lines)
