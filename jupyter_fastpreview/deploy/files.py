"""How a deployed file is served (Content-Type, Cache-Control), and writing one to disk.

Names under `assets/` carry esbuild's content hash, so a URL always means the same bytes and
browsers and CDNs may keep them for a year. `index.html` names the current hashes, so it must
be revalidated on every load (`no-cache`), or a redeploy would never reach anyone.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from .target import Progress

IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
_HASHED = re.compile(r"^assets/(.+/)?[^/]+-[A-Z0-9]{8}\.[^/]+$")
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".wasm": "application/wasm",
}


def cache_control(path: str) -> str:
    """`path` relative to the deployment, POSIX-style."""
    return IMMUTABLE if _HASHED.match(path) else NO_CACHE


def content_type(path: str) -> str:
    suffix = PurePosixPath(path).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def write_files(folder: Path, files: Mapping[str, bytes], progress: Progress) -> None:
    """Write every file under `folder`, which must not exist yet (it is the unpublished copy).

    Paths come from our own production build; one that would land outside is refused anyway.
    """
    folder.mkdir(parents=True)
    total = sum(len(data) for data in files.values()) or 1
    written = 0
    for relative, data in files.items():
        target = inside(folder, relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += len(data)
        progress(written / total)


def inside(folder: Path, relative: str) -> Path:
    """`folder / relative`, refused unless it is a plain relative path without `..`."""
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts or "\\" in relative:
        raise ValueError(f"not a relative file path: {relative!r}")
    return folder.joinpath(*parts)
