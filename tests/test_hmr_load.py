"""Many previews at once, through the real server: every session gets every update of its app
and nothing of another app's; a stalled or dead client is dropped without holding up the
others; one app's build error stays in that app. Then what the server says about its load:
the status API and `jupyter fastpreview status`.

Speed is not asserted here (see benchmarks/hmr_load.py); waits are bounds, never expectations.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from test_hmr_hub import FakeSocket, closing_hub, settle
from tornado.httpclient import HTTPRequest
from tornado.ioloop import IOLoop
from tornado.websocket import WebSocketClientConnection, websocket_connect

from jupyter_fastpreview.bench.generate import leaf_path, leaf_source, write_app
from jupyter_fastpreview.cli import main as cli
from jupyter_fastpreview.devserver.handlers import KEEPALIVE_SETTING, MISSED_PINGS, Keepalive
from jupyter_fastpreview.hmr import HmrHub
from jupyter_fastpreview.hmr.hub import OVERFLOW_CLOSE_CODE

APPS = 10
SESSIONS = 200
EDITS = 2
WAIT_S = 60.0
"""The longest a test waits for deliveries: a bound that fails a broken server, not a target."""
QUIET_S = 0.3
CONNECTS_AT_ONCE = 50
BROKEN = "export default function Leaf() {\n  return <button>;\n}\n"


class Session:
    """One preview's websocket, keeping every message it is sent."""

    def __init__(self, app: dict[str, Any]) -> None:
        self.app = app
        self.messages: list[dict[str, Any]] = []
        self.connected = asyncio.Event()
        self.closed = False
        self.socket: WebSocketClientConnection | None = None

    def on_message(self, message: str | bytes | None) -> None:
        if message is None:
            self.closed = True
            return
        parsed = json.loads(message)
        self.messages.append(parsed)
        if parsed["type"] == "connected":
            self.connected.set()

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [message for message in self.messages if message["type"] == kind]

    def updated_paths(self) -> list[list[str]]:
        return [[entry["path"] for entry in update["updates"]] for update in self.of_type("update")]


Register = Callable[[str], Awaitable[dict[str, Any]]]
Connect = Callable[[list[dict[str, Any]], int], Awaitable[list[Session]]]


@pytest.fixture
def register(jp_fetch, jp_root_dir, http_server_client) -> Register:
    """`await register(name)`: a generated app registered, with its leaf `index` loaded as a
    preview would load it (so changes to it are HMR updates, not only checks)."""

    async def make(name: str, index: int = 0) -> dict[str, Any]:
        write_app(jp_root_dir / name, APPS)
        response = await jp_fetch(
            "fastpreview", "api", "apps", method="POST", body=json.dumps({"path": name})
        )
        record = json.loads(response.body)
        record["index"] = index
        record["folder_path"] = jp_root_dir / name
        loaded = await http_server_client.fetch(record["preview_url"] + leaf_path(index))
        assert loaded.code == 200
        return record

    return make


@pytest.fixture
def connect(jp_http_port) -> Iterator[Connect]:
    """`await connect(apps, n)`: n sessions spread round-robin over the apps, all greeted."""
    opened: list[Session] = []

    async def open_all(apps: list[dict[str, Any]], count: int) -> list[Session]:
        sessions = [Session(apps[number % len(apps)]) for number in range(count)]
        gate = asyncio.Semaphore(CONNECTS_AT_ONCE)

        async def open_one(session: Session) -> None:
            url = f"ws://127.0.0.1:{jp_http_port}{session.app['ws_url']}"
            async with gate:
                session.socket = await websocket_connect(
                    HTTPRequest(url, headers={"Origin": "null"}),
                    on_message_callback=session.on_message,
                )
                await asyncio.wait_for(session.connected.wait(), WAIT_S)

        opened.extend(sessions)
        await asyncio.gather(*(open_one(session) for session in sessions))
        return sessions

    yield open_all
    for session in opened:
        if session.socket is not None:
            session.socket.close()


async def until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {WAIT_S} s: {what}")
        await asyncio.sleep(0.01)


def edit(app: dict[str, Any], label: str, source: str | None = None) -> None:
    index = app["index"]
    path = app["folder_path"] / leaf_path(index)
    path.write_text(source if source is not None else leaf_source(index, label))


def devserver_of(jp_serverapp):
    return jp_serverapp.web_app.settings["fastpreview_devserver"]


# -- delivery --------------------------------------------------------------------------------


