"""Git sync to a bare repository on disk: what is pushed, how commits follow each other, and
which remotes and branches are refused before anything is queued."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from dulwich.objects import Commit
from dulwich.repo import Repo
from git_remotes import bare_repo, commit_directly, head, tree_files

from jupyter_fastpreview.gitsync import RemoteRefused, SyncQueue
from jupyter_fastpreview.gitsync.remotes import branch_ref, check_remote
from jupyter_fastpreview.gitsync.repository import DEFAULT_AUTHOR
from jupyter_fastpreview.gitsync.snapshot import snapshot
from jupyter_fastpreview.store import AppRecord, Store
from jupyter_fastpreview.store.sync_jobs import SyncJobRecord

SOURCE = {
    "index.html": "<!doctype html><div id=root></div>",
    "package.json": '{"name": "demo"}',
    "src/App.tsx": "export default function App() { return <p>hi</p>; }\n",
    "src/styles/app.css": "p { color: red; }\n",
    "src/nested/dist/keep.ts": "export const keep = 1;\n",
}
NOT_SOURCE = {
    "node_modules/react/index.js": "module.exports = {};",
    "src/node_modules/x/index.js": "module.exports = {};",
    "dist/index.html": "<built/>",
    "dist/assets/index-abc.js": "built();",
    ".env": "SECRET=1",
    ".fastpreview-batch": "",
    ".fastpreview-deps/react.js": "export {};",
    "src/.~App.tsx": "backup",
    "src/App.tsx~": "backup",
    "src/#App.tsx#": "autosave",
}


def write(folder: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "state.db")


@pytest.fixture
def queue(store: Store, tmp_path: Path) -> Iterator[SyncQueue]:
    queue = SyncQueue(store, tmp_path / "git-state", retry_delay=3600)
    yield queue
    queue.stop()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "apps" / "demo"
    write(folder, SOURCE | NOT_SOURCE)
    return folder


@pytest.fixture
def app(store: Store, folder: Path) -> AppRecord:
    return store.ensure_app("demo", folder)


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    return bare_repo(tmp_path / "remote.git")


def sync(queue: SyncQueue, app: AppRecord, remote: str, branch: str = "main") -> SyncJobRecord:
    """Queue a job and run it in this thread: the worker's code path, without its thread."""
    job_id = queue.enqueue(app, remote, branch)
    assert queue.run_due() == 1
    job = queue.store.sync_job(job_id)
    assert job is not None
    return job


def pushed(remote: Path, branch: str = "main") -> Commit:
    commit = head(remote, branch)
    assert commit is not None, f"nothing pushed to {branch}"
    return commit


def test_the_pushed_tree_has_exactly_the_source_files(queue, app, remote) -> None:
    job = sync(queue, app, str(remote))
    assert (job.status, job.attempts, job.last_error) == ("done", 1, None)
    commit = pushed(remote)
    assert job.commit_sha == commit.id.decode()
    assert tree_files(remote, commit) == {path: text.encode() for path, text in SOURCE.items()}


def test_the_commit_says_where_it_comes_from(queue, app, remote) -> None:
    sync(queue, app, str(remote))
    commit = pushed(remote)
    assert commit.author == commit.committer == DEFAULT_AUTHOR.encode()
    assert commit.message == b"Sync demo from jupyter-fastpreview\n"
    assert commit.parents == []


def test_the_author_can_be_configured(store, app, remote, tmp_path) -> None:
    queue = SyncQueue(store, tmp_path / "git-state", author="Ada <ada@example.org>")
    sync(queue, app, str(remote))
    assert pushed(remote).author == b"Ada <ada@example.org>"


def test_a_sync_after_an_edit_pushes_a_child_commit(queue, app, folder, remote) -> None:
    sync(queue, app, str(remote))
    first = pushed(remote)
    (folder / "src" / "App.tsx").write_text("export default () => null;\n")
    (folder / "index.html").unlink()
    job = sync(queue, app, str(remote))
    second = pushed(remote)
    assert job.commit_sha == second.id.decode()
    assert second.parents == [first.id]
    files = tree_files(remote, second)
    assert files["src/App.tsx"] == b"export default () => null;\n"
    assert "index.html" not in files


def test_an_unchanged_folder_makes_no_new_commit_but_is_still_pushed(
    queue, app, remote, tmp_path
) -> None:
    first = sync(queue, app, str(remote))
    again = sync(queue, app, str(remote))
    assert again.status == "done"
    assert again.commit_sha == first.commit_sha
    assert pushed(remote).id.decode() == first.commit_sha
    elsewhere = bare_repo(tmp_path / "second-remote.git")
    moved = sync(queue, app, str(elsewhere))
    assert (moved.status, moved.commit_sha) == ("done", first.commit_sha)
    assert pushed(elsewhere).id.decode() == first.commit_sha


