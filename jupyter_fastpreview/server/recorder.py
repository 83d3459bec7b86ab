"""Records what the dev server does in the state store: status moves and one build per batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..devserver.apps import App
from ..store import Store


class StoreRecorder:
    """The dev server's `AppObserver` backed by the SQLite store (apps keyed by folder)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._status: dict[int, str] = {}
        self._record_ids: dict[Path, int] = {}

    def registered(self, app: App) -> None:
        self._record_id(app)

    def applied(self, app: App, kind: str, ms: float, error: dict[str, Any] | None) -> None:
        record_id = self._record_id(app)
        errors = [error] if error else []
        self.store.record_build(record_id, kind, ms, ok=not errors, errors=errors)
        status = "error" if error else "ready"
        if self._status.get(record_id) != status:
            self.store.set_app_status(record_id, status, error_message(error))
            self._status[record_id] = status

    def _record_id(self, app: App) -> int:
        """The app's row, looked up once: every HMR update passes here, on the event loop."""
        folder = app.folder.resolve()
        if folder not in self._record_ids:
            self._record_ids[folder] = self.store.ensure_app(app.name, folder).id
        return self._record_ids[folder]


def error_message(error: dict[str, Any] | None) -> str | None:
    """`file:line:column: message`, as a person would want to see it in a list of apps."""
    if not error:
        return None
    where = ":".join(
        str(error[key]) for key in ("file", "line", "column") if error.get(key) is not None
    )
    message = str(error.get("message", "error"))
    return f"{where}: {message}" if where else message
