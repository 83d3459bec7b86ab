"""`App.benchmark` and `App.benchmarks` on a real app and server: every figure measured,
judged against both targets, saved, and compared with earlier runs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from jupyter_fastpreview import App
from jupyter_fastpreview.bench.figures import TARGETS, Figure
from jupyter_fastpreview.bench.report import BenchmarkReport

NAMES = list(TARGETS)


async def in_thread(call: Callable[[], Any]) -> Any:
    return await asyncio.to_thread(call)


async def test_benchmark_measures_every_figure_and_leaves_the_app_as_it_was(make_app) -> None:
    app: App = make_app()
    files = {path: app.read(path) for path in app.files()}
    report: BenchmarkReport = await in_thread(lambda: app.benchmark(runs=3))
    assert [f.name for f in report.figures] == NAMES
    assert all(len(f.runs) == 3 and all(ms > 0 for ms in f.runs) for f in report.figures)
    assert report.figure("hmr_update").how.startswith("server side")  # no browser open here
    assert {path: app.read(path) for path in app.files()} == files
    assert await in_thread(app.deployments) == []  # the deploys it measured are gone
    data = report.to_dict()
    assert [f["name"] for f in data["figures"]] == NAMES
    assert data["meta"]["runs"] == 3
    text = str(report)
    assert all(f.label in text for f in report.figures)
    assert "<svg" in report._repr_html_() and "Incremental rebuild" in report._repr_html_()


async def test_runs_are_saved_and_the_latest_compared_with_earlier_ones(make_app) -> None:
    app: App = make_app()
    assert "No benchmark" in str(await in_thread(app.benchmarks))
    first = await in_thread(lambda: app.benchmark(runs=1))
    second = await in_thread(lambda: app.benchmark(runs=1))
    history = await in_thread(app.benchmarks)
    assert len(history.runs) == 2
    rows = {row["name"]: row for row in history.comparison()}
    full = rows["full_bundle"]
    assert full["latest_ms"] == second.figure("full_bundle").stat("median")
    assert full["previous_ms"] == first.figure("full_bundle").stat("median")
    assert full["best_ms"] == min(full["latest_ms"], full["previous_ms"])
    assert "previous" in str(history)


def test_verdicts_follow_the_targets() -> None:
    fast = Figure("full_bundle", [100.0, 120.0, 110.0])
    middling = Figure("full_bundle", [900.0, 1000.0, 1100.0])
    slow = Figure("full_bundle", [2500.0, 2600.0, 2400.0])
    assert (fast.meets(500), middling.meets(500), middling.meets(2000)) == (True, False, True)
    report = BenchmarkReport("demo", [fast])
    assert report.meets_seed_targets and "pass" in report.table()
    assert not BenchmarkReport("demo", [slow]).meets_seed_targets
    assert "FAIL" in BenchmarkReport("demo", [slow]).table()
    assert "seed target only" in BenchmarkReport("demo", [middling]).table()


def test_hmr_is_judged_on_its_p90() -> None:
    spiky = Figure("hmr_update", [10.0] * 8 + [200.0, 220.0])
    assert spiky.stat("median") == 10.0 and spiky.judged() == 200.0
    assert not spiky.meets(100)


def test_to_dataframe_has_one_row_per_run() -> None:
    pytest.importorskip("pandas")
    frame = BenchmarkReport("demo", [Figure("deploy", [1.0, 2.0])]).to_dataframe()
    assert list(frame.columns) == ["figure", "run", "ms", "how"]
    assert frame["ms"].tolist() == [1.0, 2.0]
