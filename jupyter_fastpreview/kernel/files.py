"""An app folder's files as the kernel writes them: confined, checked, atomic, batched.

Every write goes to a temp file beside the target and is renamed over it, so the server's
watcher never reads half a file. A write that would escape the folder, put binary bytes into
a source file or exceed the size limit raises before anything touches the disk.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

SOURCE_SUFFIXES = {".tsx", ".ts", ".jsx", ".js", ".mjs", ".css", ".json", ".html", ".md", ".txt"}
MAX_FILE_BYTES = 2 * 1024 * 1024
BATCH_MARKER = ".fastpreview-batch"
"""While this file exists in an app folder, the server holds changes and applies them at once
when it disappears (a marker older than `STALE_BATCH_SECONDS` is ignored, so a crashed kernel
cannot freeze the preview)."""
STALE_BATCH_SECONDS = 30.0
HIDDEN_PARTS = {"node_modules", ".git"}


class AppFileError(ValueError):
    """A file operation the app refuses; nothing was written."""


class AppFiles:
    def __init__(self, folder: str | Path, max_file_bytes: int = MAX_FILE_BYTES) -> None:
        self.folder = Path(folder).resolve()
        self.max_file_bytes = max_file_bytes
        self._batch_depth = 0

    def resolve(self, relative: str | os.PathLike[str]) -> Path:
        """The absolute path of `relative`, refused if it leaves the folder (`..`, symlinks)."""
        text = os.fspath(relative).replace("\\", "/")
        if not text or "\x00" in text:
            raise AppFileError(f"invalid file name {text!r}")
        posix = PurePosixPath(text)
        if posix.is_absolute() or ".." in posix.parts:
            raise AppFileError(f"{text!r} is outside the app folder {self.folder}")
        target = (self.folder / posix).resolve()
        if target != self.folder and self.folder not in target.parents:
            raise AppFileError(f"{text!r} resolves outside the app folder {self.folder}")
        return target

    def relative(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()

    def check(self, relative: str, content: str | bytes) -> bytes:
        """The bytes to write for `content`, or the reason it is refused."""
        data = content.encode() if isinstance(content, str) else bytes(content)
        if len(data) > self.max_file_bytes:
            raise AppFileError(
                f"{relative} is {len(data):,} bytes; the limit is {self.max_file_bytes:,}"
            )
        if PurePosixPath(relative).suffix in SOURCE_SUFFIXES:
            if b"\x00" in data:
                raise AppFileError(f"{relative} is a source file but the content is binary")
            try:
                data.decode()
            except UnicodeDecodeError as error:
                raise AppFileError(f"{relative} is a source file but not UTF-8: {error}") from None
        return data

    def write(self, relative: str, content: str | bytes) -> Path:
        target = self.resolve(relative)
        data = self.check(relative, content)
        _atomic_write(target, data)
        return target

    def write_many(self, files: Mapping[str, str | bytes | None]) -> list[Path]:
        """Check every file first, then land them all in one batch (None deletes a file)."""
        planned = [
            (self.resolve(name), None if content is None else self.check(name, content))
            for name, content in files.items()
        ]
        with self.batch():
            for target, data in planned:
                if data is None:
                    target.unlink(missing_ok=True)
                else:
                    _atomic_write(target, data)
        return [target for target, _ in planned]

    def read(self, relative: str) -> str:
        target = self.resolve(relative)
        if not target.is_file():
            raise FileNotFoundError(f"{relative} does not exist in {self.folder}")
        return target.read_text()

    def delete(self, relative: str) -> None:
        target = self.resolve(relative)
        if not target.is_file():
            raise FileNotFoundError(f"{relative} does not exist in {self.folder}")
        target.unlink()

    def list(self) -> list[str]:
        """The app's files, without dependencies, git data and hidden files."""
        found = []
        for path in self.folder.rglob("*"):
            parts = path.relative_to(self.folder).parts
            if path.is_file() and not any(p in HIDDEN_PARTS or p.startswith(".") for p in parts):
                found.append(self.relative(path))
        return sorted(found)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Hold the preview's updates until the block ends, then apply them as one."""
        marker = self.folder / BATCH_MARKER
        if self._batch_depth == 0:
            self.folder.mkdir(parents=True, exist_ok=True)
            marker.write_text(str(time.time()))
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0:
                marker.unlink(missing_ok=True)


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temp, 0o644)  # mkstemp makes 0600; app files are ordinary, readable files
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
