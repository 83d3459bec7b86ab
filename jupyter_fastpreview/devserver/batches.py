"""The kernel's batch marker, seen from the server: hold changes while a batch is being written.

`App.write_files` and `with app.batch():` create `.fastpreview-batch` in the app folder, write
every file, then remove it. Changes seen while the marker exists are held and applied at once
when it goes, so a generated app never shows "module not found" for a file not yet written. A
marker older than `STALE_BATCH_SECONDS` is ignored: a crashed kernel cannot freeze the preview.
"""

from __future__ import annotations

import time
from pathlib import Path

from ..kernel.files import BATCH_MARKER, STALE_BATCH_SECONDS


def batch_marker(folder: Path) -> Path:
    return folder / BATCH_MARKER


def seconds_until_stale(folder: Path) -> float | None:
    """How long changes may still be held for an open batch; None if no batch is open."""
    try:
        age = time.time() - batch_marker(folder).stat().st_mtime
    except FileNotFoundError:
        return None
    remaining = STALE_BATCH_SECONDS - age
    return remaining if remaining > 0 else None
