"""Which modules a page starts from, so an app can be checked with no browser loading it.

With no preview open nothing requests an app's modules, so nothing would notice that an edit
broke it; yet a notebook (`App.status`, `App.errors`) and the state store must see it. The
session then walks the graph from these entries through the same pipeline a browser request
runs, which also fills the transform cache, so the first preview starts warm.
"""

from __future__ import annotations

import html
import posixpath
from pathlib import Path

from .. import generated_app
from .page import ENTRY_MODULE
from .resolve import URL


def entry_modules(folder: Path) -> list[str]:
    """The module ids of `index.html`'s module scripts, or the generated entry."""
    index = folder / "index.html"
    if not index.is_file():
        return [ENTRY_MODULE]
    page = index.read_text("utf-8", "replace")
    sources = (html.unescape(match["src"]) for match in generated_app.MODULE_SCRIPT.finditer(page))
    return [
        posixpath.normpath("/" + src.split("?")[0].split("#")[0].lstrip("/"))
        for src in sources
        if not URL.match(src)
    ]