async def test_every_session_gets_every_update_of_its_app_and_no_other(register, connect):
    apps = [await register(f"app{index}", index) for index in range(APPS)]
    sessions = await connect(apps, SESSIONS)
    for number in range(1, EDITS + 1):
        for app in apps:
            edit(app, f"edit {number} of {app['id']}")
        await until(
            lambda n=number: all(len(s.of_type("update")) >= n for s in sessions),
            f"every session has update {number}",
        )
    await asyncio.sleep(QUIET_S)
    for session in sessions:
        own = "/" + leaf_path(session.app["index"])
        assert session.updated_paths() == [[own]] * EDITS, session.app["id"]
        assert [m["type"] for m in session.messages] == ["connected"] + ["update"] * EDITS
        assert not session.closed


async def test_one_apps_build_error_stays_in_that_app(register, connect, jp_fetch):
    broken, healthy = await register("broken", 0), await register("healthy", 1)
    sessions = await connect([broken, healthy], 40)
    edit(broken, "", BROKEN)
    edit(healthy, "still fine")
    of_broken = [s for s in sessions if s.app is broken]
    of_healthy = [s for s in sessions if s.app is healthy]
    await until(lambda: all(s.of_type("error") for s in of_broken), "the error reaches its app")
    await until(lambda: all(s.of_type("update") for s in of_healthy), "the update reaches its app")
    await asyncio.sleep(QUIET_S)
    assert all(not s.of_type("update") for s in of_broken)
    assert all(not s.of_type("error") for s in of_healthy)
    assert {s.of_type("error")[0]["err"]["file"] for s in of_broken} == {"/" + leaf_path(0)}
    statuses = {}
    for app in (broken, healthy):
        response = await jp_fetch("fastpreview", "api", "apps", app["id"])
        statuses[app["id"]] = json.loads(response.body)["status"]
    assert statuses == {"broken": "error", "healthy": "ready"}


# -- slow and dead clients, at the hub -------------------------------------------------------


@pytest.fixture
def hub(jp_asyncio_loop: asyncio.AbstractEventLoop) -> Iterator[HmrHub]:
    yield from closing_hub(jp_asyncio_loop, queue_limit=4)


def update_entry(timestamp: int) -> dict[str, Any]:
    return {"type": "js-update", "path": "/a", "acceptedPath": "/a", "timestamp": timestamp}


async def test_a_stalled_or_dead_client_is_dropped_and_the_others_get_everything(hub) -> None:
    channel = hub.open_channel("app", "h0")
    healthy = [FakeSocket() for _ in range(100)]
    stalled, gone = FakeSocket("stalled"), FakeSocket("gone")
    for socket in (*healthy[:50], stalled, gone, *healthy[50:]):
        hub.connect("app", socket)
    for number in range(1, 11):
        hub.send_update("app", [update_entry(number)], f"h{number}")
        await settle()
    assert stalled.closed == (OVERFLOW_CLOSE_CODE, "send queue overflow")
    assert len(channel.clients) == len(healthy)
    for socket in healthy:
        assert [m["type"] for m in socket.sent] == ["connected"] + ["update"] * 10
        assert [m["buildHash"] for m in socket.sent[1:]] == [f"h{n}" for n in range(1, 11)]


async def test_an_idle_client_holds_no_task(hub) -> None:
    hub.open_channel("app", "h")
    await settle()
    before = len(asyncio.all_tasks())
    sockets = [FakeSocket() for _ in range(100)]
    for socket in sockets:
        hub.connect("app", socket)
    hub.send_custom("app", "tick", 1)
    await settle()
    assert all(len(socket.sent) == 2 for socket in sockets)
    assert len(asyncio.all_tasks()) == before


# -- keeping connections alive --------------------------------------------------------------


class FakeHandler:
    def __init__(self, last_pong: float) -> None:
        self.last_pong = last_pong
        self.pings = 0
        self.closed: tuple[int, str] | None = None

    def ping(self) -> None:
        self.pings += 1

    def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)


async def test_one_keepalive_pings_every_socket_and_closes_the_silent_ones() -> None:
    keepalive = Keepalive(1000)
    now = IOLoop.current().time()
    answering, silent = FakeHandler(now), FakeHandler(now - MISSED_PINGS - 1)
    for handler in (answering, silent):
        keepalive.add(handler)  # type: ignore[arg-type]
    keepalive.ping_all()
    assert (answering.pings, answering.closed) == (1, None)
    assert (silent.pings, silent.closed) == (0, (1001, "ping timeout"))
    for handler in (answering, silent):
        keepalive.discard(handler)  # type: ignore[arg-type]
    assert not keepalive._timer.is_running()


