"""End-to-end HMR latency and cold start of the dev server, in a real browser.

Starts a real `jupyter server` with fastpreview (the same way as tests/browser), generates apps
of 50 and 500 components (`jupyter_fastpreview.bench.generate`: an index.html app, each leaf a
`<button data-leaf>` with a counter), opens the preview in headless Chromium and measures:

  * cold start: navigation start -> the last leaf in the DOM (`performance.now()` in a
    MutationObserver installed before any page script). The first load after registering the
    app has empty server caches ("cold"); later loads in fresh browser contexts ("warm server")
    show what the transform cache buys.
  * the browser's floor: the same graph of trivial modules from a static Node server
    (`esm_floor.mjs`), loaded the same way: no dev server can start faster than this.
  * HMR latency, for each of N edits of one leaf component:
        (wall clock when the DOM shows the new text: `performance.timeOrigin + performance.now()`
         in a MutationObserver callback)
      - (wall clock just before the file write: `time.time() * 1000` in Python)
    Same machine, same clock; the offset between the two clocks is estimated and printed.
    Where the websocket `update` frame carries `sentAt`, the latency is split into server
    (write -> update sent) and browser (update sent -> DOM) parts.

    python benchmarks/hmr_latency.py [--sizes 50 500] [--edits 30] [--json out.json]

Prints p50/p90/max per size against the targets (p50 < 15 ms, p90 < 30 ms; cold start < 1 s at
500 components) and exits 0 either way: it is a benchmark, not a test. Every wait is bounded
(`--wait-ms` per step, `--max-seconds` overall).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from fp_browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    INIT_SCRIPT,
    App,
    JupyterServer,
    PreviewPage,
    browser_unavailable,
)

from jupyter_fastpreview.bench.generate import leaf_path, leaf_source, write_app  # noqa: E402

TARGET_P50_MS = 15.0
TARGET_P90_MS = 30.0
TARGET_COLD_MS = 1000.0
COLD_TARGET_SIZE = 500

# Installed before any page script: when the N-th leaf appears, remember performance.now();
# `arm(index, prefix)` waits for leaf `index` to show text starting with `prefix`.
BENCH_SCRIPT = """
(() => {
  if (window.__fp_bench) return;
  performance.setResourceTimingBufferSize(100000); // the default (250) is less than 500 leaves
  const bench = (window.__fp_bench = {});
  Object.assign(bench, { expected: 0, allLeavesAt: null, firstLeafAt: null, done: null });
  const params = new URLSearchParams(location.hash.slice(1));
  bench.expected = Number(params.get("leaves") || 0);
  const check = () => {
    const count = document.querySelectorAll("[data-leaf]").length;
    if (count > 0 && bench.firstLeafAt === null) bench.firstLeafAt = performance.now();
    if (bench.expected && count >= bench.expected && bench.allLeavesAt === null) {
      bench.allLeavesAt = performance.now();
      coldObserver.disconnect();
    }
  };
  const coldObserver = new MutationObserver(check);
  coldObserver.observe(document, { childList: true, subtree: true });
  bench.arm = (index, prefix) => {
    bench.done = null;
    const selector = `[data-leaf="${index}"]`;
    const observer = new MutationObserver(() => {
      const el = document.querySelector(selector);
      if (el && el.textContent.startsWith(prefix)) {
        bench.done = performance.timeOrigin + performance.now();
        bench.text = el.textContent;
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  };
})();
"""


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p90": percentile(values, 90),
        "max": max(values),
        "min": min(values),
        "mean": statistics.fmean(values),
    }


def clock_offset_ms(page: Any, samples: int = 25) -> dict[str, float]:
    """Browser `timeOrigin + now()` minus Python `time.time()`, from the tightest round trip."""
    best: tuple[float, float] | None = None
    for _ in range(samples):
        before = time.time() * 1000
        browser = page.evaluate("() => performance.timeOrigin + performance.now()")
        after = time.time() * 1000
        rtt = after - before
        offset = browser - (before + after) / 2
        if best is None or rtt < best[0]:
            best = (rtt, offset)
    assert best is not None
    return {"offset_ms": best[1], "uncertainty_ms": best[0] / 2}


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left_ms(self, cap_ms: int) -> int:
        left = (self.end - time.monotonic()) * 1000
        if left <= 0:
            raise TimeoutError("the benchmark ran out of its --max-seconds")
        return int(min(cap_ms, left))


def measure_load(browser: Any, url: str, leaves: int, wait_ms: int, deadline: Deadline) -> dict:
    """One page load in a fresh browser context (empty HTTP cache)."""
    context = browser.new_context()
    try:
        context.add_init_script(INIT_SCRIPT)
        context.add_init_script(BENCH_SCRIPT)
        page = context.new_page()
        page.goto(f"{url}#leaves={leaves}", timeout=deadline.left_ms(wait_ms))
        page.wait_for_function(
            "() => window.__fp_bench && window.__fp_bench.allLeavesAt !== null",
            timeout=deadline.left_ms(wait_ms),
        )
        figures = page.evaluate(
            """() => {
              const nav = performance.getEntriesByType("navigation")[0];
              const resources = performance.getEntriesByType("resource");
              // Cross-origin (the page is sandboxed): only start and duration are exposed.
              const waits = resources.map((r) => r.duration).sort((a, b) => a - b);
              return {
                median_wait_ms: waits.length ? waits[Math.floor(waits.length / 2)] : null,
                all_leaves_ms: window.__fp_bench.allLeavesAt,
                first_leaf_ms: window.__fp_bench.firstLeafAt,
                dom_content_loaded_ms: nav ? nav.domContentLoadedEventEnd : null,
                requests: resources.length,
              };
            }"""
        )
        return figures
    finally:
        context.close()


def measure_hmr(
    browser: Any, app: App, components: int, edits: int, wait_ms: int, deadline: Deadline
) -> dict[str, Any]:
    index = components // 2  # a leaf in the middle of the tree
    relative = leaf_path(index)
    original = app.read(relative)
    context = browser.new_context()
    result: dict[str, Any] = {"leaf": relative, "edits": []}
    try:
        context.add_init_script(INIT_SCRIPT)
        context.add_init_script(BENCH_SCRIPT)
        preview = PreviewPage(context.new_page())
        preview.page.goto(
            f"{app.preview_url}#leaves={components}", timeout=deadline.left_ms(wait_ms)
        )
        leaf = preview.page.locator(f'[data-leaf="{index}"]')
        leaf.wait_for(timeout=deadline.left_ms(wait_ms))
        preview.page.wait_for_function(
            "() => window.__fastpreview_hmr && window.__fastpreview_hmr.status === 'connected'",
            timeout=deadline.left_ms(wait_ms),
        )
        leaf.click()
        preview.page.wait_for_function(
            "(i) => document.querySelector(`[data-leaf='${i}']`).textContent.endsWith(' 1')",
            arg=index,
            timeout=deadline.left_ms(wait_ms),
        )
        preview.set_marker()
        loads = preview.loads
        result["clock"] = clock_offset_ms(preview.page)

        for number in range(1, edits + 1):
            label = f"edit {number} of leaf {index}"
            preview.page.evaluate("([i, p]) => window.__fp_bench.arm(i, p)", [index, label + " "])
            applied = preview.applied()
            frames_before = len(preview.ws_received)
            source = leaf_source(index, label)
            written_at = time.time() * 1000  # just before the write
            app.write(relative, source)
            record: dict[str, Any] = {"edit": number}
            try:
                preview.page.wait_for_function(
                    "() => window.__fp_bench.done !== null", timeout=deadline.left_ms(wait_ms)
                )
            except TimeoutError:
                raise
            except Exception as error:  # playwright's TimeoutError: record it and go on
                record["error"] = f"no DOM change within {wait_ms} ms: {str(error)[:200]}"
                result["edits"].append(record)
                continue
            done = preview.page.evaluate("() => [window.__fp_bench.done, window.__fp_bench.text]")
            record["latency_ms"] = done[0] - written_at
            record["state_kept"] = done[1].rstrip().endswith(" 1")
            # The update frame of this edit (Playwright has delivered it by now, or soon).
            try:
                preview.wait_until(
                    lambda b=frames_before: any(
                        m.get("type") == "update" for m in preview.ws_received[b:]
                    ),
                    "the update frame",
                    timeout_ms=500,
                )
                update = next(
                    m for m in preview.ws_received[frames_before:] if m.get("type") == "update"
                )
                if isinstance(update.get("sentAt"), (int, float)):
                    record["server_ms"] = update["sentAt"] - written_at
                    record["browser_ms"] = done[0] - update["sentAt"]
            except AssertionError:
                pass
            kinds = [m.get("type") for m in preview.ws_received[frames_before:]]
            if "full-reload" in kinds:
                record["full_reload"] = True
            # Let this update finish (the applied event) before the next write.
            try:
                preview.wait_applied(applied)
            except Exception:
                record["applied_event"] = False
            result["edits"].append(record)

        result["reloaded"] = preview.marker() != 1 or preview.loads != loads
        result["console_errors"] = [c for c in preview.console if c.startswith("[error]")][:10]
    finally:
        context.close()
        app.write(relative, original)
    return result


def measure_floor(browser: Any, components: int, args: Any, deadline: Deadline) -> list[float]:
    """Loads of the same module graph with trivial modules from a static Node server: what the
    browser alone costs, so a cold start can be read against what no dev server can beat."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = ["node", str(ROOT / "benchmarks" / "esm_floor.mjs"), str(components), str(port)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "listening"
        url = f"http://127.0.0.1:{port}/"
        loads = [
            measure_load(browser, url, components, args.wait_ms, deadline)
            for _ in range(max(1, args.warm_loads))
        ]
        return [load["all_leaves_ms"] for load in loads]
    finally:
        server.terminate()
        server.wait()


def run_size(browser: Any, server: JupyterServer, components: int, args: Any) -> dict[str, Any]:
    deadline = Deadline(args.max_seconds)
    app = App(server, f"bench-{components}")
    write_app(app.folder, components)
    app.register()
    out: dict[str, Any] = {"components": components}
    try:
        out["cold"] = measure_load(browser, app.preview_url, components, args.wait_ms, deadline)
        out["warm"] = [
            measure_load(browser, app.preview_url, components, args.wait_ms, deadline)
            for _ in range(args.warm_loads)
        ]
        out["floor"] = measure_floor(browser, components, args, deadline)
        out["hmr"] = measure_hmr(browser, app, components, args.edits, args.wait_ms, deadline)
    except Exception as error:  # report what was measured so far
        out["error"] = f"{type(error).__name__}: {str(error)[:500]}"
    finally:
        app.unregister()
    edits = out.get("hmr", {}).get("edits", [])
    out["latency"] = summary([e["latency_ms"] for e in edits if "latency_ms" in e])
    out["server_part"] = summary([e["server_ms"] for e in edits if "server_ms" in e])
    out["browser_part"] = summary([e["browser_ms"] for e in edits if "browser_ms" in e])
    out["failed_edits"] = sum(1 for e in edits if "error" in e)
    out["state_kept"] = sum(1 for e in edits if e.get("state_kept"))
    return out


def verdict(value: float | None, target: float) -> str:
    if value is None:
        return "n/a"
    return "ok" if value < target else "MISSED"


def report(results: list[dict[str, Any]]) -> None:
    print()
    print(
        f"HMR latency (file write -> DOM), targets p50 < {TARGET_P50_MS:g} ms, "
        f"p90 < {TARGET_P90_MS:g} ms; cold start < {TARGET_COLD_MS:g} ms at {COLD_TARGET_SIZE}"
    )
    for res in results:
        n = res["components"]
        print(f"\n== {n} components ==")
        if "error" in res:
            print(f"  ERROR: {res['error']}")
        cold = res.get("cold")
        if cold:
            target = (
                f" [{verdict(cold['all_leaves_ms'], TARGET_COLD_MS)}]"
                if n >= COLD_TARGET_SIZE
                else ""
            )
            print(
                f"  cold start (server caches empty): {cold['all_leaves_ms']:.0f} ms to the "
                f"last leaf (first leaf {cold['first_leaf_ms']:.0f} ms, "
                f"{cold['requests']} requests, median request duration "
                f"{cold['median_wait_ms'] or 0:.1f} ms){target}"
            )
        warm = [w["all_leaves_ms"] for w in res.get("warm", [])]
        if warm:
            print(
                f"  warm server, fresh browser cache: median {statistics.median(warm):.0f} ms "
                f"(runs: {', '.join(f'{w:.0f}' for w in warm)})"
            )
        floor = res.get("floor")
        if floor:
            print(
                f"  browser floor (same graph, trivial modules, static Node server): median "
                f"{statistics.median(floor):.0f} ms (runs: {', '.join(f'{f:.0f}' for f in floor)})"
            )
        lat = res.get("latency")
        if lat:
            print(
                f"  HMR latency over {lat['n']} edits: p50 {lat['p50']:.1f} ms "
                f"[{verdict(lat['p50'], TARGET_P50_MS)}], p90 {lat['p90']:.1f} ms "
                f"[{verdict(lat['p90'], TARGET_P90_MS)}], max {lat['max']:.1f} ms, "
                f"min {lat['min']:.1f} ms"
            )
            for name in ("server_part", "browser_part"):
                part = res.get(name)
                if part:
                    what = "write -> update sent" if name == "server_part" else "update sent -> DOM"
                    print(
                        f"    {what}: p50 {part['p50']:.1f} ms, p90 {part['p90']:.1f} ms, "
                        f"max {part['max']:.1f} ms"
                    )
        hmr = res.get("hmr", {})
        if hmr:
            clock = hmr.get("clock")
            if clock:
                print(
                    f"  clock offset browser - python: {clock['offset_ms']:+.2f} ms "
                    f"(+/- {clock['uncertainty_ms']:.2f} ms)"
                )
            print(
                f"  state kept in {res['state_kept']}/{len(hmr.get('edits', []))} edits; "
                f"failed edits: {res['failed_edits']}; page reloaded: {hmr.get('reloaded')}"
            )
            for line in hmr.get("console_errors", []):
                print(f"  console: {line[:200]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--warm-loads", type=int, default=3)
    parser.add_argument("--wait-ms", type=int, default=10_000, help="bound of each single wait")
    parser.add_argument("--max-seconds", type=float, default=180, help="bound per app size")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    args.edits = max(1, min(args.edits, 200))

    unavailable = browser_unavailable()
    if unavailable:
        print(f"cannot run: {unavailable}")
        return 0

    from playwright.sync_api import sync_playwright

    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="fp-hmr-bench-") as tmp:
        server = JupyterServer(Path(tmp))
        try:
            server.start()
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    for size in args.sizes:
                        print(f"measuring {size} components ...", flush=True)
                        results.append(run_size(browser, server, size, args))
                finally:
                    browser.close()
        except Exception as error:
            print(f"benchmark aborted: {type(error).__name__}: {error}")
            print(server.log_tail(30))
        finally:
            server.stop()

    report(results)
    if args.json:
        payload = {
            "targets": {
                "hmr_p50_ms": TARGET_P50_MS,
                "hmr_p90_ms": TARGET_P90_MS,
                "cold_start_ms": TARGET_COLD_MS,
                "cold_start_components": COLD_TARGET_SIZE,
            },
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
            },
            "results": results,
        }
        args.json.write_text(json.dumps(payload, indent=2))
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
