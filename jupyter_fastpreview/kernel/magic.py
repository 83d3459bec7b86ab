"""`%%fastpreview APP PATH`: a cell's body becomes a file of the app, so a tutorial can edit
an app cell by cell; the cell also shows the app's preview if none is open yet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, magics_class

from .app import App

USAGE = "usage: %%fastpreview APP PATH  (e.g. %%fastpreview hello src/App.tsx)"


@magics_class
class FastPreviewMagics(Magics):
    def __init__(self, shell: Any) -> None:
        super().__init__(shell)
        self.previewed: set[Path] = set()

    @cell_magic
    def fastpreview(self, line: str, cell: str) -> Any:
        """Write the cell to PATH in app APP; its result is the app's preview, unless this
        kernel showed one already or one is open anywhere (the server counts their sockets)."""
        words = line.split()
        if len(words) != 2:
            raise UsageError(USAGE)
        name, path = words
        app = App(name)
        app.write(path, cell)
        if app.folder in self.previewed or app.open_previews:
            return None
        widget = app.preview()
        self.previewed.add(app.folder)
        return widget
