"""HMR and React Fast Refresh in a real browser, against a real `jupyter server` process.

Issue "Dev server and HMR"; the contract is docs/devserver.md. Each edit is a plain write to
disk; each expectation waits for the page (up to 10 s), never for a fixed time. "Without a
reload" is checked twice: a JS global set before the edit survives, and no `load` event fired.
"""

from __future__ import annotations

import re

import pytest
from fp_browser import INDEX_APP, App, JupyterServer, PreviewPage

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips (or fails) every test here, saying why
    expect = None  # type: ignore[assignment]

OVERLAY = "fastpreview-error-overlay"


def click_counter(preview: PreviewPage, times: int) -> None:
    counter = preview.page.get_by_test_id("counter")
    for _ in range(times):
        counter.click()
    expect(counter).to_have_text(f"count: {times}")


def line_of(source: str, needle: str) -> int:
    """1-based line number of the first line containing `needle`."""
    for number, line in enumerate(source.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in source")


# ----------------------------------------------------------------------------------------------


def test_app_renders(make_app, preview: PreviewPage) -> None:
    app = make_app()
    preview.open(app)
    page = preview.page
    expect(page.get_by_test_id("title")).to_have_text("Hello")
    expect(page.get_by_test_id("counter")).to_have_text("count: 0")
    expect(page.get_by_test_id("label")).to_have_text("label!")
    expect(page.get_by_test_id("accent")).to_have_text("accent: red")
    expect(page.get_by_test_id("badge")).to_have_text("badge: light")
    expect(page.get_by_test_id("title")).to_have_css("color", "rgb(255, 0, 0)")
    assert preview.hmr_state()["status"] == "connected"
    assert page.locator(OVERLAY).count() == 0
    assert not preview.errors, preview.errors


def test_click_updates_counter(make_app, preview: PreviewPage) -> None:
    preview.open(make_app())
    click_counter(preview, 3)


def test_jsx_edit_updates_without_reload_and_keeps_state(make_app, preview: PreviewPage) -> None:
    app = make_app()
    preview.open(app)
    click_counter(preview, 3)
    preview.set_marker()
    loads, applied = preview.loads, preview.applied()

    app.replace("src/App.tsx", ">Hello</h1>", ">Hello, edited</h1>")

    expect(preview.page.get_by_test_id("title")).to_have_text("Hello, edited")
    preview.wait_applied(applied)
    expect(preview.page.get_by_test_id("counter")).to_have_text("count: 3")
    preview.assert_not_reloaded(loads)


def test_hook_list_change_resets_state(make_app, preview: PreviewPage) -> None:
    app = make_app()
    preview.open(app)
    click_counter(preview, 2)
    preview.set_marker()
    loads = preview.loads

    app.replace(
        "src/App.tsx",
        "const [count, setCount] = useState(0);",
        'const [count, setCount] = useState(0);\n  const [note] = useState("hooked");',
    )
    app.replace("src/App.tsx", "<Label />", '<Label />\n      <p data-testid="note">{note}</p>')

    expect(preview.page.get_by_test_id("note")).to_have_text("hooked")
    expect(preview.page.get_by_test_id("counter")).to_have_text("count: 0")
    preview.assert_not_reloaded(loads)  # a remount of the component, not a page reload


def test_context_module_propagates_to_importer(make_app, preview: PreviewPage) -> None:
    """Ctx.tsx exports a context (not a component) and a component: a changed context must
    reach App.tsx, which holds the old context object until it is re-imported."""
    app = make_app()
    preview.open(app)
    page = preview.page
    expect(page.get_by_test_id("app-theme")).to_have_text("app theme: light")
    preview.set_marker()
    loads = preview.loads

    app.replace("src/Ctx.tsx", 'createContext("light")', 'createContext("dark")')

    expect(page.get_by_test_id("badge")).to_have_text("badge: dark")
    expect(page.get_by_test_id("app-theme")).to_have_text("app theme: dark")
    preview.assert_not_reloaded(loads)  # App.tsx is an accepting boundary


def test_syntax_error_shows_overlay_keeps_page_and_clears_when_fixed(
    make_app, preview: PreviewPage
) -> None:
    app = make_app()
    preview.open(app)
    page = preview.page
    click_counter(preview, 2)
    preview.set_marker()
    loads = preview.loads

    broken = app.replace(
        "src/App.tsx",
        "const theme = useContext(ThemeCtx);",
        "const theme = useContext(ThemeCtx);\n  const broken = ;",
    )
    line = line_of(broken, "const broken = ;")

    overlay = page.locator(OVERLAY)
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text("/src/App.tsx")
    expect(overlay).to_contain_text(re.compile(rf"/src/App\.tsx:{line}\b"))
    # The last good page stays on screen, alive, under the overlay.
    expect(page.get_by_test_id("title")).to_have_text("Hello")
    expect(page.get_by_test_id("counter")).to_have_text("count: 2")
    shadow_text = page.evaluate(
        f"() => document.querySelector('{OVERLAY}')?.shadowRoot?.textContent ?? null"
    )
    assert shadow_text and "App.tsx" in shadow_text, f"open shadow root text: {shadow_text!r}"

    fixed = broken.replace("\n  const broken = ;", "").replace(">Hello</h1>", ">Hello again</h1>")
    app.write("src/App.tsx", fixed)

    expect(page.get_by_test_id("title")).to_have_text("Hello again")
    expect(overlay).to_have_count(0)
    expect(page.get_by_test_id("counter")).to_have_text("count: 2")
    preview.assert_not_reloaded(loads)


def test_css_edit_changes_style_without_reload(make_app, preview: PreviewPage) -> None:
    app = make_app()
    preview.open(app)
    title = preview.page.get_by_test_id("title")
    expect(title).to_have_css("color", "rgb(255, 0, 0)")
    click_counter(preview, 1)
    preview.set_marker()
    loads = preview.loads

    app.write("src/App.css", ".title { color: rgb(0, 0, 255); }\n")

    expect(title).to_have_css("color", "rgb(0, 0, 255)")
    expect(preview.page.get_by_test_id("counter")).to_have_text("count: 1")
    preview.assert_not_reloaded(loads)
    assert preview.page.locator("style[data-fp-id]").count() == 1, "the old <style> stayed"


@pytest.mark.parametrize(
    ("file", "old", "new", "testid", "text"),
    [
        ("src/main.tsx", "main v1", "main v2", "main-mark", "main v2"),
        ("src/config.ts", "greeting one", "greeting two", "greeting", "greeting two"),
    ],
    ids=["entry-module", "constant-imported-only-by-entry"],
)
def test_edit_without_accepting_boundary_reloads(
    make_app, preview: PreviewPage, file: str, old: str, new: str, testid: str, text: str
) -> None:
    app = make_app(INDEX_APP)
    preview.open(app)
    preview.set_marker()
    loads = preview.loads

    app.replace(file, old, new)

    expect(preview.page.get_by_test_id(testid)).to_have_text(text)
    preview.wait_until(lambda: preview.loads > loads, "the reload's load event")
    assert preview.marker() is None, "the page was updated in place, not reloaded"
    reloads = preview.received("full-reload")
    assert reloads, f"no full-reload message; frames: {preview.ws_received}"
    reason = reloads[-1].get("reason")
    assert reason, reloads[-1]
    preview.wait_until(
        lambda: any(reason in line for line in preview.console),
        f"the reload reason {reason!r} in the console",
        timeout_ms=2_000,
    )
    expect(preview.page.locator(OVERLAY)).to_have_count(0)


def test_deleted_import_shows_overlay_and_restoring_recovers(
    make_app, preview: PreviewPage
) -> None:
    app = make_app()
    preview.open(app)
    page = preview.page
    label_source = app.read("src/Label.tsx")

    app.delete("src/Label.tsx")

    overlay = page.locator(OVERLAY)
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text("Label")
    expect(page.get_by_test_id("title")).to_have_text("Hello")  # the last good page stays

    app.write("src/Label.tsx", label_source.replace("label{SUFFIX}", "restored{SUFFIX}"))

    expect(page.get_by_test_id("label")).to_have_text("restored!")
    expect(overlay).to_have_count(0)


def test_two_pages_on_one_app_both_update(make_app, new_page) -> None:
    app = make_app()
    first, second = new_page(), new_page()
    first.open(app)
    second.open(app)
    click_counter(first, 1)
    for preview in (first, second):
        preview.set_marker()

    app.replace("src/Label.tsx", "label{SUFFIX}", "shared{SUFFIX}")

    for preview in (first, second):
        expect(preview.page.get_by_test_id("label")).to_have_text("shared!")
        preview.assert_not_reloaded(1)
    expect(first.page.get_by_test_id("counter")).to_have_text("count: 1")


def _wait_reconnected(preview: PreviewPage, app: App, server: JupyterServer, before: int) -> None:
    """Until a new `connected` frame arrived and the client says it is connected."""
    try:
        preview.wait_connected(count=before + 1)
        preview.page.wait_for_function(
            "() => window.__fastpreview_hmr && window.__fastpreview_hmr.status === 'connected'"
        )
    except AssertionError as timeout:
        status = server.get_status_code(app.preview_url)
        _, apps = server.request("GET", "fastpreview/api/apps")
        raise AssertionError(
            f"{timeout}. The page did not reconnect after the server restart: GET of its "
            f"preview URL now answers {status}; the restarted server lists apps {apps!r}. "
            f"HMR state: {preview.hmr_state()!r}"
        ) from None


def test_server_restart_page_reconnects(
    make_app, restartable_server: JupyterServer, preview: PreviewPage
) -> None:
    app = make_app(server=restartable_server)
    preview.open(app)
    connections = len(preview.received("connected"))

    restartable_server.restart()

    _wait_reconnected(preview, app, restartable_server, connections)
    page = preview.page
    expect(page.get_by_test_id("label")).to_have_text("label!")
    expect(page.locator(OVERLAY)).to_have_count(0)
    # A new server process means a new serverId: the client reloads and says why.
    assert any("server restarted" in line for line in preview.console), preview.console_text()
    # And the new connection carries updates.
    preview.set_marker()
    loads = preview.loads
    app.replace("src/Label.tsx", "label{SUFFIX}", "after restart{SUFFIX}")
    expect(page.get_by_test_id("label")).to_have_text("after restart!")
    preview.assert_not_reloaded(loads)


def test_edit_while_server_down_shows_after_reconnect(
    make_app, restartable_server: JupyterServer, preview: PreviewPage
) -> None:
    app = make_app(server=restartable_server)
    preview.open(app)
    connections = len(preview.received("connected"))

    restartable_server.stop()
    preview.page.wait_for_function(
        "() => window.__fastpreview_hmr && window.__fastpreview_hmr.status !== 'connected'"
    )
    app.replace("src/Label.tsx", "label{SUFFIX}", "edited offline{SUFFIX}")
    restartable_server.start()

    _wait_reconnected(preview, app, restartable_server, connections)
    expect(preview.page.get_by_test_id("label")).to_have_text("edited offline!")
    expect(preview.page.locator(OVERLAY)).to_have_count(0)


def test_runtime_error_in_click_handler_shows_overlay(make_app, preview: PreviewPage) -> None:
    app = make_app()
    app.replace(
        "src/App.tsx",
        "<Label />",
        '<button data-testid="boom" onClick={() => { throw new Error("boom from the click '
        'handler"); }}>boom</button>\n      <Label />',
    )
    preview.open(app)
    page = preview.page
    assert page.locator(OVERLAY).count() == 0

    page.get_by_test_id("boom").click()

    overlay = page.locator(OVERLAY)
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text("boom from the click handler")
    expect(overlay).to_contain_text("/src/App.tsx")
    expect(page.get_by_test_id("title")).to_have_text("Hello")
    # The capability token in the page URL must not be copied into the overlay.
    assert app.info["token"] not in (overlay.text_content() or "")


def test_component_file_with_unchanged_constants_keeps_state(
    make_app, preview: PreviewPage
) -> None:
    app = make_app()
    app.replace(
        "src/App.tsx",
        "export default function App() {",
        'export const TITLE = "x";\nexport const ITEMS = [1, 2, 3];\n\n'
        "export default function App() {",
    )
    app.replace(
        "src/App.tsx",
        "<Label />",
        '<Label />\n      <p data-testid="items">{TITLE}: {ITEMS.join(",")}</p>',
    )
    preview.open(app)
    page = preview.page
    expect(page.get_by_test_id("items")).to_have_text("x: 1,2,3")
    click_counter(preview, 4)
    preview.set_marker()
    loads, applied = preview.loads, preview.applied()

    app.replace("src/App.tsx", ">Hello</h1>", ">Hello with constants</h1>")

    expect(page.get_by_test_id("title")).to_have_text("Hello with constants")
    preview.wait_applied(applied)
    expect(page.get_by_test_id("counter")).to_have_text("count: 4")
    preview.assert_not_reloaded(loads)


def test_changed_constant_module_propagates_to_importer(make_app, preview: PreviewPage) -> None:
    """theme.ts exports only a value: not a boundary itself, so App.tsx takes the update."""
    app = make_app()
    preview.open(app)
    click_counter(preview, 2)
    preview.set_marker()
    loads = preview.loads

    app.write("src/theme.ts", 'export const ACCENT = "blue";\n')

    expect(preview.page.get_by_test_id("accent")).to_have_text("accent: blue")
    expect(preview.page.get_by_test_id("counter")).to_have_text("count: 2")
    preview.assert_not_reloaded(loads)


def test_component_module_with_changed_value_propagates_to_importer(
    make_app, preview: PreviewPage
) -> None:
    """Label.tsx exports a component and a value; a changed value invalidates Label.tsx so
    App.tsx, which renders that value itself, re-imports it."""
    app = make_app()
    preview.open(app)
    page = preview.page
    click_counter(preview, 2)
    preview.set_marker()
    loads = preview.loads

    app.replace("src/Label.tsx", 'SUFFIX = "!"', 'SUFFIX = "?"')

    expect(page.get_by_test_id("label")).to_have_text("label?")
    expect(page.get_by_test_id("suffix")).to_have_text("suffix: ?")
    expect(page.get_by_test_id("counter")).to_have_text("count: 2")
    preview.assert_not_reloaded(loads)
