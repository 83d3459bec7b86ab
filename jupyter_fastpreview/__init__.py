"""Live preview of small React + TypeScript apps inside JupyterLab and Notebook 7."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

__all__ = ["App", "benchmark", "list_apps"]

try:
    __version__ = version("jupyter_fastpreview")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """The API on first use: importing the package in a kernel stays cheap."""
    if name == "benchmark":
        from .bench.suite import benchmark

        return benchmark
    if name in __all__:
        from .kernel import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext jupyter_fastpreview` registers the `%%fastpreview` cell magic."""
    from .kernel.magic import FastPreviewMagics

    ipython.register_magics(FastPreviewMagics)


def _jupyter_server_extension_points() -> list[dict]:
    """Tell jupyter_server where the extension app is.

    Imported lazily so that kernels importing the package do not pay for jupyter_server.
    """
    from .server.extension import FastPreviewApp

    return [{"module": "jupyter_fastpreview.server.extension", "app": FastPreviewApp}]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Tell JupyterLab where the prebuilt frontend extension is installed."""
    return [{"src": "labextension", "dest": "jupyter-fastpreview"}]
