"""The one-line logs of the server's work (`fastpreview: event=...`): their format, that they are
hidden at the default level, and the lines of a build, an HMR update, a deploy and a sync."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from git_remotes import bare_repo
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from jupyter_fastpreview.bench.generate import leaf_path, leaf_source, write_app
from jupyter_fastpreview.deploy import Deployer, DeployError, LocalTarget
from jupyter_fastpreview.gitsync import SyncQueue
from jupyter_fastpreview.server import events
from jupyter_fastpreview.store import Store

EVENTS = "jupyter_fastpreview.events"
WAIT_S = 30.0
NUMBER = r"\d+\.\d"


def lines(caplog: pytest.LogCaptureFixture, event: str) -> list[logging.LogRecord]:
    """The event's records, each once: some pytest-jupyter versions hand the server log's
    records to the capture twice (by the server's logger and by the root logger)."""
    unique = {
        id(record): record
        for record in caplog.records
        if record.name == EVENTS and f" event={event} " in record.getMessage()
    }
    return list(unique.values())


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """`events.connect` changes the package logger for the process: put it back."""
    package = logging.getLogger(events.ROOT_LOGGER)
    saved = (package.level, list(package.handlers), package.propagate, events._level)
    yield
    package.setLevel(saved[0])
    package.handlers[:] = saved[1]
    package.propagate = saved[2]
    events._level = saved[3]


def server_log(level: int) -> tuple[logging.Logger, list[logging.LogRecord]]:
    """A logger standing for the Jupyter server's, whose handler shows `level` and up."""
    seen: list[logging.LogRecord] = []
    handler = logging.Handler(level)
    handler.emit = seen.append  # type: ignore[method-assign]
    log = logging.getLogger(f"test-server-{level}")
    log.handlers[:] = [handler]
    log.propagate = False
    return log, seen


def test_a_line_is_greppable_key_value_text() -> None:
    fields: dict[str, Any] = {
        "app": "demo",
        "ok": True,
        "ms": 4.25,
        "size": 12,
        "reason": 'a "quoted" reason',
        "missing": None,
        "empty": "",
    }
    pairs = " ".join(f"{key}={events._value(value)}" for key, value in fields.items())
    assert pairs == (
        'app=demo ok=true ms=4.2 size=12 reason="a \\"quoted\\" reason" missing=- empty=""'
    )


def test_lines_are_hidden_at_the_servers_default_level(restore_logging) -> None:
    log, seen = server_log(logging.INFO)
    events.connect(log)
    events.log_event("build", app="demo", ms=1.0)
    assert seen == []
    events.connect(log, events_at_info=True)
    events.log_event("build", app="demo", ms=1.0)
    assert [record.getMessage() for record in seen] == ["fastpreview: event=build app=demo ms=1.0"]


def test_debug_level_shows_every_line(restore_logging) -> None:
    log, seen = server_log(logging.DEBUG)
    events.connect(log)
    events.log_event("hmr-update", app="demo", modules=1, clients=3, ms=4.2)
    assert [(r.levelno, r.getMessage()) for r in seen] == [
        (logging.DEBUG, "fastpreview: event=hmr-update app=demo modules=1 clients=3 ms=4.2")
    ]


async def test_a_batch_logs_its_build_and_its_update(
    jp_fetch, jp_root_dir, http_server_client, jp_http_port, caplog
) -> None:
    caplog.set_level(logging.DEBUG, logger=EVENTS)
    write_app(jp_root_dir / "demo", 3)
    response = await jp_fetch(
        "fastpreview", "api", "apps", method="POST", body=json.dumps({"path": "demo"})
    )
    record = json.loads(response.body)
    await http_server_client.fetch(record["preview_url"] + leaf_path(0))
    url = f"ws://127.0.0.1:{jp_http_port}{record['ws_url']}"
    socket = await websocket_connect(HTTPRequest(url, headers={"Origin": "null"}))
    assert json.loads(await asyncio.wait_for(socket.read_message(), WAIT_S))["type"] == "connected"
    (jp_root_dir / "demo" / leaf_path(0)).write_text(leaf_source(0, "edited"))
    update = json.loads(await asyncio.wait_for(socket.read_message(), WAIT_S))
    assert update["type"] == "update"
    (line,) = lines(caplog, "hmr-update")
    assert re.fullmatch(
        rf"fastpreview: event=hmr-update app=demo modules=1 clients=1 ms={NUMBER}",
        line.getMessage(),
    )
    assert line.levelno == logging.DEBUG
    builds = [r.getMessage() for r in lines(caplog, "build")]
    assert any(
        re.fullmatch(rf"fastpreview: event=build app=demo kind=dev status=ok ms={NUMBER}", b)
        for b in builds
    ), builds
    socket.close()


def test_a_deploy_logs_its_outcome(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger=EVENTS)
    folder = write_app(tmp_path / "apps" / "demo", 3)
    deployer = Deployer(Store(tmp_path / "state.db"), LocalTarget(tmp_path / "out", "/base/"))
    progress: list[list[dict[str, Any]]] = []
    try:
        live = deployer.deploy(
            folder, "demo", events=lambda slug, event: progress.append(deployer.in_flight())
        )
        assert deployer.in_flight() == []
        (folder / "src" / "App.tsx").write_text("export default function App() {\n  return <a>;\n")
        with pytest.raises(DeployError):
            deployer.deploy(folder, "demo")
    finally:
        deployer.close()
    assert [[event["phase"] for event in running] for running in progress][0] == ["build"]
    ok, failed = lines(caplog, "deploy")
    assert re.fullmatch(
        rf"fastpreview: event=deploy app=demo target=local deployment={live.id} status=ok "
        rf"size={live.size} ms={NUMBER}",
        ok.getMessage(),
    )
    assert ok.levelno == logging.DEBUG
    assert failed.levelno == logging.WARNING
    assert " status=error error=" in failed.getMessage()


def test_a_sync_logs_each_attempt(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger=EVENTS)
    store = Store(tmp_path / "state.db")
    folder = write_app(tmp_path / "demo", 3)
    queue = SyncQueue(store, tmp_path / "git-state")
    job_id = queue.enqueue(store.ensure_app("demo", folder), str(bare_repo(tmp_path / "r.git")))
    assert queue.run_due() == 1
    (line,) = lines(caplog, "sync")
    assert re.fullmatch(
        rf"fastpreview: event=sync job={job_id} app=demo status=done attempts=1 ms={NUMBER}",
        line.getMessage(),
    )
