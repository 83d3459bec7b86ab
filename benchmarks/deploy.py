"""How long does a deploy take, from the app's files to a promoted URL?

Deploys generated apps of 50 and 500 components (`jupyter_fastpreview.bench.generate`)
with the same `Deployer` the server uses, N times each, to:
  * `local`: the server's own deployment store on this disk;
  * `s3`: an S3 protocol server on 127.0.0.1 (moto's standalone server, in this process),
    through boto3 over HTTP, exactly as to a remote bucket (minus the network).
Before each run one leaf component is edited, so every deploy builds and publishes new
content. A deploy's time is the deployer's own figure (build + publish + promote); the build
part is read off its progress events. The first deploy of each pair (esbuild and boto3 warming
up) is reported apart as "cold".

    python benchmarks/deploy.py [--sizes 50 500] [--runs 5] [--json out.json]

Prints min/median/max per (size, target) against the targets (500 components: local under
500 ms, s3 under 2000 ms); exits 0 either way: it is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from jupyter_fastpreview.bench.generate import leaf_path, leaf_source, write_app
from jupyter_fastpreview.deploy import Deployer, LocalTarget
from jupyter_fastpreview.store import Store

TARGET_MS = {"local": 500.0, "s3": 2000.0}
TARGET_SIZE = 500
BUCKET = "fastpreview-benchmark"


class Timeline:
    """When each phase of the current deploy began, from the deployer's progress events."""

    def __init__(self) -> None:
        self.started: dict[str, float] = {}

    def __call__(self, slug: str, event: dict[str, Any]) -> None:
        self.started.setdefault(event["phase"], time.perf_counter())

    def build_ms(self) -> float:
        return (self.started["publish"] - self.started["build"]) * 1000


def start_s3() -> tuple[ThreadedMotoServer, str]:
    """A local S3 server and a bucket in it; credentials are the server's dummy ones."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "benchmark"),
        ("AWS_SECRET_ACCESS_KEY", "benchmark"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ):
        os.environ[name] = value
    os.environ.pop("AWS_PROFILE", None)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
    return server, endpoint


def run_pair(
    deployer: Deployer, app: Path, target: str, options: dict[str, Any], runs: int
) -> dict[str, Any]:
    """One cold deploy, then `runs` measured ones, each after a one-leaf edit."""
    samples, builds = [], []
    for run in range(runs + 1):
        (app / leaf_path(0)).write_text(leaf_source(0, f"{target} run {run}"))
        timeline = Timeline()
        record = deployer.deploy(app, app.name, target, options, events=timeline)
        assert record.ms is not None and record.status == "live", record
        samples.append(record.ms)
        builds.append(timeline.build_ms())
    measured = samples[1:]
    return {
        "target": target,
        "cold_ms": samples[0],
        "runs": runs,
        "min_ms": min(measured),
        "median_ms": statistics.median(measured),
        "max_ms": max(measured),
        "build_median_ms": statistics.median(builds[1:]),
        "bytes": record.size,
        "files": len(record.files),
    }


def verdict(size: int, row: dict[str, Any]) -> str:
    if size != TARGET_SIZE:
        return ""
    limit = TARGET_MS[row["target"]]
    mark = "meets" if row["median_ms"] < limit else "MISSES"
    return f"{mark} target < {limit:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    server, endpoint = start_s3()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="fastpreview-deploy-bench-") as scratch:
        root = Path(scratch)
        deployer = Deployer(Store(root / "state.db"), LocalTarget(root / "deployments"))
        s3_options = {"bucket": BUCKET, "endpoint_url": endpoint, "prefix": "bench"}
        for size in args.sizes:
            app = write_app(root / f"app-{size}", size)
            for target, options in (("local", {}), ("s3", s3_options)):
                row = {"components": size, **run_pair(deployer, app, target, options, args.runs)}
                results.append(row)
                print_row(row)
        deployer.close()
    server.stop()

    print(f"\n{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def print_row(row: dict[str, Any]) -> None:
    print(
        f"{row['components']:>4} components  {row['target']:<5}  "
        f"min {row['min_ms']:7.1f}  median {row['median_ms']:7.1f}  max {row['max_ms']:7.1f} ms"
        f"  (build {row['build_median_ms']:6.1f} ms, cold {row['cold_ms']:7.1f} ms, "
        f"{row['files']} files, {row['bytes'] / 1024:.0f} KiB)  {verdict(row['components'], row)}",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
