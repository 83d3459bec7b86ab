"""The figures a benchmark reports: one row per measurement, its runs, and its targets.

Two targets per row: the seed's (the bar the product promised) and ours (what the design aims
at, and what the dev server's own benchmarks hold it to). A row passes when its median beats
the target; the HMR row is judged on p90 too, since a preview that is fast only half the time
is not fast.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Target:
    seed_ms: float
    ours_ms: float


TARGETS: dict[str, Target] = {
    "single_file_compile": Target(seed_ms=100, ours_ms=20),
    "full_bundle": Target(seed_ms=2000, ours_ms=500),
    "incremental_rebuild": Target(seed_ms=500, ours_ms=100),
    "hmr_update": Target(seed_ms=100, ours_ms=30),
    "deploy": Target(seed_ms=10_000, ours_ms=500),
}
LABELS = {
    "single_file_compile": "Single-file compile",
    "full_bundle": "Full production bundle",
    "incremental_rebuild": "Incremental rebuild",
    "hmr_update": "HMR update",
    "deploy": "Deploy (local)",
}


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: a figure that was actually measured."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass(frozen=True)
class Figure:
    name: str
    runs: list[float]
    """Milliseconds, one per run, in the order measured."""
    how: str = ""
    """What was timed, e.g. "end to end in the browser" or "server side, no browser open"."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def target(self) -> Target:
        return TARGETS[self.name]

    @property
    def label(self) -> str:
        return LABELS[self.name]

    def stat(self, what: str) -> float:
        if what == "min":
            return min(self.runs)
        if what == "max":
            return max(self.runs)
        if what == "median":
            return statistics.median(self.runs)
        if what == "p90":
            return percentile(self.runs, 90)
        raise ValueError(f"unknown statistic {what!r}")

    def judged(self) -> float:
        """The figure held against the targets: the median, or p90 for HMR updates."""
        return self.stat("p90" if self.name == "hmr_update" else "median")

    def meets(self, target_ms: float) -> bool:
        return self.judged() < target_ms

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "how": self.how,
            "runs": self.runs,
            **{what: self.stat(what) for what in ("min", "median", "p90", "max")},
            "judged_by": "p90" if self.name == "hmr_update" else "median",
            "seed_target_ms": self.target.seed_ms,
            "our_target_ms": self.target.ours_ms,
            "meets_seed_target": self.meets(self.target.seed_ms),
            "meets_our_target": self.meets(self.target.ours_ms),
            **({"extra": self.extra} if self.extra else {}),
        }
