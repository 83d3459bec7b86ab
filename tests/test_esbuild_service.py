"""The process behind the client: restarts after a crash, concurrency, finding the binary."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from jupyter_fastpreview.esbuild import EsbuildNotFound, EsbuildService, EsbuildServiceError
from jupyter_fastpreview.esbuild.binary import ENV_VAR, find_binary


def test_killed_process_is_restarted_and_the_call_succeeds(esbuild: EsbuildService) -> None:
    esbuild.transform("1", loader="js")
    first_pid = esbuild.pid
    esbuild.kill()
    assert not esbuild.running
    assert esbuild.transform("let a: number = 2", loader="ts").code == "let a = 2;\n"
    assert esbuild.pid not in (None, first_pid)
    assert esbuild.restarts == 1


def test_context_survives_a_restart(esbuild: EsbuildService, tmp_path: Path) -> None:
    (tmp_path / "main.js").write_text("console.log('before')\n")
    with esbuild.context(
        entry_points=["main.js"], abs_working_dir=str(tmp_path), outdir="o"
    ) as ctx:
        ctx.rebuild()
        esbuild.kill()
        (tmp_path / "main.js").write_text("console.log('after')\n")
        assert "after" in (ctx.rebuild().output_files or [])[0].text


def test_process_dying_mid_call_is_retried_once(esbuild: EsbuildService, tmp_path: Path) -> None:
    """A plugin kills esbuild while esbuild waits on it: the in-flight build must fail over."""
    from jupyter_fastpreview.esbuild import OnLoadArgs, OnLoadResult, Plugin

    (tmp_path / "main.js").write_text("import './x.js'\n")
    (tmp_path / "x.js").write_text("console.log('x')\n")
    kills = []
    plugin = Plugin("assassin")

    @plugin.on_load(filter=r"x\.js$")
    def load(args: OnLoadArgs) -> OnLoadResult | None:
        if not kills:
            kills.append(esbuild.pid)
            esbuild.kill()
        return None

    result = esbuild.build(
        entry_points=["main.js"],
        bundle=True,
        abs_working_dir=str(tmp_path),
        outdir="o",
        plugins=[plugin],
    )
    assert "console.log" in (result.output_files or [])[0].text
    assert esbuild.restarts == 1


def test_fifty_concurrent_transforms_from_threads(esbuild: EsbuildService) -> None:
    def transform(i: int) -> str:
        return esbuild.transform(f"export const v{i}: number = {i};", loader="ts").code

    with ThreadPoolExecutor(max_workers=50) as pool:
        codes = list(pool.map(transform, range(50)))
    assert codes == [f"export const v{i} = {i};\n" for i in range(50)]


@pytest.fixture
def crashing_binary(tmp_path: Path) -> str:
    """Answers --version like esbuild, then dies at once in service mode."""
    script = tmp_path / "esbuild"
    script.write_text(
        '#!/bin/sh\n[ "$1" = "--version" ] && echo 0.28.2 && exit 0\necho boom >&2\nexit 3\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_a_process_that_keeps_dying_raises_instead_of_hanging(crashing_binary: str) -> None:
    service = EsbuildService(binary=crashing_binary)
    try:
        with pytest.raises(EsbuildServiceError, match="stopped twice"):
            service.transform("1")
    finally:
        service.close()


def test_explicit_binary_must_exist(tmp_path: Path) -> None:
    with pytest.raises(EsbuildNotFound, match="does not exist"):
        find_binary(str(tmp_path / "missing"))


def test_env_var_names_the_binary(monkeypatch: pytest.MonkeyPatch, crashing_binary: str) -> None:
    monkeypatch.setenv(ENV_VAR, crashing_binary)
    assert find_binary() == crashing_binary


def test_the_default_binary_is_found_and_reports_its_version() -> None:
    service = EsbuildService()
    assert os.access(service.binary, os.X_OK)
    assert service.version.count(".") == 2
