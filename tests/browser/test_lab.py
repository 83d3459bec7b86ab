"""The quickstart in JupyterLab itself: a real `jupyter lab` server, the notebook opened and run
cell by cell in Chromium, the preview inside the cell's output, an edit arriving by HMR."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from fp_browser import JupyterServer
from playwright.sync_api import expect

QUICKSTART = Path(__file__).parents[2] / "notebooks" / "01-quickstart.ipynb"
LAB_TIMEOUT_MS = 60_000
PREVIEW_FRAME = ".jp-OutputArea iframe[title=fastpreview]"

# Runs the notebook's code cells in order up to the one tagged `tag`, each to completion
# (JupyterLab's run-cell command resolves once the kernel has executed the cell).
RUN_UNTIL = """async ([tag, from]) => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.widgets;
  for (let index = from; index < cells.length; index++) {
    const cell = cells[index];
    if (cell.model.type !== "code") continue;
    panel.content.activeCellIndex = index;
    await window.jupyterapp.commands.execute("notebook:run-cell");
    if ((cell.model.getMetadata("tags") || []).includes(tag)) return index + 1;
  }
  throw new Error(`no code cell tagged ${tag}`);
}"""
KERNEL_IDLE = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session?.kernel;
  return kernel && kernel.status === "idle";
}"""
# After a page reload: the layout restored, the notebook revealed and its kernel idle.
LAB_SETTLED = """async () => {
  if (!window.jupyterapp) return false;
  await window.jupyterapp.restored;
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.revealed) return false;
  await panel.revealed;
  return panel.sessionContext.session?.kernel?.status === "idle";
}"""


def preview_frame(page: Any) -> Any:
    """The preview iframe's frame (its URL is the app's capability URL)."""
    for frame in page.frames:
        if "/fastpreview/preview/" in frame.url:
            return frame
    raise AssertionError(f"no preview frame among {[f.url for f in page.frames]}")


def test_quickstart_preview_updates_in_the_cell_without_reloading(
    lab_server: JupyterServer, browser: Any
) -> None:
    shutil.copy(QUICKSTART, lab_server.root / QUICKSTART.name)
    context = browser.new_context()
    context.set_default_timeout(LAB_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(lab_server.url(f"lab/tree/{QUICKSTART.name}?token={lab_server.token}"))
        page.wait_for_function(KERNEL_IDLE, timeout=LAB_TIMEOUT_MS)

        next_cell = page.evaluate(RUN_UNTIL, ["preview", 0])
        frame_element = page.locator(PREVIEW_FRAME)
        expect(frame_element).to_have_count(1)
        assert frame_element.get_attribute("sandbox") == (
            "allow-scripts allow-forms allow-modals allow-popups allow-downloads"
        )
        preview = page.frame_locator(PREVIEW_FRAME)
        expect(preview.locator("h1")).to_have_text("Hello, notebook!")
        expect(page.locator(".fastpreview-toolbar")).to_contain_text("connected")
        counter = preview.locator("button.counter")
        counter.click()
        counter.click()
        expect(counter).to_have_text("Clicks: 2")
        preview_frame(page).evaluate("() => { window.__notReloaded = true; }")

        page.evaluate(RUN_UNTIL, ["edit", next_cell])
        expect(counter).to_have_text("Clicks (edited from the notebook): 2")
        assert preview_frame(page).evaluate("() => window.__notReloaded") is True
        expect(page.locator(".fastpreview-toolbar")).to_contain_text(re.compile(r"\d+ ms"))

        # A deploy from the notebook shows in the preview's toolbar as it happens.
        next_cell = page.evaluate(RUN_UNTIL, ["deploy", next_cell])
        expect(page.locator(".fastpreview-activity")).to_have_text("deployed ↗")
        # So does the git sync that follows, which runs in the background.
        next_cell = page.evaluate(RUN_UNTIL, ["sync", next_cell])
        expect(page.locator(".fastpreview-activity")).to_have_text(
            re.compile(r"^synced [0-9a-f]{7}$")
        )

        # A page reload shows the saved notebook's preview again (the live kernel's widget) ...
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        page.reload()
        page.wait_for_function(LAB_SETTLED, timeout=LAB_TIMEOUT_MS)
        expect(page.locator(".fastpreview-toolbar")).to_contain_text("connected")
        expect(counter).to_have_text("Clicks (edited from the notebook): 0")
        # Dispatched, not clicked at coordinates: after a reload JupyterLab is still sizing the
        # lazily rendered cells around the preview, which can move it under the pointer.
        counter.dispatch_event("click")
        expect(counter).to_have_text("Clicks (edited from the notebook): 1")
        # ... and it lives on through a kernel restart: it talks to the server, not the kernel.
        preview_frame(page).evaluate("() => { window.__notReloaded = true; }")
        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.restartKernel()")
        page.wait_for_function(KERNEL_IDLE, timeout=LAB_TIMEOUT_MS)
        assert preview_frame(page).evaluate("() => window.__notReloaded") is True, (
            "the kernel restart reloaded the preview"
        )
        counter_file = lab_server.root / "hello" / "src" / "components" / "Counter.tsx"
        counter_file.write_text(
            counter_file.read_text().replace("edited from", "after a restart of")
        )
        expect(counter).to_have_text("Clicks (after a restart of the notebook): 1")
        assert preview_frame(page).evaluate("() => window.__notReloaded") is True
    finally:
        context.close()


def test_without_the_server_extension_the_widget_says_so(
    lab_server: JupyterServer, browser: Any
) -> None:
    """A saved notebook opened on a server without fastpreview: the widget explains, instead
    of framing a 404 (the server here has it, so its status route is made to answer 404)."""
    shutil.copy(QUICKSTART, lab_server.root / QUICKSTART.name)
    context = browser.new_context()
    context.set_default_timeout(LAB_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.route("**/fastpreview/api/status", lambda route: route.fulfill(status=404))
        page.goto(lab_server.url(f"lab/tree/{QUICKSTART.name}?token={lab_server.token}"))
        page.wait_for_function(KERNEL_IDLE, timeout=LAB_TIMEOUT_MS)
        page.evaluate(RUN_UNTIL, ["preview", 0])
        message = page.locator(".jp-OutputArea .fastpreview-message")
        expect(message).to_contain_text("does not have the jupyter_fastpreview server extension")
        expect(page.locator(PREVIEW_FRAME)).to_have_count(0)
    finally:
        context.close()
