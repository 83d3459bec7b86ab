"""The export names of a CommonJS module, found by reading it (there is no Node at run time).

ES modules need their export names before the code runs, CommonJS computes them while it runs.
Node answers with a static lexer (cjs-module-lexer); this is a smaller one that recognises the
shapes compilers and people write: `exports.x =`, `module.exports.x =`, `exports["x"] =`,
`Object.defineProperty(exports, "x", ...)`, `module.exports = { x, y: ... }`, esbuild's
`__export(target, { x: () => ... })`, and re-exports `module.exports = require("./impl")` /
`__exportStar(require("./impl"), exports)`, which it follows. Names assigned any other way
(a loop, `Object.assign`) are missed; they stay reachable through the default export.
"""

from __future__ import annotations

import re
from pathlib import Path

_NAME = r"[A-Za-z_$][\w$]*"
_ASSIGNED = re.compile(rf"(?<![\w$.])(?:module\.)?exports\.(?P<name>{_NAME})\s*=(?!=)")
_BRACKETED = re.compile(
    rf"""(?<![\w$.])(?:module\.)?exports\[\s*(?P<q>["'])(?P<name>{_NAME})(?P=q)\s*\]\s*=(?!=)"""
)
_DEFINED = re.compile(
    rf"""Object\.defineProperty\(\s*(?:module\.)?exports\s*,\s*(?P<q>["'])(?P<name>{_NAME})(?P=q)"""
)
_OBJECT_LITERAL = re.compile(r"(?<![\w$.])module\.exports\s*=\s*\{(?P<body>[^{}]*)\}")
_ESBUILD_EXPORT = re.compile(r"__export\(\s*[\w$]+\s*,\s*\{(?P<body>[^{}]*)\}")
_LITERAL_KEY = re.compile(rf"(?:^|,)\s*(?P<name>{_NAME})\s*(?=[:,(]|$)")
_REEXPORT = re.compile(
    r"""(?:module\.exports\s*=\s*|__exportStar\(\s*|__export\(\s*)"""
    r"""require\(\s*(?P<q>["'])(?P<spec>\.{1,2}/[^"']*)(?P=q)\s*\)"""
)
_NOT_NAMES = {"default", "__esModule"}
_MAX_DEPTH = 8


def cjs_export_names(entry: Path) -> list[str]:
    """Sorted export names of the CommonJS module in `entry` and the files it re-exports."""
    names: set[str] = set()
    _collect(entry, names, seen=set(), depth=0)
    return sorted(names - _NOT_NAMES)


def _collect(path: Path, names: set[str], seen: set[Path], depth: int) -> None:
    if path in seen or depth > _MAX_DEPTH:
        return
    seen.add(path)
    try:
        source = path.read_text(errors="replace")
    except OSError:
        return
    for pattern in (_ASSIGNED, _BRACKETED, _DEFINED):
        names.update(match["name"] for match in pattern.finditer(source))
    for pattern in (_OBJECT_LITERAL, _ESBUILD_EXPORT):
        for literal in pattern.finditer(source):
            names.update(key["name"] for key in _LITERAL_KEY.finditer(literal["body"]))
    for reexport in _REEXPORT.finditer(source):
        target = _require_target(path.parent, reexport["spec"])
        if target is not None:
            _collect(target, names, seen, depth + 1)


def _require_target(directory: Path, specifier: str) -> Path | None:
    """Node's file resolution for a relative `require`: as is, `.js`, `/index.js`."""
    base = directory / specifier
    for candidate in (base, base.with_name(base.name + ".js"), base / "index.js"):
        if candidate.is_file():
            return candidate
    return None
