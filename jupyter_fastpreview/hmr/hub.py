"""Channels of HMR clients, one per app, and what the server remembers for each.

Sending never waits for a client: a message goes straight to the socket when no write of that
connection is in progress, else into the connection's bounded backlog, written when the write
before it completes; so one slow or stalled preview cannot delay the others, and a client whose
backlog overflows is closed (it reconnects and, seeing a new build hash, reloads). An idle
connection holds no task, queue or buffer: a server keeps thousands of previews open. A message
is serialised and encoded once for all of its app's clients. A new connection first gets
`connected`, then the app's current build error if it has one, so an overlay survives a reload.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections import OrderedDict, defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..server.events import log_event
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
    """What the hub needs of a websocket connection (tornado's handler has it). `bytes` are
    UTF-8 JSON text, sent as a text frame."""

    def write_message(self, message: bytes) -> Awaitable[None]: ...

    def close(self, code: int | None = None, reason: str | None = None) -> None: ...


class Client:
    """One connection: at most one write in progress, the messages behind it in a backlog of
    at most `queue_limit`, written in order as each write completes."""

    __slots__ = ("socket", "closed", "_limit", "_backlog", "_writing")

    def __init__(self, socket: Socket, queue_limit: int = QUEUE_LIMIT) -> None:
        self.socket = socket
        self.closed = False
        self._limit = queue_limit
        self._backlog: deque[bytes] | None = None
        """Created on the first message that must wait, dropped once written: idle is cheap."""
        self._writing: asyncio.Future[None] | None = None

    def send(self, data: bytes) -> bool:
        """Write `data` now, or after the writes before it; False if the client is closed
        (by this call when its backlog overflows)."""
        if self.closed:
            return False
        if self._writing is None:
            self._write(data)
            return not self.closed
        if self._backlog is None:
            self._backlog = deque()
        if len(self._backlog) >= self._limit:
            log.warning("HMR client cannot keep up (%d messages queued); closing it", self._limit)
            self.close(OVERFLOW_CLOSE_CODE, "send queue overflow")
            return False
        self._backlog.append(data)
        return True

    def _write(self, data: bytes) -> None:
        try:
            writing = asyncio.ensure_future(self.socket.write_message(data))
        except Exception as failure:  # noqa: BLE001 - any write failure ends this client
            self._failed(failure)
            return
        self._writing = writing
        writing.add_done_callback(self._written)

    def _written(self, writing: asyncio.Future[None]) -> None:
        self._writing = None
        if self.closed or writing.cancelled():
            return
        failure = writing.exception()
        if failure is not None:
            self._failed(failure)
        elif self._backlog:
            self._write(self._backlog.popleft())
        else:
            self._backlog = None

    def _failed(self, failure: BaseException) -> None:
        log.debug("HMR client write failed: %r", failure)
        self.detach()

    def close(self, code: int | None = None, reason: str | None = None) -> None:
        if self.closed:
            return
        self.detach()
        self.socket.close(code, reason)

    def detach(self) -> None:
        """The socket closed (or failed): stop writing to it."""
        self.closed = True
        self._backlog = None
        if self._writing is not None:
            self._writing.cancel()
            self._writing = None


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
        client.send(_encoded(messages.connected(channel.build_hash, self.server_id)))
        if channel.error:
            client.send(_encoded(messages.error(channel.error)))
        return client

    def disconnect(self, app_id: str, client: Client) -> None:
        client.detach()
        channel = self.channels.get(app_id)
        if channel:
            channel.clients.discard(client)

    # server -> clients

    def broadcast(self, app_id: str, message: dict[str, Any]) -> int:
        """Send `message` to every client of the app; how many took it."""
        channel = self.channels.get(app_id)
        if channel is None:
            return 0
        data = _encoded(message)
        for client in list(channel.clients):
            if not client.send(data):
                channel.clients.discard(client)
        return len(channel.clients)

    def send_update(
        self,
        app_id: str,
        updates: list[dict[str, Any]],
        build_hash: str,
        started: float | None = None,
    ) -> None:
        """Send an `update`; `started` (`time.perf_counter()` when the change was picked up)
        times the log line."""
        channel = self.channels[app_id]
        channel.build_hash = build_hash
        channel.runtime_error = None
        sent_at = messages.now_ms()
        for entry in updates:
            channel.sent_at[entry["timestamp"]] = sent_at
        while len(channel.sent_at) > _SENT_AT_KEPT:
            channel.sent_at.popitem(last=False)
        clients = self.broadcast(app_id, messages.update(updates, build_hash, sent_at))
        log_event(
            "hmr-update", app=app_id, modules=len(updates), clients=clients, ms=_since(started)
        )

    def send_full_reload(
        self,
        app_id: str,
        reason: str,
        path: str | None,
        build_hash: str,
        started: float | None = None,
    ) -> None:
        channel = self.channels[app_id]
        channel.build_hash = build_hash
        channel.runtime_error = None
        clients = self.broadcast(app_id, messages.full_reload(reason, path))
        log_event("hmr-reload", app=app_id, clients=clients, reason=reason, ms=_since(started))

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


def _since(started: float | None) -> float | None:
    return None if started is None else (time.perf_counter() - started) * 1000


def _encoded(message: dict[str, Any]) -> bytes:
    return json.dumps(message).encode()


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
