"""The JupyterLab front end in Chromium against a real `jupyter lab`: the side panel lists the
apps and opens a preview in a sandboxed tab beside the editor; the status bar follows the
active preview's HMR state; deploys show their link; the visual edit toggle and publishing in
Puck reach the file on disk and the live preview; a folder becomes an app from the file
browser; the light and dark themes both apply."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fp_browser import COUNTER_APP, App, JupyterServer
from playwright.sync_api import expect

from jupyter_fastpreview.puck.publish import PAGE_DATA, PAGE_MODULE, page_files
from jupyter_fastpreview.templates import TEMPLATES

LAB_TIMEOUT_MS = 60_000
# A first render goes through the first build of the app; everything after is quicker.
RENDER_TIMEOUT_MS = 20_000
SANDBOX = "allow-scripts allow-forms allow-modals allow-popups allow-downloads"
LAB_READY = (
    "() => window.jupyterapp && window.jupyterapp.commands.hasCommand('fastpreview:show-panel')"
)
EDITOR_SUFFIX = "@fastpreview/editor"
# Posts `message` to the lab window from the lab window itself, then resolves once a later
# message has arrived too: the listeners have had the forged one by then.
FORGE = """(message) => new Promise((resolve) => {
  const probe = (event) => {
    if (event.data !== "probe") return;
    window.removeEventListener("message", probe);
    resolve();
  };
  window.addEventListener("message", probe);
  window.postMessage(message, "*");
  window.postMessage("probe", "*");
})"""


@pytest.fixture
def lab(request: pytest.FixtureRequest, lab_server: JupyterServer, browser: Any) -> Iterator[Any]:
    """JupyterLab in a workspace of the test's own, restored: no tab of another test in it."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(LAB_TIMEOUT_MS)
    page = context.new_page()
    workspace = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")
    page.goto(lab_server.url(f"lab/workspaces/{workspace}?reset&token={lab_server.token}"))
    page.wait_for_function(LAB_READY, timeout=LAB_TIMEOUT_MS)
    page.evaluate("() => window.jupyterapp.restored")
    try:
        yield page
    finally:
        context.close()


def run(page: Any, command: str, args: dict[str, Any] | None = None) -> None:
    page.evaluate("([c, a]) => window.jupyterapp.commands.execute(c, a)", [command, args or {}])


def registered(server: JupyterServer, name: str, files: dict[str, str]) -> App:
    app = App(server, name)
    app.write_all(files)
    app.register()
    return app


def panel_row(page: Any, app: App) -> Any:
    run(page, "fastpreview:show-panel")
    return page.locator(f"#jp-FastPreview-panel [data-app='{app.info['id']}']")


def preview_tab(page: Any, app: App) -> Any:
    return page.locator(f"#fastpreview-{app.info['id']}")


def preview_content(page: Any, app: App) -> Any:
    return page.frame_locator(f"#fastpreview-{app.info['id']} iframe")


def test_the_panel_opens_a_preview_beside_the_editor_and_the_status_bar_follows_it(
    lab_server: JupyterServer, lab: Any
) -> None:
    app = registered(lab_server, "panelapp", COUNTER_APP)
    run(lab, "docmanager:open", {"path": f"{app.rel}/src/App.tsx"})
    editor = lab.locator(".jp-FileEditor")
    expect(editor).to_be_visible()

    row = panel_row(lab, app)
    expect(row.locator(".jp-FastPreview-name")).to_have_text("panelapp")
    expect(row.locator(".jp-FastPreview-appStatus")).to_have_text("ready")
    row.get_by_role("button", name="Open preview", exact=True).click()

    tab = preview_tab(lab, app)
    iframe = tab.locator("iframe")
    expect(iframe).to_have_attribute("sandbox", SANDBOX)
    expect(iframe).to_have_attribute("referrerpolicy", "no-referrer")
    counter = preview_content(lab, app).locator("[data-testid=counter]")
    expect(counter).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    # Beside the editor, not over it.
    expect(editor).to_be_visible()
    editor_box, tab_box = editor.bounding_box(), tab.bounding_box()
    assert tab_box["x"] >= editor_box["x"] + editor_box["width"] - 1, (editor_box, tab_box)

    status = lab.locator(".jp-FastPreview-status")
    expect(status).to_have_text("HMR: connected")
    counter.click()
    app.replace("src/Label.tsx", "label{SUFFIX}", "label, edited{SUFFIX}")
    expect(preview_content(lab, app).locator("[data-testid=label]")).to_have_text("label, edited!")
    expect(counter).to_have_text("count: 1")  # an update by HMR keeps the state
    expect(status).to_have_text(re.compile(r"^HMR: connected · \d+ ms$"))
    expect(row).to_contain_text(re.compile(r"Last build: \w+, ok, \d+ ms"))

    # Only the preview's own window is heard: a message from any other one changes nothing.
    shown = status.inner_text()
    lab.evaluate(FORGE, {"type": "fastpreview:applied", "latencyMs": 99999})
    assert status.inner_text() == shown

    # Only while a preview is the active tab.
    lab.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="App.tsx").click()
    expect(status).to_be_hidden()
    lab.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="Preview: panelapp").click()
    expect(status).to_have_text(re.compile(r"^HMR: connected · \d+ ms$"))


