"""A deployed app in Chromium: it renders and works from its own URL alone, with no request
to the dev server, and the preview's toolbar hears about the deploy as it happens."""

from __future__ import annotations

import time
from typing import Any

from fp_browser import App, JupyterServer, PreviewPage
from playwright.sync_api import expect


def deploy(server: JupyterServer, app: App, wait_s: float = 30) -> dict[str, Any]:
    status, started = server.request(
        "POST", f"fastpreview/api/apps/{app.info['id']}/deployments", {}
    )
    assert status == 202, started
    deadline = time.monotonic() + wait_s
    deployment = started
    while deployment["status"] not in ("live", "failed"):
        assert time.monotonic() < deadline, f"deploy still {deployment['status']}"
        time.sleep(0.05)
        _, deployment = server.request("GET", f"fastpreview/api/deployments/{started['id']}")
    assert deployment["status"] == "live", deployment
    return deployment


def test_a_deployed_app_runs_without_the_dev_server(
    make_app, jupyter_server: JupyterServer, context: Any
) -> None:
    app = make_app()
    deployment = deploy(jupyter_server, app)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(jupyter_server.absolute(deployment["url"]))
    counter = page.locator("[data-testid=counter]")
    expect(counter).to_be_visible()
    counter.click()
    expect(counter).to_contain_text("1")
    deployed = jupyter_server.absolute(deployment["url"])
    assert requests and all(url.startswith(deployed) for url in requests), requests
    assert not [url for url in requests if "/fastpreview/preview/" in url]


def test_the_preview_hears_of_a_deploy(
    make_app, jupyter_server: JupyterServer, preview: PreviewPage
) -> None:
    app = make_app()
    preview.open(app)
    deployment = deploy(jupyter_server, app)
    preview.wait_until(
        lambda: any(
            m.get("event") == "fastpreview:deploy" and m["data"].get("phase") == "done"
            for m in preview.ws_received
        ),
        "the deploy's done event",
    )
    done = next(
        m["data"]
        for m in preview.ws_received
        if m.get("event") == "fastpreview:deploy" and m["data"].get("phase") == "done"
    )
    assert done["url"] == deployment["url"]
