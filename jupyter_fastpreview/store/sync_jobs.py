"""Git sync jobs in the state store: the queue survives a server restart because it lives here.

A job moves `queued` -> `running` -> `done` or `failed`; a retryable failure moves it back to
`queued` with a later `next_try_at`. Moves are single short transactions, so a job is claimed
by one worker only, even with several processes on the same database.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

FINISHED_STATUSES = ("done", "failed")
SYNC_JOB_STATUSES = ("queued", "running", *FINISHED_STATUSES)


@dataclass(frozen=True)
class SyncJobRecord:
    id: int
    app_id: int
    """The store's app id (`AppRecord.id`), not the dev server's slug."""
    remote: str
    """Never holds credentials: remotes with a password in them are refused before queueing."""
    branch: str
    status: str
    attempts: int
    next_try_at: float
    last_error: str | None
    commit_sha: str | None
    created_at: float
    updated_at: float

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class SyncJobTable:
    """The `sync_jobs` table, mixed into `Store`."""

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def _connection(self) -> sqlite3.Connection: ...

    def queue_sync_job(self, app_id: int, remote: str, branch: str) -> SyncJobRecord:
        """A queued job for this app, remote and branch.

        A job snapshots the folder when it runs, so a job for the same target that has not
        started yet already covers the newest files: it is reused and made due now.
        """
        now = time.time()
        with self.transaction() as db:
            waiting = db.execute(
                "SELECT id FROM sync_jobs WHERE app_id = ? AND remote = ? AND branch = ?"
                " AND status = 'queued' ORDER BY id DESC LIMIT 1",
                (app_id, remote, branch),
            ).fetchone()
            if waiting is not None:
                job_id = waiting["id"]
                db.execute(
                    "UPDATE sync_jobs SET next_try_at = MIN(next_try_at, ?), updated_at = ?"
                    " WHERE id = ?",
                    (now, now, job_id),
                )
            else:
                job_id = db.execute(
                    "INSERT INTO sync_jobs (app_id, remote, branch, status, next_try_at,"
                    " created_at, updated_at) VALUES (?, ?, ?, 'queued', ?, ?, ?)",
                    (app_id, remote, branch, now, now, now),
                ).lastrowid
            row = db.execute("SELECT * FROM sync_jobs WHERE id = ?", (job_id,)).fetchone()
        return SyncJobRecord(**row)

    def sync_job(self, job_id: int) -> SyncJobRecord | None:
        row = (
            self._connection().execute("SELECT * FROM sync_jobs WHERE id = ?", (job_id,)).fetchone()
        )
        return SyncJobRecord(**row) if row else None

    def sync_jobs(self, app_id: int, limit: int = 20) -> list[SyncJobRecord]:
        """The app's jobs, newest first."""
        rows = (
            self._connection()
            .execute(
                "SELECT * FROM sync_jobs WHERE app_id = ? ORDER BY created_at DESC, id DESC"
                " LIMIT ?",
                (app_id, limit),
            )
            .fetchall()
        )
        return [SyncJobRecord(**row) for row in rows]

    def last_sync_target(self, app_id: int) -> tuple[str, str] | None:
        """The remote and branch the app was last synced to, whatever became of that job."""
        row = (
            self._connection()
            .execute(
                "SELECT remote, branch FROM sync_jobs WHERE app_id = ?"
                " ORDER BY created_at DESC, id DESC LIMIT 1",
                (app_id,),
            )
            .fetchone()
        )
        return (row["remote"], row["branch"]) if row else None

    def claim_sync_job(self, now: float) -> SyncJobRecord | None:
        """Move the job due soonest to `running` and count the attempt; None if none is due.

        An app with a running job is passed over, so one app's jobs never run side by side.
        """
        with self.transaction() as db:
            row = db.execute(
                "SELECT id FROM sync_jobs WHERE status = 'queued' AND next_try_at <= ?"
                " AND app_id NOT IN (SELECT app_id FROM sync_jobs WHERE status = 'running')"
                " ORDER BY next_try_at, id LIMIT 1",
                (now,),
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE sync_jobs SET status = 'running', attempts = attempts + 1,"
                " updated_at = ? WHERE id = ?",
                (now, row["id"]),
            )
            claimed = db.execute("SELECT * FROM sync_jobs WHERE id = ?", (row["id"],)).fetchone()
        return SyncJobRecord(**claimed)

    def sync_job_counts(self) -> dict[str, int]:
        """How many jobs are in each status, every status named (0 when none)."""
        rows = (
            self._connection()
            .execute("SELECT status, COUNT(*) AS count FROM sync_jobs GROUP BY status")
            .fetchall()
        )
        counts = dict.fromkeys(SYNC_JOB_STATUSES, 0)
        counts.update({row["status"]: row["count"] for row in rows})
        return counts

    def next_sync_job_due(self) -> float | None:
        """When the next queued job is due, to sleep until then."""
        row = (
            self._connection()
            .execute("SELECT MIN(next_try_at) FROM sync_jobs WHERE status = 'queued'")
            .fetchone()
        )
        return row[0]

    def retry_sync_job(self, job_id: int, error: str, next_try_at: float) -> None:
        self._move_sync_job(job_id, "queued", last_error=error, next_try_at=next_try_at)

    def finish_sync_job(self, job_id: int, commit_sha: str) -> None:
        self._move_sync_job(job_id, "done", last_error=None, commit_sha=commit_sha)

    def fail_sync_job(self, job_id: int, error: str) -> None:
        self._move_sync_job(job_id, "failed", last_error=error)

    def requeue_running_sync_jobs(self) -> int:
        """Queue again the jobs a stopped worker left `running`; their attempt still counts."""
        now = time.time()
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE sync_jobs SET status = 'queued', next_try_at = ?, updated_at = ?"
                " WHERE status = 'running'",
                (now, now),
            )
        return cursor.rowcount

    def _move_sync_job(self, job_id: int, status: str, **columns: Any) -> None:
        """Set the status and the given columns; a job deleted with its app is left deleted."""
        names = "".join(f", {name} = ?" for name in columns)
        with self.transaction() as db:
            db.execute(
                f"UPDATE sync_jobs SET status = ?, updated_at = ?{names} WHERE id = ?",
                (status, time.time(), *columns.values(), job_id),
            )
