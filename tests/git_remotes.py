"""Git remotes for the sync tests: bare repositories on disk, and dulwich's smart-HTTP server
on 127.0.0.1 behind basic auth, the way GitHub takes a token."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIServer, make_server

from dulwich.index import commit_tree
from dulwich.objects import Blob, Commit, Tree
from dulwich.repo import Repo
from dulwich.server import DictBackend
from dulwich.web import WSGIRequestHandlerLogger, WSGIServerLogger, make_wsgi_chain

TOKEN_USER = "x-access-token"
HOLD_SECONDS = 30
"""The longest `hold()` keeps a request: a test that never releases it fails instead of hanging."""


def bare_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    Repo.init_bare(str(path)).close()
    return path


def head(remote: Path, branch: str = "main") -> Commit | None:
    """The commit `branch` of the bare repository at `remote` points at, if any."""
    with Repo(str(remote)) as repo:
        ref = b"refs/heads/" + branch.encode()
        if ref not in repo.refs:
            return None
        commit = repo[repo.refs[ref]]
        assert isinstance(commit, Commit)
        return commit


def tree_files(remote: Path, commit: Commit) -> dict[str, bytes]:
    """Every file of the commit's tree, by path."""
    with Repo(str(remote)) as repo:
        return dict(_walk(repo, commit.tree, ""))


def _walk(repo: Repo, tree_id: Any, prefix: str) -> Iterator[tuple[str, bytes]]:
    tree = repo[tree_id]
    assert isinstance(tree, Tree)
    for entry in tree.items():
        path = prefix + entry.path.decode()
        if entry.mode & 0o170000 == 0o040000:
            yield from _walk(repo, entry.sha, path + "/")
        else:
            yield path, repo[entry.sha].as_raw_string()


class GitHTTPServer:
    """A smart-HTTP git server for one bare repository, served at `url` from a thread.

    With a `token`, every request must carry it as GitHub wants it (basic auth, user
    `x-access-token`), else it is answered 401. `status`, when set, answers every request
    with that HTTP status instead. `hold()` keeps the next requests waiting until `release()`.
    """

    def __init__(self, remote: Path, token: str | None = None) -> None:
        self.token = token
        self.status: int | None = None
        self.requests: list[str] = []
        self.arrived = threading.Event()
        self._release = threading.Event()
        self._release.set()
        self._git = make_wsgi_chain(DictBackend({"/repo.git": Repo(str(remote))}))
        self._server: WSGIServer = make_server(
            "127.0.0.1",
            0,
            self._app,
            server_class=WSGIServerLogger,
            handler_class=WSGIRequestHandlerLogger,
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}/repo.git"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def hold(self) -> None:
        self._release.clear()

    def release(self) -> None:
        self._release.set()

    def close(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.requests.append(environ["PATH_INFO"])
        self.arrived.set()
        self._release.wait(HOLD_SECONDS)
        if self.status is not None:
            return self._answer(start_response, self.status, [])
        if self.token is not None and environ.get("HTTP_AUTHORIZATION") != self._expected():
            return self._answer(start_response, 401, [("WWW-Authenticate", 'Basic realm="git"')])
        return self._git(environ, start_response)

    def _expected(self) -> str:
        credentials = f"{TOKEN_USER}:{self.token}".encode()
        return "Basic " + base64.b64encode(credentials).decode()

    @staticmethod
    def _answer(start_response: Any, status: int, headers: list[tuple[str, str]]) -> list[bytes]:
        start_response(f"{status} Refused", [("Content-Type", "text/plain"), *headers])
        return [b"refused\n"]


def commit_directly(remote: Path, branch: str, files: dict[str, bytes]) -> Commit:
    """A commit someone else pushed: made in the remote itself, with a tree of `files`."""
    with Repo(str(remote)) as repo:
        entries = []
        for path, content in files.items():
            blob = Blob.from_string(content)
            repo.object_store.add_object(blob)
            entries.append((path.encode(), blob.id, 0o100644))
        commit = Commit()
        commit.tree = commit_tree(repo.object_store, entries)
        commit.author = commit.committer = b"Someone <someone@example.org>"
        commit.author_time = commit.commit_time = 1_700_000_000
        commit.author_timezone = commit.commit_timezone = 0
        commit.message = b"someone else's work\n"
        repo.object_store.add_object(commit)
        repo.refs[b"refs/heads/" + branch.encode()] = commit.id
        return commit
