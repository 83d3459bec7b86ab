"""The pieces of the module pipeline on their own: confinement, import scanning and rewriting,
resolution, component and hook-signature detection, code frames, CommonJS export names."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_fastpreview.devserver.cjs import cjs_export_names
from jupyter_fastpreview.devserver.errors import code_frame
from jupyter_fastpreview.devserver.imports import find_hot_accepts, find_imports, replace_specifiers
from jupyter_fastpreview.devserver.paths import PathRefused, confine, is_watched, request_id
from jupyter_fastpreview.devserver.refresh import Component, find_components, refresh_footer
from jupyter_fastpreview.devserver.resolve import (
    Resolved,
    ResolveError,
    package_name,
    resolve,
)
from jupyter_fastpreview.esbuild import EsbuildService

# paths


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    for relative in ("src/App.tsx", "src/util/index.ts", "src/data.json", "src/x.ts", ".env"):
        (app / relative).parent.mkdir(parents=True, exist_ok=True)
        (app / relative).write_text("x")
    (tmp_path / "secret.txt").write_text("secret")
    return app.resolve()


@pytest.mark.parametrize(
    "requested",
    ["../secret.txt", "src/../../secret.txt", "..\\secret.txt", "src/\0.ts", ".env", "a/.git/x"],
)
def test_confine_refuses_escapes_and_hidden_files(folder: Path, requested: str) -> None:
    with pytest.raises(PathRefused):
        confine(folder, requested)


def test_confine_refuses_a_symlink_out_and_one_to_a_dotfile(folder: Path) -> None:
    (folder / "out.txt").symlink_to(folder.parent / "secret.txt")
    (folder / "env.txt").symlink_to(folder / ".env")
    (folder / "in.tsx").symlink_to(folder / "src/App.tsx")
    for link in ("out.txt", "env.txt"):
        with pytest.raises(PathRefused):
            confine(folder, link)
    assert confine(folder, "in.tsx") == folder / "src/App.tsx"


def test_a_folder_named_like_an_editor_probe_file_is_served(folder: Path) -> None:
    (folder / "src/2024").mkdir()
    (folder / "src/2024/Report.tsx").write_text("x")
    assert confine(folder, "src/2024/Report.tsx") == folder / "src/2024/Report.tsx"
    with pytest.raises(PathRefused):
        confine(folder, "src/4913")


def test_request_ids_follow_the_url() -> None:
    assert request_id("src//./App.tsx") == "/src/App.tsx"
    assert request_id("") == "/"
    assert request_id("src\\App.tsx") == "/src/App.tsx"


@pytest.mark.parametrize(
    ("relative", "watched"),
    [
        ("src/App.tsx", True),
        ("src/.~App.tsx", False),
        (".git/HEAD", False),
        ("node_modules/x/index.js", False),
        ("src/App.tsx.swp", False),
        ("src/App.tsx~", False),
        ("src/4913", False),
        ("src/#App.tsx#", False),
        ("src/2024/Report.tsx", True),
    ],
)
def test_what_the_watcher_ignores(folder: Path, relative: str, watched: bool) -> None:
    assert is_watched(folder, folder / relative) is watched


# import scanning


ESBUILD_OUTPUT = """import { jsxDEV } from "react/jsx-dev-runtime";
import {
  aaaa,
  bbbb
} from "./long";
import Def, * as All from "./all";
import "./side.css";
export * from "./reexp";
import * as ns from './single';
const s = 'import x from "./in-a-string"';
const lazy = () => import("./Lazy");
const meta = import.meta.url;
obj.import("./not-an-import");
if (import.meta.hot) {
  import.meta.hot.accept(["./a", "./b"], () => {
  });
  import.meta.hot.accept("./c", (m) => {
  });
}
"""


def test_find_imports_finds_every_form_and_nothing_else() -> None:
    found = [(s.value, s.kind) for s in find_imports(ESBUILD_OUTPUT)]
    assert found == [
        ("react/jsx-dev-runtime", "static"),
        ("./long", "static"),
        ("./all", "static"),
        ("./side.css", "static"),
        ("./reexp", "static"),
        ("./single", "static"),
        ("./Lazy", "dynamic"),
    ]


def test_find_hot_accepts() -> None:
    self_accepting, deps = find_hot_accepts(ESBUILD_OUTPUT)
    assert not self_accepting
    assert [d.value for d in deps] == ["./a", "./b", "./c"]
    assert find_hot_accepts("import.meta.hot.accept();")[0]
    assert find_hot_accepts("import.meta.hot?.accept((m) => m);")[0]


def test_replace_specifiers_keeps_the_quotes() -> None:
    specifiers = find_imports(ESBUILD_OUTPUT)
    rewritten = replace_specifiers(ESBUILD_OUTPUT, {s: f"/P/{s.value}" for s in specifiers})
    assert "import * as ns from '/P/./single';" in rewritten
    assert 'import("/P/./Lazy")' in rewritten
    assert '} from "/P/./long";' in rewritten
    assert '"./in-a-string"' in rewritten


# resolution


@pytest.mark.parametrize(
    ("specifier", "target"),
    [
        ("./App", "/src/App.tsx"),
        ("./App.tsx", "/src/App.tsx"),
        ("./util", "/src/util/index.ts"),
        ("./data", "/src/data.json"),
        ("./x.js", "/src/x.ts"),
        ("/src/App", "/src/App.tsx"),
        ("../src/App", "/src/App.tsx"),
        ("../../../src/App", "/src/App.tsx"),
    ],
)
def test_relative_specifiers_probe_like_vite(folder: Path, specifier: str, target: str) -> None:
    assert resolve(specifier, "/src/main.ts", folder) == Resolved("module", target)


def test_vendor_urls_and_packages(folder: Path) -> None:
    assert resolve("react", "/src/a.ts", folder) == Resolved("vendor", "react.js")
    assert resolve("react-dom/client", "/a.ts", folder) == Resolved("vendor", "react-dom_client.js")
    assert resolve("https://esm.sh/x", "/a.ts", folder) == Resolved("url", "https://esm.sh/x")
    (folder / "node_modules/@s/ui").mkdir(parents=True)
    (folder / "node_modules/@s/ui/package.json").write_text("{}")
    assert resolve("@s/ui/button", "/a.ts", folder) == Resolved("dep", "@s/ui/button")


def test_unresolvable_specifiers_say_what_to_do(folder: Path) -> None:
    with pytest.raises(ResolveError, match=r'Failed to resolve import "./Nope" from "/src/a.ts"'):
        resolve("./Nope", "/src/a.ts", folder)
    with pytest.raises(ResolveError, match=r'Cannot find package "@s/missing" imported from /a.ts'):
        resolve("@s/missing/x", "/a.ts", folder)
    with pytest.raises(ResolveError):
        resolve("./.env", "/a.ts", folder)


def test_package_names() -> None:
    assert package_name("lodash") == "lodash"
    assert package_name("lodash/fp/map") == "lodash"
    assert package_name("@scope/name/sub") == "@scope/name"
    assert package_name("pkg/../../etc") is None
    assert package_name("@scope") is None


# components and signatures


async def transform(source: str, esbuild: EsbuildService, file: str = "/src/Widget.tsx") -> str:
    result = await esbuild.transform_async(
        source, loader="tsx", jsx="automatic", jsx_dev=True, sourcefile=file, format="esm"
    )
    return result.code


COMPONENTS = """import { memo, forwardRef, useState, useEffect, useReducer } from "react";
export function Counter({ start }: { start: number }) {
  const [count, setCount] = useState(() => start * 2);
  useEffect(() => {}, [count]);
  return <b>{count}</b>;
}
export const Arrow = ({ a = f(1) }) => <i>{a}</i>;
export const Memo = memo(() => <i />);
export const Forwarded = forwardRef(function Inner(props, ref) { return <i ref={ref} />; });
export const NOT_A_COMPONENT = 42;
export const helper = () => 1;
export function useThing() { return useState(1); }
export default function () {
  const [state] = useReducer((s: number, a: number) => s + a, { total: 0, items: [1, 2] });
  return <div>{state.total}</div>;
}
"""


async def test_components_and_their_hook_signatures(esbuild: EsbuildService) -> None:
    code = await transform(COMPONENTS, esbuild)
    assert find_components(code) == [
        Component("Counter", "useState(() => start * 2)\nuseEffect"),
        Component("Arrow", ""),
        Component("Memo", ""),
        Component("Forwarded", ""),
        Component("Widget_default", "useReducer({ total: 0, items: [1, 2] })"),
    ]


async def test_a_hook_change_changes_the_signature(esbuild: EsbuildService) -> None:
    before = find_components(await transform(COMPONENTS, esbuild))[0]
    edited = COMPONENTS.replace("useEffect(() => {}, [count]);", "")
    after = find_components(await transform(edited, esbuild))[0]
    text_only = COMPONENTS.replace("<b>{count}</b>", "<b>count: {count}</b>")
    same = find_components(await transform(text_only, esbuild))[0]
    assert before.signature != after.signature
    assert before.signature == same.signature


def test_the_refresh_footer() -> None:
    footer = refresh_footer("/src/A.tsx", [Component("A", "useState(0)"), Component("B", "")])
    assert footer.splitlines() == [
        '__fp_refresh.setSignature(A, "useState(0)");',
        '__fp_refresh.register(A, "/src/A.tsx A");',
        '__fp_refresh.register(B, "/src/A.tsx B");',
        "import.meta.hot.accept((next) => __fp_refresh.acceptExports("
        'import.meta.hot, "/src/A.tsx", __fp_exports, next));',
    ]


# code frames


def test_a_code_frame_points_at_the_column_with_two_lines_around() -> None:
    source = "one\ntwo\nthree = <div>;\nfour\nfive\nsix\n"
    assert code_frame(source, 3, 8) == (
        "  1 | one\n  2 | two\n> 3 | three = <div>;\n    |         ^\n  4 | four\n  5 | five"
    )
    assert code_frame("only\n", 1, 0) == "> 1 | only\n    | ^"


# CommonJS export names


def test_cjs_export_names_follow_reexports(tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text(
        'if (process.env.NODE_ENV === "production") module.exports = require("./prod.js");\n'
        'else module.exports = require("./dev");\n'
    )
    (tmp_path / "dev.js").write_text(
        'exports.a = 1;\nmodule.exports.b = 2;\nexports["c"] = 3;\n'
        'Object.defineProperty(exports, "d", { get() {} });\n'
        'Object.defineProperty(exports, "__esModule", { value: true });\nexports.default = 4;\n'
    )
    (tmp_path / "prod.js").write_text("module.exports = { e, f: 1, g };\n")
    assert cjs_export_names(tmp_path / "index.js") == ["a", "b", "c", "d", "e", "f", "g"]
