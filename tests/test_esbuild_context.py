"""Incremental builds: a context keeps esbuild's work between rebuilds."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_fastpreview.esbuild import EsbuildError, EsbuildService, EsbuildServiceError


@pytest.fixture
def app(tmp_path: Path) -> Path:
    (tmp_path / "main.ts").write_text('import { label } from "./label";\nconsole.log(label);\n')
    (tmp_path / "label.ts").write_text('export const label: string = "first";\n')
    return tmp_path


def make_context(esbuild: EsbuildService, app: Path):  # noqa: ANN201
    return esbuild.context(
        entry_points=["main.ts"], bundle=True, outdir="out", abs_working_dir=str(app)
    )


def text_of(result) -> str:  # noqa: ANN001
    return result.output_files[0].text


def test_rebuild_picks_up_a_changed_file(esbuild: EsbuildService, app: Path) -> None:
    with make_context(esbuild, app) as context:
        assert '"first"' in text_of(context.rebuild())
        (app / "label.ts").write_text('export const label: string = "second";\n')
        assert '"second"' in text_of(context.rebuild())


def test_rebuild_reports_an_error_then_recovers(esbuild: EsbuildService, app: Path) -> None:
    with make_context(esbuild, app) as context:
        context.rebuild()
        (app / "label.ts").write_text("export const label: string = ;\n")
        with pytest.raises(EsbuildError) as caught:
            context.rebuild()
        assert caught.value.errors[0].location.file == "label.ts"  # type: ignore[union-attr]
        (app / "label.ts").write_text('export const label = "fixed";\n')
        assert '"fixed"' in text_of(context.rebuild())


def test_bad_options_fail_when_the_context_is_made(esbuild: EsbuildService, app: Path) -> None:
    with pytest.raises(EsbuildError, match="Invalid"):
        esbuild.context(entry_points=["main.ts"], format="nonsense", abs_working_dir=str(app))


def test_disposed_context_refuses_to_rebuild(esbuild: EsbuildService, app: Path) -> None:
    context = make_context(esbuild, app)
    context.dispose()
    with pytest.raises(EsbuildServiceError, match="disposed"):
        context.rebuild()


async def test_async_context(esbuild: EsbuildService, app: Path) -> None:
    context = await esbuild.context_async(
        entry_points=["main.ts"], bundle=True, outdir="out", abs_working_dir=str(app)
    )
    try:
        assert '"first"' in text_of(await context.rebuild_async())
    finally:
        context.dispose()
