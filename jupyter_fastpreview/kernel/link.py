"""The kernel's line to the server extension, found without the user typing a URL or token.

The server extension puts its address, its token and its root directory into the environment
of the Jupyter server process; kernels that server starts inherit them. A kernel started any
other way (plain `python`, a foreign front end) gets a clear error saying what is missing.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..store import Store

URL_VAR = "FASTPREVIEW_SERVER_URL"
TOKEN_VAR = "FASTPREVIEW_SERVER_TOKEN"
ROOT_VAR = "FASTPREVIEW_ROOT_DIR"
STORE_VAR = "FASTPREVIEW_STORE_PATH"
"""The server's state store, so kernels record their builds where the server records its own."""


@contextmanager
def server_store() -> Iterator[Store]:
    """The server's state store as its kernels find it (the default one outside Jupyter),
    closed after use."""
    store = Store(os.environ.get(STORE_VAR) or None)
    try:
        yield store
    finally:
        store.close()


class ServerNotFound(RuntimeError):
    pass


class ServerError(RuntimeError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{message} (HTTP {status})")
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ServerLink:
    url: str
    """The server's base URL, ending in `/`: `http://127.0.0.1:8888/base/`."""
    token: str
    root_dir: Path

    @classmethod
    def from_environment(cls) -> ServerLink:
        url = os.environ.get(URL_VAR)
        root = os.environ.get(ROOT_VAR)
        if not url or not root:
            raise ServerNotFound(
                "no Jupyter server with jupyter_fastpreview found: this kernel was not started "
                "by one (the server sets "
                f"{URL_VAR} and {ROOT_VAR} for its kernels). Run this in JupyterLab or "
                "Notebook 7 with the extension enabled (`jupyter server extension list`)."
            )
        return cls(
            url=url.rstrip("/") + "/", token=os.environ.get(TOKEN_VAR, ""), root_dir=Path(root)
        )

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call `{base_url}fastpreview/<path>`; raises `ServerError` with the server's reason."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + "fastpreview/" + path.lstrip("/"),
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "Authorization": f"token {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise ServerError(error.code, _reason(error.read())) from None
        except urllib.error.URLError as error:
            raise ServerNotFound(
                f"the Jupyter server at {self.url} does not answer: {error}"
            ) from None
        return json.loads(payload) if payload else None

    def relative_to_root(self, folder: Path) -> str:
        try:
            return folder.resolve().relative_to(self.root_dir.resolve()).as_posix()
        except ValueError:
            raise ServerError(
                403, f"{folder} is outside the Jupyter server's root directory {self.root_dir}"
            ) from None


def _reason(body: bytes) -> str:
    try:
        return str(json.loads(body).get("message") or body.decode())
    except (ValueError, AttributeError):
        return body.decode(errors="replace")