def test_a_build_error_shows_in_the_panel_and_the_status_bar(
    lab_server: JupyterServer, lab: Any
) -> None:
    broken = {**COUNTER_APP, "src/Label.tsx": "export default function Label( {\n"}
    app = registered(lab_server, "brokenapp", broken)
    run(lab, "fastpreview:open-preview", {"id": app.info["id"]})
    expect(lab.locator(".jp-FastPreview-status")).to_have_text("HMR: error")
    row = panel_row(lab, app)
    expect(row.locator(".jp-FastPreview-appStatus")).to_have_text("error")
    expect(row.locator(".jp-FastPreview-error")).to_contain_text("src/Label.tsx:")

    app.write("src/Label.tsx", COUNTER_APP["src/Label.tsx"])
    expect(row.locator(".jp-FastPreview-appStatus")).to_have_text("ready")
    expect(preview_content(lab, app).locator("[data-testid=label]")).to_have_text("label!")


def test_a_deploy_from_the_panel_shows_its_progress_and_link(
    lab_server: JupyterServer, lab: Any
) -> None:
    app = registered(lab_server, "deployapp", COUNTER_APP)
    run(lab, "fastpreview:open-preview", {"id": app.info["id"]})
    expect(preview_content(lab, app).locator("[data-testid=counter]")).to_be_visible(
        timeout=RENDER_TIMEOUT_MS
    )
    row = panel_row(lab, app)
    open_deployment = row.get_by_role("button", name="Open deployment")
    expect(open_deployment).to_be_disabled()

    row.get_by_role("button", name="Deploy", exact=True).click()
    expect(lab.get_by_text(re.compile(r"^deployapp is live at http"))).to_be_visible(
        timeout=RENDER_TIMEOUT_MS
    )
    link = row.locator("a.jp-FastPreview-deployment")
    expect(link).to_have_attribute("href", re.compile(r"/fastpreview/d/\w+/$"))
    url = link.get_attribute("href")
    assert lab_server.get_status_code(url) == 200
    # The preview's own report of the deploy, in its tab's toolbar.
    activity = preview_tab(lab, app).locator(".jp-FastPreview-activity a")
    expect(activity).to_have_attribute("href", url)

    expect(open_deployment).to_be_enabled()
    with lab.context.expect_page() as opened:
        open_deployment.click()
    opened.value.wait_for_load_state()
    assert opened.value.url == url


def test_a_preview_tab_comes_back_after_a_page_reload(lab_server: JupyterServer, lab: Any) -> None:
    app = registered(lab_server, "reloadedapp", COUNTER_APP)
    run(lab, "fastpreview:open-preview", {"id": app.info["id"]})
    counter = preview_content(lab, app).locator("[data-testid=counter]")
    expect(counter).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    workspace = re.search(r"/lab/workspaces/([\w-]+)", lab.url)
    assert workspace is not None, lab.url
    name = workspace.group(1)

    def saved() -> bool:
        status, body = lab_server.request("GET", f"lab/api/workspaces/{name}")
        return status == 200 and f"fastpreview:{app.rel}" in body["data"]

    deadline = time.monotonic() + LAB_TIMEOUT_MS / 1000
    while not saved():
        assert time.monotonic() < deadline, "the workspace never saved the preview tab"
        lab.wait_for_timeout(100)
    lab.goto(lab_server.url(f"lab/workspaces/{name}"))  # without ?reset, so it is restored
    lab.wait_for_function(LAB_READY, timeout=LAB_TIMEOUT_MS)
    expect(counter).to_be_visible(timeout=RENDER_TIMEOUT_MS)


def test_publishing_in_puck_from_the_edit_toggle_updates_the_file_and_the_preview(
    lab_server: JupyterServer, lab: Any
) -> None:
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
    app = registered(lab_server, "puckapp", {**TEMPLATES["puck"], **page_files(page)})
    run(lab, "fastpreview:open-preview", {"id": app.info["id"]})
    content = preview_content(lab, app)
    expect(content.locator("h1")).to_have_text("Hello from Puck", timeout=RENDER_TIMEOUT_MS)

    tab = preview_tab(lab, app)
    tab.locator(".jp-Toolbar").get_by_role("button", name="Edit", exact=True).click()
    expect(tab.locator("iframe")).to_have_attribute("src", re.compile(re.escape(EDITOR_SUFFIX)))
    assert lab.evaluate("() => window.jupyterapp.commands.isToggled('fastpreview:toggle-edit')")
    content.get_by_text("Hello from Puck").first.click(timeout=RENDER_TIMEOUT_MS)
    text_field = content.locator("input[title='Text']:visible")  # Puck's own field UI
    expect(text_field).to_have_value("Hello from Puck")
    text_field.fill("Edited in JupyterLab")
    content.get_by_text("Publish", exact=True).click()
    expect(content.locator(".fp-editor-notice")).to_have_text("Published")
    expect(tab.locator(".jp-FastPreview-activity")).to_have_text("Published")
    assert json.loads(app.read(PAGE_DATA))["content"][0]["props"]["text"] == "Edited in JupyterLab"
    assert "Edited in JupyterLab" in app.read(PAGE_MODULE)

    run(lab, "fastpreview:toggle-edit")  # back to the live app
    expect(tab.locator("iframe")).not_to_have_attribute("src", re.compile(re.escape(EDITOR_SUFFIX)))
    expect(content.locator("h1")).to_have_text("Edited in JupyterLab", timeout=RENDER_TIMEOUT_MS)


