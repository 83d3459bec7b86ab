"""Channels of HMR clients, one per app, and what the server remembers for each.

Sending never waits for a client: each connection has a bounded queue drained by its own
task, so one slow or stalled preview cannot delay the others; a client whose queue overflows
is closed (it reconnects and, seeing a new build hash, reloads). A new connection first gets
`connected`, then the app's current build error if it has one, so an overlay survives a reload.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import messages

QUEUE_LIMIT = 256
OVERFLOW_CLOSE_CODE = 1013
"""WebSocket "try again later": the client reconnects."""
_SENT_AT_KEPT = 64
_TEXT_LIMIT = 20_000

Listener = Callable[[str, Any], None]
"""Called with (app id, data) for a client's custom event."""

log = logging.getLogger(__name__)


class Socket(Protocol):
    """What the hub needs of a websocket connection (tornado's handler has it)."""

    def write_message(self, message: str) -> Awaitable[None]: ...

    def close(self, code: int | None = None, reason: str | None = None) -> None: ...


class Client:
    """One connection: a bounded queue of JSON texts, written in order by one task."""

    def __init__(self, socket: Socket, queue_limit: int = QUEUE_LIMIT) -> None:
        self.socket = socket
        self._queue: asyncio.Queue[str] = asyncio.Queue(queue_limit)
        self._writer = asyncio.get_running_loop().create_task(self._drain())
        self.closed = False

    def send(self, text: str) -> bool:
        """Queue `text`; on overflow close the connection and return False."""
        if self.closed:
            return False
        try:
            self._queue.put_nowait(text)
        except asyncio.QueueFull:
            log.warning("HMR client cannot keep up (%d messages queued); closing it", QUEUE_LIMIT)
            self.close(OVERFLOW_CLOSE_CODE, "send queue overflow")
            return False
        return True

    async def _drain(self) -> None:
        while True:
            text = await self._queue.get()
            try:
                await self.socket.write_message(text)
            except Exception as failure:  # noqa: BLE001 - any write failure ends this client
                log.debug("HMR client write failed: %r", failure)
                self.closed = True
                return

    def close(self, code: int | None = None, reason: str | None = None) -> None:
        if self.closed:
            return
        self.closed = True
        self._writer.cancel()
        self.socket.close(code, reason)

    def detach(self) -> None:
        """The socket closed by itself: stop writing to it."""
        self.closed = True
        self._writer.cancel()


@dataclass
class Channel:
    app_id: str
    build_hash: str
    clients: set[Client] = field(default_factory=set)
    error: dict[str, Any] | None = None
    """The current build error (`err` of an `error` message), re-sent to new connections."""
    runtime_error: dict[str, Any] | None = None
    last_applied: dict[str, Any] | None = None
    """The last `fastpreview:applied` report, with `latencyMs` = appliedAt - sentAt."""
    sent_at: OrderedDict[int, float] = field(default_factory=OrderedDict)
    """sentAt of recent updates, by update timestamp."""


