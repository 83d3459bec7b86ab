"""Which process works a store's sync queue: the one holding this lock file.

Two Jupyter servers of one user share the default store. Both may queue jobs, but only one
may run them, or the second, on start, would take the first's running job for one left by a
crash and push it twice. The OS drops the lock when its process dies, so after a crash the
next worker takes over.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

if sys.platform == "win32":
    import msvcrt

    def _try_lock(file: IO[bytes]) -> bool:
        try:
            file.seek(0)
            msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(file: IO[bytes]) -> bool:
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


class OwnerLock:
    """An exclusive, non-blocking lock on a file; held until `release` or the process ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> bool:
        """Take the lock if nobody holds it; True if we hold it now."""
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        file = open(self.path, "a+b")  # noqa: SIM115 - held open for as long as the lock
        if _try_lock(file):
            self._file = file
            return True
        file.close()
        return False

    def release(self) -> None:
        """Closing the file releases the lock."""
        if self._file is not None:
            self._file.close()
            self._file = None
