"""Find the module specifiers in esbuild's output, and put new ones in their place.

esbuild's output is normalised: comments are gone, every top-level statement starts at column
0, strings use double quotes, and an import clause holds only names, `*`, braces, commas and
whitespace. So careful regular expressions over that output find every `import ... from "x"`,
`import "x"`, `export ... from "x"` and `import("x")` reliably, and the specifiers inside
`import.meta.hot.accept("./dep")` / `accept(["./a", "./b"])` too. (A string literal inside a
template literal that looks like an import statement at column 0 would fool them: the one known
blind spot.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_STATIC = re.compile(
    r"""^(?:import|export)\s*(?:[\w$*{},\s]*?\s*from\s*)?(?P<q>["'])(?P<spec>[^"'\n]+)(?P=q)""",
    re.MULTILINE,
)
_DYNAMIC = re.compile(r"""(?<![\w$.])import\s*\(\s*(?P<q>["'])(?P<spec>[^"'\n]+)(?P=q)\s*[,)]""")
_ACCEPT = re.compile(r"""import\.meta\.hot\??\.accept\(\s*(?P<first>["'\[])?""")
_STRING = re.compile(r"""(?P<q>["'])(?P<spec>[^"'\n]*)(?P=q)""")
_ARRAY_END = re.compile(r"\]")

Kind = Literal["static", "dynamic", "accept"]


@dataclass(frozen=True)
class Specifier:
    value: str
    start: int
    """Offset of the first character inside the quotes."""
    end: int
    """Offset of the closing quote."""
    kind: Kind


def find_imports(code: str) -> list[Specifier]:
    """Static and dynamic import specifiers, in order of appearance."""
    found = [_specifier(match, "static") for match in _STATIC.finditer(code)]
    found += [_specifier(match, "dynamic") for match in _DYNAMIC.finditer(code)]
    return sorted(found, key=lambda specifier: specifier.start)


def find_hot_accepts(code: str) -> tuple[bool, list[Specifier]]:
    """Whether the module accepts itself, and the dependencies it accepts by name.

    `accept()` and `accept(callback)` accept the module itself; `accept("./dep", cb)` and
    `accept(["./a", "./b"], cb)` accept those dependencies.
    """
    self_accepting = False
    deps: list[Specifier] = []
    for match in _ACCEPT.finditer(code):
        first = match.group("first")
        if first is None:
            self_accepting = True
        elif first == "[":
            close = _ARRAY_END.search(code, match.end())
            stop = close.start() if close else match.end()
            for string in _STRING.finditer(code, match.end(), stop):
                deps.append(_specifier(string, "accept"))
        else:
            single = _STRING.match(code, match.end() - 1)
            if single:
                deps.append(_specifier(single, "accept"))
    return self_accepting, deps


def replace_specifiers(code: str, replacements: dict[Specifier, str]) -> str:
    """`code` with each specifier's text replaced, inside its original quotes."""
    pieces: list[str] = []
    position = 0
    for specifier in sorted(replacements, key=lambda s: s.start):
        quote = code[specifier.end]
        pieces.append(code[position : specifier.start])
        pieces.append(replacements[specifier].replace("\\", "\\\\").replace(quote, "\\" + quote))
        position = specifier.end
    pieces.append(code[position:])
    return "".join(pieces)


def _specifier(match: re.Match[str], kind: Kind) -> Specifier:
    return Specifier(match.group("spec"), match.start("spec"), match.end("spec"), kind)
