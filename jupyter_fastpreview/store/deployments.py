"""Deployments in the state store: each deploy's row, from `building` to `live` or `failed`.

A row is written when a deploy starts and updated as it moves on, so a deploy that dies midway
is still on record. Promotion is per app and per place a target publishes to (`location`: the
local store, one folder, one bucket and prefix); a partial unique index keeps one promoted
deployment per pair, and moving it is one transaction, so readers never see two or none.
"""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

DEPLOYMENT_STATUSES = ("building", "publishing", "live", "failed")


@dataclass(frozen=True)
class DeploymentRecord:
    id: str
    app_id: int
    slug: str
    """The app's name in target paths and alias URLs."""
    target: str
    location: str
    """Where the target publishes (`local`, `directory:/srv/www`, `s3://bucket/prefix`)."""
    options: dict[str, Any]
    url: str | None
    alias_url: str | None
    """Set while the deployment is promoted: the stable URL that serves it."""
    status: str
    promoted: bool
    ms: float | None
    size: int | None
    files: list[dict[str, Any]]
    """`{"path", "size"}` per published file."""
    error: str | None
    created_at: float
    updated_at: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class DeploymentTable:
    """Mixed into `Store`: the methods over the `deployments` table."""

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def _connection(self) -> sqlite3.Connection: ...

    def add_deployment(
        self,
        deployment_id: str,
        app_id: int,
        slug: str,
        target: str,
        location: str,
        options: dict[str, Any],
    ) -> DeploymentRecord:
        """Record a deploy that starts now, as `building`."""
        now = time.time()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO deployments (id, app_id, slug, target, location, options, status,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'building', ?, ?)",
                (deployment_id, app_id, slug, target, location, json.dumps(options), now, now),
            )
        return self._deployment_or_fail(deployment_id)

    def set_deployment_status(self, deployment_id: str, status: str) -> None:
        if status not in DEPLOYMENT_STATUSES:
            raise ValueError(f"unknown deployment status {status!r}")
        self._update(deployment_id, status=status)

    def finish_deployment(
        self,
        deployment_id: str,
        url: str,
        ms: float,
        files: dict[str, int],
        alias_url: str | None = None,
    ) -> DeploymentRecord:
        """The deployment is complete at `url`; `files` maps each path to its size. With an
        `alias_url` it is promoted in the same transaction: a reader never sees it live but
        not yet promoted."""
        listed = [{"path": path, "size": size} for path, size in sorted(files.items())]
        with self.transaction() as db:
            _set(
                db,
                deployment_id,
                status="live",
                url=url,
                ms=ms,
                size=sum(files.values()),
                files=json.dumps(listed),
                error=None,
            )
            if alias_url is not None:
                self._promote(db, deployment_id, alias_url)
        return self._deployment_or_fail(deployment_id)

    def fail_deployment(self, deployment_id: str, error: str, ms: float) -> DeploymentRecord:
        self._update(deployment_id, status="failed", error=error, ms=ms)
        return self._deployment_or_fail(deployment_id)

    def promote_deployment(self, deployment_id: str, alias_url: str) -> DeploymentRecord:
        """Make it the promoted one of its app and location, in one move."""
        self._deployment_or_fail(deployment_id)
        with self.transaction() as db:
            self._promote(db, deployment_id, alias_url)
        return self._deployment_or_fail(deployment_id)

    @staticmethod
    def _promote(db: sqlite3.Connection, deployment_id: str, alias_url: str) -> None:
        db.execute(
            "UPDATE deployments SET promoted = 0, alias_url = NULL"
            " WHERE promoted = 1 AND id != ? AND (app_id, location) ="
            " (SELECT app_id, location FROM deployments WHERE id = ?)",
            (deployment_id, deployment_id),
        )
        _set(db, deployment_id, promoted=1, alias_url=alias_url)

    def unpromote_deployment(self, deployment_id: str) -> None:
        self._update(deployment_id, promoted=0, alias_url=None)

    def delete_deployment(self, deployment_id: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM deployments WHERE id = ?", (deployment_id,))

    def deployment(self, deployment_id: str) -> DeploymentRecord | None:
        row = (
            self._connection()
            .execute("SELECT * FROM deployments WHERE id = ?", (deployment_id,))
            .fetchone()
        )
        return _record(row) if row else None

    def deployments(self, app_id: int, limit: int = 100) -> list[DeploymentRecord]:
        """The app's deployments, newest first."""
        rows = (
            self._connection()
            .execute(
                "SELECT * FROM deployments WHERE app_id = ? ORDER BY created_at DESC, rowid DESC"
                " LIMIT ?",
                (app_id, limit),
            )
            .fetchall()
        )
        return [_record(row) for row in rows]

    def promoted_deployment(self, app_id: int, location: str) -> DeploymentRecord | None:
        row = (
            self._connection()
            .execute(
                "SELECT * FROM deployments WHERE app_id = ? AND location = ? AND promoted = 1",
                (app_id, location),
            )
            .fetchone()
        )
        return _record(row) if row else None

    def latest_live_deployment(
        self, app_id: int, location: str, excluding: str
    ) -> DeploymentRecord | None:
        """The newest live deployment other than `excluding`: what takes over its alias."""
        row = (
            self._connection()
            .execute(
                "SELECT * FROM deployments WHERE app_id = ? AND location = ? AND status = 'live'"
                " AND id != ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
                (app_id, location, excluding),
            )
            .fetchone()
        )
        return _record(row) if row else None

    def _update(self, deployment_id: str, **values: Any) -> None:
        with self.transaction() as db:
            _set(db, deployment_id, **values)

    def _deployment_or_fail(self, deployment_id: str) -> DeploymentRecord:
        record = self.deployment(deployment_id)
        if record is None:
            raise LookupError(f"no deployment {deployment_id!r}")
        return record


def _set(db: sqlite3.Connection, deployment_id: str, **values: Any) -> None:
    """Set columns of the deployment (and its `updated_at`) within the caller's transaction."""
    columns = ", ".join(f"{name} = ?" for name in values)
    db.execute(
        f"UPDATE deployments SET {columns}, updated_at = ? WHERE id = ?",
        (*values.values(), time.time(), deployment_id),
    )


def _record(row: sqlite3.Row) -> DeploymentRecord:
    values = dict(row)
    values["options"] = json.loads(values["options"])
    values["files"] = json.loads(values["files"])
    values["promoted"] = bool(values["promoted"])
    return DeploymentRecord(**values)
