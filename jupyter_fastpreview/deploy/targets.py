"""Which targets exist, and making one from its name and options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .directory import DirectoryOptions, DirectoryTarget
from .local import LocalTarget
from .s3 import S3Options, S3Target
from .target import DeployError, Target, parse_options

TARGETS = ("local", "directory", "s3")


def make_target(name: str, options: Mapping[str, Any], local: LocalTarget) -> Target:
    """The target `name` with `options`; `local` is the server's own (it takes no options)."""
    if name == "local":
        if options:
            raise DeployError(f"local target: takes no options (got {', '.join(options)})")
        return local
    if name == "directory":
        return DirectoryTarget(parse_options(DirectoryOptions, name, options))
    if name == "s3":
        return S3Target(parse_options(S3Options, name, options))
    raise DeployError(f"unknown deploy target {name!r}; use one of {', '.join(TARGETS)}")
