"""The `directory` target: deployments written into a folder another server serves.

    <path>/<app>/<deployment-id>/index.html, assets/...
    <path>/<app>/current -> <deployment-id>            the alias, a relative symlink

An nginx docroot, a folder synced to a CDN, a mounted bucket. A deployment is written into a
hidden folder beside its final place and renamed into place, and the `current` symlink is
replaced by rename last, so the web server sees the old deployment or the whole new one.
The folder must exist: writing into an unmounted mount point would publish nothing anyone sees.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .files import write_files
from .target import DeployError, Progress, check_deployment_id, check_slug

ALIAS = "current"


@dataclass(frozen=True)
class DirectoryOptions:
    path: str
    """The folder to publish into; it must exist."""
    public_url: str | None = None
    """The URL the folder is served at; without it, URLs are `file://` ones."""


class DirectoryTarget:
    name = "directory"

    def __init__(self, options: DirectoryOptions) -> None:
        self.root = Path(options.path).expanduser().resolve()
        self.public_url = options.public_url
        self.location = f"directory:{self.root}"

    def publish(
        self, deployment_id: str, slug: str, files: Mapping[str, bytes], progress: Progress
    ) -> str:
        app = self._app_folder(slug)
        temp = app / f".tmp-{check_deployment_id(deployment_id)}"
        try:
            write_files(temp, files, progress)
            os.rename(temp, app / deployment_id)
        except OSError as error:
            shutil.rmtree(temp, ignore_errors=True)
            raise self._error(f"cannot write {app}", error) from None
        return self._url(slug, deployment_id)

    def promote(self, slug: str, deployment_id: str) -> str:
        app = self._app_folder(slug)
        link = app / f".{ALIAS}-{secrets.token_hex(4)}"
        try:
            os.symlink(check_deployment_id(deployment_id), link, target_is_directory=True)
            os.replace(link, app / ALIAS)
        except OSError as error:
            link.unlink(missing_ok=True)
            raise self._error(f"cannot switch {app / ALIAS}", error) from None
        return self._url(slug, ALIAS)

    def unpromote(self, slug: str) -> None:
        try:
            (self.root / check_slug(slug) / ALIAS).unlink(missing_ok=True)
        except OSError as error:
            raise self._error("cannot remove the alias", error) from None

    def delete(self, slug: str, deployment_id: str) -> None:
        app = self.root / check_slug(slug)
        trash = app / f".trash-{check_deployment_id(deployment_id)}"
        try:
            os.rename(app / deployment_id, trash)
        except FileNotFoundError:
            return
        except OSError as error:
            raise self._error(f"cannot delete {app / deployment_id}", error) from None
        shutil.rmtree(trash, ignore_errors=True)

    def _app_folder(self, slug: str) -> Path:
        if not self.root.is_dir():
            raise DeployError(f"directory target: {self.root} does not exist or is not a folder")
        app = self.root / check_slug(slug)
        try:
            app.mkdir(exist_ok=True)
        except OSError as error:
            raise self._error(f"cannot create {app}", error) from None
        return app

    def _url(self, slug: str, name: str) -> str:
        if self.public_url:
            return f"{self.public_url.rstrip('/')}/{slug}/{name}/"
        return (self.root / slug / name / "index.html").as_uri()

    def _error(self, what: str, error: OSError) -> DeployError:
        return DeployError(f"directory target: {what}: {error.strerror or error}")
