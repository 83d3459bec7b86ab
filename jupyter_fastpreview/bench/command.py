"""Run the benchmark suite headless, on generated apps of chosen sizes or on given apps.

Everything it needs is started here on 127.0.0.1: a Jupyter server with the extension, the
apps (generated, or copies), and, when Playwright and Chromium are installed, a headless
browser with the preview open, so the HMR figure is end to end. Prints the tables, writes
JSON, and exits 1 when a seed target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from ..kernel.app import App
from ..kernel.link import STORE_VAR, ServerLink
from .generate import write_app
from .local import CHROMIUM, CHROMIUM_ARGS, JupyterServer, browser_unavailable
from .measure import copy_app
from .suite import run_suite

PREVIEW_WAIT_S = 30.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--components",
        type=int,
        nargs="+",
        default=[50, 500],
        help="sizes of the generated apps to measure (default: 50 500)",
    )
    parser.add_argument("--app", type=Path, nargs="*", default=[], help="also measure these apps")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default: 5)")
    parser.add_argument("--json", type=Path, help="write every report here")
    parser.add_argument(
        "--no-browser", action="store_true", help="measure HMR server side even with Chromium"
    )


def run(args: argparse.Namespace) -> int:
    reports = []
    with tempfile.TemporaryDirectory(prefix="fastpreview-bench-") as tmp, ExitStack() as stack:
        server = JupyterServer(Path(tmp))
        server.start()
        stack.callback(server.stop)
        os.environ[STORE_VAR] = str(server.store_path)
        link = ServerLink(server.base, server.token, server.root)
        browser = None if args.no_browser else stack.enter_context(_browser())
        for folder in _apps(server.root, args.components, args.app):
            print(f"measuring {folder.name} ...", flush=True)
            app = App.open(folder, link=link)
            with _preview_open(browser, app):
                report = run_suite(app, args.runs, save=False)
            print(f"\n{report.table()}\n", flush=True)
            reports.append(report)
    if args.json:
        args.json.write_text(json.dumps([report.to_dict() for report in reports], indent=2))
        print(f"wrote {args.json}")
    return 0 if all(report.meets_seed_targets for report in reports) else 1


def _apps(root: Path, sizes: list[int], given: list[Path]) -> Iterator[Path]:
    for size in sizes:
        yield write_app(root / f"generated-{size}", size)
    for folder in given:
        if not folder.is_dir():
            raise SystemExit(f"no app folder at {folder}")
        yield copy_app(folder, root / folder.name)


@contextmanager
def _browser() -> Iterator[Any]:
    """Headless Chromium, or None (with the reason printed) when it cannot run here."""
    unavailable = browser_unavailable()
    if unavailable:
        print(f"no browser ({unavailable}): the HMR figure is server side", flush=True)
        yield None
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def _preview_open(browser: Any, app: App) -> Iterator[None]:
    """The app's preview open in a page while it is measured, connected to its HMR channel."""
    if browser is None:
        yield
        return
    page = browser.new_page()
    try:
        page.goto(app.url)
        deadline = time.monotonic() + PREVIEW_WAIT_S
        while not app.open_previews:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the preview of {app.name} did not connect")
            time.sleep(0.05)
        yield
    finally:
        page.close()
