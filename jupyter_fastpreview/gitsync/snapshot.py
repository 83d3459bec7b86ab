"""Which files of an app folder are its source, the part worth keeping in git.

Left out: the build output (`dist/` at the top), installed packages (`node_modules/`), hidden
files and folders (`.git`, `.env`, fastpreview's `.fastpreview-*` markers and caches,
JupyterLab's `.~name` save backups), editor backups, files over a size limit, and anything
whose real path is outside the folder: a symlink must not smuggle another file of the machine
into a push. Symlinked folders are not followed.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePath

from ..devserver.paths import is_hidden_part

BUILD_FOLDER = "dist"
PACKAGES_FOLDER = "node_modules"
MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    path: str
    """Relative to the app folder, POSIX-style."""
    content: bytes
    executable: bool


def snapshot(folder: Path, max_file_bytes: int = MAX_FILE_BYTES) -> list[SourceFile]:
    """The source files of `folder`, sorted by path."""
    root = folder.resolve()
    files = []
    for directory, folders, names in os.walk(root):
        here = Path(directory)
        folders[:] = [name for name in folders if not is_excluded((here / name).relative_to(root))]
        for name in names:
            source = _read(root, here / name, max_file_bytes)
            if source is not None:
                files.append(source)
    return sorted(files, key=lambda source: source.path)


def is_excluded(relative: PurePath) -> bool:
    """Whether a path inside the app folder is never synced, whatever its content."""
    parts = relative.parts
    return (
        any(_is_backup_or_hidden(part) for part in parts)
        or PACKAGES_FOLDER in parts
        or parts[:1] == (BUILD_FOLDER,)
    )


def _is_backup_or_hidden(name: str) -> bool:
    """Hidden names, `name~` backups and emacs `#name#` autosaves."""
    return (
        is_hidden_part(name)
        or name.endswith("~")
        or (len(name) > 1 and name.startswith("#") and name.endswith("#"))
    )


def _read(root: Path, path: Path, max_file_bytes: int) -> SourceFile | None:
    """The file, or None if it is not source or vanished while we looked."""
    real = path.resolve()
    if (
        is_excluded(path.relative_to(root))
        or not real.is_relative_to(root)
        or is_excluded(real.relative_to(root))
    ):
        return None
    try:
        status = real.stat()
        if not stat.S_ISREG(status.st_mode) or status.st_size > max_file_bytes:
            return None
        content = real.read_bytes()
    except FileNotFoundError:
        return None
    executable = bool(status.st_mode & stat.S_IXUSR)
    return SourceFile(path.relative_to(root).as_posix(), content, executable)
