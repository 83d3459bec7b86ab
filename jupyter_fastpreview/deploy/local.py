"""The `local` target: deployments kept in the server's state directory, served by the server.

    <root>/<deployment-id>/index.html, assets/...      one folder per deployment, never changed
    <root>/.aliases/<scope>/<app>.json                  {"token", "deployment"}: the app's alias

A deployment is written into `.tmp-<id>` and renamed into place, so a reader finds the whole
deployment or none. The alias file is rewritten by rename too (write a temp file, `os.replace`).
The sandboxed deployed page can present no Jupyter credential, so each URL carries its own
capability: the deployment id (128 random bits) or the alias token kept in the alias file.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jupyter_server.utils import url_path_join

from .files import write_files
from .target import DeployError, Progress, check_deployment_id, check_slug, is_deployment_id

ROUTE = "fastpreview"
ALIASES = ".aliases"


class LocalTarget:
    name = "local"
    location = "local"

    def __init__(self, root: str | Path, base_url: str = "/", scope: str = "") -> None:
        """`scope` keeps apart the aliases of servers that share `root` (the default one is
        per user) but not app names: two servers' `demo` apps get two aliases."""
        self.root = Path(root).expanduser().resolve()
        self.base_url = base_url
        self.aliases = self.root / ALIASES / check_slug(scope) if scope else self.root / ALIASES

    # publishing

    def publish(
        self, deployment_id: str, slug: str, files: Mapping[str, bytes], progress: Progress
    ) -> str:
        temp = self.root / f".tmp-{check_deployment_id(deployment_id)}"
        try:
            write_files(temp, files, progress)
            os.rename(temp, self.root / deployment_id)
        except OSError as error:
            shutil.rmtree(temp, ignore_errors=True)
            raise DeployError(f"local target: cannot write {self.root}: {error}") from None
        return self.deployment_url(deployment_id)

    def promote(self, slug: str, deployment_id: str) -> str:
        token = self._alias(slug).get("token") or secrets.token_urlsafe(24)
        self._write_alias(slug, {"token": token, "deployment": deployment_id})
        return self.alias_url(slug, token)

    def unpromote(self, slug: str) -> None:
        alias = self._alias(slug)
        if alias:
            self._write_alias(slug, {"token": alias["token"], "deployment": None})

    def delete(self, slug: str, deployment_id: str) -> None:
        """Rename the folder away first: from that instant it is no longer served."""
        folder = self.root / check_deployment_id(deployment_id)
        trash = self.root / f".trash-{deployment_id}"
        try:
            os.rename(folder, trash)
        except FileNotFoundError:
            return
        except OSError as error:
            raise DeployError(f"local target: cannot delete {folder}: {error}") from None
        shutil.rmtree(trash, ignore_errors=True)

    def deployment_url(self, deployment_id: str) -> str:
        """A path from the server's origin, like the previews' URLs."""
        return url_path_join(self.base_url, ROUTE, "d", deployment_id) + "/"

    def alias_url(self, slug: str, token: str) -> str:
        return url_path_join(self.base_url, ROUTE, "a", slug, token) + "/"

    # serving

    def deployment_folder(self, deployment_id: str) -> Path | None:
        """The folder a deployment URL opens, if the id names a published deployment."""
        if not is_deployment_id(deployment_id):
            return None
        folder = self.root / deployment_id
        return folder if folder.is_dir() else None

    def alias_deployment(self, slug: str, token: str) -> str | None:
        """The deployment an alias URL serves (`""` while nothing is promoted), or None for
        an unknown app or a wrong token: the caller refuses those."""
        try:
            alias = self._alias(check_slug(slug))
        except DeployError:
            return None
        known = alias.get("token")
        if not known or not hmac.compare_digest(known.encode(), token.encode()):
            return None
        return alias.get("deployment") or ""

    # the alias file

    def _alias_file(self, slug: str) -> Path:
        return self.aliases / f"{check_slug(slug)}.json"

    def _alias(self, slug: str) -> dict[str, Any]:
        try:
            alias = json.loads(self._alias_file(slug).read_text())
        except (OSError, ValueError):
            return {}
        return alias if isinstance(alias, dict) and isinstance(alias.get("token"), str) else {}

    def _write_alias(self, slug: str, alias: dict[str, Any]) -> None:
        path = self._alias_file(slug)
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp.touch(mode=0o600)
            temp.write_text(json.dumps(alias))
            os.replace(temp, path)
        except OSError as error:
            temp.unlink(missing_ok=True)
            raise DeployError(f"local target: cannot switch the alias {path}: {error}") from None
