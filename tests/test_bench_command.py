"""`jupyter fastpreview bench`, headless: it starts its own server, measures a generated app,
prints the table, writes JSON, and its exit status says whether the seed's targets were met."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyter_fastpreview import cli
from jupyter_fastpreview.bench.figures import TARGETS, Target


def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, list]:
    """`jupyter fastpreview bench ...`, through the command-line entry point."""
    out = tmp_path / "bench.json"
    arguments = ["--components", "12", "--runs", "2", "--no-browser", "--json", str(out)]
    status = cli.main(["bench", *arguments])
    return status, capsys.readouterr().out, json.loads(out.read_text())


def test_bench_measures_prints_and_writes_json(tmp_path: Path, capsys) -> None:
    status, printed, reports = run(tmp_path, capsys)
    assert status == 0, printed
    assert "Benchmark of generated-12" in printed and "HMR update" in printed
    (report,) = reports
    assert [f["name"] for f in report["figures"]] == list(TARGETS)
    assert all(len(f["runs"]) == 2 for f in report["figures"])
    hmr = next(f for f in report["figures"] if f["name"] == "hmr_update")
    assert hmr["how"].startswith("server side")


def test_a_missed_seed_target_fails_the_command(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setitem(TARGETS, "full_bundle", Target(seed_ms=0.001, ours_ms=0.001))
    status, printed, reports = run(tmp_path, capsys)
    assert status == 1
    assert "FAIL" in printed and reports[0]["meets_seed_targets"] is False
