"""Transforms through the real esbuild process: every loader, maps, errors, warnings."""

from __future__ import annotations

import json

import pytest

from jupyter_fastpreview.esbuild import EsbuildError, EsbuildService


def test_typescript_types_are_stripped(esbuild: EsbuildService) -> None:
    result = esbuild.transform("const n: number = 1; export type T = string;", loader="ts")
    assert result.code == "const n = 1;\n"


def test_tsx_uses_the_automatic_jsx_runtime(esbuild: EsbuildService) -> None:
    source = "export const A = (p: {n: number}) => <b>{p.n}</b>;"
    code = esbuild.transform(source, loader="tsx", jsx="automatic").code
    assert 'import { jsx } from "react/jsx-runtime"' in code
    assert ": {" not in code


def test_jsx_dev_runtime_and_import_source(esbuild: EsbuildService) -> None:
    code = esbuild.transform(
        "export const A = () => <i/>;",
        loader="jsx",
        jsx="automatic",
        jsx_dev=True,
        jsx_import_source="preact",
        sourcefile="A.jsx",
    ).code
    assert 'from "preact/jsx-dev-runtime"' in code
    assert "A.jsx" in code


def test_js_is_minified_on_request(esbuild: EsbuildService) -> None:
    code = esbuild.transform("function add(a, b) { return a + b }", loader="js", minify=True)
    assert code.code == "function add(n,d){return n+d}\n"


def test_css_is_transformed(esbuild: EsbuildService) -> None:
    code = esbuild.transform(".a { color: #ff0000 }", loader="css", minify=True).code
    assert code == ".a{color:red}\n"


def test_json_becomes_a_module(esbuild: EsbuildService) -> None:
    code = esbuild.transform('{"a": 1}', loader="json", format="esm").code
    assert "var a = 1;" in code and "stdin_default as default" in code


def test_external_source_map_names_the_original_file(esbuild: EsbuildService) -> None:
    result = esbuild.transform(
        "let x: number = 1;", loader="ts", sourcemap=True, sourcefile="src/x.ts"
    )
    source_map = json.loads(result.map)
    assert source_map["sources"] == ["src/x.ts"]
    assert source_map["sourcesContent"] == ["let x: number = 1;"]


def test_inline_source_map_is_appended_to_the_code(esbuild: EsbuildService) -> None:
    result = esbuild.transform("let x: number = 1;", loader="ts", sourcemap="inline")
    assert "//# sourceMappingURL=data:application/json;base64," in result.code
    assert result.map == ""


def test_syntax_error_carries_file_line_column_and_line_text(esbuild: EsbuildService) -> None:
    source = "export const A = () => {\n  return <div>;\n};\n"
    with pytest.raises(EsbuildError) as caught:
        esbuild.transform(source, loader="tsx", sourcefile="src/App.tsx")
    error = caught.value.errors[0]
    assert error.location is not None
    assert (error.location.file, error.location.line) == ("src/App.tsx", 3)
    assert error.location.column == 0
    assert error.location.line_text == "};"
    assert "src/App.tsx:3:0" in str(caught.value)


def test_warnings_are_returned_not_dropped(esbuild: EsbuildService) -> None:
    result = esbuild.transform("if (x == -0) {}", loader="js", sourcefile="w.js")
    assert [w.id for w in result.warnings] == ["equals-negative-zero"]
    assert result.warnings[0].location is not None
    assert result.warnings[0].location.file == "w.js"


def test_unknown_option_is_an_error_naming_it(esbuild: EsbuildService) -> None:
    with pytest.raises(EsbuildError, match="--no-such-option"):
        esbuild.transform("x", no_such_option=True)


def test_bytes_input_is_accepted(esbuild: EsbuildService) -> None:
    result = esbuild.transform("let ü = 1".encode(), loader="js", charset="utf8")
    assert result.code == "let ü = 1;\n"


async def test_async_transform_does_not_block_the_loop(esbuild: EsbuildService) -> None:
    result = await esbuild.transform_async("let y: string = 'a'", loader="ts")
    assert result.code == 'let y = "a";\n'
