"""A module that cannot be served, said the way the error overlay shows it.

One error type for every failure of the module pipeline (a syntax error from esbuild, an
import that resolves to nothing, a missing package, invalid JSON), carrying the `err` object of
the protocol's `error` message: message, module id, 1-based line, 0-based column and a code
frame of the source around that position.
"""

from __future__ import annotations

import json
from typing import Any

from ..esbuild import EsbuildError

_CONTEXT_LINES = 2


class ModuleError(Exception):
    def __init__(
        self,
        message: str,
        file: str,
        line: int | None = None,
        column: int | None = None,
        frame: str = "",
        plugin: str = "fastpreview",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.frame = frame
        self.plugin = plugin

    @classmethod
    def at(
        cls, message: str, file: str, source: str, line: int, column: int, plugin: str
    ) -> ModuleError:
        """An error at a position of `source`, with its code frame."""
        return cls(message, file, line, column, code_frame(source, line, column), plugin)

    @classmethod
    def from_esbuild(cls, error: EsbuildError, file: str, source: str) -> ModuleError:
        first = error.errors[0]
        location = first.location
        if location is None:
            return cls(first.text, file, plugin="esbuild")
        column = _characters(_line(source, location.line), location.column)
        return cls.at(first.text, file, source, location.line, column, "esbuild")

    def to_wire(self) -> dict[str, Any]:
        """The `err` of the protocol's `error` message."""
        return {
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "frame": self.frame,
            "plugin": self.plugin,
        }

    def as_script(self) -> str:
        """A module body that fails the import with this message, for a browser that runs it."""
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"throw new Error({json.dumps(f'{where}: {self.message}')});\n"


def code_frame(source: str, line: int, column: int) -> str:
    """The offending line with a caret under `column`, and two lines either side.

    `line` is 1-based and `column` 0-based, as esbuild reports them.
      1 | import { useState } from "react";
    > 2 | const x = <div>;
        |                ^
      3 | export default x;
    """
    lines = source.splitlines() or [""]
    line = min(max(line, 1), len(lines))
    first = max(line - _CONTEXT_LINES, 1)
    last = min(line + _CONTEXT_LINES, len(lines))
    width = len(str(last))
    frame = []
    for number in range(first, last + 1):
        marker = ">" if number == line else " "
        frame.append(f"{marker} {number:>{width}} | {lines[number - 1]}".rstrip())
        if number == line:
            caret_indent = _visual_prefix(lines[number - 1], column)
            frame.append(f"  {'':>{width}} | {caret_indent}^")
    return "\n".join(frame)


def _line(source: str, line: int) -> str:
    lines = source.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _characters(text: str, byte_column: int) -> int:
    """esbuild counts columns in UTF-8 bytes; the overlay and the frame count characters."""
    return len(text.encode()[:byte_column].decode(errors="ignore"))


def _visual_prefix(text: str, column: int) -> str:
    """Blanks as wide as `text[:column]`, keeping tabs so the caret lines up."""
    return "".join("\t" if char == "\t" else " " for char in text[:column])


def position_of(source: str, offset: int) -> tuple[int, int]:
    """1-based line and 0-based column of a character offset."""
    line = source.count("\n", 0, offset) + 1
    column = offset - (source.rfind("\n", 0, offset) + 1)
    return line, column
