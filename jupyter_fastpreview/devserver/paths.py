"""Confine a requested path to its app folder, and say which files are never served.

The preview is untrusted code holding a capability for one folder: whatever it asks for must
land inside that folder after every way of escaping it (`..`, backslashes, NUL bytes, symlinks)
has been resolved, and must not be a dotfile, a backup or something under `node_modules`.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

_EDITOR_TEMP = re.compile(r"(^\d+$)|(~$)|(\.sw[a-p]$)|(^#.*#$)")
"""vim's `4913` probe files, `name~` backups, vim swap files, emacs autosaves."""


class PathRefused(Exception):
    """The path is outside the folder or not servable; always answered with 404."""


def is_hidden_part(part: str) -> bool:
    """Dotfiles and dot-folders, which include JupyterLab's `.~name` save backups."""
    return part.startswith(".")


def is_ignored_folder(part: str) -> bool:
    """A folder the dev server neither serves nor watches (a folder named `2024` is fine)."""
    return is_hidden_part(part) or part == "node_modules"


def is_ignored(parts: tuple[str, ...]) -> bool:
    """A path (as its components) the dev server neither serves nor watches: one inside an
    ignored folder, or an editor's temporary file."""
    *folders, name = parts or ("",)
    ignored_name = is_ignored_folder(name) or bool(_EDITOR_TEMP.search(name))
    return ignored_name or any(is_ignored_folder(part) for part in folders)


def confine(folder: Path, requested: str) -> Path:
    """The file `requested` (a decoded URL path, relative to `folder`) names inside `folder`.

    `folder` must already be resolved. Raises `PathRefused` for anything outside the folder,
    anything ignored (dotfiles, backups, `node_modules`) before or after resolving symlinks.
    """
    if "\0" in requested:
        raise PathRefused("NUL byte in path")
    relative = _relative(requested)
    if ".." in relative.parts or is_ignored(relative.parts):
        raise PathRefused(f"not servable: {requested!r}")
    resolved = (folder / relative).resolve()
    if not resolved.is_relative_to(folder):
        raise PathRefused(f"outside the app folder: {requested!r}")
    if is_ignored(resolved.relative_to(folder).parts):
        raise PathRefused(f"resolves to a file that is not servable: {requested!r}")
    return resolved


def _relative(requested: str) -> PurePosixPath:
    return PurePosixPath(requested.replace("\\", "/").lstrip("/"))


def request_id(requested: str) -> str:
    """The module id a request names: `src//./App.tsx` -> `/src/App.tsx`.

    Ids follow the URL, not the symlink target, because the browser keys modules by URL.
    """
    text = _relative(requested).as_posix()
    return "/" if text == "." else "/" + text


def module_id(folder: Path, path: Path) -> str:
    """The app-relative URL path of a file inside `folder`: `/src/App.tsx`."""
    return "/" + path.relative_to(folder).as_posix()


def is_watched(folder: Path, path: Path) -> bool:
    """Whether a change to `path` (inside `folder`) can matter to a preview."""
    try:
        parts = path.relative_to(folder).parts
    except ValueError:
        return False
    return bool(parts) and not is_ignored(parts)
