"""The preview is untrusted code (DESIGN decision 7): what a script in it can NOT do, in a browser.

The browser context is logged in to Jupyter (its cookies are set, as in a real lab session);
the preview is opened both as a top-level page and, as the notebook widget shows it, in an
iframe of a Jupyter page. HTTP-level refusals (missing/wrong token, path escapes, websocket
origins) are tested without a browser in tests/test_devserver_*.py.
"""

from __future__ import annotations

from typing import Any

from fp_browser import App, JupyterServer, PreviewPage

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips (or fails) every test here, saying why
    expect = None  # type: ignore[assignment]

# The iframe attributes of jupyter_fastpreview/widget/preview.js (no allow-same-origin).
WIDGET_SANDBOX = "allow-scripts allow-forms allow-modals allow-popups allow-downloads"

# Everything a script in the preview might read the Jupyter token or session from.
PROBE = """() => {
  const out = {};
  const grab = (name, read) => {
    try {
      const value = read();
      out[name] = { ok: true, value: value === undefined || value === null ? null : String(value) };
    } catch (error) {
      out[name] = { ok: false, error: String((error && error.name) || error) };
    }
  };
  const framed = window.parent !== window;
  grab("origin", () => self.origin);
  grab("location", () => location.href);
  grab("referrer", () => document.referrer);
  grab("cookie", () => document.cookie);
  grab("html", () => document.documentElement.outerHTML);
  grab("config", () => JSON.stringify(window.__FASTPREVIEW__));
  grab("name", () => window.name);
  grab("resources", () => JSON.stringify(performance.getEntries().map((e) => e.name)));
  grab("opener", () => window.opener && window.opener.location.href);
  grab("parentLocation", () => (framed ? parent.location.href : null));
  grab("parentHtml", () => (framed ? parent.document.documentElement.outerHTML : null));
  grab("parentCookie", () => (framed ? parent.document.cookie : null));
  grab("parentStorage", () => (framed ? JSON.stringify(parent.localStorage) : null));
  grab("topLocation", () => (framed ? top.location.href : null));
  return out;
}"""

FETCH_API = """async ([url, init]) => {
  try {
    const response = await fetch(url, init);
    let body = null;
    try { body = await response.text(); } catch (error) { body = String(error); }
    return { status: response.status, type: response.type, body: body.slice(0, 500) };
  } catch (error) {
    return { error: String(error) };
  }
}"""


def login(preview: PreviewPage, server: JupyterServer) -> None:
    """Open a Jupyter HTML page with the token in its URL, as users open the lab; this sets
    Jupyter's login cookie. The page stays open as the "lab" page that embeds the preview."""
    preview.page.goto(server.url(f"fastpreview/not-a-page?token={server.token}"))
    names = {c["name"] for c in preview.page.context.cookies(server.base)}
    assert any(name.startswith("username-") for name in names), f"not logged in: {names}"
    assert "_xsrf" in names, names
    status = preview.page.evaluate(
        "async () => (await fetch('/fp-base/api/kernels', {credentials: 'same-origin'})).status"
    )
    assert status == 200, f"the Jupyter page itself cannot use the API ({status})"


def embed(preview: PreviewPage, app: App) -> Any:
    """Show the preview in an iframe of the current (Jupyter) page, as the widget does."""
    page = preview.page
    page.evaluate(
        """([url, sandbox]) => {
          const iframe = document.createElement("iframe");
          iframe.setAttribute("sandbox", sandbox);
          iframe.setAttribute("title", "fastpreview");
          iframe.src = url;
          document.body.append(iframe);
        }""",
        [app.preview_url, WIDGET_SANDBOX],
    )
    frame = page.frame_locator('iframe[title="fastpreview"]')
    expect(frame.get_by_test_id("counter")).to_have_text("count: 0")
    (found,) = [f for f in page.frames if f.url.startswith(app.preview_url)]
    return found


def assert_no_secret(probe: dict[str, Any], server: JupyterServer, cookies: list[dict]) -> None:
    secrets = {"the Jupyter token": server.token}
    secrets.update({f"cookie {c['name']}": c["value"] for c in cookies if len(c["value"]) > 8})
    for key, result in probe.items():
        text = result.get("value") or ""
        for what, secret in secrets.items():
            assert secret not in text, f"the preview read {what} from {key}: {text[:300]!r}"


def assert_parent_is_opaque(probe: dict[str, Any]) -> None:
    for key in ("parentLocation", "parentHtml", "parentCookie", "parentStorage", "topLocation"):
        assert not probe[key]["ok"], f"the preview could read {key}: {probe[key]}"


