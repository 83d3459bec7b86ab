"""The server -> client messages of the HMR protocol (docs/devserver.md), as plain dicts."""

from __future__ import annotations

import time
from typing import Any


def now_ms() -> float:
    """Epoch milliseconds, the clock `sentAt` and the client's `appliedAt` share."""
    return time.time() * 1000


def connected(build_hash: str, server_id: str) -> dict[str, Any]:
    return {"type": "connected", "buildHash": build_hash, "serverId": server_id}


def update(updates: list[dict[str, Any]], build_hash: str, sent_at: float) -> dict[str, Any]:
    return {"type": "update", "updates": updates, "buildHash": build_hash, "sentAt": sent_at}


def module_update(kind: str, path: str, accepted_path: str, timestamp: int) -> dict[str, Any]:
    """One entry of `update.updates`; `kind` is `js-update` or `css-update`."""
    return {"type": kind, "path": path, "acceptedPath": accepted_path, "timestamp": timestamp}


def full_reload(reason: str, path: str | None) -> dict[str, Any]:
    return {"type": "full-reload", "reason": reason, "path": path}


def prune(paths: list[str]) -> dict[str, Any]:
    return {"type": "prune", "paths": paths}


def error(err: dict[str, Any]) -> dict[str, Any]:
    return {"type": "error", "err": err}


def custom(event: str, data: Any) -> dict[str, Any]:
    return {"type": "custom", "event": event, "data": data}