def test_a_folder_becomes_an_app_from_the_file_browser(lab_server: JupyterServer, lab: Any) -> None:
    folder = App(lab_server, "browsedapp")
    folder.write_all(COUNTER_APP)
    run(lab, "filebrowser:go-to-path", {"path": "apps"})  # lists the folder as it is now
    item = lab.locator(".jp-DirListing-item[data-isdir='true']", has_text="browsedapp")
    item.click(button="right")
    # Lumino gives a submenu's item no menuitem role.
    lab.locator(".lm-Menu-item[data-type='submenu']", has_text="Fast Preview").hover()
    lab.get_by_role("menuitem", name="Open Preview", exact=True).click()

    tab = lab.locator(".jp-FastPreview-tab")  # the only preview in this workspace
    expect(tab.locator("iframe")).to_have_attribute("sandbox", SANDBOX)
    counter = lab.frame_locator(".jp-FastPreview-tab iframe").locator("[data-testid=counter]")
    expect(counter).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    status, apps = lab_server.request("GET", "fastpreview/api/apps")
    assert status == 200
    (app,) = [a for a in apps if a["folder"] == folder.rel]
    run(lab, "fastpreview:show-panel")
    expect(lab.locator(f"#jp-FastPreview-panel [data-app='{app['id']}']")).to_have_count(1)


def test_the_panel_follows_the_theme(lab_server: JupyterServer, lab: Any) -> None:
    run(lab, "fastpreview:show-panel")
    panel = lab.locator("#jp-FastPreview-panel")
    expect(panel).to_be_visible()
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
    expect(lab.locator("body[data-jp-theme-light='true']")).to_have_count(1)


def test_a_new_app_from_the_launcher_opens_its_source_beside_its_preview(
    lab_server: JupyterServer, lab: Any
) -> None:
    (lab_server.root / "apps").mkdir(exist_ok=True)
    run(lab, "filebrowser:go-to-path", {"path": "apps"})
    run(lab, "launcher:create", {"cwd": "apps"})
    launchers = lab.locator(".jp-Launcher")
    opened = launchers.count()
    lab.locator(".jp-LauncherCard:visible", has_text="React App").click()
    lab.locator(".jp-Dialog input").fill("launched")
    lab.locator(".jp-Dialog .jp-mod-accept").click()
    preview = lab.frame_locator(".jp-FastPreview-tab iframe")
    expect(preview.locator("h1")).to_have_text("Hello, notebook!", timeout=RENDER_TIMEOUT_MS)
    expect(lab.locator(".jp-FileEditor")).to_contain_text("export default function App()")
    expect(launchers).to_have_count(opened - 1)  # it closes, as for a new notebook
    folder = lab_server.root / "apps" / "launched"
    made = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    # (The editor's checkpoint of App.tsx is JupyterLab's own.)
    assert made - {"src/.ipynb_checkpoints/App-checkpoint.tsx"} == set(TEMPLATES["react-ts"])

    # The same name again: refused, said, and the app's files untouched.
    (folder / "src" / "App.tsx").write_text(TEMPLATES["react-ts"]["src/App.tsx"] + "// mine\n")
    # From the palette this time (not awaited: the command waits for the dialog).
    lab.evaluate("() => { window.jupyterapp.commands.execute('fastpreview:new-app', {}); }")
    lab.locator(".jp-Dialog input").fill("launched")
    lab.locator(".jp-Dialog .jp-mod-accept").click()
    expect(lab.get_by_text(re.compile("already exists and is not empty"))).to_be_visible()
    assert (folder / "src" / "App.tsx").read_text().endswith("// mine\n")

    # A visual page opens in the visual editor.
    run(lab, "launcher:create", {"cwd": "apps"})
    lab.locator(".jp-LauncherCard:visible", has_text="Visual Page").click()
    lab.locator(".jp-Dialog input").fill("page")
    lab.locator(".jp-Dialog .jp-mod-accept").click()
    editor_frame = lab.locator(".jp-FastPreview-tab:visible iframe")
    expect(editor_frame).to_have_attribute("src", re.compile(re.escape(EDITOR_SUFFIX) + "$"))
    assert (lab_server.root / "apps" / "page" / "src" / "puck" / "puck.config.tsx").is_file()
