"""The sync queue: retries with backoff, failure after the last attempt, jobs resumed after a
restart or a crash, one worker per store, and a worker that never blocks the event loop."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from git_remotes import GitHTTPServer, bare_repo, head

from jupyter_fastpreview.gitsync import SyncQueue
from jupyter_fastpreview.gitsync.lock import OwnerLock
from jupyter_fastpreview.store import AppRecord, Store

WAIT = 60.0
"""Seconds a test waits for a job before failing: a bound, never an expectation."""


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "state.db")


@pytest.fixture
def queues(store: Store, tmp_path: Path) -> Iterator[list[SyncQueue]]:
    """Every queue a test makes, stopped after it."""
    made: list[SyncQueue] = []
    yield made
    for queue in made:
        queue.stop()


@pytest.fixture
def make_queue(store: Store, tmp_path: Path, queues: list[SyncQueue]):
    def make(on: Store | None = None, **options) -> SyncQueue:
        options.setdefault("poll_interval", 0.2)
        queue = SyncQueue(on or store, tmp_path / "git-state", **options)
        queues.append(queue)
        return queue

    return make


@pytest.fixture
def app(store: Store, tmp_path: Path) -> AppRecord:
    folder = tmp_path / "demo"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "App.tsx").write_text("export default () => null;\n")
    return store.ensure_app("demo", folder)


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    return bare_repo(tmp_path / "remote.git")


@pytest.fixture
def unreachable() -> str:
    """An HTTP remote on a port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/repo.git"


def test_an_unreachable_remote_is_retried_then_fails_with_the_error(
    make_queue, app, unreachable
) -> None:
    queue = make_queue(max_attempts=3, retry_delay=0.01)
    queue.start()
    job = queue.wait(queue.enqueue(app, unreachable), WAIT)
    assert (job.status, job.attempts, job.commit_sha) == ("failed", 3, None)
    assert job.last_error is not None
    assert job.last_error.startswith("network error")
    assert job.last_error.endswith("(gave up after 3 attempts)")


def test_a_failed_attempt_waits_for_its_backoff(make_queue, store, app, unreachable) -> None:
    queue = make_queue(max_attempts=5, retry_delay=3600, max_retry_delay=7200)
    job_id = queue.enqueue(app, unreachable)
    before = time.time()
    assert queue.run_due() == 1
    job = store.sync_job(job_id)
    assert job is not None
    assert (job.status, job.attempts) == ("queued", 1)
    assert job.last_error is not None and job.last_error.startswith("network error")
    assert job.next_try_at >= before + 3600
    assert queue.run_due() == 0, "a job is not tried again before its backoff has passed"


def test_the_backoff_doubles_up_to_its_cap(make_queue) -> None:
    queue = make_queue(retry_delay=2, max_retry_delay=10)
    assert [queue.backoff(attempts) for attempts in range(1, 6)] == [2, 4, 8, 10, 10]


def test_a_job_queued_before_a_restart_runs_after_it(
    make_queue, store, app, remote, tmp_path
) -> None:
    before = make_queue()
    job_id = before.enqueue(app, str(remote))
    before.stop()
    assert store.sync_job(job_id).status == "queued"

    after = make_queue(on=Store(store.path))
    after.start()
    job = after.wait(job_id, WAIT)
    assert (job.status, job.attempts) == ("done", 1)
    assert head(remote).id.decode() == job.commit_sha


def test_a_job_left_running_by_a_crash_is_resumed(make_queue, store, app, remote) -> None:
    job_id = make_queue().enqueue(app, str(remote))
    crashed = store.claim_sync_job(time.time())
    assert crashed is not None and (crashed.id, crashed.status) == (job_id, "running")

    after = make_queue(on=Store(store.path))
    after.start()
    job = after.wait(job_id, WAIT)
    assert (job.status, job.attempts) == ("done", 2)


def test_only_one_worker_owns_a_store(make_queue, store, app, remote, tmp_path) -> None:
    first = OwnerLock(tmp_path / "lock")
    second = OwnerLock(tmp_path / "lock")
    assert first.acquire() and not second.acquire()
    first.release()
    assert second.acquire()
    second.release()

    owner = make_queue()
    owner.start()
    owner.wait(owner.enqueue(app, str(remote)), WAIT)
    other = make_queue(on=Store(store.path))
    Path(app.folder, "src", "more.ts").write_text("export {};\n")
    job_id = other.enqueue(app, str(remote))
    assert other.run_due() == 0, "the store's jobs are the owner's to run"
    assert owner.wait(job_id, WAIT).status == "done"


def test_a_waiting_job_for_the_same_target_is_reused(make_queue, store, app, remote) -> None:
    queue = make_queue()
    first = queue.enqueue(app, str(remote))
    assert queue.enqueue(app, str(remote)) == first
    other_branch = queue.enqueue(app, str(remote), "other")
    assert other_branch != first
    assert [job.id for job in store.sync_jobs(app.id)] == [other_branch, first]


def test_after_deploy_syncs_to_the_last_target_if_any(make_queue, store, app, remote) -> None:
    queue = make_queue()
    assert queue.after_deploy(app.id) is None
    queue.enqueue(app, str(remote), "site")
    assert queue.run_due() == 1
    job_id = queue.after_deploy(app.id)
    assert job_id is not None
    job = store.sync_job(job_id)
    assert (job.remote, job.branch, job.status) == (str(remote), "site", "queued")


async def test_a_running_push_does_not_block_the_event_loop(make_queue, store, app, remote) -> None:
    server = GitHTTPServer(remote)
    server.hold()
    try:
        queue = make_queue()
        queue.start()
        job_id = queue.enqueue(app, server.url)
        assert await asyncio.to_thread(server.arrived.wait, WAIT), "the push never started"
        assert store.sync_job(job_id).status == "running", "the push is under way, off the loop"
        server.release()
        job = await asyncio.to_thread(queue.wait, job_id, WAIT)
    finally:
        server.close()
    assert job.status == "done", job.last_error
