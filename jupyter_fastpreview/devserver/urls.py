"""The URLs under an app's preview prefix `P = {base_url}fastpreview/preview/<id>/<token>/`."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from jupyter_server.utils import url_path_join

ROUTE = "fastpreview/preview"


def preview_prefix(base_url: str, app_id: str, token: str) -> str:
    return url_path_join(base_url, ROUTE, app_id, token) + "/"


@dataclass(frozen=True)
class PreviewUrls:
    prefix: str
    """`P`, ending with a slash."""

    def module(self, module: str, *, imported: bool = False, timestamp: int | None = None) -> str:
        """The URL of module id `module` (`/src/App.tsx`), with `?import` and `?t=` as asked."""
        query = []
        if imported:
            query.append("import")
        if timestamp is not None:
            query.append(f"t={timestamp}")
        url = self.prefix + quote(module.lstrip("/"))
        return url + ("?" + "&".join(query) if query else "")

    def vendor(self, file: str) -> str:
        return f"{self.prefix}@vendor/{file}"

    def dep(self, specifier: str) -> str:
        return f"{self.prefix}@deps/{specifier}.js"

    def runtime(self, file: str) -> str:
        """A file of the browser runtime, or the generated entry."""
        return f"{self.prefix}@fastpreview/{file}"

    @property
    def websocket(self) -> str:
        return f"{self.prefix}@hmr"
