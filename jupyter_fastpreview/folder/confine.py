"""An app folder's files, read and written only inside it: the one place that decides.

An app folder may be hostile (a cloned repository, generated code, an npm dependency). Every
reader and writer of app files goes through `AppFolder`, which
- resolves every symlink and refuses a path whose real location is outside the folder, or
  that is ignored before or after resolving (see `rules`);
- opens files with `O_NOFOLLOW | O_NONBLOCK` on the resolved path and checks the open file:
  a regular file (not a FIFO, device or directory), within the size limit for its use, and not
  a second name of some other file (a hard link) unless it is inside `node_modules`;
- writes by creating a new file beside the target (`O_EXCL`, via `mkstemp`) and renaming it
  over the target, with the mode the process's umask gives a new file (an existing file keeps
  its own), and creates marker files with `O_EXCL | O_NOFOLLOW` after removing whatever name
  was there, so a planted symlink is replaced, never followed.

Hard links: a file's link count says it has other names, not where they are, so a link count
above one is no proof of an outside file. We refuse such files outside `node_modules` (apps'
own sources have one name; git and npm never create hard links) and accept them inside it,
where pnpm's store makes every package file a hard link. Creating a hard link to another
user's file is prevented by the kernel's `protected_hardlinks`; a hard link to the user's own
file needs a process already running as the user.

This defends against what a folder contains, not against a process that changes the folder
while we read it (that process could read the files itself).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from .rules import MAX_MODULE_BYTES, in_packages, is_ignored, is_source

_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_MARKER_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class FolderError(ValueError):
    """A path or file the app folder refuses; nothing was read or written. The message says
    which file and why."""


class TooLarge(FolderError):
    """The file is larger than its use allows."""


@dataclass(frozen=True)
class SourceFile:
    path: str
    """Relative to the app folder, POSIX-style."""
    content: bytes
    executable: bool


class AppFolder:
    """One app folder. `root` is resolved once; it must exist for reads, not for writes."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(os.path.realpath(root))

    def __repr__(self) -> str:
        return f"AppFolder({str(self.root)!r})"

    # where

    def locate(self, relative: str, *, hidden: bool = False) -> Path:
        """The real path `relative` names inside the folder (symlinks resolved).

        `relative` is POSIX-style and relative (backslashes count as slashes). Raises
        `FolderError` for an absolute path, `..`, a NUL byte, a path whose real location is
        outside the folder, and (unless `hidden`) one that is ignored before or after
        resolving. The file need not exist.
        """
        parts = _parts(relative)
        if not hidden and is_ignored(parts):
            raise FolderError(f"{relative!r} is not one of the app's files")
        real = Path(os.path.realpath(self.root.joinpath(*parts)))
        inner = self.relative_parts(real)
        if inner is None:
            raise FolderError(f"{relative!r} resolves outside the app folder")
        if not hidden and is_ignored(inner):
            raise FolderError(f"{relative!r} resolves to a file that is not one of the app's")
        return real

    def relative_parts(self, path: str | os.PathLike[str]) -> tuple[str, ...] | None:
        """`path`'s components relative to the folder if its real location is inside it (the
        folder itself is `()`), else None."""
        real = Path(os.path.realpath(path))
        if real == self.root:
            return ()
        if not real.is_relative_to(self.root):
            return None
        return real.relative_to(self.root).parts

    def contains(self, path: str | os.PathLike[str]) -> bool:
        """Whether `path`'s real location is inside the folder (or is the folder)."""
        return self.relative_parts(path) is not None

    def module_id(self, path: Path) -> str:
        """The app-relative URL path of a file inside the folder: `/src/App.tsx`."""
        return "/" + path.relative_to(self.root).as_posix()

    # reading

    def read(self, relative: str, limit: int = MAX_MODULE_BYTES, *, hidden: bool = False) -> bytes:
        """The file's bytes. Raises `FileNotFoundError` if it does not exist, `TooLarge` over
        `limit`, `FolderError` for anything else refused (see `locate`, `read_real`)."""
        return self.read_real(self.locate(relative, hidden=hidden), limit, label=relative)

    def read_text(self, relative: str, limit: int = MAX_MODULE_BYTES) -> str:
        """The file as UTF-8 text (undecodable bytes replaced)."""
        return self.read(relative, limit).decode("utf-8", "replace")

    def is_file(self, relative: str, *, hidden: bool = False) -> bool:
        """Whether `relative` names a regular file of the app (symlinks inside it followed)."""
        try:
            return stat.S_ISREG(os.stat(self.locate(relative, hidden=hidden)).st_mode)
        except (FolderError, OSError):
            return False

    def read_real(self, real: Path, limit: int, *, label: str | None = None) -> bytes:
        """The bytes of `real`, a path already inside the folder with no symlink left in it
        (what `locate` returns, or a path esbuild resolved). Refused as `read` says."""
        label = label or real.as_posix()
        parts = self.relative_parts(real)
        if parts is None:
            raise FolderError(f"{label} is outside the app folder")
        try:
            fd = os.open(real, _READ_FLAGS)
        except OSError as error:
            raise _open_error(error, label) from None
        try:
            info = os.fstat(fd)
            check_regular(info, label, limit, packaged=in_packages(parts))
            return _read_all(fd, info.st_size, limit, label)
        finally:
            os.close(fd)

    async def read_settled(
        self, relative: str, limit: int = MAX_MODULE_BYTES, *, pause: float = 0.002
    ) -> bytes | None:
        """The file's content once writers are done with it; None if it does not exist.

        JupyterLab saves by copying the file to `.~name`, rewriting it in place, then deleting
        the copy: while the copy exists the file may be empty or half written. Otherwise the
        content is read until two reads agree.
        """
        import asyncio

        real = self.locate(relative)
        backup = real.with_name(".~" + real.name)
        deadline = time.monotonic() + _BACKUP_WAIT_S
        while os.path.lexists(backup) and time.monotonic() < deadline:
            await asyncio.sleep(pause)
        previous = self._read_or_none(real, limit, relative)
        for _ in range(_REREADS):
            current = self._read_or_none(real, limit, relative)
            if current == previous:
                return current
            previous = current
            await asyncio.sleep(pause)
        return previous

    def _read_or_none(self, real: Path, limit: int, label: str) -> bytes | None:
        try:
            return self.read_real(real, limit, label=label)
        except FileNotFoundError:
            return None

    def source_files(self, limit: int) -> Iterator[SourceFile]:
        """The app's source files (see `rules.is_source`), sorted by path, read through the
        same checks as `read`. Files over `limit`, refused or vanished ones are left out;
        symlinked folders are not followed."""
        for relative in self.source_paths():
            try:
                real = self.locate(relative)
                data = self.read_real(real, limit, label=relative)
                executable = bool(os.stat(real).st_mode & stat.S_IXUSR)
            except (FolderError, OSError):
                continue
            yield SourceFile(relative, data, executable)

    def source_paths(self) -> list[str]:
        """The relative paths of the app's source files, sorted (not opened: a path whose real
        location is outside the folder or ignored is left out)."""
        found = []
        for directory, folders, names in os.walk(self.root):
            here = Path(directory).relative_to(self.root).parts
            folders[:] = [name for name in folders if is_source((*here, name))]
            for name in names:
                parts = (*here, name)
                if not is_source(parts):
                    continue
                real_parts = self.relative_parts(self.root.joinpath(*parts))
                if real_parts is not None and is_source(real_parts):
                    found.append("/".join(parts))
        return sorted(found)

    # writing

    def write(self, relative: str, data: bytes) -> Path:
        """Put `data` into the file atomically (a new file renamed over it); its parent folders
        are made as needed. Hidden names are allowed (`.gitignore`); the path must stay inside."""
        target = self.locate(relative, hidden=True)
        if target == self.root:
            raise FolderError(f"{relative!r} names the app folder itself")
        self._make_folders(target.parent, relative)
        mode = _mode_for(target)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                os.fchmod(stream.fileno(), mode)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return target

    def delete(self, relative: str) -> None:
        """Remove a file (a symlink is removed, never its target). `FileNotFoundError` if none."""
        parts = _parts(relative)
        if not parts:
            raise FolderError("give the file to delete")
        path = self.locate("/".join(parts[:-1]) or ".", hidden=True) / parts[-1]
        if stat.S_ISDIR(os.lstat(path).st_mode):
            raise FolderError(f"{relative} is a folder, not a file")
        path.unlink()

    def create_marker(self, name: str, text: str) -> None:
        """Create the plain file `name` at the top of the folder, replacing whatever had that
        name (a planted symlink is removed, not followed)."""
        path = self._marker(name)
        self.root.mkdir(parents=True, exist_ok=True)
        for _ in range(3):
            try:
                fd = os.open(path, _MARKER_FLAGS, 0o600)
            except FileExistsError:
                self.remove_marker(name)
                continue
            with os.fdopen(fd, "w") as stream:
                stream.write(text)
            return
        raise FolderError(f"cannot create {name} in {self.root}: something keeps recreating it")

    def remove_marker(self, name: str) -> None:
        path = self._marker(name)
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except IsADirectoryError:
            raise FolderError(f"{path} is a folder; remove it") from None

    def marker_age(self, name: str) -> float | None:
        """Seconds since the marker file was written; None if there is none (a symlink or a
        folder by that name is no marker)."""
        try:
            info = os.lstat(self._marker(name))
        except FileNotFoundError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        return time.time() - info.st_mtime

    def _marker(self, name: str) -> Path:
        if "/" in name or name in ("", ".", ".."):
            raise FolderError(f"{name!r} is not a plain file name")
        return self.root / name

    def _make_folders(self, folder: Path, relative: str) -> None:
        os.makedirs(folder, exist_ok=True)
        if self.relative_parts(folder) is None:
            raise FolderError(f"{relative!r} resolves outside the app folder")