async def test_the_servers_sockets_share_one_keepalive(register, connect, jp_serverapp) -> None:
    app = await register("demo")
    sessions = await connect([app], 5)
    keepalive = jp_serverapp.web_app.settings[KEEPALIVE_SETTING]
    assert len(keepalive.sockets) == 5
    assert all(socket.ws_connection._ping_coroutine is None for socket in keepalive.sockets)
    for session in sessions[:2]:
        assert session.socket is not None
        session.socket.close()
    await until(lambda: len(keepalive.sockets) == 3, "closed sockets leave the keepalive")


# -- what the server says about its load -----------------------------------------------------


async def test_the_status_counts_sessions_builds_deploys_and_sync_jobs(
    register, connect, jp_fetch, jp_serverapp
) -> None:
    first, second = await register("first", 0), await register("second", 1)
    await connect([first, first, first, second], 4)
    devserver = devserver_of(jp_serverapp)
    await until(lambda: not devserver.builds_in_flight(), "the first checks finish")
    store = jp_serverapp.web_app.settings["fastpreview_store"]
    record = store.ensure_app("first", first["folder_path"])
    waiting = store.queue_sync_job(record.id, "https://example.invalid/r.git", "main")
    store.retry_sync_job(waiting.id, "offline", time.time() + 3600)
    failed = store.queue_sync_job(record.id, "https://example.invalid/r.git", "other")
    store.fail_sync_job(failed.id, "refused")
    with devserver._building(devserver.sessions["second"]):
        status = json.loads((await jp_fetch("fastpreview", "api", "status")).body)
    assert status["sessions"] == {"total": 4, "by_app": {"first": 3, "second": 1}}
    assert status["builds_in_flight"] == {"total": 1, "by_app": {"second": 1}}
    assert status["deploys_in_flight"] == {"total": 0, "deploys": []}
    assert status["sync_jobs"] == {"queued": 1, "running": 0, "done": 0, "failed": 1}
    assert {app["id"]: app["sessions"] for app in status["apps"]} == {"first": 3, "second": 1}


@pytest.fixture
def run_cli(jp_serverapp, http_server_client, capsys) -> Callable[..., Awaitable[tuple[int, str]]]:
    """`await run_cli(*args)`: the exit status and output of `jupyter fastpreview ...`, run in
    a thread (it blocks on HTTP, and the test server, listening, answers on this loop)."""

    async def run(*args: str) -> tuple[int, str]:
        code = await asyncio.to_thread(cli, list(args))
        return code, capsys.readouterr().out

    return run


def server_address(jp_serverapp) -> tuple[str, str]:
    return jp_serverapp.connection_url, jp_serverapp.identity_provider.token


async def test_the_status_command_prints_the_load_per_app(
    register, connect, run_cli, jp_serverapp
) -> None:
    app = await register("demo")
    await connect([app], 3)
    url, token = server_address(jp_serverapp)
    code, out = await run_cli("status", "--url", url, "--token", token, "--json")
    assert code == 0
    (answer,) = json.loads(out)
    assert answer["url"] == url
    assert answer["status"]["sessions"] == {"total": 3, "by_app": {"demo": 3}}
    code, out = await run_cli("status", "--url", url, "--token", token)
    assert code == 0
    assert "previews open: 3" in out
    header, row = out.strip().splitlines()[-2:]
    assert header.split() == ["APP", "STATUS", "PREVIEWS", "BUILDS", "FOLDER"]
    assert row.split()[0] == "demo" and row.split()[2] == "3" and row.split()[-1] == "demo"


async def test_the_status_command_says_why_a_server_did_not_answer(run_cli, jp_serverapp) -> None:
    url, _ = server_address(jp_serverapp)
    code, out = await run_cli("status", "--url", url, "--token", "wrong")
    assert code == 1
    assert out.strip() == f"{url}: HTTP 403: not allowed (a wrong or missing --token?)"


async def test_the_status_command_finds_the_running_servers(
    run_cli, jp_serverapp, monkeypatch
) -> None:
    url, token = server_address(jp_serverapp)
    servers = [{"url": url, "token": token}, {"url": "http+unix://%2Ftmp%2Fjs.sock/"}]
    monkeypatch.setattr("jupyter_server.serverapp.list_running_servers", lambda: iter(servers))
    code, out = await run_cli("status", "--json")
    assert code == 0
    assert [answer["url"] for answer in json.loads(out)] == [url]
