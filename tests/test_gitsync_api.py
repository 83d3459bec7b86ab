"""The sync API through a real Jupyter server: queue a sync of a registered app, follow it to
done, list it; bad input is refused before anything is queued."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from git_remotes import bare_repo, head, tree_files
from jupyter_server.serverapp import ServerApp
from tornado.httpclient import HTTPClientError

from jupyter_fastpreview.gitsync import SyncQueue
from jupyter_fastpreview.gitsync.handlers import SYNC_SETTING

WAIT = 60.0
XSRF = "fastpreview-gitsync-test"


@pytest.fixture
def queue(jp_serverapp: ServerApp) -> SyncQueue:
    return jp_serverapp.web_app.settings[SYNC_SETTING]


@pytest.fixture
def register(jp_fetch, jp_root_dir: Path) -> Callable[[], Awaitable[str]]:
    """`await register()`: write an app folder under the root, register it, its id."""

    async def make() -> str:
        folder = jp_root_dir / "demo"
        (folder / "src").mkdir(parents=True)
        (folder / "src" / "App.tsx").write_text("export default () => null;\n")
        (folder / "dist").mkdir()
        (folder / "dist" / "index.html").write_text("<built/>")
        body = json.dumps({"path": "demo"})
        response = await jp_fetch("fastpreview", "api", "apps", method="POST", body=body)
        return json.loads(response.body)["id"]

    return make


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    return bare_repo(tmp_path / "remote.git")


Call = Callable[..., Awaitable[Any]]


@pytest.fixture
def api(jp_fetch) -> Call:
    """`await api("POST", "apps", id, "sync", body=...)`: the answer's status and JSON."""

    async def call(method: str, *path: str, body: Any = None) -> tuple[int, Any]:
        try:
            response = await jp_fetch(
                "fastpreview",
                "api",
                *path,
                method=method,
                body=None if body is None else json.dumps(body),
            )
        except HTTPClientError as error:
            assert error.response is not None
            return error.code, json.loads(error.response.body)
        return response.code, json.loads(response.body)

    return call


async def test_a_sync_is_queued_at_once_and_pushes_the_app(api, register, queue, remote) -> None:
    app_id = await register()
    status, job = await api("POST", "apps", app_id, "sync", body={"remote": str(remote)})
    assert status == 202
    assert (job["remote"], job["branch"], job["commit_sha"]) == (str(remote), "main", None)
    assert job["status"] in ("queued", "running")

    done = await asyncio.to_thread(queue.wait, job["id"], WAIT)
    assert done.status == "done", done.last_error
    commit = head(remote)
    assert commit is not None and done.commit_sha == commit.id.decode()
    assert tree_files(remote, commit) == {"src/App.tsx": b"export default () => null;\n"}

    status, shown = await api("GET", "sync", str(job["id"]))
    assert (status, shown) == (200, done.to_json())
    status, listed = await api("GET", "apps", app_id, "sync")
    assert (status, listed) == (200, [done.to_json()])


async def test_jobs_are_listed_newest_first(api, register, queue, remote) -> None:
    app_id = await register()
    _, first = await api("POST", "apps", app_id, "sync", body={"remote": str(remote)})
    await asyncio.to_thread(queue.wait, first["id"], WAIT)
    _, second = await api(
        "POST", "apps", app_id, "sync", body={"remote": str(remote), "branch": "release"}
    )
    await asyncio.to_thread(queue.wait, second["id"], WAIT)
    _, listed = await api("GET", "apps", app_id, "sync")
    assert [(job["id"], job["branch"]) for job in listed] == [
        (second["id"], "release"),
        (first["id"], "main"),
    ]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({}, '"remote"'),
        ({"remote": 42}, '"remote"'),
        ([], '"remote"'),
        ({"remote": "relative/repo.git"}, "neither a git URL"),
        ({"remote": "https://me:ghp_x@github.com/o/r.git"}, "credentials in the remote URL"),
        ({"remote": "/srv/repo.git", "branch": "a..b"}, "not a valid branch name"),
        ({"remote": "/srv/repo.git", "branch": 7}, "branch must be a string"),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_queued(
    api, register, body: Any, says: str
) -> None:
    app_id = await register()
    status, answer = await api("POST", "apps", app_id, "sync", body=body)
    assert status == 400
    assert says in answer["message"]
    assert await api("GET", "apps", app_id, "sync") == (200, [])


async def test_unknown_apps_and_jobs_are_404(api, remote) -> None:
    status, answer = await api("POST", "apps", "nope", "sync", body={"remote": str(remote)})
    assert status == 404 and "no app 'nope'" in answer["message"]
    assert (await api("GET", "apps", "nope", "sync"))[0] == 404
    assert (await api("GET", "sync", "999"))[0] == 404


async def test_callers_without_credentials_are_refused(
    http_server_client, jp_base_url: str, register
) -> None:
    app_id = await register()
    headers = {"Cookie": f"_xsrf={XSRF}", "X-XSRFToken": XSRF}
    for method, path, body in [
        ("POST", f"apps/{app_id}/sync", b'{"remote": "/srv/repo.git"}'),
        ("GET", f"apps/{app_id}/sync", None),
        ("GET", "sync/1", None),
    ]:
        response = await http_server_client.fetch(
            f"{jp_base_url}fastpreview/api/{path}",
            method=method,
            headers=headers,
            body=body,
            raise_error=False,
        )
        assert response.code == 403, f"{method} {path}"
