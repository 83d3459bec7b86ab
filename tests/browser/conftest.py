"""Browser tests: a real `jupyter server` subprocess, a real Chromium, real files on disk.

The server runs as a separate process, launched from the command line the way a user launches
it (non-root base URL, token auth, unauthenticated access refused, only our extension), so the
sync Playwright API is fine here: nothing in this process runs an asyncio loop.

Every edit in these tests is a plain file write to disk, because that is how every writer
(kernel, editor, visual editor) reaches the dev server; the tests then wait for a condition in
the page (`expect(...)`), never for a fixed time.

The tests are skipped, with the reason, when Playwright or Chromium is missing; set
`FASTPREVIEW_REQUIRE_BROWSER=1` (CI does) to make that an error instead.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fp_browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    COUNTER_APP,
    INIT_SCRIPT,
    TIMEOUT_MS,
    App,
    JupyterServer,
    PreviewPage,
    browser_unavailable,
)

HERE = Path(__file__).resolve().parent
UNAVAILABLE = browser_unavailable()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if UNAVAILABLE is None:
        return
    if os.environ.get("FASTPREVIEW_REQUIRE_BROWSER", "") not in ("", "0"):
        return  # `_require_browser` fails each test instead
    skip = pytest.mark.skip(reason=f"browser tests need Chromium: {UNAVAILABLE}")
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(skip)


@pytest.fixture
def jp_asyncio_loop() -> Iterator[None]:
    """Overrides pytest-jupyter's autouse loop fixture for the browser tests.

    The server is a subprocess and no test here is async; Playwright's sync API owns this
    thread's event loop, which pytest-jupyter's fixture would pick up and then close.
    """
    yield None


@pytest.fixture
def jp_server_cleanup() -> Iterator[None]:
    """Overrides pytest-jupyter's autouse cleanup: no in-process ServerApp to clean up here."""
    yield None


@pytest.fixture(autouse=True)
def _require_browser() -> None:
    if UNAVAILABLE is not None and os.environ.get("FASTPREVIEW_REQUIRE_BROWSER", "") not in (
        "",
        "0",
    ):
        pytest.fail(f"FASTPREVIEW_REQUIRE_BROWSER is set but {UNAVAILABLE}")


def _start_server(tmp: Path) -> Iterator[JupyterServer]:
    server = JupyterServer(tmp)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def jupyter_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """The server shared by a module's tests that never stop it (gone with the module, so
    it does not idle through the rest of the suite)."""
    yield from _start_server(tmp_path_factory.mktemp("jupyter"))


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """A `jupyter lab` server (JupyterLab served, its app object exposed to the page)."""
    server = JupyterServer(tmp_path_factory.mktemp("lab"), lab=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def restartable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """A server of the test's own, which the test may stop, restart and edit files around."""
    yield from _start_server(tmp_path_factory.mktemp("jupyter-restart"))


@pytest.fixture
def make_app(
    request: pytest.FixtureRequest, jupyter_server: JupyterServer
) -> Iterator[Callable[..., App]]:
    """`make_app(files, server=...)`: write an app into the server root and register it."""
    made: list[App] = []

    def make(files: dict[str, str] | None = None, server: JupyterServer | None = None) -> App:
        srv = server or jupyter_server
        slug = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:40]
        app = App(srv, f"{slug}-{len(made)}-{secrets.token_hex(3)}")
        app.write_all(COUNTER_APP if files is None else files)
        app.register()
        made.append(app)
        return app

    yield make
    for app in made:
        app.unregister()
        shutil.rmtree(app.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module, not per session: while Playwright's sync API is alive its
    event loop is this thread's running loop, which the async pytest-jupyter tests that run
    after the browser tests would pick up (and close) - so it must be stopped before them."""
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        pw.stop()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context()
    ctx.add_init_script(INIT_SCRIPT)
    ctx.set_default_timeout(TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def new_page(request: pytest.FixtureRequest, context: Any) -> Callable[[], PreviewPage]:
    pages: list[PreviewPage] = request.node.stash.setdefault(_PAGES, [])

    def make() -> PreviewPage:
        preview = PreviewPage(context.new_page())
        pages.append(preview)
        return preview

    return make


@pytest.fixture
def preview(new_page: Callable[[], PreviewPage]) -> PreviewPage:
    return new_page()


# --------------------------------------------------------------------------------------------
# Failure reports: the server log and the browser console of the failing test
# --------------------------------------------------------------------------------------------

_PAGES = pytest.StashKey[list]()
_LOG_OFFSETS = pytest.StashKey[dict]()


@pytest.fixture(autouse=True)
def _remember_log_offsets(request: pytest.FixtureRequest) -> None:
    offsets: dict[int, tuple[JupyterServer, int]] = {}
    for name in ("jupyter_server", "restartable_server"):
        if name in request.fixturenames:
            server = request.getfixturevalue(name)
            offsets[id(server)] = (server, server.log_size())
    request.node.stash[_LOG_OFFSETS] = offsets


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for server, offset in item.stash.get(_LOG_OFFSETS, {}).values():
        report.sections.append(
            (f"jupyter server log (port {server.port})", server.log_since(offset) or "(empty)")
        )
    for number, preview in enumerate(item.stash.get(_PAGES, [])):
        lines = list(preview.console) + [f"[pageerror] {e}" for e in preview.errors]
        frames = [json.dumps(m)[:300] for m in preview.ws_received[-30:]]
        report.sections.append(
            (
                f"page {number} (loads={preview.loads})",
                "console:\n"
                + ("\n".join(lines[-80:]) or "(none)")
                + "\nHMR frames received:\n"
                + ("\n".join(frames) or "(none)"),
            )
        )
