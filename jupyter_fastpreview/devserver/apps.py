"""The registry of apps: which folders may be previewed, under which id and capability token.

An app is a folder strictly inside the Jupyter server's root directory. Its token is the only
credential the sandboxed preview holds, so it is unguessable, compared in constant time, and
kept for the life of the server process; registering the same folder again returns the same
app, so every caller (the lab page, a kernel, a test) agrees on one URL.
"""

from __future__ import annotations

import hmac
import json
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .paths import is_hidden_part

_SLUG_UNSAFE = re.compile(r"[^a-z0-9]+")
_SLUG_LENGTH = 32


class AppFolderError(ValueError):
    """The folder cannot be an app; `status` is the HTTP status that says why."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class App:
    id: str
    """A short slug from the folder name, unique in this server."""
    name: str
    """The folder's name, for people."""
    folder: Path
    """Absolute and resolved."""
    relative: str
    """The folder relative to the server root, POSIX-style: what the Contents API calls it."""
    token: str

    def owns_token(self, token: str) -> bool:
        return hmac.compare_digest(self.token.encode(), token.encode())


class AppRegistry:
    """Apps by id, in registration order. Not thread-safe: use it from the server's loop.

    With a `state_file`, apps and their tokens outlive a server restart, so an open preview
    reconnects to the new server instead of being refused with a token it no longer knows.
    The file holds capabilities, so only its owner may read it.
    """

    def __init__(self, root_dir: Path, state_file: Path | None = None) -> None:
        self.root = root_dir.expanduser().resolve()
        self.state_file = state_file
        self._apps: dict[str, App] = {}
        self._restore()

    def register(self, path: str) -> tuple[App, bool]:
        """The app for folder `path` (relative to the root), and whether it is new.

        Raises `AppFolderError` (status 403) for a folder outside the root, and (400) for the
        root itself, a hidden folder, a missing folder or a file.
        """
        folder = self._folder(path)
        known = self.for_folder(folder)
        if known is not None:
            return known, False
        relative = folder.relative_to(self.root).as_posix()
        app = App(
            id=self._unique_slug(folder.name),
            name=folder.name,
            folder=folder,
            relative=relative,
            token=secrets.token_urlsafe(24),
        )
        self._apps[app.id] = app
        self._save()
        return app, True

    def get(self, app_id: str) -> App | None:
        return self._apps.get(app_id)

    def for_folder(self, folder: Path) -> App | None:
        """The app registered for `folder` (absolute and resolved), if any: there is one at most."""
        return next((app for app in self._apps.values() if app.folder == folder), None)

    def authorize(self, app_id: str, token: str) -> App | None:
        """The app if `token` is its capability token; None for an unknown id or wrong token."""
        app = self._apps.get(app_id)
        return app if app is not None and app.owns_token(token) else None

    def remove(self, app_id: str) -> App | None:
        app = self._apps.pop(app_id, None)
        self._save()
        return app

    def _restore(self) -> None:
        """Re-register the apps of the state file whose folders are still valid."""
        if self.state_file is None or not self.state_file.is_file():
            return
        try:
            saved = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return  # a damaged file only costs the previews a fresh registration
        for entry in saved if isinstance(saved, list) else []:
            try:
                folder = self._folder(str(entry["folder"]))
                app = App(entry["id"], folder.name, folder, entry["folder"], entry["token"])
            except (AppFolderError, KeyError, TypeError):
                continue
            self._apps[app.id] = app

    def _save(self) -> None:
        if self.state_file is None:
            return
        entries = [
            {"id": a.id, "folder": a.relative, "token": a.token} for a in self._apps.values()
        ]
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        temp = self.state_file.with_suffix(".tmp")
        temp.touch(mode=0o600)
        temp.write_text(json.dumps(entries))
        os.replace(temp, self.state_file)

    def __iter__(self) -> Iterator[App]:
        return iter(list(self._apps.values()))

    def __len__(self) -> int:
        return len(self._apps)

    def new_folder(self, path: str) -> Path:
        """Make folder `path` for a new app: absent or empty, so nothing there is overwritten.
        Raises `AppFolderError` as `register` does, and (409) for a folder with files."""
        folder = self._confined(path)
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise AppFolderError(f"{path!r} already exists and is not empty", status=409)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _folder(self, path: str) -> Path:
        folder = self._confined(path)
        if not folder.exists():
            raise AppFolderError(f"{path!r} does not exist; create the folder first")
        if not folder.is_dir():
            raise AppFolderError(f"{path!r} is a file, not a folder")
        return folder

    def _confined(self, path: str) -> Path:
        """The folder `path` names, if it may be an app: inside the root, not hidden."""
        if not path.strip():
            raise AppFolderError("give the app folder as a path relative to the server root")
        folder = (self.root / path).resolve()
        if not folder.is_relative_to(self.root):
            raise AppFolderError(f"{path!r} is outside the server root", status=403)
        if folder == self.root:
            raise AppFolderError(
                "the server root itself cannot be an app: its preview could read every file "
                "under the root; use a folder inside it"
            )
        if any(is_hidden_part(part) for part in folder.relative_to(self.root).parts):
            raise AppFolderError(f"{path!r} is a hidden folder")
        return folder

    def _unique_slug(self, name: str) -> str:
        base = _SLUG_UNSAFE.sub("-", name.lower()).strip("-")[:_SLUG_LENGTH].strip("-") or "app"
        slug, number = base, 1
        while slug in self._apps:
            number += 1
            slug = f"{base}-{number}"
        return slug
