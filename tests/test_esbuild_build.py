"""Bundling through the real esbuild: in-memory output, options, Python plugins."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_fastpreview.esbuild import (
    EsbuildError,
    EsbuildService,
    OnLoadArgs,
    OnLoadResult,
    OnResolveArgs,
    OnResolveResult,
    Plugin,
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "main.ts").write_text(
        'import { greet } from "./greet";\nconsole.log(greet(NAME), DEBUG);\n'
    )
    (src / "other.ts").write_text('import { greet } from "./greet";\nconsole.log(greet("b"));\n')
    (src / "greet.ts").write_text("export const greet = (n: string) => `hello ${n}`;\n")
    return tmp_path


def bundle(esbuild: EsbuildService, project: Path, **options: object):  # noqa: ANN201
    return esbuild.build(
        abs_working_dir=str(project),
        bundle=True,
        outdir=str(project / "dist"),
        format="esm",
        **options,
    )


def test_output_stays_in_memory(esbuild: EsbuildService, project: Path) -> None:
    result = bundle(
        esbuild, project, entry_points=["src/main.ts"], define={"NAME": '"x"', "DEBUG": "false"}
    )
    [output] = result.output_files or []
    assert output.path == str(project / "dist" / "main.js")
    assert "hello ${n}" in output.text and 'greet("x"), false' in output.text
    assert not (project / "dist").exists()


def test_write_true_writes_to_disk(esbuild: EsbuildService, project: Path) -> None:
    bundle(esbuild, project, entry_points=["src/other.ts"], write=True)
    assert "hello" in (project / "dist" / "other.js").read_text()


def test_minify_splitting_metafile_and_named_entries(
    esbuild: EsbuildService, project: Path
) -> None:
    result = bundle(
        esbuild,
        project,
        entry_points={"app": "src/main.ts", "second": "src/other.ts"},
        define={"NAME": '"x"', "DEBUG": "true"},
        minify=True,
        splitting=True,
        metafile=True,
        chunk_names="chunks/[name]-[hash]",
    )
    names = sorted(
        Path(o.path).relative_to(project / "dist").as_posix() for o in result.output_files or []
    )
    [chunk] = [name for name in names if name.startswith("chunks/")]
    assert set(names) == {"app.js", "second.js", chunk}
    assert result.metafile is not None
    assert set(result.metafile["inputs"]) == {"src/main.ts", "src/other.ts", "src/greet.ts"}
    assert all("\n  " not in o.text for o in result.output_files or [])


def test_external_and_alias(esbuild: EsbuildService, project: Path) -> None:
    (project / "src" / "uses.ts").write_text(
        'import React from "react";\n'
        'import { greet } from "@greet";\n'
        'console.log(React, greet("z"));\n'
    )
    result = bundle(
        esbuild,
        project,
        entry_points=["src/uses.ts"],
        external=["react"],
        alias={"@greet": "./src/greet.ts"},
    )
    text = (result.output_files or [])[0].text
    assert 'from "react"' in text
    assert "hello ${n}" in text


def test_loaders_for_extensions(esbuild: EsbuildService, project: Path) -> None:
    (project / "src" / "note.txt").write_text("plain words")
    (project / "src" / "txt.ts").write_text('import note from "./note.txt";\nconsole.log(note);\n')
    result = bundle(esbuild, project, entry_points=["src/txt.ts"], loader={".txt": "text"})
    assert '"plain words"' in (result.output_files or [])[0].text


def test_stdin_entry(esbuild: EsbuildService, project: Path) -> None:
    result = bundle(
        esbuild,
        project,
        stdin={
            "contents": 'import { greet } from "./src/greet";\nexport default greet("s");',
            "resolve_dir": str(project),
            "sourcefile": "virtual-entry.ts",
            "loader": "ts",
        },
    )
    assert "hello ${n}" in (result.output_files or [])[0].text


def test_missing_import_reports_importer_location(esbuild: EsbuildService, project: Path) -> None:
    (project / "src" / "broken.ts").write_text('import "./nowhere";\n')
    with pytest.raises(EsbuildError) as caught:
        bundle(esbuild, project, entry_points=["src/broken.ts"])
    [error] = caught.value.errors
    assert 'Could not resolve "./nowhere"' in error.text
    assert error.location is not None
    assert (error.location.file, error.location.line, error.location.column) == (
        "src/broken.ts",
        1,
        7,
    )


def virtual_files(files: dict[str, str]) -> Plugin:
    plugin = Plugin("virtual-files")

    @plugin.on_resolve(filter=r"^virtual:")
    def resolve(args: OnResolveArgs) -> OnResolveResult:
        name = args.path.removeprefix("virtual:")
        return OnResolveResult(
            path=name, namespace="virtual", plugin_data={"importer": args.importer}
        )

    @plugin.on_load(filter=r".*", namespace="virtual")
    def load(args: OnLoadArgs) -> OnLoadResult | None:
        if args.path not in files:
            return None
        source = files[args.path] + f"\nexport const importer = {args.plugin_data['importer']!r};"
        return OnLoadResult(contents=source, loader="ts")

    return plugin


def test_plugins_resolve_and_load_virtual_files(esbuild: EsbuildService, project: Path) -> None:
    (project / "src" / "v.ts").write_text(
        'import { answer, importer } from "virtual:answer.ts";\nconsole.log(answer, importer);\n'
    )
    plugin = virtual_files({"answer.ts": "export const answer: number = 42;"})
    result = bundle(esbuild, project, entry_points=["src/v.ts"], plugins=[plugin], metafile=True)
    text = (result.output_files or [])[0].text
    assert "answer = 42" in text
    assert str(project / "src" / "v.ts") in text
    assert "virtual:answer.ts" in (result.metafile or {})["inputs"]


def test_a_plugin_that_raises_becomes_a_build_error(esbuild: EsbuildService, project: Path) -> None:
    plugin = Plugin("exploding")

    @plugin.on_resolve(filter=r"greet")
    def resolve(args: OnResolveArgs) -> OnResolveResult:
        raise RuntimeError("no greetings today")

    with pytest.raises(EsbuildError) as caught:
        bundle(esbuild, project, entry_points=["src/other.ts"], plugins=[plugin])
    [error] = caught.value.errors
    assert error.plugin_name == "exploding"
    assert "RuntimeError: no greetings today" in error.text


def test_plugin_errors_and_warnings_as_messages(esbuild: EsbuildService, project: Path) -> None:
    from jupyter_fastpreview.esbuild import Message

    plugin = Plugin("strict")

    @plugin.on_load(filter=r"greet\.ts$")
    def load(args: OnLoadArgs) -> OnLoadResult:
        return OnLoadResult(errors=[Message(text="greet.ts is forbidden")])

    with pytest.raises(EsbuildError, match="greet.ts is forbidden"):
        bundle(esbuild, project, entry_points=["src/other.ts"], plugins=[plugin])


async def test_async_build(esbuild: EsbuildService, project: Path) -> None:
    result = await esbuild.build_async(
        entry_points=["src/other.ts"], bundle=True, abs_working_dir=str(project), outdir="out"
    )
    assert "hello" in (result.output_files or [])[0].text