# ----------------------------------------------------------------------------------------------


def test_preview_has_an_opaque_origin(make_app, preview: PreviewPage) -> None:
    app = make_app()
    preview.open(app)
    assert preview.page.evaluate("() => self.origin") == "null"
    headers = preview.page.goto(app.preview_url).all_headers()
    assert "sandbox" in headers.get("content-security-policy", ""), headers
    assert "allow-same-origin" not in headers["content-security-policy"], headers


def test_preview_cannot_read_jupyter_cookies(
    make_app, preview: PreviewPage, jupyter_server: JupyterServer
) -> None:
    app = make_app()
    login(preview, jupyter_server)
    cookies = preview.page.context.cookies(jupyter_server.base)

    frame = embed(preview, app)
    framed = frame.evaluate(PROBE)
    assert framed["cookie"] == {"ok": True, "value": ""} or not framed["cookie"]["ok"], framed
    assert_no_secret(framed, jupyter_server, cookies)

    preview.open(app)  # the same browser session, the preview as the top-level page
    top = preview.page.evaluate(PROBE)
    assert top["origin"]["value"] == "null"
    assert top["cookie"] == {"ok": True, "value": ""} or not top["cookie"]["ok"], top
    assert_no_secret(top, jupyter_server, cookies)


def test_preview_cannot_read_the_jupyter_token(
    make_app, preview: PreviewPage, jupyter_server: JupyterServer
) -> None:
    """Not from its location, its referrer, its page, window.name, nor its parent (the
    Jupyter page, opened with `?token=` in its URL, as a user opens the lab from the log;
    Jupyter's page template then drops the token from its address)."""
    app = make_app()
    login(preview, jupyter_server)
    cookies = preview.page.context.cookies(jupyter_server.base)

    framed = embed(preview, app).evaluate(PROBE)
    assert framed["origin"]["value"] == "null", framed["origin"]
    assert_parent_is_opaque(framed)
    assert_no_secret(framed, jupyter_server, cookies)

    preview.open(app)
    top = preview.page.evaluate(PROBE)
    assert_no_secret(top, jupyter_server, cookies)


def test_preview_cannot_call_the_jupyter_api(
    make_app, preview: PreviewPage, jupyter_server: JupyterServer
) -> None:
    app = make_app()
    login(preview, jupyter_server)
    frame = embed(preview, app)
    api = jupyter_server.url("api/")
    attempts = [
        ("/fp-base/api/kernels", {}),
        ("/fp-base/api/kernels", {"credentials": "include"}),
        (api + "contents", {"credentials": "include"}),
        (api + "kernels", {"method": "POST", "credentials": "include", "body": "{}"}),
        (
            api + "contents/pwned.txt",
            {
                "method": "PUT",
                "credentials": "include",
                "headers": {"Content-Type": "text/plain"},
                "body": '{"type": "file", "format": "text", "content": "pwned"}',
            },
        ),
    ]
    for where, context in (("iframe", frame), ("top-level page", None)):
        if context is None:
            preview.open(app)
            context = preview.page
        for url, init in attempts:
            result = context.evaluate(FETCH_API, [url, init])
            assert result.get("error") or result["status"] != 200, (
                f"{where}: fetch({url!r}, {init}) -> {result}"
            )
            assert "execution_state" not in str(result.get("body")), result

    status, kernels = jupyter_server.request("GET", "api/kernels")
    assert (status, kernels) == (200, []), f"a kernel was started from the preview: {kernels}"
    assert not (jupyter_server.root / "pwned.txt").exists(), "the preview wrote a file"


def test_local_storage_works_and_persists_across_reload(make_app, preview: PreviewPage) -> None:
    app = make_app()
    preview.open(app)
    page = preview.page
    stored = page.evaluate(
        """() => {
          localStorage.setItem("fp-key", "kept");
          localStorage.theme = "dark";
          sessionStorage.setItem("fp-session", "yes");
          return [localStorage.getItem("fp-key"), localStorage.length,
                  sessionStorage.getItem("fp-session")];
        }"""
    )
    assert stored == ["kept", 2, "yes"]

    page.reload()
    expect(page.get_by_test_id("counter")).to_have_text("count: 0")
    after = page.evaluate(
        """() => [localStorage.getItem("fp-key"), localStorage.getItem("theme"),
                  Object.keys(localStorage).sort(), self.origin]"""
    )
    assert after == ["kept", "dark", ["fp-key", "theme"], "null"]
