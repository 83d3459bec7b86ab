"""React Fast Refresh registration, done on the server instead of by a Babel plugin.

Components are the top-level PascalCase functions and arrow functions of esbuild's output
(where top-level statements start at column 0 and an anonymous default export is named
`<File>_default`), and `memo(...)`/`forwardRef(...)` results bound to a PascalCase name. Each
component's hook signature is the ordered list of hooks its body calls, with the initial-state
argument of `useState` and `useReducer`, so that changing it resets that component's state as
react-refresh's Babel plugin would. The registration calls go at the end of the module, to the
browser runtime's `refresh.js` (`register`, `setSignature`, `acceptExports`).

Not covered: signatures of `memo`/`forwardRef`-wrapped components (registered, never reset)
and hooks called through custom hooks (a changed custom hook does not reset its callers).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_FUNCTION = re.compile(r"^(?:async\s+)?function\s+(?P<name>[A-Z][\w$]*)\s*\(", re.MULTILINE)
_BINDING = re.compile(r"^(?:const|let|var)\s+(?P<name>[A-Z][\w$]*)\s*=\s*", re.MULTILINE)
_FUNCTION_VALUE = re.compile(r"(?:async\s+)?(?:function\b|[\w$]+\s*=>)")
_PARAMETERS = re.compile(r"(?:async\s*)?\(")
_ARROW = re.compile(r"\s*=>")
_WRAPPER = re.compile(r"(?:[\w$]+\.)?(?:memo|forwardRef)\s*\(")
_NEXT_STATEMENT = re.compile(r"\n(?=[^\s}\])])")
_HOOK = re.compile(r"(?<![\w$])(?P<hook>use[A-Z0-9][\w$]*)\s*\(")
_INITIAL_STATE_ARGUMENT = {"useState": 0, "useReducer": 1}
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_QUOTES = "\"'`"


@dataclass(frozen=True)
class Component:
    name: str
    signature: str
    """Hooks called, one per line; empty if none (or unknown, for a wrapped component)."""


def find_components(code: str) -> list[Component]:
    """The components esbuild's output declares at top level, in order."""
    found: list[tuple[int, Component]] = []
    for match in _FUNCTION.finditer(code):
        found.append((match.start(), Component(match["name"], _signature(code, match.end()))))
    for match in _BINDING.finditer(code):
        value = match.end()
        if _WRAPPER.match(code, value):
            found.append((match.start(), Component(match["name"], "")))
        elif _is_function_value(code, value):
            found.append((match.start(), Component(match["name"], _signature(code, value))))
    return [component for _, component in sorted(found, key=lambda item: item[0])]


def _is_function_value(code: str, position: int) -> bool:
    if _FUNCTION_VALUE.match(code, position):
        return True
    parameters = _PARAMETERS.match(code, position)
    if parameters is None:
        return False
    close = _closing(code, parameters.end() - 1)
    return close is not None and _ARROW.match(code, close + 1) is not None


def _signature(code: str, body_start: int) -> str:
    next_statement = _NEXT_STATEMENT.search(code, body_start)
    body_end = next_statement.start() if next_statement else len(code)
    hooks = []
    for call in _HOOK.finditer(code, body_start, body_end):
        hook = call["hook"]
        index = _INITIAL_STATE_ARGUMENT.get(hook)
        if index is not None:
            arguments = _arguments(code, call.end() - 1)
            if len(arguments) > index:
                hook += f"({arguments[index]})"
        hooks.append(hook)
    return "\n".join(hooks)


def _arguments(code: str, open_paren: int) -> list[str]:
    """The top-level argument texts of the call whose `(` is at `open_paren`."""
    close = _closing(code, open_paren)
    if close is None:
        return []
    arguments, depth, start, position = [], 0, open_paren + 1, open_paren + 1
    while position < close:
        char = code[position]
        if char in _QUOTES:
            position = _string_end(code, position)
        elif char in _OPENERS:
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            arguments.append(code[start:position].strip())
            start = position + 1
        position += 1
    last = code[start:close].strip()
    if last:
        arguments.append(last)
    return arguments


def _closing(code: str, open_position: int) -> int | None:
    """The offset of the bracket closing the one at `open_position`, skipping strings."""
    stack = [_OPENERS[code[open_position]]]
    position = open_position + 1
    while position < len(code):
        char = code[position]
        if char in _QUOTES:
            position = _string_end(code, position)
        elif char in _OPENERS:
            stack.append(_OPENERS[char])
        elif char in ")]}":
            if char != stack.pop():
                return None
            if not stack:
                return position
        position += 1
    return None


def _string_end(code: str, start: int) -> int:
    """The offset of the quote closing the string that opens at `start`."""
    quote, position = code[start], start + 1
    while position < len(code) and code[position] != quote:
        position += 2 if code[position] == "\\" else 1
    return position


def refresh_footer(module: str, components: list[Component]) -> str:
    """The statements that register `components` and make the module its own HMR boundary.

    They need `__fp_refresh` (the runtime's refresh.js) and `__fp_exports` (the module's own
    namespace), which the module's prologue imports.
    """
    lines = []
    for component in components:
        if component.signature:
            signature = json.dumps(component.signature)
            lines.append(f"__fp_refresh.setSignature({component.name}, {signature});")
        registration = json.dumps(f"{module} {component.name}")
        lines.append(f"__fp_refresh.register({component.name}, {registration});")
    lines.append(
        "import.meta.hot.accept((next) => __fp_refresh.acceptExports("
        f"import.meta.hot, {json.dumps(module)}, __fp_exports, next));"
    )
    return "\n".join(lines) + "\n"
