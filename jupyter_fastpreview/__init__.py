"""Live preview of small React + TypeScript apps inside JupyterLab and Notebook 7."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jupyter_fastpreview")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.1.0"


def _jupyter_server_extension_points() -> list[dict]:
    """Tell jupyter_server where the extension app is.

    Imported lazily so that kernels importing the package do not pay for jupyter_server.
    """
    from .server.extension import FastPreviewApp

    return [{"module": "jupyter_fastpreview.server.extension", "app": FastPreviewApp}]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Tell JupyterLab where the prebuilt frontend extension is installed."""
    return [{"src": "labextension", "dest": "jupyter-fastpreview"}]
