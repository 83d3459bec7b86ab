"""What esbuild hands back: messages, errors and the results of transform and build."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Location:
    file: str
    line: int
    """1-based, as esbuild reports it."""
    column: int
    """0-based byte offset into `line_text`, as esbuild reports it."""
    length: int = 0
    line_text: str = ""
    namespace: str = "file"
    suggestion: str = ""

    @classmethod
    def from_wire(cls, raw: dict[str, Any] | None) -> Location | None:
        if not raw:
            return None
        return cls(
            file=raw.get("file", ""),
            line=raw.get("line", 0),
            column=raw.get("column", 0),
            length=raw.get("length", 0),
            line_text=raw.get("lineText", ""),
            namespace=raw.get("namespace", "file"),
            suggestion=raw.get("suggestion", ""),
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "namespace": self.namespace,
            "line": self.line,
            "column": self.column,
            "length": self.length,
            "lineText": self.line_text,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True)
class Note:
    text: str
    location: Location | None = None


@dataclass(frozen=True)
class Message:
    text: str
    location: Location | None = None
    notes: tuple[Note, ...] = ()
    plugin_name: str = ""
    id: str = ""

    @classmethod
    def from_wire(cls, raw: dict[str, Any]) -> Message:
        return cls(
            text=raw.get("text", ""),
            location=Location.from_wire(raw.get("location")),
            notes=tuple(
                Note(n.get("text", ""), Location.from_wire(n.get("location")))
                for n in raw.get("notes") or ()
            ),
            plugin_name=raw.get("pluginName", ""),
            id=raw.get("id", ""),
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "pluginName": self.plugin_name,
            "text": self.text,
            "location": self.location.to_wire() if self.location else None,
            "notes": [
                {"text": n.text, "location": n.location.to_wire() if n.location else None}
                for n in self.notes
            ],
            "detail": 0xFFFFFFFF,
        }

    def __str__(self) -> str:
        where = ""
        if self.location:
            loc = self.location
            where = f"{loc.file}:{loc.line}:{loc.column}: "
        plugin = f"[plugin {self.plugin_name}] " if self.plugin_name else ""
        return f"{where}{plugin}{self.text}"


def messages_from_wire(raw: Any) -> list[Message]:
    return [Message.from_wire(m) for m in raw or ()]


class EsbuildError(Exception):
    """esbuild rejected the input; `errors` carries every message with its location."""

    def __init__(self, summary: str, errors: list[Message], warnings: list[Message]) -> None:
        self.errors = errors
        self.warnings = warnings
        lines = [f"{summary} with {len(errors)} error{'s' if len(errors) != 1 else ''}:"]
        lines += [f"{m}" for m in errors]
        super().__init__("\n".join(lines))


class EsbuildServiceError(RuntimeError):
    """The esbuild process could not be started or died twice in one call."""


@dataclass(frozen=True)
class TransformResult:
    code: str
    map: str
    warnings: list[Message]
    legal_comments: str | None = None
    mangle_cache: dict[str, Any] | None = None


@dataclass(frozen=True)
class OutputFile:
    path: str
    contents: bytes
    hash: str

    @property
    def text(self) -> str:
        return self.contents.decode()

    @property
    def content_hash(self) -> str:
        """A stable hash of the contents, for cache keys and ETags."""
        return hashlib.sha1(self.contents).hexdigest()


@dataclass(frozen=True)
class BuildResult:
    warnings: list[Message]
    output_files: list[OutputFile] | None = None
    metafile: dict[str, Any] | None = None
    mangle_cache: dict[str, Any] | None = None

    @classmethod
    def from_wire(cls, raw: dict[str, Any]) -> BuildResult:
        metafile = raw.get("metafile")
        outputs = raw.get("outputFiles")
        return cls(
            warnings=messages_from_wire(raw.get("warnings")),
            output_files=None
            if outputs is None
            else [OutputFile(o["path"], o["contents"], o.get("hash", "")) for o in outputs],
            metafile=json.loads(metafile) if metafile else None,
            mangle_cache=raw.get("mangleCache"),
        )
