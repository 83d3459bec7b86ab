"""The JupyterLab front end in Chromium against a real `jupyter lab`: the side panel lists an
app, opens its preview in a sandboxed tab, deploys it; the status bar follows the active
preview's HMR state; a folder becomes an app from the file browser; both themes apply."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fp_browser import COUNTER_APP, App, JupyterServer
from playwright.sync_api import expect

LAB_TIMEOUT_MS = 60_000
SANDBOX = "allow-scripts allow-forms allow-modals allow-popups allow-downloads"
LAB_READY = (
    "() => window.jupyterapp && window.jupyterapp.commands.hasCommand('fastpreview:show-panel')"
)


@pytest.fixture
def lab(lab_server: JupyterServer, browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(LAB_TIMEOUT_MS)
    page = context.new_page()
    page.goto(lab_server.url(f"lab?token={lab_server.token}"))
    page.wait_for_function(LAB_READY, timeout=LAB_TIMEOUT_MS)
    try:
        yield page
    finally:
        context.close()


def run(page: Any, command: str, args: dict[str, Any] | None = None) -> None:
    page.evaluate("([c, a]) => window.jupyterapp.commands.execute(c, a)", [command, args or {}])


def counter_app(server: JupyterServer, name: str) -> App:
    app = App(server, name)
    app.write_all(COUNTER_APP)
    app.register()
    return app


def test_the_panel_lists_opens_and_deploys_an_app(lab_server: JupyterServer, lab: Any) -> None:
    app = counter_app(lab_server, "panelapp")
    run(lab, "fastpreview:show-panel")
    row = lab.locator(f"#jp-FastPreview-panel [data-app='{app.info['id']}']")
    expect(row).to_contain_text("panelapp")
    expect(row).to_contain_text("ready")

    row.get_by_text("Open preview").click()
    frame = lab.locator(".jp-FastPreview-frame iframe")
    expect(frame).to_have_attribute("sandbox", SANDBOX)
    counter = lab.frame_locator(".jp-FastPreview-frame iframe").locator("[data-testid=counter]")
    expect(counter).to_be_visible()
    status = lab.locator(".jp-FastPreview-status")
    expect(status).to_contain_text("HMR: connected")

    app.replace("src/Label.tsx", "label", "label, edited")
    expect(status).to_have_text(re.compile(r"^HMR: connected · \d+ ms$"))

    row.get_by_text("Deploy").click()
    expect(row.locator(".jp-FastPreview-deployment")).to_be_visible()

    run(lab, "fastpreview:toggle-edit")
    expect(frame).to_have_attribute("src", re.compile(r"@fastpreview/editor$"))
    run(lab, "fastpreview:toggle-edit")
    expect(frame).not_to_have_attribute("src", re.compile(r"@fastpreview/editor$"))


def test_a_folder_becomes_an_app_from_the_file_browser(lab_server: JupyterServer, lab: Any) -> None:
    folder = App(lab_server, "browsedapp")
    folder.write_all(COUNTER_APP)
    lab.reload()  # the file browser lists the new folder
    lab.wait_for_function(LAB_READY, timeout=LAB_TIMEOUT_MS)
    folders = lab.locator(".jp-DirListing-item[data-isdir='true']")
    folders.filter(has_text="apps").dblclick()  # the test apps live in apps/
    item = folders.filter(has_text="browsedapp")
    item.click(button="right")
    lab.get_by_text("Open as Fast Preview App").click()
    counter = lab.frame_locator(".jp-FastPreview-frame iframe").locator("[data-testid=counter]")
    expect(counter).to_be_visible()
    status, apps = lab_server.request("GET", "fastpreview/api/apps")
    assert status == 200 and folder.rel in [a["folder"] for a in apps]


def test_the_panel_follows_the_theme(lab_server: JupyterServer, lab: Any) -> None:
    panel = lab.locator("#jp-FastPreview-panel")
    expect(panel).to_have_count(1)  # its colours come from the theme, shown or not
    background = "(element) => getComputedStyle(element).backgroundColor"
    light = panel.evaluate(background)
    run(lab, "apputils:change-theme", {"theme": "JupyterLab Dark"})
    expect(lab.locator("body[data-jp-theme-light='false']")).to_have_count(1)
    lab.wait_for_function(
        "([b]) => getComputedStyle(document.querySelector('#jp-FastPreview-panel'))"
        ".backgroundColor !== b",
        arg=[light],
    )
    assert panel.evaluate(background) != light
    run(lab, "apputils:change-theme", {"theme": "JupyterLab Light"})


def test_editing_in_puck_from_a_lab_tab_updates_the_page(
    lab_server: JupyterServer, lab: Any
) -> None:
    from jupyter_fastpreview.kernel.templates import TEMPLATES
    from jupyter_fastpreview.puck.publish import PAGE_MODULE, page_files

    page = {
        "root": {"props": {"title": "Home"}},
        "content": [
            {
                "type": "Heading",
                "props": {
                    "id": "Heading-1",
                    "text": "Hello from Puck",
                    "level": 1,
                    "align": "left",
                },
            }
        ],
    }
    app = App(lab_server, "puckapp")
    app.write_all({**TEMPLATES["puck"], **page_files(page)})
    app.register()
    run(lab, "fastpreview:open-preview", {"id": app.info["id"]})
    frame = lab.frame_locator(f"#fastpreview-{app.info['id']} iframe")
    expect(frame.locator("h1")).to_have_text("Hello from Puck", timeout=20_000)

    run(lab, "application:set-mode", {"mode": "single-document"})  # room for Puck's sidebars
    run(lab, "fastpreview:toggle-edit")
    tab_frame = lab.locator(f"#fastpreview-{app.info['id']} iframe")
    expect(tab_frame).to_have_attribute("src", re.compile(r"@fastpreview/editor$"))
    expect(frame.get_by_text("Publish", exact=True)).to_be_visible(timeout=20_000)
    frame.get_by_text("Hello from Puck").first.click()
    text_field = frame.locator("input[title='Text']:visible")
    text_field.fill("Edited in JupyterLab")
    frame.get_by_text("Publish", exact=True).click()
    expect(frame.locator(".fp-editor-notice")).to_have_text("Published")
    assert "Edited in JupyterLab" in app.read(PAGE_MODULE)

    run(lab, "fastpreview:toggle-edit")  # back to the live app
    expect(frame.locator("h1")).to_have_text("Edited in JupyterLab")
