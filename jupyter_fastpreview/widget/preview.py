"""The preview widget's Python side: which app to show, and what the browser reports back.

The iframe's address is kept relative to Jupyter's base URL; the browser side joins it to the
base URL of the page it is shown in, so the same saved notebook works under any base URL
(JupyterHub's `/user/<name>/` included) and after the kernel has gone away.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

_HERE = Path(__file__).parent


class PreviewWidget(anywidget.AnyWidget):
    _esm = _HERE / "preview.js"
    _css = _HERE / "preview.css"

    app_name = traitlets.Unicode("").tag(sync=True)
    src = traitlets.Unicode("", help="preview path relative to the Jupyter base URL").tag(sync=True)
    height = traitlets.Int(360).tag(sync=True)
    edit_mode = traitlets.Bool(False).tag(sync=True)
    # Reported by the browser side:
    status = traitlets.Unicode("connecting").tag(sync=True)
    latency_ms = traitlets.Float(None, allow_none=True).tag(sync=True)
    last_error = traitlets.Unicode("").tag(sync=True)

    def reload(self) -> None:
        """Reload the preview page (a full reload, not an HMR update)."""
        self.send({"type": "reload"})
