"""Git sync over smart HTTP with a token from the environment, as with GitHub: the token is
sent as basic auth, a refused token fails the job at once, server errors are retried, and
the token never reaches the store, an error or a log."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from git_remotes import GitHTTPServer, bare_repo, head, tree_files

from jupyter_fastpreview.gitsync import SyncQueue, redact
from jupyter_fastpreview.gitsync.credentials import http_credentials
from jupyter_fastpreview.store import AppRecord, Store
from jupyter_fastpreview.store.sync_jobs import SyncJobRecord

TOKEN = "ghp_TestToken0123456789abcdefABCDEF"
WRONG = "ghp_WrongToken9876543210zyxwvuZYXWVU"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "state.db")


@pytest.fixture
def queue(store: Store, tmp_path: Path) -> SyncQueue:
    """Retries come at once here, so `run_due` runs a job to its end in this thread."""
    return SyncQueue(store, tmp_path / "git-state", max_attempts=3, retry_delay=0)


@pytest.fixture
def app(store: Store, tmp_path: Path) -> AppRecord:
    folder = tmp_path / "demo"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "App.tsx").write_text("export default () => null;\n")
    (folder / "node_modules").mkdir()
    (folder / "node_modules" / "x.js").write_text("x")
    return store.ensure_app("demo", folder)


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    return bare_repo(tmp_path / "remote.git")


@pytest.fixture
def server(remote: Path) -> Iterator[GitHTTPServer]:
    server = GitHTTPServer(remote, token=TOKEN)
    yield server
    server.close()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No token unless the test sets one."""
    monkeypatch.delenv("FASTPREVIEW_GIT_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    return monkeypatch


def sync(queue: SyncQueue, app: AppRecord, remote: str) -> SyncJobRecord:
    job_id = queue.enqueue(app, remote, "main")
    queue.run_due()
    job = queue.store.sync_job(job_id)
    assert job is not None and job.finished
    return job


def stored_bytes(store: Store) -> bytes:
    """Everything the store holds on disk, the write-ahead log included."""
    return b"".join(path.read_bytes() for path in store.path.parent.glob("state.db*"))


@pytest.mark.parametrize("variable", ["FASTPREVIEW_GIT_TOKEN", "GITHUB_TOKEN"])
def test_a_push_with_the_token_from_the_environment(
    env, variable: str, queue, app, remote, server
) -> None:
    env.setenv(variable, TOKEN)
    job = sync(queue, app, server.url)
    assert (job.status, job.attempts, job.last_error) == ("done", 1, None)
    commit = head(remote)
    assert commit is not None and job.commit_sha == commit.id.decode()
    assert tree_files(remote, commit) == {"src/App.tsx": b"export default () => null;\n"}
    assert "/repo.git/git-receive-pack" in server.requests


def test_fastpreview_token_comes_before_github_token(env, queue, app, server) -> None:
    env.setenv("FASTPREVIEW_GIT_TOKEN", TOKEN)
    env.setenv("GITHUB_TOKEN", WRONG)
    assert sync(queue, app, server.url).status == "done"


@pytest.mark.parametrize("token", [WRONG, None])
def test_a_refused_token_fails_at_once_and_is_never_written_down(
    env, token: str | None, queue, store, app, server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    if token:
        env.setenv("FASTPREVIEW_GIT_TOKEN", token)
    job = sync(queue, app, server.url)
    assert (job.status, job.attempts) == ("failed", 1)
    assert job.last_error is not None
    assert "HTTP 401" in job.last_error and "FASTPREVIEW_GIT_TOKEN" in job.last_error
    assert len([path for path in server.requests if path.endswith("/info/refs")]) == 1
    for secret in (WRONG, TOKEN):
        assert secret not in job.last_error
        assert secret not in caplog.text
        assert secret.encode() not in stored_bytes(store)
    assert base64.b64encode(f"x-access-token:{WRONG}".encode()).decode() not in caplog.text


@pytest.mark.parametrize(
    ("status", "attempts", "says"),
    [
        (403, 1, "refused access (HTTP 403)"),
        (404, 1, "no git repository"),
        (400, 1, "answered HTTP 400"),
        (500, 3, "answered HTTP 500 (gave up after 3 attempts)"),
        (503, 3, "answered HTTP 503 (gave up after 3 attempts)"),
        (429, 3, "answered HTTP 429 (gave up after 3 attempts)"),
    ],
)
def test_server_errors_are_retried_and_refusals_are_not(
    env, status: int, attempts: int, says: str, queue, app, server
) -> None:
    env.setenv("FASTPREVIEW_GIT_TOKEN", TOKEN)
    server.status = status
    job = sync(queue, app, server.url)
    assert (job.status, job.attempts) == ("failed", attempts)
    assert job.last_error is not None and says in job.last_error
    assert len([path for path in server.requests if path.endswith("/info/refs")]) == attempts


def test_the_token_goes_only_where_it_cannot_be_read_on_the_way(env) -> None:
    env.setenv("GITHUB_TOKEN", TOKEN)
    assert http_credentials("https://github.com/o/r.git") == ("x-access-token", TOKEN)
    assert http_credentials("http://127.0.0.1:8/r.git") == ("x-access-token", TOKEN)
    assert http_credentials("http://localhost/r.git") == ("x-access-token", TOKEN)
    assert http_credentials("http://git.example.org/r.git") is None
    env.delenv("GITHUB_TOKEN")
    assert http_credentials("https://github.com/o/r.git") is None


def test_redact_removes_the_token_in_every_form(env) -> None:
    env.setenv("FASTPREVIEW_GIT_TOKEN", "t0k/en+=")
    env.setenv("GITHUB_TOKEN", TOKEN)
    basic = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    text = (
        f"token {TOKEN}; header Basic {basic}; quoted t0k%2Fen%2B%3D; raw t0k/en+=; "
        "url https://user:hunter2@example.org/r.git and ssh://git@example.org/r.git"
    )
    assert redact(text) == (
        "token ***; header Basic ***; quoted ***; raw ***; "
        "url https://user:***@example.org/r.git and ssh://git@example.org/r.git"
    )


def test_redact_without_tokens_leaves_text_alone(env) -> None:
    assert redact("connection refused") == "connection refused"
