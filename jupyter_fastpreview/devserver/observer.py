"""What the dev server tells the outside about its apps: a small interface, no store import.

The server extension passes an observer that records status moves and builds in the state
store; the dev server itself only knows it has someone to tell.
"""

from __future__ import annotations

from typing import Any, Protocol

from .apps import App


class AppObserver(Protocol):
    def registered(self, app: App) -> None:
        """The app got a session (registered now, or restored from before a restart)."""

    def applied(self, app: App, kind: str, ms: float, error: dict[str, Any] | None) -> None:
        """The app was built in `ms`: `dev` for a batch of changes applied to the previews,
        `check` for a whole-app check with no preview; `error` is its build error after it."""
