"""The sync queue: jobs persisted in the state store, worked off the event loop.

`enqueue` only writes a row and wakes the worker, so it returns at once, also on the
server's event loop. One worker thread runs the jobs, one at a time: pushes of a few app
folders are short, and one at a time keeps an app's repository free of concurrent writers.
A job snapshots the folder when it runs, not when it is queued. A retryable failure (the
network) is tried again after an exponential backoff, up to `max_attempts` attempts; any
other failure fails the job at once.

Only the process holding the store's lock file works the queue (see `lock`); on taking it,
the worker queues again whatever a crashed or stopped worker left `running`. Queues of other
processes on the same store still accept jobs; the worker sees them within `poll_interval`.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from ..server.events import log_event
from ..store import AppRecord, Store
from ..store.sync_jobs import SyncJobRecord
from .credentials import redact
from .errors import SyncError
from .lock import OwnerLock
from .push import DEFAULT_TIMEOUT, push
from .remotes import branch_ref, check_remote
from .repository import DEFAULT_AUTHOR, commit_snapshot, open_repository
from .snapshot import MAX_FILE_BYTES, snapshot

log = logging.getLogger(__name__)

SHORTEST_IDLE = 0.05
"""Seconds; a floor on the worker's sleep, so a job it cannot claim never makes it spin."""


