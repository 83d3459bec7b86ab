"""One log line per piece of work the server does, with its timing, easy to `grep`:

    fastpreview: event=build app=demo kind=dev status=ok ms=3.1
    fastpreview: event=hmr-update app=demo modules=1 clients=3 ms=4.2
    fastpreview: event=hmr-reload app=demo clients=3 reason="index.html changed" ms=2.0
    fastpreview: event=deploy app=demo target=local deployment=d-1 status=ok size=14211 ms=180.4
    fastpreview: event=sync job=7 app=demo status=done attempts=1 ms=912.5

Quiet by default: the lines are DEBUG records of the `jupyter_fastpreview.events` logger, so
a server at its default level (INFO) shows none of them. `--ServerApp.log_level=DEBUG` shows
them among everything else; `--FastPreviewApp.log_events=True` logs them at INFO, so they show
alone. A failed deploy is logged at WARNING whatever the setting (the sync queue logs its own
failures). Every line is made on the thread that did the work and costs nothing when hidden.
"""

from __future__ import annotations

import json
import logging
from typing import Any

PREFIX = "fastpreview:"
ROOT_LOGGER = "jupyter_fastpreview"
log = logging.getLogger(f"{ROOT_LOGGER}.events")

_level = logging.DEBUG


def log_event(event: str, *, level: int | None = None, **fields: Any) -> None:
    """Log `fastpreview: event=<event> key=value ...` (fields in the order given)."""
    level = _level if level is None else level
    if not log.isEnabledFor(level):
        return
    pairs = "".join(f" {key}={_value(value)}" for key, value in fields.items())
    log.log(level, "%s event=%s%s", PREFIX, event, pairs)


def _value(value: Any) -> str:
    """A value `grep` and `awk` can take: numbers short, text quoted only when it must be."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.1f}"
    if value is None:
        return "-"
    text = str(value)
    if not text or any(c.isspace() or c in '"=' for c in text):
        return json.dumps(text)
    return text


def connect(
    server_log: logging.Logger | logging.LoggerAdapter[Any], *, events_at_info: bool = False
) -> None:
    """Send the package's log records to the server's log (its handlers, format and level),
    and there only: without this they reach no handler (Python prints only warnings,
    unformatted), and a root handler that someone configured would print them twice."""
    global _level
    _level = logging.INFO if events_at_info else logging.DEBUG
    target = server_log.logger if isinstance(server_log, logging.LoggerAdapter) else server_log
    package = logging.getLogger(ROOT_LOGGER)
    # The level the server's handlers let through: below it a record is not even made.
    package.setLevel(min((handler.level for handler in target.handlers), default=logging.INFO))
    for handler in [h for h in package.handlers if isinstance(h, _ToServerLog)]:
        package.removeHandler(handler)
    package.addHandler(_ToServerLog(target))
    package.propagate = False


class _ToServerLog(logging.Handler):
    """Hands records to the server's logger, which formats and filters them as its own."""

    def __init__(self, server_log: logging.Logger) -> None:
        super().__init__()
        self.server_log = server_log

    def emit(self, record: logging.LogRecord) -> None:
        self.server_log.handle(record)
