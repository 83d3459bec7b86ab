"""The preview page: the app's `index.html` (as in Vite) or a generated one, plus our scripts.

The scripts go first in `<head>` so they run before any app code: the page's globals, the
storage shim (a sandboxed page throws on `localStorage`), the HMR client (overlay and error
handlers in place before the app runs) and the refresh preamble (react-refresh must hook in
before `react-dom` loads; module scripts run in document order).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from .. import generated_app
from ..puck.defaults import LIBRARY_DIR
from .errors import ModuleError
from .urls import PreviewUrls

ENTRY_MODULE = "/@fastpreview/entry.tsx"
EDITOR_PAGE = "editor"
"""`P@fastpreview/editor`: the visual editor of the app's page."""
PUCK_STYLESHEET = "puckeditor_core.css"
EDITOR_STYLE = (
    "<style>.fp-editor-notice{font:13px sans-serif;padding:4px 8px;background:#e8f5e9}"
    '.fp-editor-notice[data-kind="error"]{background:#ffebee;color:#b71c1c}</style>\n'
)
PUCK_CONFIG = f"{LIBRARY_DIR}/puck.config.tsx"
_NO_EDITOR_PAGE = """\
<!doctype html>
<html>
  <head>
    <meta charset="utf-8" />
    <title>{title}</title>
  </head>
  <body>
    <p class="fp-editor-notice" data-kind="error">
      This app has no visual editor yet: <code>{config}</code> is missing. Run
      <code>app.edit()</code> in the notebook (it adds the default component library and an empty
      page), or create the app with <code>App(name, template="puck")</code>; then toggle Edit
      again.
    </p>
  </body>
</html>
"""
_ROOT_RELATIVE = re.compile(r"""(?P<attribute>\s(?:src|href)\s*=\s*)(?P<q>["'])/(?!/)""", re.I)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
_HTML = re.compile(r"<html\b[^>]*>", re.I)
_DOCTYPE = re.compile(r"<!doctype[^>]*>", re.I)


def render_page(folder: Path, name: str, urls: PreviewUrls, page_globals: dict[str, Any]) -> str:
    """The page HTML; `page_globals` becomes `window.__FASTPREVIEW__`."""
    index = folder / "index.html"
    if index.is_file():
        page = rewrite_root_urls(index.read_text(errors="replace"), urls)
    else:
        page = generated_app.page(name, urls.runtime("entry.tsx"))
    return inject_first_in_head(page, head_scripts(urls, page_globals))


def render_editor_page(
    folder: Path, name: str, urls: PreviewUrls, page_globals: dict[str, Any]
) -> str:
    """The visual editor's page: our scripts, Puck's stylesheet, the editor module; or, for an
    app without a Puck config, what to do about it (instead of a failed module import)."""
    title = f"{name} (visual editor)"
    if (folder / PUCK_CONFIG).is_file():
        page = generated_app.page(title, urls.runtime("editor.js"))
        style = f'<link rel="stylesheet" href="{html.escape(urls.vendor(PUCK_STYLESHEET))}" />\n'
    else:
        page = _NO_EDITOR_PAGE.format(title=html.escape(title), config=PUCK_CONFIG)
        style = ""
    page = page.replace("</head>", f"{style}{EDITOR_STYLE}</head>", 1)
    return inject_first_in_head(page, head_scripts(urls, page_globals))


def rewrite_root_urls(page: str, urls: PreviewUrls) -> str:
    """`src="/x"` and `href="/x"` mean the app's root, which is `P`."""
    prefix = urls.prefix
    return _ROOT_RELATIVE.sub(lambda m: f"{m['attribute']}{m['q']}{prefix}", page)


def head_scripts(urls: PreviewUrls, page_globals: dict[str, Any]) -> str:
    data = _script_json(page_globals)
    storage, client = (html.escape(urls.runtime(name)) for name in ("storage.js", "client.js"))
    refresh = _script_json(urls.runtime("refresh.js"))
    return (
        f"<script>window.__FASTPREVIEW__ = {data};</script>\n"
        f'<script type="module" src="{storage}"></script>\n'
        f'<script type="module" src="{client}"></script>\n'
        f'<script type="module">import {refresh};</script>\n'
    )


def _script_json(value: Any) -> str:
    """JSON that cannot close the `<script>` element it is written into."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")


def inject_first_in_head(page: str, scripts: str) -> str:
    for tag in (_HEAD, _HTML, _DOCTYPE):
        match = tag.search(page)
        if match:
            head = scripts if tag is _HEAD else f"<head>{scripts}</head>"
            return page[: match.end()] + head + page[match.end() :]
    return scripts + page


def entry_source(folder: Path) -> str:
    """The generated entry: mount `src/App`'s default export into `#root`."""
    if not generated_app.has_root_component(folder):
        raise ModuleError(
            "This app has no index.html and no src/App.tsx (or src/App.jsx) to mount: add a "
            "src/App.tsx whose default export is the root component",
            ENTRY_MODULE,
        )
    return generated_app.entry_source("/src/App")