class SyncQueue:
    """Queue git syncs of app folders and run them in a background thread.

    `retry_delay` is the wait after the first failed attempt, doubled after each further
    one and capped at `max_retry_delay` (seconds).
    """

    def __init__(
        self,
        store: Store,
        state_dir: Path,
        *,
        author: str = DEFAULT_AUTHOR,
        max_attempts: int = 6,
        retry_delay: float = 5.0,
        max_retry_delay: float = 600.0,
        poll_interval: float = 5.0,
        timeout: float = DEFAULT_TIMEOUT,
        max_file_bytes: int = MAX_FILE_BYTES,
        on_change: Callable[[SyncJobRecord], None] | None = None,
    ) -> None:
        self.store = store
        self.state_dir = Path(state_dir)
        self.author = author
        self.max_attempts = max_attempts
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.max_file_bytes = max_file_bytes
        self.on_change = on_change
        """Told of each job's every status move (queued, running, done, failed), from the
        thread that made it: the server shows them in the app's previews."""
        self.lock_path = Path(f"{store.path}.sync-lock")
        self._wake = threading.Event()
        self._changed = threading.Condition()
        self._worker: tuple[threading.Thread, threading.Event] | None = None

    # the API

    def enqueue(self, app: AppRecord, remote: str, branch: str = "main") -> int:
        """Queue a sync of `app`'s source files to `branch` of `remote`; the job's id.

        Raises `RemoteRefused` (nothing is queued) for a remote or branch that cannot work.
        A job for the same app, remote and branch that has not started yet is reused.
        """
        check_remote(remote)
        branch_ref(branch)
        job = self.store.queue_sync_job(app.id, remote, branch)
        log.info("sync job %s queued: %s to %s, branch %s", job.id, app.name, remote, branch)
        self._tell(job)
        self._wake.set()
        return job.id

    def after_deploy(self, app_id: int) -> int | None:
        """For the deploy code, after a successful deploy of the store's app `app_id`: sync
        it again to the remote and branch of its latest sync. None for an app never synced."""
        app = self.store.app(app_id)
        target = self.store.last_sync_target(app_id)
        if app is None or target is None:
            return None
        remote, branch = target
        return self.enqueue(app, remote, branch)

    def start(self) -> None:
        """Start the worker thread (once; again after `stop`)."""
        if self._worker is not None:
            return
        stopping = threading.Event()
        thread = threading.Thread(
            target=self._work, args=(stopping,), name="fastpreview-gitsync", daemon=True
        )
        self._worker = (thread, stopping)
        thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the worker, waiting up to `timeout` seconds for a push under way.

        A push still running then is left to finish or to end with the process; if it does
        not finish, its job stays `running` and the next worker resumes it.
        """
        if self._worker is None:
            return
        thread, stopping = self._worker
        self._worker = None
        stopping.set()
        self._wake.set()
        thread.join(timeout)

    def wait(self, job_id: int, timeout: float) -> SyncJobRecord:
        """Block until the job is done or failed (for tests and scripts; not on a loop).

        Raises `KeyError` for an unknown job, `TimeoutError` if it is still unfinished.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                job = self.store.sync_job(job_id)
                if job is None:
                    raise KeyError(f"no sync job {job_id}")
                if job.finished:
                    return job
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"sync job {job_id} is still {job.status}")
                self._changed.wait(min(remaining, self.poll_interval))

    def run_due(self) -> int:
        """Run the jobs due now in the calling thread; how many ran. For scripts and tests:
        does nothing (0) while a worker, this queue's or another process's, owns the store."""
        lock = OwnerLock(self.lock_path)
        ran = 0
        try:
            while self._step(lock):
                ran += 1
        finally:
            lock.release()
        return ran

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after `attempts` failed attempts."""
        return min(self.retry_delay * 2 ** (attempts - 1), self.max_retry_delay)

    # the worker

    def _work(self, stopping: threading.Event) -> None:
        """Run due jobs until stopped; the lock file is this thread's, released as it ends."""
        lock = OwnerLock(self.lock_path)
        try:
            while not stopping.is_set():
                try:
                    ran = self._step(lock)
                except Exception:
                    log.error("git sync worker error\n%s", redact(traceback.format_exc()))
                    ran = False
                if not ran:
                    self._idle(lock)
        finally:
            lock.release()
            self.store.close()

    def _step(self, lock: OwnerLock) -> bool:
        """Run one due job if this worker owns the queue; whether it ran one."""
        if not lock.held and not self._take_over(lock):
            return False
        job = self.store.claim_sync_job(time.time())
        if job is None:
            return False
        self._tell(job)
        self._tell(self._run(job))
        with self._changed:
            self._changed.notify_all()
        return True

    def _tell(self, job: SyncJobRecord | None) -> None:
        """Hand `on_change` the job as it is now (None: deleted meanwhile, nothing to say)."""
        if self.on_change is None or job is None:
            return
        try:
            self.on_change(job)
        except Exception:
            log.error("sync job %s: on_change failed\n%s", job.id, traceback.format_exc())

    def _take_over(self, lock: OwnerLock) -> bool:
        """Own the queue if no other worker does, and resume what a previous one left."""
        if not lock.acquire():
            return False
        resumed = self.store.requeue_running_sync_jobs()
        if resumed:
            log.info("resuming %s git sync job(s) left running by a previous worker", resumed)
        return True

    def _idle(self, lock: OwnerLock) -> None:
        """Sleep until a job is queued here, the next queued job is due, or the poll interval
        has passed (for jobs queued by other processes, or a lock another worker freed)."""
        delay = self.poll_interval
        due = self.store.next_sync_job_due() if lock.held else None
        if due is not None:
            delay = min(delay, max(SHORTEST_IDLE, due - time.time()))
        self._wake.wait(delay)
        self._wake.clear()

    def _run(self, job: SyncJobRecord) -> SyncJobRecord | None:
        """One attempt at the job; the job after it (None if it was deleted meanwhile)."""
        started = time.perf_counter()
        try:
            commit = self._sync(job)
        except SyncError as error:
            self._failed(job, error)
        except Exception as error:
            log.error("sync job %s: unexpected error\n%s", job.id, redact(traceback.format_exc()))
            self._failed(job, SyncError(f"{type(error).__name__}: {error}", retryable=False))
        else:
            self.store.finish_sync_job(job.id, commit)
            log.info(
                "sync job %s pushed %s to %s, branch %s", job.id, commit, job.remote, job.branch
            )
        after = self.store.sync_job(job.id)
        self._log_run(job, after, started)
        return after

    def _log_run(self, job: SyncJobRecord, after: SyncJobRecord | None, started: float) -> None:
        """The attempt's log line: the job's status after it (`queued` again for a retry)."""
        app = self.store.app(job.app_id)
        log_event(
            "sync",
            job=job.id,
            app=app.name if app else job.app_id,
            status=after.status if after else "deleted",
            attempts=job.attempts,
            ms=(time.perf_counter() - started) * 1000,
        )

    def _sync(self, job: SyncJobRecord) -> str:
        """Snapshot the app folder, commit it, push it; the pushed commit's sha."""
        app = self.store.app(job.app_id)
        if app is None:
            raise SyncError("the app no longer exists", retryable=False)
        folder = Path(app.folder)
        if not folder.is_dir():
            raise SyncError(f"the app folder {folder} does not exist", retryable=False)
        files = snapshot(folder, self.max_file_bytes)
        if not files:
            raise SyncError(f"no source files to sync in {folder}", retryable=False)
        message = f"Sync {app.name} from jupyter-fastpreview\n"
        with open_repository(self.state_dir, folder) as repo:
            commit = commit_snapshot(repo, files, job.branch, message, self.author)
            push(repo, job.remote, job.branch, self.timeout)
        return commit.decode("ascii")

    def _failed(self, job: SyncJobRecord, error: SyncError) -> None:
        """Retry later if the error is retryable and attempts remain, else fail the job."""
        message = redact(error.message)
        if error.retryable and job.attempts < self.max_attempts:
            delay = self.backoff(job.attempts)
            self.store.retry_sync_job(job.id, message, time.time() + delay)
            log.warning(
                "sync job %s: attempt %s of %s failed, next in %.1fs: %s",
                job.id,
                job.attempts,
                self.max_attempts,
                delay,
                message,
            )
            return
        if error.retryable:
            message = f"{message} (gave up after {job.attempts} attempts)"
        self.store.fail_sync_job(job.id, message)
        log.error("sync job %s failed: %s", job.id, message)
