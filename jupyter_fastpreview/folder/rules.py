"""Which files of an app folder are the app's, and how large they may be: the one place for it.

Three questions, asked by the dev server, the watcher, the app check, the production bundle,
git sync and the kernel API alike:
- *ignored*: never served, watched or synced: hidden names (`.git`, `.env`, JupyterLab's
  `.~name` save backups, our own `.fastpreview-*` files), anything under `node_modules`, and
  editors' temporary files (vim's `4913` probes, `name~` backups, swap files, emacs autosaves);
- *source*: the files worth keeping in git: not ignored, and not the build output (`dist/` at
  the top);
- *limits*: how large a file may be for each use, so a huge file is a clear error, not a
  blocked server.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

PACKAGES_FOLDER = "node_modules"
BUILD_FOLDER = "dist"

MAX_WRITE_BYTES = 2 * 1024 * 1024
"""A file the kernel API writes (`App.write`)."""
MAX_MODULE_BYTES = 8 * 1024 * 1024
"""A file the dev server transforms or rewrites (scripts, CSS, JSON, `index.html`)."""
MAX_ASSET_BYTES = 128 * 1024 * 1024
"""A file the dev server serves as it is (images, fonts, media)."""
MAX_SYNC_BYTES = 5 * 1024 * 1024
"""A file git sync commits; larger ones are left out of the snapshot."""
MAX_BUNDLE_INPUT_BYTES = 32 * 1024 * 1024
"""A file esbuild loads into a bundle (packages in `node_modules` included)."""

_EDITOR_TEMP = re.compile(r"(^\d+$)|(~$)|(\.sw[a-p]$)|(^#.*#$)")
"""vim's `4913` probe files, `name~` backups, vim swap files, emacs autosaves."""


def is_hidden_part(part: str) -> bool:
    """Dotfiles and dot-folders, which include JupyterLab's `.~name` save backups."""
    return part.startswith(".")


def is_ignored_folder(part: str) -> bool:
    """A folder that is never served, watched or synced (a folder named `2024` is fine)."""
    return is_hidden_part(part) or part == PACKAGES_FOLDER


def is_ignored(parts: Sequence[str]) -> bool:
    """A path (as its components, relative to the app folder) that is never served, watched or
    synced: one inside an ignored folder, or an editor's temporary file."""
    *folders, name = parts or ("",)
    ignored_name = is_ignored_folder(name) or bool(_EDITOR_TEMP.search(name))
    return ignored_name or any(is_ignored_folder(part) for part in folders)


def is_source(parts: Sequence[str]) -> bool:
    """A path that is part of the app's source: not ignored, not the build output."""
    return bool(parts) and not is_ignored(parts) and parts[0] != BUILD_FOLDER


def in_packages(parts: Sequence[str]) -> bool:
    """A path inside the app's installed packages."""
    return PACKAGES_FOLDER in parts