def test_a_file_url_and_another_branch_work(queue, app, remote) -> None:
    job = sync(queue, app, remote.as_uri(), "preview/v1")
    assert job.status == "done", job.last_error
    assert head(remote, "main") is None
    assert pushed(remote, "preview/v1").id.decode() == job.commit_sha


def test_a_remote_branch_with_foreign_commits_is_not_overwritten(queue, app, remote) -> None:
    foreign = commit_directly(remote, "main", {"README.md": b"theirs"})
    job = sync(queue, app, str(remote))
    assert (job.status, job.attempts) == ("failed", 1)
    assert job.last_error is not None
    assert "has commits that this app's sync did not make" in job.last_error
    assert pushed(remote).id == foreign.id


def test_a_missing_remote_repository_fails_at_once(queue, app, tmp_path) -> None:
    job = sync(queue, app, str(tmp_path / "nowhere.git"))
    assert (job.status, job.attempts) == ("failed", 1)
    assert job.last_error is not None and "no git repository" in job.last_error


def test_a_missing_app_folder_fails_at_once(queue, store, remote, tmp_path) -> None:
    gone = store.ensure_app("gone", tmp_path / "gone")
    job = sync(queue, gone, str(remote))
    assert (job.status, job.attempts) == ("failed", 1)
    assert job.last_error is not None and "does not exist" in job.last_error


def test_the_app_folders_own_git_repository_is_left_alone(queue, app, folder, remote) -> None:
    Repo.init(str(folder)).close()
    before = sorted(str(path.relative_to(folder)) for path in (folder / ".git").rglob("*"))
    job = sync(queue, app, str(remote))
    assert job.status == "done"
    after = sorted(str(path.relative_to(folder)) for path in (folder / ".git").rglob("*"))
    assert after == before
    assert not any(path.startswith(".git") for path in tree_files(remote, pushed(remote)))


def test_symlinks_out_of_the_folder_and_big_files_are_not_snapshotted(folder, tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the remote")
    (folder / "src" / "secret.txt").symlink_to(secret)
    (folder / "src" / "env.txt").symlink_to(folder / ".env")
    (folder / "src" / "linked").symlink_to(tmp_path, target_is_directory=True)
    (folder / "src" / "alias.tsx").symlink_to(folder / "src" / "App.tsx")
    (folder / "big.bin").write_bytes(b"x" * 101)
    (folder / "run.sh").write_text("#!/bin/sh\n")
    os.chmod(folder / "run.sh", 0o755)

    files = {source.path: source for source in snapshot(folder, max_file_bytes=100)}

    assert sorted(files) == sorted([*SOURCE, "run.sh", "src/alias.tsx"])
    assert files["src/alias.tsx"].content == SOURCE["src/App.tsx"].encode()
    assert files["run.sh"].executable
    assert not files["index.html"].executable


@pytest.mark.parametrize(
    "remote",
    [
        "https://github.com/org/repo.git",
        "http://127.0.0.1:9/repo.git",
        "ssh://git@github.com/org/repo.git",
        "git://example.org/repo.git",
        "file:///srv/git/repo.git",
        "/srv/git/repo.git",
    ],
)
def test_git_urls_and_absolute_paths_are_accepted(remote: str) -> None:
    assert check_remote(remote) == remote


@pytest.mark.parametrize(
    ("remote", "says"),
    [
        ("", "give the remote"),
        ("relative/repo.git", "neither a git URL"),
        ("git@github.com:org/repo.git", "neither a git URL"),
        ("ftp://example.org/repo.git", "neither a git URL"),
        ("https://user:ghp_secret@github.com/org/repo.git", "credentials in the remote URL"),
        ("https://ghp_secret@github.com/org/repo.git", "credentials in the remote URL"),
        ("https:///repo.git", "without a host"),
        (" /srv/repo.git", "give the remote"),
    ],
)
def test_other_remotes_are_refused_and_nothing_is_queued(
    queue, store, app, remote: str, says: str
) -> None:
    with pytest.raises(RemoteRefused, match=says) as refused:
        queue.enqueue(app, remote)
    assert "ghp_secret" not in str(refused.value)
    assert store.sync_jobs(app.id) == []


@pytest.mark.parametrize("branch", ["", "a..b", "-x/../y", "has space", "end.lock", "x~1"])
def test_invalid_branch_names_are_refused(queue, store, app, remote, branch: str) -> None:
    with pytest.raises(RemoteRefused, match="not a valid branch name"):
        queue.enqueue(app, str(remote), branch)
    assert store.sync_jobs(app.id) == []
    assert branch_ref("feature/x") == b"refs/heads/feature/x"
