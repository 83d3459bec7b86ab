"""TSX text for a tree of elements: JSX with props as typed literals, formatted in one fixed
way (two-space indents, a tag on one line when it fits in `WIDTH` columns, otherwise one
attribute per line; trailing commas in multi-line literals), so equal trees give equal text.

Strings are written so that no character in them can end the string, open an expression or
close a surrounding `<script>`: a JSX attribute string only when it holds plain printable text,
otherwise a double-quoted JavaScript string with escapes (quotes, backslashes, `<`, line
breaks, U+2028/U+2029 and every other non-printable character).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

WIDTH = 80
"""Columns a line may take before its tag or literal is broken over several lines."""
INDENT = "  "
# Literals longer than this go one entry per line, even when they would fit.
_INLINE_LITERAL = 60
_KEY = re.compile(r"[A-Za-z_$][\w$]*", re.ASCII)
# Characters a JSX attribute string cannot hold as they are (`&` starts an HTML entity there),
# or that are clearer in a JavaScript string.
_NOT_PLAIN = frozenset('"\\&<>{}')
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    "<": "\\u003C",
}


@dataclass(frozen=True)
class Fragment:
    """Content given as a value (a slot not passed as children): `<>...</>`."""

    items: tuple[Element, ...]


Value: TypeAlias = "None | bool | int | float | str | Fragment | list[Value] | dict[str, Value]"


@dataclass(frozen=True)
class Element:
    tag: str
    attributes: tuple[tuple[str, Value], ...] = ()
    children: tuple[Element, ...] = ()


@dataclass(frozen=True)
class Import:
    path: str
    name: str
    """The name the module exports."""
    local: str
    """The name the page uses (the tag)."""


def module(imports: Iterable[Import], function_name: str, root: Element, comment: str) -> str:
    """A module whose default export is a function component returning `root`."""
    body = indented(element_lines(root, 2 * len(INDENT)), 2)
    lines = [
        f"// {comment}",
        *import_lines(imports),
        "",
        f"export default function {function_name}() {{",
        f"{INDENT}return (",
        *body,
        f"{INDENT});",
        "}",
    ]
    return "\n".join(lines) + "\n"


def import_lines(imports: Iterable[Import]) -> list[str]:
    """One sorted `import { ... }` per module, modules in order of their paths."""
    by_path: dict[str, set[str]] = {}
    for item in imports:
        name = item.name if item.name == item.local else f"{item.name} as {item.local}"
        by_path.setdefault(item.path, set()).add(name)
    lines = []
    for path in sorted(by_path):
        names = sorted(by_path[path])
        source = js_string(path)
        line = f"import {{ {', '.join(names)} }} from {source};"
        if len(line) > WIDTH:
            lines += ["import {", *(f"{INDENT}{name}," for name in names), f"}} from {source};"]
        else:
            lines.append(line)
    return lines


def element_lines(element: Element, column: int) -> list[str]:
    """The element as lines relative to `column`, the indentation of its first line."""
    inner = column + len(INDENT)
    attributes = [attribute_lines(name, value, inner) for name, value in element.attributes]
    children = [line for child in element.children for line in element_lines(child, inner)]
    close = ">" if children else " />"
    head = f"<{element.tag}" + "".join(f" {lines[0]}" for lines in attributes)
    if all(len(lines) == 1 for lines in attributes) and column + len(head + close) <= WIDTH:
        opening = [head + close]
    else:
        flat = [line for lines in attributes for line in lines]
        opening = [f"<{element.tag}", *indented(flat), close.strip()]
    if not children:
        return opening
    return [*opening, *indented(children), f"</{element.tag}>"]


def attribute_lines(name: str, value: Value, column: int) -> list[str]:
    """`name=...`, starting a line indented to `column`."""
    if isinstance(value, str):
        return [f'{name}="{value}"' if _is_plain(value) else f"{name}={{{js_string(value)}}}"]
    if isinstance(value, Fragment) and value.items:
        return [f"{name}={{", *indented(fragment_lines(value, column + len(INDENT))), "}"]
    lines = literal_lines(value, column, len(name) + 2)
    if len(lines) == 1:
        return [f"{name}={{{lines[0]}}}"]
    return [f"{name}={{{lines[0]}", *lines[1:-1], f"{lines[-1]}}}"]


def fragment_lines(fragment: Fragment, column: int) -> list[str]:
    if not fragment.items:
        return ["<></>"]
    inner = column + len(INDENT)
    items = [line for item in fragment.items for line in element_lines(item, inner)]
    return ["<>", *indented(items), "</>"]


def literal_lines(value: Value, column: int, offset: int) -> list[str]:
    """A JavaScript literal starting `offset` columns into a line indented to `column`;
    on one line if short and free of JSX, otherwise one entry per line."""
    if isinstance(value, Fragment):
        if not value.items:
            return ["<></>"]
        return ["(", *indented(fragment_lines(value, column + len(INDENT))), ")"]
    inner = column + len(INDENT)
    if isinstance(value, list):
        entries = [literal_lines(item, inner, 0) for item in value]
        return _container("[", "]", entries, column + offset)
    if isinstance(value, dict):
        entries = [_entry_lines(key, item, inner) for key, item in value.items()]
        return _container("{", "}", entries, column + offset, padding=" ")
    return [scalar(value)]


def _entry_lines(key: str, value: Value, column: int) -> list[str]:
    if key == "__proto__":
        name = f"[{js_string(key)}]"  # a computed key: `__proto__: x` would set the prototype
    else:
        name = key if _KEY.fullmatch(key) else js_string(key)
    lines = literal_lines(value, column, len(name) + 2)
    return [f"{name}: {lines[0]}", *lines[1:]]


def _container(
    start: str, end: str, entries: Sequence[list[str]], at: int, padding: str = ""
) -> list[str]:
    """Entries between brackets; `at` is the column the opening bracket is at."""
    if not entries:
        return [start + end]
    one_line = f"{start}{padding}{', '.join(lines[0] for lines in entries)}{padding}{end}"
    if (
        all(len(lines) == 1 for lines in entries)
        and len(one_line) <= _INLINE_LITERAL
        and at + len(one_line) + 2 <= WIDTH
    ):
        return [one_line]
    body = [line for lines in entries for line in [*lines[:-1], lines[-1] + ","]]
    return [start, *indented(body), end]


def scalar(value: object) -> str:
    """A JSON scalar as JavaScript (the caller has checked it is finite and exact)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return js_string(value)
    raise TypeError(f"not a scalar: {value!r}")


def js_string(text: str) -> str:
    return '"' + "".join(_escape(char) for char in text) + '"'


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if char.isprintable():
        return char
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    code -= 0x10000  # outside the BMP: JavaScript strings spell it as a surrogate pair
    return f"\\u{0xD800 + (code >> 10):04X}\\u{0xDC00 + (code & 0x3FF):04X}"


def _is_plain(text: str) -> bool:
    return all(char.isprintable() and char not in _NOT_PLAIN for char in text)


def indented(lines: Iterable[str], levels: int = 1) -> list[str]:
    prefix = INDENT * levels
    return [prefix + line if line else line for line in lines]
