"""`App.deploy`, `App.deployments`, `App.sync` and `App.sync_status` from a kernel, against a
real server: what a notebook user sees of deploys and git syncs."""

from __future__ import annotations

import asyncio
import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from git_remotes import bare_repo, head, tree_files
from tornado.websocket import websocket_connect

from jupyter_fastpreview import App
from jupyter_fastpreview.kernel.link import STORE_VAR
from jupyter_fastpreview.kernel.remote import DeployFailed, Deployment
from jupyter_fastpreview.store import Store

BROKEN = "export default function App() {\n  return <main>;\n}\n"


async def in_thread(call: Callable[[], Any]) -> Any:
    """The server answers on this test's loop: blocking calls must run beside it."""
    return await asyncio.to_thread(call)


def fetch(url: str) -> tuple[int, str]:
    """An anonymous GET, as a visitor of the deployed app would make it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


async def test_deploy_returns_a_live_deployment_served_at_its_url(make_app) -> None:
    app: App = make_app()
    deployment: Deployment = await in_thread(app.deploy)
    assert (deployment.status, deployment.target, deployment.promoted) == ("live", "local", True)
    assert deployment.url and deployment.url.startswith("http://")
    assert deployment.ms is not None and deployment.ms > 0 and deployment.size
    assert "index.html" in {file["path"] for file in deployment.files}
    status, page = await in_thread(lambda: fetch(deployment.url or ""))
    assert status == 200 and '<script type="module"' in page
    assert "Deployed to local" in deployment._repr_html_()
    listed = await in_thread(app.deployments)
    assert [d.id for d in listed] == [deployment.id]


async def test_promote_and_delete_move_the_alias(make_app) -> None:
    app: App = make_app()
    first = await in_thread(app.deploy)
    app.write("src/components/Counter.tsx", "export default () => <b>second</b>;\n")
    second = await in_thread(lambda: app.deploy(promote=False))
    assert (second.promoted, second.alias_url) == (False, None)
    assert await in_thread(lambda: fetch(first.alias_url or "")) == await in_thread(
        lambda: fetch(first.url or "")
    )
    promoted = await in_thread(second.promote)
    assert promoted.alias_url == first.alias_url and promoted.promoted
    assert (await in_thread(lambda: fetch(promoted.alias_url or ""))) == (
        await in_thread(lambda: fetch(second.url or ""))
    )
    await in_thread(second.delete)
    assert (await in_thread(lambda: fetch(second.url or "")))[0] == 403
    assert [d.id for d in await in_thread(app.deployments)] == [first.id]


async def test_a_failed_deploy_raises_and_the_previous_one_keeps_serving(make_app) -> None:
    app: App = make_app()
    good = await in_thread(app.deploy)
    app.write("src/App.tsx", BROKEN)
    with pytest.raises(DeployFailed, match=r"App\.tsx"):
        await in_thread(app.deploy)
    failed, live = await in_thread(app.deployments)
    assert (failed.status, live.id) == ("failed", good.id)
    assert failed.error and "App.tsx" in failed.error
    assert (await in_thread(lambda: fetch(good.alias_url or "")))[0] == 200
    store = Store(os.environ[STORE_VAR])  # the server's, as its kernels find it
    record = store.app_for_folder(app.folder.resolve())
    assert record is not None
    assert [d.status for d in store.deployments(record.id)] == ["failed", "live"]


async def test_an_unknown_target_is_refused_and_nothing_is_recorded(make_app) -> None:
    app: App = make_app()
    with pytest.raises(Exception, match="target"):
        await in_thread(lambda: app.deploy("ftp"))
    assert await in_thread(app.deployments) == []


async def test_sync_pushes_then_every_deploy_syncs_again(make_app, tmp_path: Path) -> None:
    app: App = make_app()
    remote = bare_repo(tmp_path / "remote.git")
    assert await in_thread(app.sync_status) is None
    job = await in_thread(lambda: app.sync(str(remote)))
    assert job.status in ("queued", "running", "done")
    done = await in_thread(lambda: job.wait(30))
    assert done.status == "done" and done.commit_sha
    first = head(remote)
    assert first is not None and first.id.decode() == done.commit_sha
    assert "src/App.tsx" in tree_files(remote, first)

    app.write("src/App.tsx", "export default () => <p>deployed and synced</p>;\n")
    await in_thread(app.deploy)
    latest = await in_thread(app.sync_status)
    assert latest is not None and latest.id != job.id and latest.remote == str(remote)
    synced = await in_thread(lambda: latest.wait(30))
    commit = head(remote)
    assert commit is not None and commit.id.decode() == synced.commit_sha
    assert commit.parents == [first.id]
    assert b"deployed and synced" in tree_files(remote, commit)["src/App.tsx"]


async def test_sync_progress_reaches_open_previews(make_app, tmp_path: Path) -> None:
    app: App = make_app()
    described = await in_thread(lambda: app.link.request("GET", f"api/apps/{app.id}"))
    ws_url = app.link.url.replace("http", "ws", 1).split("/", 3)
    socket = await websocket_connect("/".join(ws_url[:3]) + described["ws_url"])
    remote = bare_repo(tmp_path / "remote.git")
    job = await in_thread(lambda: app.sync(str(remote)))
    statuses = []
    while not statuses or statuses[-1] not in ("done", "failed"):
        message = json.loads(await asyncio.wait_for(socket.read_message(), 30))
        if message["type"] == "custom" and message["event"] == "fastpreview:sync":
            assert message["data"]["id"] == job.id
            statuses.append(message["data"]["status"])
    socket.close()
    assert statuses == ["queued", "running", "done"]


async def test_the_apps_list_details_last_build_deployment_and_sync(
    make_app, tmp_path: Path
) -> None:
    app: App = make_app()
    deployment = await in_thread(app.deploy)
    job = await in_thread(lambda: app.sync(str(bare_repo(tmp_path / "remote.git"))))
    await in_thread(lambda: job.wait(30))
    plain = await in_thread(lambda: app.link.request("GET", "api/apps"))
    assert "latest_deployment" not in plain[0]
    (listed,) = await in_thread(lambda: app.link.request("GET", "api/apps?details=1"))
    assert listed["id"] == app.id
    assert listed["latest_deployment"]["id"] == deployment.id
    assert listed["latest_sync"]["id"] == job.id
    assert listed["latest_sync"]["status"] == "done"
    assert listed["last_build"]["kind"] in ("check", "dev")
