"""Turn Pythonic keyword options into the command-line style flags esbuild's service takes.

Names are esbuild's own in snake_case (`jsx_import_source`, `entry_names`, ...). The value's
type picks the flag's shape, the same rule esbuild's JS API follows:
`True` -> `--name`; a scalar -> `--name=value`; a dict -> `--name:key=value` per item; a list
-> `--name=a,b`, or `--name:item` per item for the repeatable flags. An option esbuild does not
know comes back from esbuild as an error naming it, so nothing is silently ignored.
"""

from __future__ import annotations

import json
from typing import Any

_REPEATED = {"external", "inject", "pure", "drop"}
"""Flags given once per item (`--external:react`) rather than comma-joined."""

_EXPLICIT_FALSE = {"tree_shaking", "sources_content", "mangle_quoted", "color"}
"""Flags where `False` means something (`--tree-shaking=false`) rather than "leave it out"."""


def transform_flags(options: dict[str, Any]) -> list[str]:
    options = dict(options)
    if options.get("sourcemap") is True:
        # A transform has no output file to link from, so "true" means a separate map.
        options["sourcemap"] = "external"
    return to_flags(options)


def to_flags(options: dict[str, Any]) -> list[str]:
    options.setdefault("log_level", "silent")
    flags: list[str] = []
    for name, value in options.items():
        flags += _flag(name, value)
    return flags


def _flag(name: str, value: Any) -> list[str]:
    flag = "--" + name.replace("_", "-")
    if value is None:
        return []
    if isinstance(value, bool):
        if value:
            return [flag]
        return [f"{flag}=false"] if name in _EXPLICIT_FALSE else []
    if isinstance(value, dict):
        if name == "tsconfig_raw":
            return [f"{flag}={json.dumps(value)}"]
        return [f"{flag}:{key}={_scalar(item)}" for key, item in value.items()]
    if isinstance(value, (list, tuple)):
        if name in _REPEATED:
            return [f"{flag}:{item}" for item in value]
        return [f"{flag}={','.join(str(item) for item in value)}"]
    return [f"{flag}={_scalar(value)}"]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
