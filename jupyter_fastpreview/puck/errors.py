"""The error a conversion raises: what is wrong, and where in the Puck data."""

from __future__ import annotations

import json
import re

Path = tuple[str | int, ...]
"""Keys and indexes from the top of the data, e.g. ("content", 2, "props", "title")."""

_NAME = re.compile(r"[A-Za-z_$][\w$]*", re.ASCII)


class PuckConversionError(ValueError):
    """The data cannot become a page; `path` points at the offending value."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{format_path(path)}: {message}")
        self.path = format_path(path)


def format_path(path: Path) -> str:
    """`content[2].props.items[0].title`, or `zones["Card-1:left"][0]` for keys that are not
    plain names; `data` for the whole of it."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _NAME.fullmatch(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return text or "data"
