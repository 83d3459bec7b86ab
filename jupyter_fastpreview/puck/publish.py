"""Publishing a page: Puck data becomes `puck.json` and the generated `src/PuckPage.tsx`,
written in one batch by the same atomic, confined path as every other edit, so the previews
get one hot update. The data is converted first: data the converter refuses writes nothing.

An app adds its own components in `src/puck/library.json` (what the converter must know of
them) and in its `src/puck/puck.config.tsx` (what the editor shows):

    {"components": {"Banner": {"import": "./components/Banner",
                               "fields": {"text": {"type": "text"}}, "zones": []}}}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..kernel.files import AppFiles
from .convert import puck_to_tsx
from .defaults import DEFAULT_LIBRARY, LIBRARY_DIR
from .library import Library, LibraryError, fields_from_puck

PAGE_DATA = "puck.json"
LIBRARY_FILE = f"{LIBRARY_DIR}/library.json"
PAGE_MODULE = "src/PuckPage.tsx"
EMPTY_PAGE: dict[str, Any] = {"content": [], "root": {"props": {}}}


def app_library(folder: str | Path) -> Library:
    """The default components plus the app's own, from its `src/puck/library.json`; raises
    `LibraryError` naming what is wrong in that file."""
    path = Path(folder) / LIBRARY_FILE
    if not path.is_file():
        return DEFAULT_LIBRARY
    try:
        described = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise LibraryError(f"{LIBRARY_FILE} is not JSON: {error}") from None
    components = described.get("components", {}) if isinstance(described, dict) else None
    if not isinstance(components, dict):
        raise LibraryError(f'{LIBRARY_FILE}: expected {{"components": {{name: ...}}}}')
    library = DEFAULT_LIBRARY
    for name, spec in components.items():
        where = f"{LIBRARY_FILE}: components.{name}"
        if not isinstance(spec, dict) or not isinstance(spec.get("import"), str):
            raise LibraryError(f'{where}: expected {{"import": "./path", "fields": {{...}}}}')
        fields = fields_from_puck(spec.get("fields", {}), f"{where}.fields")
        library = library.with_component(name, spec["import"], fields, zones=spec.get("zones", ()))
    return library


def page_files(data: dict[str, Any], library: Library = DEFAULT_LIBRARY) -> dict[str, str]:
    """The two files of a page; raises `PuckConversionError` for data that cannot be one."""
    module = puck_to_tsx(data, library)
    return {PAGE_DATA: json.dumps(data, indent=2, sort_keys=True) + "\n", PAGE_MODULE: module}


def publish(folder: str | Path, data: dict[str, Any]) -> None:
    """Write the page into the app in `folder`, converted with the app's library (raises
    before writing anything if refused)."""
    AppFiles(folder).write_many(page_files(data, app_library(folder)))


def read_page_data(folder: str | Path) -> dict[str, Any]:
    """The app's page data, or an empty page if it has none yet."""
    path = Path(folder) / PAGE_DATA
    if not path.is_file():
        return json.loads(json.dumps(EMPTY_PAGE))
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
