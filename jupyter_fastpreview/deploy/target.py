"""What every deploy target is: a place that takes a complete set of files and gives a URL.

A target publishes a deployment so that it is visible only once every file is in place, and
moves the app's alias (a stable URL) to a deployment in one last step, so a deploy that fails
halfway leaves the alias, and what it serves, as it was. Targets raise `DeployError` with a
message a person can act on: the target, the place, and the reason; never a secret.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import MISSING, fields
from typing import Any, Protocol, TypeVar, get_type_hints

Progress = Callable[[float], None]
"""Called with the fraction (0 to 1) of the bytes published so far."""

_SLUG = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_DEPLOYMENT_ID = re.compile(r"^[0-9a-f]{32}$")
Options = TypeVar("Options")


class DeployError(RuntimeError):
    """A deploy, promote or delete that did not happen, and why."""


class Target(Protocol):
    name: str
    """`local`, `directory` or `s3`."""
    location: str
    """The place this target publishes to; promotion is per app and location."""

    def publish(
        self, deployment_id: str, slug: str, files: Mapping[str, bytes], progress: Progress
    ) -> str:
        """Publish every file, visibly only once all are in place; the deployment's URL."""
        ...

    def promote(self, slug: str, deployment_id: str) -> str:
        """Point the app's alias at the deployment, atomically; the alias URL."""
        ...

    def unpromote(self, slug: str) -> None:
        """Make the app's alias serve nothing (its last deployment is being deleted)."""
        ...

    def delete(self, slug: str, deployment_id: str) -> None:
        """Remove the deployment's files; it is no longer served."""
        ...


def new_deployment_id() -> str:
    """128 random bits: for `local` the id is the capability that opens the deployment."""
    return secrets.token_hex(16)


def is_deployment_id(text: str) -> bool:
    return bool(_DEPLOYMENT_ID.match(text))


def check_deployment_id(text: str) -> str:
    """Ids name folders: anything but our own hex ids is refused before it touches a path."""
    if not is_deployment_id(text):
        raise DeployError(f"not a deployment id: {text!r}")
    return text


def check_slug(slug: str) -> str:
    """The app's name in paths, keys and URLs; refused unless plainly safe in all three."""
    if not _SLUG.match(slug):
        raise DeployError(f"app name {slug!r} must be 1-64 letters, digits, '-' or '_'")
    return slug


def parse_options(kind: type[Options], target: str, given: Mapping[str, Any]) -> Options:
    """A target's options dataclass from JSON-ish values, refusing unknown, missing and
    mistyped options with a message that names them (a typo must not deploy elsewhere)."""
    hints = get_type_hints(kind)
    known = {field.name: field for field in fields(kind)}  # type: ignore[arg-type]
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise DeployError(
            f"{target} target: unknown option(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(known))}"
        )
    missing = sorted(
        name
        for name, field in known.items()
        if name not in given and field.default is MISSING and field.default_factory is MISSING
    )
    if missing:
        raise DeployError(f"{target} target: option(s) {', '.join(missing)} required")
    values = {name: _checked(target, name, value, hints[name]) for name, value in given.items()}
    return kind(**values)


def _checked(target: str, name: str, value: Any, expected: Any) -> Any:
    if expected is float and type(value) is int:
        return float(value)
    if isinstance(value, bool) and expected is not bool or not isinstance(value, expected):
        # (a bool is an int to isinstance, never to a person)
        raise DeployError(f"{target} target: option {name} must be {_type_name(expected)}")
    return value


def _type_name(expected: Any) -> str:
    return getattr(expected, "__name__", str(expected)).replace("NoneType", "null")
