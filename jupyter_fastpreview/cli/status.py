"""Show what the fastpreview servers are doing: apps, open previews, builds, deploys, syncs.

Asks `GET {base_url}fastpreview/api/status` of each Jupyter server running for this user (the
ones `jupyter server list` shows), or of the one given with --url (and --token).
"""

from __future__ import annotations

import argparse
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

STATUS_PATH = "fastpreview/api/status"
TIMEOUT_S = 10.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="the server's URL, with its base URL (default: every one)")
    parser.add_argument("--token", default="", help="the server's token (with --url)")
    parser.add_argument("--json", action="store_true", help="print the status as JSON")


def run(args: argparse.Namespace) -> int:
    servers = [(args.url, args.token)] if args.url else list(running_servers())
    if not servers:
        print("no running Jupyter server found (give one with --url and --token)")
        return 1
    results = [ask(url, token) for url, token in servers]
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print("\n\n".join(table(result) for result in results))
    return 0 if any("status" in result for result in results) else 1


def running_servers() -> Iterator[tuple[str, str]]:
    """(URL, token) of each server of this user that `jupyter server list` would show."""
    from jupyter_server.serverapp import list_running_servers

    for info in list_running_servers():
        if str(info.get("url", "")).startswith(("http://", "https://")):
            yield info["url"], info.get("token") or ""


def ask(url: str, token: str) -> dict[str, Any]:
    """`{"url", "status"}`, or `{"url", "error"}` saying why the server did not answer."""
    endpoint = urllib.parse.urljoin(url.rstrip("/") + "/", STATUS_PATH)
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"token {token}"
    request = urllib.request.Request(endpoint, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return {"url": url, "status": json.loads(response.read())}
    except urllib.error.HTTPError as error:
        return {"url": url, "error": _refusal(error.code)}
    except (urllib.error.URLError, OSError, ValueError) as error:
        return {"url": url, "error": f"no answer: {error}"}


def _refusal(code: int) -> str:
    if code == 404:
        return "HTTP 404: fastpreview is not enabled on this server"
    if code in (401, 403):
        return f"HTTP {code}: not allowed (a wrong or missing --token?)"
    return f"HTTP {code}"


def table(result: dict[str, Any]) -> str:
    """The status as a person reads it: a summary, then one row per app."""
    status = result.get("status")
    if status is None:
        return f"{result['url']}: {result['error']}"
    sessions, builds = status["sessions"], status["builds_in_flight"]
    jobs = status["sync_jobs"]
    lines = [
        f"{result['url']}  (fastpreview {status['version']})",
        f"esbuild: {_esbuild(status['esbuild'])}",
        f"previews open: {sessions['total']}   builds running: {builds['total']}   "
        f"deploys running: {status['deploys_in_flight']['total']}",
        "sync jobs: " + ", ".join(f"{count} {name}" for name, count in jobs.items()),
    ]
    lines += [f"  deploying {_deploy(deploy)}" for deploy in status["deploys_in_flight"]["deploys"]]
    rows: list[tuple[str, ...]] = [("APP", "STATUS", "PREVIEWS", "BUILDS", "FOLDER")]
    rows += [
        (
            app["id"],
            app["status"],
            str(sessions["by_app"].get(app["id"], 0)),
            str(builds["by_app"].get(app["id"], 0)),
            app["folder"],
        )
        for app in status["apps"]
    ]
    return "\n".join(lines) + "\n\n" + _columns(rows) if status["apps"] else "\n".join(lines)


def _esbuild(esbuild: dict[str, Any]) -> str:
    if "error" in esbuild:
        return f"unavailable: {esbuild['error']}"
    state = f"running, pid {esbuild['pid']}" if esbuild.get("running") else "not started"
    return f"{esbuild.get('version')} {state}"


def _deploy(event: dict[str, Any]) -> str:
    return f"{event['app']} to {event['target']}: {event['phase']} {event['percent']}%"


def _columns(rows: list[tuple[str, ...]]) -> str:
    """Left-aligned text, right-aligned numbers, two spaces between columns."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    numeric = {2, 3}
    return "\n".join(
        "  ".join(
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    )
