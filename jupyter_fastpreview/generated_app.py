"""An app's page and entry, for the dev server and the production bundle alike, so a deploy
renders what the preview showed: the page and entry generated for an app that has only
`src/App.tsx`, and how an app's own `index.html` names its module scripts."""

from __future__ import annotations

import html
import re
from pathlib import Path

ENTRY_CANDIDATES = ("src/App.tsx", "src/App.jsx")
MODULE_SCRIPT = re.compile(
    r"""<script\b(?=[^>]*\btype=["']module["'])[^>]*\bsrc=["'](?P<src>[^"']+)["'][^>]*>\s*</script>""",
    re.IGNORECASE,
)
"""A `<script type="module" src>` element of an `index.html`, whole (the bundle replaces it)."""

_ENTRY_SOURCE = """\
import {{ createRoot }} from "react-dom/client";
import App from "{app}";

createRoot(document.getElementById("root")!).render(<App />);
"""
_PAGE = """\
<!doctype html>
<html>
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>{title}</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="{entry}"></script>
  </body>
</html>
"""


def has_root_component(folder: Path) -> bool:
    return any((folder / candidate).is_file() for candidate in ENTRY_CANDIDATES)


def entry_source(app_specifier: str) -> str:
    """The entry module: mount the default export of `app_specifier` into `#root`."""
    return _ENTRY_SOURCE.format(app=app_specifier)


def page(title: str, entry_url: str) -> str:
    return _PAGE.format(title=html.escape(title), entry=html.escape(entry_url))
