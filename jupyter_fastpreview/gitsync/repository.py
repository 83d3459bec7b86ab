"""Each app's sync history, in a bare repository of fastpreview's own.

The repository lives in the sync state directory, not in the app folder: the folder belongs
to the user, and if it is already a git repository of theirs, its history, index and
branches stay untouched (its `.git` is hidden, so never part of a snapshot either). A bare
repository needs no working tree: the snapshot's blobs and trees are written straight into
the object store.
"""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

from dulwich.index import commit_tree
from dulwich.objects import Blob, Commit, ObjectID
from dulwich.refs import Ref
from dulwich.repo import Repo

from .remotes import branch_ref
from .snapshot import SourceFile

DEFAULT_AUTHOR = "jupyter-fastpreview <fastpreview@localhost>"
FILE_MODE = 0o100644
EXECUTABLE_MODE = 0o100755
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def repository_path(state_dir: Path, folder: Path) -> Path:
    """One repository per app folder: the readable name helps people, the digest keys it."""
    resolved = str(Path(folder).resolve())
    digest = hashlib.sha256(resolved.encode()).hexdigest()[:16]
    name = _NAME_UNSAFE.sub("-", Path(resolved).name).strip("-")[:40] or "app"
    return state_dir / f"{name}-{digest}.git"


def open_repository(state_dir: Path, folder: Path) -> Repo:
    """The app's bare repository, created on first use."""
    path = repository_path(state_dir, folder)
    if (path / "HEAD").is_file():
        return Repo(str(path))
    path.mkdir(parents=True, exist_ok=True)
    return Repo.init_bare(str(path))


def commit_snapshot(
    repo: Repo, files: list[SourceFile], branch: str, message: str, author: str = DEFAULT_AUTHOR
) -> ObjectID:
    """Commit `files` as the whole tree of `branch` and return the branch's head.

    When the tree is the one the head already has, no commit is made: a sync of an
    unchanged folder pushes the same commit again instead of adding an empty one.
    """
    ref = branch_ref(branch)
    parent = _head(repo, ref)
    tree = _write_tree(repo, files)
    if parent is not None and _tree_of(repo, parent) == tree:
        return parent
    commit = Commit()
    commit.tree = tree
    commit.parents = [parent] if parent is not None else []
    commit.author = commit.committer = author.encode()
    commit.author_time = commit.commit_time = int(time.time())
    commit.author_timezone = commit.commit_timezone = 0
    commit.encoding = b"UTF-8"
    commit.message = message.encode()
    repo.object_store.add_object(commit)
    if not repo.refs.set_if_equals(ref, parent, commit.id):
        raise RuntimeError(f"branch {branch!r} of {repo.path} moved while committing")
    return commit.id


def _write_tree(repo: Repo, files: list[SourceFile]) -> ObjectID:
    """Store the files' blobs (those not stored yet, in one pack) and their trees."""
    entries = []
    new_blobs: dict[ObjectID, Blob] = {}
    for source in files:
        blob = Blob.from_string(source.content)
        if blob.id not in repo.object_store:
            new_blobs[blob.id] = blob
        mode = EXECUTABLE_MODE if source.executable else FILE_MODE
        entries.append((source.path.encode(), blob.id, mode))
    if new_blobs:
        repo.object_store.add_objects([(blob, None) for blob in new_blobs.values()])
    return commit_tree(repo.object_store, entries)


def _head(repo: Repo, ref: Ref) -> ObjectID | None:
    """The commit `ref` points at; None before the branch's first commit."""
    try:
        return repo.refs[ref]
    except KeyError:
        return None


def _tree_of(repo: Repo, commit_id: ObjectID) -> ObjectID:
    commit = repo[commit_id]
    assert isinstance(commit, Commit)
    return commit.tree
