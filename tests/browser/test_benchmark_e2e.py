"""With a preview open in a browser, the benchmark's HMR figure is end to end: from the file
write until that browser reports the update applied."""

from __future__ import annotations

from fp_browser import JupyterServer, PreviewPage

from jupyter_fastpreview import App
from jupyter_fastpreview.bench import measure
from jupyter_fastpreview.kernel.link import ServerLink


def test_hmr_is_measured_in_the_open_preview(
    make_app, jupyter_server: JupyterServer, preview: PreviewPage
) -> None:
    served = make_app()
    preview.open(served)
    link = ServerLink(jupyter_server.base, jupyter_server.token, jupyter_server.root)
    app = App.open(served.folder, link=link)
    applied_before = preview.applied()
    figure = measure.hmr_update(app, 3)
    assert figure.how.startswith("end to end")
    assert len(figure.runs) == 3 and all(0 < ms < 10_000 for ms in figure.runs)
    assert preview.applied() >= applied_before + 3  # the page really applied each edit