class HmrHub:
    def __init__(self, queue_limit: int = QUEUE_LIMIT) -> None:
        self.server_id = secrets.token_hex(8)
        """Random per server process: a client that sees it change knows the server restarted."""
        self.queue_limit = queue_limit
        self.channels: dict[str, Channel] = {}
        self._listeners: defaultdict[str, list[Listener]] = defaultdict(list)

    # channels and connections

    def open_channel(self, app_id: str, build_hash: str) -> Channel:
        return self.channels.setdefault(app_id, Channel(app_id, build_hash))

    def close_channel(self, app_id: str) -> None:
        channel = self.channels.pop(app_id, None)
        if channel:
            for client in list(channel.clients):
                client.close(1001, "app removed")

    def connect(self, app_id: str, socket: Socket) -> Client | None:
        """Add a connection to the app's channel and greet it; None if the app is gone."""
        channel = self.channels.get(app_id)
        if channel is None:
            return None
        client = Client(socket, self.queue_limit)
        channel.clients.add(client)
        client.send(json.dumps(messages.connected(channel.build_hash, self.server_id)))
        if channel.error:
            client.send(json.dumps(messages.error(channel.error)))
        return client

    def disconnect(self, app_id: str, client: Client) -> None:
        client.detach()
        channel = self.channels.get(app_id)
        if channel:
            channel.clients.discard(client)

    # server -> clients

    def broadcast(self, app_id: str, message: dict[str, Any]) -> None:
        channel = self.channels.get(app_id)
        if channel is None:
            return
        text = json.dumps(message)
        for client in list(channel.clients):
            if not client.send(text):
                channel.clients.discard(client)

    def send_update(self, app_id: str, updates: list[dict[str, Any]], build_hash: str) -> None:
        channel = self.channels[app_id]
        channel.build_hash = build_hash
        channel.runtime_error = None
        sent_at = messages.now_ms()
        for entry in updates:
            channel.sent_at[entry["timestamp"]] = sent_at
        while len(channel.sent_at) > _SENT_AT_KEPT:
            channel.sent_at.popitem(last=False)
        self.broadcast(app_id, messages.update(updates, build_hash, sent_at))

    def send_full_reload(self, app_id: str, reason: str, path: str | None, build_hash: str) -> None:
        channel = self.channels[app_id]
        channel.build_hash = build_hash
        channel.runtime_error = None
        self.broadcast(app_id, messages.full_reload(reason, path))

    def send_prune(self, app_id: str, paths: list[str]) -> None:
        self.broadcast(app_id, messages.prune(paths))

    def send_error(self, app_id: str, err: dict[str, Any]) -> None:
        """Show a build error now, and to every client that connects until it is cleared."""
        self.channels[app_id].error = err
        self.broadcast(app_id, messages.error(err))

    def clear_error(self, app_id: str) -> None:
        """The build is good again; clients clear their overlay on the next update."""
        channel = self.channels.get(app_id)
        if channel:
            channel.error = None

    def send_custom(self, app_id: str, event: str, data: Any) -> None:
        self.broadcast(app_id, messages.custom(event, data))

    # clients -> server

    def on(self, event: str, listener: Listener) -> None:
        """Call `listener(app_id, data)` for every client's custom `event`."""
        self._listeners[event].append(listener)

    def receive(self, app_id: str, text: str | bytes) -> None:
        """Handle one frame from a client: record what the server keeps, tell listeners."""
        try:
            message = json.loads(text)
        except ValueError:
            return
        if not isinstance(message, dict) or message.get("type") != "custom":
            return
        event, data = message.get("event"), message.get("data")
        channel = self.channels.get(app_id)
        if not isinstance(event, str) or channel is None:
            return
        if event == "fastpreview:runtime-error":
            channel.runtime_error = _bounded(data)
        elif event == "fastpreview:applied":
            channel.last_applied = _applied(channel, data)
        for listener in list(self._listeners[event]):
            try:
                listener(app_id, data)
            except Exception:  # one failing listener must not stop the others
                log.exception("HMR listener for %r failed", event)


def _applied(channel: Channel, data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    report = _bounded(data)
    timestamp = data.get("timestamp")
    sent_at = channel.sent_at.get(timestamp) if isinstance(timestamp, int) else None
    applied_at = data.get("appliedAt")
    if sent_at is not None and isinstance(applied_at, (int, float)):
        report["sentAt"] = sent_at
        report["latencyMs"] = applied_at - sent_at
    return report


def _bounded(data: Any) -> dict[str, Any]:
    """A client's report, kept only as far as it is a small JSON object."""
    if not isinstance(data, dict):
        return {"message": str(data)[:_TEXT_LIMIT]}
    with contextlib.suppress(TypeError, ValueError):
        if len(json.dumps(data)) <= _TEXT_LIMIT:
            return dict(data)
    return {key: str(value)[:_TEXT_LIMIT] for key, value in list(data.items())[:20]}
