"""Many HMR sessions at once: delivery latency, lost messages, server memory and CPU.

For each N in `--sessions` (default 100 1000 2000), a fresh `jupyter server` with fastpreview
on 127.0.0.1 (`jupyter_fastpreview.bench.local.JupyterServer`) gets `--apps` small generated
apps (10). Each app has one leaf module loaded over HTTP, as a preview would (so the dev server
has the app's module graph and sends updates, not only checks). N websocket sessions
(`Origin: null`, like the sandboxed preview) are spread round-robin over the apps; then every
app is edited in turn, `--gap-ms` apart, `--edits` rounds; a round waits until every session has
its update (or `--wait-ms`) before the next one starts. App i edits its own leaf `Leaf{i}`, so
an update names the app it belongs to.

    python benchmarks/hmr_load.py [--sessions 100 1000 2000] [--apps 10] [--edits 5]
                                  [--gap-ms 10] [--warmup 0] [--max-seconds 300] [--json out.json]

`--gap-ms 0` writes the 10 apps at once. `--warmup K` runs K unmeasured rounds first: right
after N sessions connect, the first edits usually pay for a full garbage collection of every
session's objects (~0.2 s at 1000 sessions here), which a server whose previews connect over
minutes pays then instead.

Figures per N:
  * delivery latency = time the client received the `update` frame - time just before the file
    write (both `time.time()` on this machine): p50 / p99 / max over every delivered update;
  * lost = expected updates (sessions x edits of their app) - delivered; misrouted = updates
    naming another app's module; closed = sessions the server closed;
  * memory per idle session = (server RSS with N idle sessions - RSS before connecting) / N;
  * server CPU (% of one core) while idle with N sessions, and while the edits are delivered;
    the benchmark's own CPU (the N clients share this machine's 2 cores with the server).

Exits 0 either way (a benchmark, not a test); every wait is bounded, the whole run per N by
`--max-seconds`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

from jupyter_fastpreview.bench.generate import leaf_path, leaf_source, write_app
from jupyter_fastpreview.bench.local import JupyterServer

TARGET_P99_MS = 50.0
TARGET_IDLE_BYTES = 20 * 1024
CONNECTS_AT_ONCE = 100
SETTLE_S = 2.0
CPU_WINDOW_S = 3.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Session:
    """One websocket client: when each `update` arrived and which modules it named."""

    app: int
    socket: WebSocketClientConnection | None = None
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    updates: list[tuple[float, list[str], float]] = field(default_factory=list)
    """(received at, module paths, the server's `sentAt`) of each `update`."""
    other: list[str] = field(default_factory=list)
    closed: bool = False

    def on_message(self, message: str | bytes | None) -> None:
        received = time.time() * 1000
        if message is None:
            self.closed = True
            return
        parsed = json.loads(message)
        kind = parsed.get("type")
        if kind == "connected":
            self.connected.set()
        elif kind == "update":
            paths = [u["path"] for u in parsed["updates"]]
            self.updates.append((received, paths, parsed["sentAt"]))
        else:
            self.other.append(kind)


@dataclass
class LoadApp:
    index: int
    folder: Path
    record: dict[str, Any]
    written: list[float] = field(default_factory=list)

    @property
    def module(self) -> str:
        return "/" + leaf_path(self.index)


# -- the server process ----------------------------------------------------------------------


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class CpuMeter:
    """CPU use of a process between `start` and `percent`, in % of one core."""

    def __init__(self, pid: int | str) -> None:
        self.pid = pid
        self.start()

    def start(self) -> None:
        self._cpu, self._wall = cpu_seconds(self.pid), time.monotonic()

    def percent(self) -> float:
        wall = time.monotonic() - self._wall
        return 100 * (cpu_seconds(self.pid) - self._cpu) / wall if wall > 0 else 0.0


def raise_fd_limit(sessions: int) -> None:
    """Room for every client socket here, and (inherited) every server socket."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = sessions * 2 + 1024
    if soft < wanted:
        limit = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))


# -- setting up ------------------------------------------------------------------------------


def register_apps(server: JupyterServer, count: int) -> list[LoadApp]:
    apps = []
    for index in range(count):
        folder = write_app(server.root / "load" / f"app{index}", max(count, 10))
        status, record = server.request(
            "POST", "fastpreview/api/apps", {"path": f"load/app{index}"}
        )
        if status not in (200, 201):
            raise RuntimeError(f"registering app {index}: {status} {record}")
        apps.append(LoadApp(index, folder, record))
    return apps


async def load_modules(server: JupyterServer, apps: list[LoadApp]) -> None:
    """Fetch each app's edited leaf as its preview would: the graph then knows it."""
    client = AsyncHTTPClient()
    for app in apps:
        url = server.absolute(app.record["preview_url"] + leaf_path(app.index))
        response = await client.fetch(url, request_timeout=30)
        if response.code != 200:
            raise RuntimeError(f"{url}: {response.code}")


async def connect_all(
    server: JupyterServer, apps: list[LoadApp], count: int, deadline: float
) -> list[Session]:
    sessions = [Session(index % len(apps)) for index in range(count)]
    gate = asyncio.Semaphore(CONNECTS_AT_ONCE)

    async def connect(session: Session) -> None:
        url = server.absolute(apps[session.app].record["ws_url"]).replace("http", "ws", 1)
        async with gate:
            session.socket = await websocket_connect(
                HTTPRequest(url, headers={"Origin": "null"}, connect_timeout=30),
                on_message_callback=session.on_message,
            )
            await session.connected.wait()

    await asyncio.wait_for(
        asyncio.gather(*(connect(s) for s in sessions)), deadline - time.monotonic()
    )
    return sessions


# -- editing ---------------------------------------------------------------------------------


async def edit_rounds(
    apps: list[LoadApp],
    sessions: list[Session],
    args: argparse.Namespace,
    deadline: float,
    label: str = "edit",
) -> int:
    """Edit every app in turn, round after round; the rounds whose delivery timed out."""
    late_rounds = 0
    for number in range(1, args.edits + 1):
        for app in apps:
            path = app.folder / leaf_path(app.index)
            source = leaf_source(app.index, f"{label} {number} of app {app.index}")
            app.written.append(time.time() * 1000)
            path.write_text(source)
            await asyncio.sleep(args.gap_ms / 1000)
        wait_until = min(deadline, time.monotonic() + args.wait_ms / 1000)
        while any(len(s.updates) < number and not s.closed for s in sessions):
            if time.monotonic() > wait_until:
                late_rounds += 1
                break
            await asyncio.sleep(0.005)
    return late_rounds


async def warm_up(
    apps: list[LoadApp], sessions: list[Session], args: argparse.Namespace, deadline: float
) -> None:
    """Unmeasured rounds first, if asked: what the connections left for the garbage collector
    (a full collection of every session's objects) is then done before the measured edits."""
    if args.warmup:
        await edit_rounds(
            apps,
            sessions,
            argparse.Namespace(**{**vars(args), "edits": args.warmup}),
            deadline,
            "warm-up",
        )
    for app in apps:
        app.written.clear()
    for session in sessions:
        session.updates.clear()


def tally(apps: list[LoadApp], sessions: list[Session]) -> dict[str, Any]:
    latencies: list[float] = []
    server_part: list[float] = []
    lost = misrouted = extra = 0
    for session in sessions:
        app = apps[session.app]
        own = [update for update in session.updates if update[1] == [app.module]]
        misrouted += len(session.updates) - len(own)
        lost += max(0, len(app.written) - len(own))
        extra += max(0, len(own) - len(app.written))
        for (received, _, sent), written in zip(own, app.written, strict=False):
            latencies.append(received - written)
            server_part.append(sent - written)
    return {
        "delivered": len(latencies),
        "expected": sum(len(apps[s.app].written) for s in sessions),
        "lost": lost,
        "misrouted": misrouted,
        "extra": extra,
        "other_messages": sum(len(s.other) for s in sessions),
        "closed": sum(s.closed for s in sessions),
        "latency_ms": summary(latencies),
        "write_to_sent_ms": summary(server_part),
    }


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def summary(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {
        "p50": percentile(values, 50),
        "p99": percentile(values, 99),
        "max": max(values),
        "min": min(values),
    }


# -- one N -----------------------------------------------------------------------------------


async def measure(server: JupyterServer, count: int, args: argparse.Namespace) -> dict[str, Any]:
    assert server.proc is not None
    pid = server.proc.pid
    deadline = time.monotonic() + args.max_seconds
    apps = register_apps(server, args.apps)
    await load_modules(server, apps)
    await asyncio.sleep(SETTLE_S)
    rss_before = rss_bytes(pid)
    own_cpu = CpuMeter("self")
    connect_started = time.monotonic()
    sessions = await connect_all(server, apps, count, deadline)
    connect_s = time.monotonic() - connect_started
    await asyncio.sleep(SETTLE_S)
    rss_idle = rss_bytes(pid)
    server_cpu = CpuMeter(pid)
    await asyncio.sleep(CPU_WINDOW_S)
    idle_cpu = server_cpu.percent()
    await warm_up(apps, sessions, args, deadline)
    server_cpu.start()
    own_cpu.start()
    edits_started = time.monotonic()
    late_rounds = await edit_rounds(apps, sessions, args, deadline)
    result = {
        "sessions": count,
        "apps": len(apps),
        "edits_per_app": args.edits,
        "gap_ms": args.gap_ms,
        "warmup_rounds": args.warmup,
        "connect_s": connect_s,
        "rss_before_mb": rss_before / 2**20,
        "rss_idle_mb": rss_idle / 2**20,
        "idle_bytes_per_session": (rss_idle - rss_before) / count,
        "idle_cpu_percent": idle_cpu,
        "edit_cpu_percent": server_cpu.percent(),
        "client_cpu_percent": own_cpu.percent(),
        "edit_seconds": time.monotonic() - edits_started,
        "late_rounds": late_rounds,
        "rss_after_mb": rss_bytes(pid) / 2**20,
        **tally(apps, sessions),
    }
    for session in sessions:
        if session.socket is not None:
            session.socket.close()
    return result


def run(count: int, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="fp-hmr-load-") as tmp:
        server = JupyterServer(Path(tmp))
        try:
            server.start()
            return asyncio.run(measure(server, count, args))
        except Exception as error:  # report the other N regardless
            return {"sessions": count, "error": f"{type(error).__name__}: {error}"}
        finally:
            server.stop()


# -- report ----------------------------------------------------------------------------------


def report(results: list[dict[str, Any]]) -> None:
    print(
        f"\nHMR load: targets p99 < {TARGET_P99_MS:g} ms at 1000 sessions, 0 lost, "
        f"idle memory < {TARGET_IDLE_BYTES // 1024} KB per session"
    )
    header = (
        f"{'sessions':>8} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'lost':>5} {'misr':>5} "
        f"{'closed':>6} {'KB/idle':>8} {'RSS MB':>7} {'cpu idle':>8} {'cpu edit':>8} "
        f"{'cpu cli':>7}"
    )
    print(header)
    for res in results:
        if "error" in res:
            print(f"{res['sessions']:>8} ERROR {res['error']}")
            continue
        lat = res["latency_ms"] or {"p50": math.nan, "p99": math.nan, "max": math.nan}
        print(
            f"{res['sessions']:>8} {lat['p50']:>7.1f} {lat['p99']:>7.1f} {lat['max']:>7.1f} "
            f"{res['lost']:>5} {res['misrouted']:>5} {res['closed']:>6} "
            f"{res['idle_bytes_per_session'] / 1024:>8.1f} {res['rss_idle_mb']:>7.1f} "
            f"{res['idle_cpu_percent']:>7.1f}% {res['edit_cpu_percent']:>7.1f}% "
            f"{res['client_cpu_percent']:>6.1f}%"
        )
    for res in results:
        if "error" not in res:
            print(
                f"  {res['sessions']}: {res['delivered']}/{res['expected']} updates delivered, "
                f"{res['extra']} extra, {res['other_messages']} other messages, "
                f"{res['late_rounds']} late rounds; connect {res['connect_s']:.1f} s; "
                f"edits {res['edit_seconds']:.1f} s"
            )
            sent = res["write_to_sent_ms"]
            if sent:
                print(
                    f"    write -> update sent (server clock): p50 {sent['p50']:.1f} ms, "
                    f"p99 {sent['p99']:.1f} ms, max {sent['max']:.1f} ms"
                )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[100, 1000, 2000])
    parser.add_argument("--apps", type=int, default=10)
    parser.add_argument("--edits", type=int, default=5, help="rounds: edits per app")
    parser.add_argument("--gap-ms", type=float, default=10, help="between two apps' edits")
    parser.add_argument("--warmup", type=int, default=0, help="unmeasured rounds first")
    parser.add_argument("--wait-ms", type=int, default=10_000, help="bound of a round's delivery")
    parser.add_argument("--max-seconds", type=float, default=300, help="bound per N")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    args.sessions = [max(1, min(n, 5000)) for n in args.sessions]
    args.apps = max(1, min(args.apps, 50))
    args.edits = max(1, min(args.edits, 100))
    raise_fd_limit(max(args.sessions))
    results = []
    for count in args.sessions:
        print(f"measuring {count} sessions over {args.apps} apps ...", flush=True)
        results.append(run(count, args))
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
