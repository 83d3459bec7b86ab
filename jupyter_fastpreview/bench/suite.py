"""The benchmark suite of an app: every measurement in turn, with a progress bar in the cell,
saved in the state store so later runs can be compared with this one.

    report = run_suite(app, runs=5)
    report            # a table and a chart in a notebook; print(report) elsewhere
    report.to_dict(), report.to_dataframe()
"""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..kernel.link import server_store
from ..kernel.progress import Progress
from . import measure
from .figures import Figure
from .generate import write_app
from .history import BenchmarkHistory
from .report import BenchmarkReport

if TYPE_CHECKING:
    from ..kernel.app import App

Measurement = Callable[["App", int], Figure]
STEPS: list[tuple[str, Measurement]] = [
    ("single-file compile", measure.single_file_compile),
    ("full bundle", measure.full_bundle),
    ("incremental rebuild", measure.incremental_rebuild),
    ("HMR update", measure.hmr_update),
    ("deploy", measure.deploy),
]


def benchmark(
    app: App | str | Path | None = None, *, components: int = 50, runs: int = 5
) -> BenchmarkReport:
    """Benchmark `app` (an `App` or its folder), or else a generated app of `components`
    components, made beside the notebook (`fastpreview-bench-<components>`) on first use."""
    from ..kernel.app import App

    if app is None:
        folder = Path(f"fastpreview-bench-{components}")
        if not folder.is_dir():
            write_app(folder, components)
        app = folder
    if not isinstance(app, App):
        app = App.open(app)
    return run_suite(app, runs)


def run_suite(app: App, runs: int = 5, *, save: bool = True) -> BenchmarkReport:
    """Measure `app` `runs` times per figure (one warm-up run first, not counted)."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    progress = Progress(f"Benchmarking {app.name}")
    figures = []
    for number, (label, step) in enumerate(STEPS):
        progress.update(100 * number / len(STEPS), label)
        step(app, 1)  # warm-up: caches, the esbuild process, the first connection
        figures.append(step(app, runs))
    progress.update(100, "done")
    report = BenchmarkReport(app.name, figures, _machine(runs))
    if save:
        _save(app, report)
    return report


def history(app: App, limit: int = 20) -> BenchmarkHistory:
    """The app's saved runs, newest first."""
    with server_store() as store:
        record = store.app_for_folder(app.folder.resolve())
        runs = store.benchmark_runs(record.id, limit) if record else []
    return BenchmarkHistory(app.name, [{"created_at": r.created_at, **r.figures} for r in runs])


def _save(app: App, report: BenchmarkReport) -> None:
    with server_store() as store:
        record = store.ensure_app(app.name, app.folder.resolve())
        store.record_benchmark(record.id, report.to_dict())


def _machine(runs: int) -> dict[str, Any]:
    return {
        "runs": runs,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
