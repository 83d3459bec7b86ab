"""A benchmark run as people read it: a text table, an HTML table with a bar chart (figures
against targets, drawn as SVG so nothing beyond the standard library is needed), raw runs."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

from .figures import Figure

_CHART_WIDTH = 560
_ROW_HEIGHT = 34
_LABEL_WIDTH = 170


@dataclass(repr=False)
class BenchmarkReport:
    app: str
    figures: list[Figure]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def meets_seed_targets(self) -> bool:
        return all(f.meets(f.target.seed_ms) for f in self.figures)

    def figure(self, name: str) -> Figure:
        return next(f for f in self.figures if f.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "app": self.app,
            "meets_seed_targets": self.meets_seed_targets,
            "meta": self.meta,
            "figures": [figure.to_dict() for figure in self.figures],
        }

    def to_dataframe(self) -> Any:
        """One row per run (`figure`, `run`, `ms`), for pandas users."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_dataframe() needs pandas: pip install pandas") from None
        rows = [
            {"figure": f.name, "run": number, "ms": ms, "how": f.how}
            for f in self.figures
            for number, ms in enumerate(f.runs, start=1)
        ]
        return pd.DataFrame(rows, columns=["figure", "run", "ms", "how"])

    def table(self) -> str:
        header = (
            f"{'figure':<24}{'runs':>5}{'min':>9}{'median':>9}{'p90':>9}{'max':>9}"
            f"{'seed':>9}{'ours':>8}  verdict"
        )
        lines = [f"Benchmark of {self.app} (ms)", header, "-" * len(header)]
        for f in self.figures:
            lines.append(
                f"{f.label:<24}{len(f.runs):>5}"
                + "".join(f"{f.stat(what):>9.1f}" for what in ("min", "median", "p90", "max"))
                + f"{f.target.seed_ms:>9.0f}{f.target.ours_ms:>8.0f}  {_verdict(f)}"
            )
        lines += [f"  {f.label}: {f.how}" for f in self.figures if f.how]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.table()

    def _repr_html_(self) -> str:
        rows = "".join(
            "<tr>"
            f"<td>{html.escape(f.label)}</td><td>{len(f.runs)}</td>"
            + "".join(f"<td>{f.stat(w):.1f}</td>" for w in ("min", "median", "p90", "max"))
            + f"<td>{f.target.seed_ms:.0f}</td><td>{f.target.ours_ms:.0f}</td>"
            f"<td>{html.escape(_verdict(f))}</td><td>{html.escape(f.how)}</td></tr>"
            for f in self.figures
        )
        return (
            f"<div><strong>Benchmark of {html.escape(self.app)}</strong> (ms)"
            "<table><thead><tr><th>figure</th><th>runs</th><th>min</th><th>median</th>"
            "<th>p90</th><th>max</th><th>seed target</th><th>our target</th><th>verdict</th>"
            f"<th>how</th></tr></thead><tbody>{rows}</tbody></table>{self.chart()}</div>"
        )

    def chart(self) -> str:
        """Bars of the judged figure against both targets, on a log scale (figures span
        from a millisecond to seconds)."""
        top = max(max(f.judged(), f.target.seed_ms) for f in self.figures)
        scale = _LogScale(0.5, top * 1.5, _CHART_WIDTH - _LABEL_WIDTH - 10)
        height = _ROW_HEIGHT * len(self.figures) + 24
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_CHART_WIDTH}" height="{height}" '
            'role="img" aria-label="benchmark figures against targets" '
            'style="font: 11px sans-serif">'
        ]
        for row, f in enumerate(self.figures):
            y = row * _ROW_HEIGHT + 4
            colour = (
                "#2e7d32"
                if f.meets(f.target.ours_ms)
                else ("#f9a825" if f.meets(f.target.seed_ms) else "#c62828")
            )
            width = scale(f.judged())
            parts.append(
                f'<text x="0" y="{y + 15}">{html.escape(f.label)}</text>'
                f'<rect x="{_LABEL_WIDTH}" y="{y + 4}" width="{width:.1f}" height="16" '
                f'fill="{colour}"><title>{f.judged():.1f} ms</title></rect>'
                f'<text x="{_LABEL_WIDTH + width + 4:.1f}" y="{y + 16}">{f.judged():.1f}</text>'
            )
            for target, dash in ((f.target.seed_ms, "4 2"), (f.target.ours_ms, "1 2")):
                x = _LABEL_WIDTH + scale(target)
                parts.append(
                    f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y}" y2="{y + 24}" stroke="#333" '
                    f'stroke-dasharray="{dash}"><title>target {target:.0f} ms</title></line>'
                )
        parts.append(
            f'<text x="{_LABEL_WIDTH}" y="{height - 4}">bar: median (HMR: p90), log scale; '
            "dashed: seed target; dotted: our target</text></svg>"
        )
        return "".join(parts)


class _LogScale:
    def __init__(self, low: float, high: float, width: float) -> None:
        self.low, self.high, self.width = math.log10(low), math.log10(high), width

    def __call__(self, value: float) -> float:
        position = (math.log10(max(value, 10**self.low)) - self.low) / (self.high - self.low)
        return max(1.0, position * self.width)


def _verdict(figure: Figure) -> str:
    if figure.meets(figure.target.ours_ms):
        return "pass"
    if figure.meets(figure.target.seed_ms):
        return "pass (seed target only)"
    return "FAIL"
