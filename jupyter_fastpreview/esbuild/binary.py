"""Finding the esbuild binary: the wheel carries one, so users need no Node.js."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

ENV_VAR = "FASTPREVIEW_ESBUILD_BINARY"
_EXE = "esbuild.exe" if sys.platform == "win32" else "esbuild"
_PACKAGE_COPY = Path(__file__).parent / "bin" / _EXE
_CHECKOUT = Path(__file__).resolve().parents[2]


class EsbuildNotFound(FileNotFoundError):
    pass


def npm_platform() -> str:
    """The `@esbuild/<platform>` package name for this machine, e.g. `linux-x64`."""
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(
        machine, machine
    )
    return f"{sys.platform}-{arch}"


def candidates(explicit: str | None = None) -> list[Path]:
    """Where to look, best first: an explicit setting, the env var, the copy in the package,
    a development checkout's `node_modules`, then `PATH`."""
    found = [explicit, os.environ.get(ENV_VAR)]
    paths = [Path(p).expanduser() for p in found if p]
    paths.append(_PACKAGE_COPY)
    platform_pkg = _CHECKOUT / "labextension" / "node_modules" / "@esbuild" / npm_platform()
    paths.append(platform_pkg / "bin" / _EXE)
    on_path = shutil.which("esbuild")
    if on_path:
        paths.append(Path(on_path))
    return paths


def find_binary(explicit: str | None = None) -> str:
    if explicit or os.environ.get(ENV_VAR):
        # A binary the user named must be used or refused, never silently replaced.
        path = candidates(explicit)[0]
        if not _is_executable(path):
            raise EsbuildNotFound(f"esbuild binary {path} does not exist or is not executable")
        return str(path)
    for path in candidates():
        if _is_executable(path):
            return str(path)
    looked = "\n  ".join(str(p) for p in candidates())
    raise EsbuildNotFound(
        f"no esbuild binary found; looked in:\n  {looked}\n"
        f"Reinstall jupyter_fastpreview, or set {ENV_VAR} to an esbuild binary."
    )


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


@lru_cache(maxsize=8)
def binary_version(binary: str) -> str:
    result = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True)
    return result.stdout.strip()
