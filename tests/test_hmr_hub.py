"""The hub on its own: greeting, broadcast that never waits for a slow client, overflow,
and what it keeps of the clients' reports (runtime errors, applied updates, custom events)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Iterator
from typing import Any

import pytest

from jupyter_fastpreview.hmr import HmrHub


class FakeSocket:
    """A connection as the hub sees it: one that writes, one whose writes never complete
    (a frozen tab, a full TCP window), or one already gone (its write raises)."""

    def __init__(self, behaviour: str = "healthy") -> None:
        self.behaviour = behaviour
        self.sent: list[dict[str, Any]] = []
        self.closed: tuple[int | None, str | None] | None = None

    def write_message(self, message: str | bytes) -> Awaitable[None]:
        if self.behaviour == "gone":
            raise ConnectionResetError("the peer is gone")
        return self._write(message)

    async def _write(self, message: str | bytes) -> None:
        if self.behaviour == "stalled":
            await asyncio.Event().wait()
        self.sent.append(json.loads(message))

    def close(self, code: int | None = None, reason: str | None = None) -> None:
        self.closed = (code, reason)


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def closing_hub(loop: asyncio.AbstractEventLoop, queue_limit: int) -> Iterator[HmrHub]:
    """A hub whose clients' writer tasks are all finished when the test ends."""
    hub = HmrHub(queue_limit=queue_limit)
    yield hub
    for app_id in list(hub.channels):
        hub.close_channel(app_id)
    loop.run_until_complete(settle())


@pytest.fixture
def hub(jp_asyncio_loop: asyncio.AbstractEventLoop) -> Iterator[HmrHub]:
    yield from closing_hub(jp_asyncio_loop, queue_limit=8)


async def test_a_client_is_greeted_then_shown_the_current_error(hub: HmrHub) -> None:
    hub.open_channel("app", "hash0")
    hub.send_error("app", {"message": "broken", "file": "/src/A.tsx"})
    socket = FakeSocket()
    hub.connect("app", socket)
    await settle()
    assert socket.sent == [
        {"type": "connected", "buildHash": "hash0", "serverId": hub.server_id},
        {"type": "error", "err": {"message": "broken", "file": "/src/A.tsx"}},
    ]
    hub.clear_error("app")
    later = FakeSocket()
    hub.connect("app", later)
    await settle()
    assert [m["type"] for m in later.sent] == ["connected"]


async def test_connecting_to_an_unknown_app_is_refused(hub: HmrHub) -> None:
    assert hub.connect("nobody", FakeSocket()) is None


async def test_a_stalled_client_overflows_and_is_closed_without_holding_up_others(
    hub: HmrHub,
) -> None:
    hub.open_channel("app", "h")
    stalled, healthy = FakeSocket("stalled"), FakeSocket()
    hub.connect("app", stalled)
    hub.connect("app", healthy)
    for number in range(20):
        hub.send_custom("app", "tick", number)
        await settle()
    assert stalled.closed == (1013, "send queue overflow")
    assert [m["data"] for m in healthy.sent if m["type"] == "custom"] == list(range(20))
    assert len(hub.channels["app"].clients) == 1


async def test_an_update_sets_the_build_hash_and_remembers_when_it_was_sent(hub: HmrHub) -> None:
    channel = hub.open_channel("app", "old")
    socket = FakeSocket()
    hub.connect("app", socket)
    entry = {"type": "js-update", "path": "/a", "acceptedPath": "/a", "timestamp": 5}
    hub.send_update("app", [entry], "new")
    await settle()
    update = socket.sent[-1]
    assert update["type"] == "update" and update["buildHash"] == "new"
    assert channel.build_hash == "new"
    applied = {
        "timestamp": 5,
        "paths": ["/a"],
        "appliedAt": update["sentAt"] + 3,
        "buildHash": "new",
    }
    hub.receive(
        "app", json.dumps({"type": "custom", "event": "fastpreview:applied", "data": applied})
    )
    assert channel.last_applied["latencyMs"] == 3


async def test_client_reports_are_kept_and_passed_to_listeners(hub: HmrHub) -> None:
    channel = hub.open_channel("app", "h")
    heard: list[tuple[str, Any]] = []

    def failing(app_id: str, data: Any) -> None:
        raise RuntimeError("listener bug")

    hub.on("fastpreview:runtime-error", failing)
    hub.on("fastpreview:runtime-error", lambda app_id, data: heard.append((app_id, data)))
    hub.on("my-event", lambda app_id, data: heard.append((app_id, data)))
    crash = {"message": "boom", "file": "/src/A.tsx", "line": 1, "column": 2, "stack": "..."}
    for frame in (
        json.dumps({"type": "custom", "event": "fastpreview:runtime-error", "data": crash}),
        json.dumps({"type": "custom", "event": "my-event", "data": [1, 2]}),
        "not json",
        json.dumps(["not", "a", "message"]),
        json.dumps({"type": "update"}),
    ):
        hub.receive("app", frame)
    assert channel.runtime_error == crash
    assert heard == [("app", crash), ("app", [1, 2])]


async def test_closing_a_channel_closes_its_clients(hub: HmrHub) -> None:
    hub.open_channel("app", "h")
    socket = FakeSocket()
    hub.connect("app", socket)
    hub.close_channel("app")
    assert socket.closed == (1001, "app removed")
    assert "app" not in hub.channels
