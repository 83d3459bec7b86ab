"""The visual editor in Chromium: Puck over the app's page, in the preview's sandbox; a change
made in Puck's own field UI and published lands in `puck.json` and `src/PuckPage.tsx` on disk
and reaches an open preview by HMR, without reloading it."""

from __future__ import annotations

import json
from typing import Any

from fp_browser import PreviewPage
from playwright.sync_api import expect

from jupyter_fastpreview.puck.publish import PAGE_DATA, PAGE_MODULE, page_files
from jupyter_fastpreview.templates import TEMPLATES

PAGE = {
    "root": {"props": {"title": "Home"}},
    "content": [
        {
            "type": "Heading",
            "props": {"id": "Heading-1", "text": "Hello from Puck", "level": 1, "align": "left"},
        }
    ],
}


def test_publishing_in_puck_updates_the_files_and_the_live_preview(
    make_app, context: Any, preview: PreviewPage
) -> None:
    app = make_app({**TEMPLATES["puck"], **page_files(PAGE)})
    preview.open(app, first_render="h1")
    expect(preview.page.locator("h1")).to_have_text("Hello from Puck")
    preview.set_marker()
    loads = preview.loads

    editor = context.new_page()
    editor.set_viewport_size({"width": 1400, "height": 900})
    editor.goto(app.preview_url + "@fastpreview/editor")
    editor.get_by_text("Hello from Puck").first.click()
    text_field = editor.locator("input[title='Text']:visible")  # Puck's own field UI
    expect(text_field).to_have_value("Hello from Puck")
    text_field.fill("Edited in Puck")
    editor.get_by_text("Publish", exact=True).click()
    expect(editor.locator(".fp-editor-notice")).to_have_text("Published")

    expect(preview.page.locator("h1")).to_have_text("Edited in Puck")
    preview.assert_not_reloaded(loads)
    data = json.loads(app.read(PAGE_DATA))
    assert data["content"][0]["props"]["text"] == "Edited in Puck"
    assert "Edited in Puck" in app.read(PAGE_MODULE)
