"""What the server does for an app in the background, as the notebook sees it: deployments
and git sync jobs, read from the server's API and refreshed by polling it."""

from __future__ import annotations

import time
import urllib.parse
from dataclasses import dataclass, field, fields
from typing import Any

from .link import ServerLink
from .progress import Progress

POLL_S = 0.02
FINISHED_DEPLOY = ("live", "failed")
FINISHED_SYNC = ("done", "failed")


class DeployFailed(RuntimeError):
    """The deploy did not go live; the message is the server's reason (it is also recorded,
    and whatever was promoted before still serves)."""


@dataclass(frozen=True)
class Deployment:
    id: str
    target: str
    status: str
    """`building`, `publishing`, `live` or `failed`."""
    url: str | None
    """Where this deployment is served, for ever (absolute)."""
    alias_url: str | None
    """The app's stable URL, while this deployment is the promoted one."""
    promoted: bool
    ms: float | None
    size: int | None
    files: list[dict[str, Any]]
    error: str | None
    created_at: float
    link: ServerLink = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, data: dict[str, Any], link: ServerLink) -> Deployment:
        values = _fields_of(cls, data)
        for name in ("url", "alias_url"):
            if values[name]:
                values[name] = urllib.parse.urljoin(link.url, values[name])
        return cls(**values, link=link)

    def promote(self) -> Deployment:
        """Make this the deployment the app's alias URL serves."""
        data = self.link.request("POST", f"api/deployments/{self.id}/promote")
        return Deployment.from_json(data, self.link)

    def delete(self) -> None:
        """Unpublish it; if it was promoted, the alias moves to the newest other one."""
        self.link.request("DELETE", f"api/deployments/{self.id}")

    def _repr_html_(self) -> str:
        if self.status != "live" or not self.url:
            return f"<code>{self.id}</code>: {self.status} {self.error or ''}"
        size = f"{(self.size or 0) / 1024:.0f} KiB"
        alias = f' (alias <a href="{self.alias_url}" target="_blank">{self.alias_url}</a>)'
        return (
            f'Deployed to {self.target} in {self.ms:.0f} ms, {size}: <a href="{self.url}" '
            f'target="_blank">{self.url}</a>{alias if self.alias_url else ""}'
        )


def follow_deploy(link: ServerLink, started: dict[str, Any], timeout: float) -> Deployment:
    """Poll a started deploy to its end, with a progress bar; raises `DeployFailed`."""
    progress = Progress(f"Deploying to {started['target']}")
    deadline = time.monotonic() + timeout
    data = started
    while data["status"] not in FINISHED_DEPLOY:
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"deployment {data['id']} is still {data['status']} after {timeout}s"
            )
        time.sleep(POLL_S)
        data = link.request("GET", f"api/deployments/{data['id']}")
        progress.update(data["percent"], data["phase"])
    deployment = Deployment.from_json(data, link)
    if deployment.status == "failed":
        progress.update(100, "failed")
        raise DeployFailed(deployment.error or "the deploy failed")
    progress.update(100, f"live at {deployment.url}")
    return deployment


@dataclass(frozen=True)
class SyncJob:
    id: int
    remote: str
    branch: str
    status: str
    """`queued`, `running`, `done` or `failed`."""
    attempts: int
    last_error: str | None
    commit_sha: str | None
    created_at: float
    updated_at: float
    link: ServerLink = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, data: dict[str, Any], link: ServerLink) -> SyncJob:
        return cls(**_fields_of(cls, data), link=link)

    def refresh(self) -> SyncJob:
        return SyncJob.from_json(self.link.request("GET", f"api/sync/{self.id}"), self.link)

    def wait(self, timeout: float = 60.0) -> SyncJob:
        """The job once done or failed (it retries network errors with backoff meanwhile)."""
        deadline = time.monotonic() + timeout
        job = self
        while job.status not in FINISHED_SYNC:
            if time.monotonic() > deadline:
                raise TimeoutError(f"sync job {self.id} is still {job.status} after {timeout}s")
            time.sleep(0.1)
            job = job.refresh()
        return job


def _fields_of(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """The server's JSON narrowed to the dataclass's fields (newer servers may send more)."""
    return {f.name: data.get(f.name) for f in fields(cls) if f.name != "link"}
