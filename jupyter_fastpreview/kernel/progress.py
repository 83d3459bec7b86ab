"""A progress bar in the cell's output, updated in place; nothing outside IPython (a script
gets the result or the error, which is what it needs)."""

from __future__ import annotations

import html
from typing import Any


class Progress:
    def __init__(self, label: str) -> None:
        self.label = label
        self._handle = _display(self._html(0, "starting"))

    def update(self, percent: float, detail: str) -> None:
        if self._handle is not None:
            self._handle.update(_html_object(self._html(percent, detail)))

    def _html(self, percent: float, detail: str) -> str:
        return (
            f'<div class="fastpreview-progress"><progress max="100" value="{percent:.0f}">'
            f"</progress> {html.escape(self.label)}: {html.escape(detail)}</div>"
        )


def _display(markup: str) -> Any:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return None
    if get_ipython() is None:
        return None
    return display(_html_object(markup), display_id=True)


def _html_object(markup: str) -> Any:
    from IPython.display import HTML

    return HTML(markup)
