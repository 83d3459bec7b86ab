"""An app's benchmark runs over time: the latest against the one before and the best."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(repr=False)
class BenchmarkHistory:
    app: str
    runs: list[dict[str, Any]]
    """Saved reports (`BenchmarkReport.to_dict()` plus `created_at`), newest first."""

    def comparison(self) -> list[dict[str, Any]]:
        """Per figure of the latest run: its median, the previous run's, the change, the best."""
        if not self.runs:
            return []
        rows = []
        for figure in self.runs[0]["figures"]:
            earlier = [_median(run, figure["name"]) for run in self.runs[1:]]
            earlier = [value for value in earlier if value is not None]
            previous = earlier[0] if earlier else None
            rows.append(
                {
                    "name": figure["name"],
                    "label": figure["label"],
                    "latest_ms": figure["median"],
                    "previous_ms": previous,
                    "change_pct": 100 * (figure["median"] - previous) / previous
                    if previous
                    else None,
                    "best_ms": min([figure["median"], *earlier]),
                }
            )
        return rows

    def table(self) -> str:
        if not self.runs:
            return f"No benchmark of {self.app} yet: run app.benchmark()"
        when = datetime.fromtimestamp(self.runs[0]["created_at"]).isoformat(" ", "seconds")
        lines = [
            f"{self.app}: latest of {len(self.runs)} runs ({when}), medians in ms",
            f"{'figure':<24}{'latest':>9}{'previous':>10}{'change':>9}{'best':>9}",
        ]
        for row in self.comparison():
            previous = f"{row['previous_ms']:.1f}" if row["previous_ms"] is not None else "-"
            change = f"{row['change_pct']:+.0f}%" if row["change_pct"] is not None else "-"
            lines.append(
                f"{row['label']:<24}{row['latest_ms']:>9.1f}{previous:>10}{change:>9}"
                f"{row['best_ms']:>9.1f}"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.table()

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.table())}</pre>"


def _median(run: dict[str, Any], name: str) -> float | None:
    return next((f["median"] for f in run["figures"] if f["name"] == name), None)