def check_regular(info: os.stat_result, label: str, limit: int, *, packaged: bool) -> None:
    """Refuse what is not a plain, single-named file within `limit` (see the module's note on
    hard links; `packaged` files are those inside `node_modules`)."""
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder", label)
    if not stat.S_ISREG(info.st_mode):
        raise FolderError(f"{label} is not a regular file")
    if info.st_size > limit:
        raise TooLarge(
            f"{label} is {info.st_size:,} bytes; files of this kind may have {limit:,} at most"
        )
    if info.st_nlink > 1 and not packaged:
        raise FolderError(
            f"{label} is a hard link (the file has other names); app files are read only under "
            "one name: replace it with a copy"
        )


_BACKUP_WAIT_S = 0.25
_REREADS = 10


def _parts(relative: str) -> tuple[str, ...]:
    if "\x00" in relative:
        raise FolderError("a file name cannot contain a NUL byte")
    text = relative.replace("\\", "/")
    posix = PurePosixPath(text)
    if posix.is_absolute():
        raise FolderError(f"{relative!r} is absolute; give a path relative to the app folder")
    if ".." in posix.parts:
        raise FolderError(f"{relative!r} leaves the app folder ('..')")
    return tuple(part for part in posix.parts if part != ".")


def _open_error(error: OSError, label: str) -> Exception:
    if error.errno == errno.ENOENT:
        return FileNotFoundError(errno.ENOENT, f"{label} does not exist", label)
    if error.errno == errno.ELOOP:
        return FolderError(f"{label} is a symlink that cannot be followed (a loop?)")
    if error.errno in (errno.ENOTDIR, errno.EISDIR):
        return IsADirectoryError(error.errno, f"{label} is not a file", label)
    return FolderError(f"{label} cannot be read: {error.strerror}")


def _read_all(fd: int, size: int, limit: int, label: str) -> bytes:
    chunks, total = [], 0
    while chunk := os.read(fd, max(size - total, 0) + 65536):
        total += len(chunk)
        if total > limit:
            raise TooLarge(f"{label} grew past {limit:,} bytes while being read")
        chunks.append(chunk)
    return b"".join(chunks)


def _mode_for(target: Path) -> int:
    """An existing file keeps its mode; a new one gets what the umask leaves of 0666."""
    try:
        info = os.lstat(target)
        if stat.S_ISREG(info.st_mode):
            return stat.S_IMODE(info.st_mode)
    except FileNotFoundError:
        pass
    return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process's umask, read without changing it where the OS allows (Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return _umask_once()


@cache
def _umask_once() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
