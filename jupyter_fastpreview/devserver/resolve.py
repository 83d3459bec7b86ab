"""What an import specifier names: an app module, the vendor runtime, an npm package, or a URL.

Relative and root-relative specifiers are app modules, probed like Vite: the exact file, then
the extensions `.tsx .ts .jsx .js .mjs .json`, then `/index` with each. React comes from the
vendor runtime shipped in the package; any other bare specifier must be a package in the app's
own `node_modules`, or it is an error that says how to add it.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from .paths import PathRefused, confine

SCRIPT_EXTENSIONS = (".tsx", ".ts", ".jsx", ".js", ".mjs")
PROBED_EXTENSIONS = (*SCRIPT_EXTENSIONS, ".json")
_TS_IMPORTERS = (".ts", ".tsx")
_JS_TO_TS = {".js": (".ts", ".tsx"), ".jsx": (".tsx",)}
URL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
"""A specifier or `src` that is a URL (a scheme, or `//host`): nothing of the app."""
_PACKAGE = re.compile(r"^(?:@[\w.~-]+/)?[\w.~-]+")

VENDOR_DIR = Path(__file__).resolve().parent.parent / "vendor" / "development"

Kind = Literal["module", "vendor", "dep", "url"]


@dataclass(frozen=True)
class Resolved:
    kind: Kind
    target: str
    """A module id, a vendor file name, a package specifier, or the URL itself."""


class ResolveError(Exception):
    """The specifier names nothing servable; the message says what to do."""


@cache
def vendor_files() -> dict[str, str]:
    """Bare specifier -> file in the vendor folder, from the vendor build's importmap."""
    importmap = json.loads((VENDOR_DIR / "importmap.json").read_text())
    return {spec: path.removeprefix("./") for spec, path in importmap["imports"].items()}


def resolve(specifier: str, importer: str, folder: Path) -> Resolved:
    """What `specifier`, imported by module `importer` of the app in `folder`, names."""
    if URL.match(specifier):
        return Resolved("url", specifier)
    if specifier.startswith(("./", "../", "/")) or specifier in (".", ".."):
        return Resolved("module", resolve_module(specifier, importer, folder))
    vendored = vendor_files().get(specifier)
    if vendored:
        return Resolved("vendor", vendored)
    package = package_name(specifier)
    if package is None or not (folder / "node_modules" / package / "package.json").is_file():
        name = package or specifier
        raise ResolveError(
            f'Cannot find package "{name}" imported from {importer}: run app.install("{name}") '
            f"or npm install {name} in the app folder"
        )
    return Resolved("dep", specifier)


def resolve_module(specifier: str, importer: str, folder: Path) -> str:
    """The id of the app module a relative or root-relative specifier names."""
    base = (
        specifier
        if specifier.startswith("/")
        else posixpath.join(posixpath.dirname(importer), specifier)
    )
    target = posixpath.normpath(base)
    for candidate in _candidates(target, importer):
        try:
            if confine(folder, candidate).is_file():
                return candidate
        except PathRefused:
            break
    raise ResolveError(
        f'Failed to resolve import "{specifier}" from "{importer}". Does the file exist?'
    )


def _candidates(target: str, importer: str) -> list[str]:
    candidates = [target]
    stem, extension = posixpath.splitext(target)
    if importer.endswith(_TS_IMPORTERS) and extension in _JS_TO_TS:
        # TypeScript's own convention: `import "./x.js"` names x.ts.
        candidates += [stem + ts for ts in _JS_TO_TS[extension]]
    candidates += [target + probed for probed in PROBED_EXTENSIONS]
    candidates += [f"{target}/index{probed}" for probed in PROBED_EXTENSIONS]
    return candidates


def package_name(specifier: str) -> str | None:
    """`@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`; None if not a package name."""
    match = _PACKAGE.match(specifier)
    if match is None or any(part in ("", ".", "..") for part in specifier.split("/")):
        return None
    name = match.group()
    rest = specifier[match.end() :]
    if rest and not rest.startswith("/"):
        return None
    return name
