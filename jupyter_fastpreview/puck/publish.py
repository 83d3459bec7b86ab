"""Publishing a page: Puck data becomes `puck.json` and the generated `src/PuckPage.tsx`,
written in one batch by the same atomic, confined path as every other edit, so the previews
get one hot update. The data is converted first: data the converter refuses writes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..kernel.files import AppFiles
from .convert import puck_to_tsx
from .defaults import DEFAULT_LIBRARY
from .library import Library

PAGE_DATA = "puck.json"
PAGE_MODULE = "src/PuckPage.tsx"
EMPTY_PAGE: dict[str, Any] = {"content": [], "root": {"props": {}}}


def page_files(data: dict[str, Any], library: Library = DEFAULT_LIBRARY) -> dict[str, str]:
    """The two files of a page; raises `PuckConversionError` for data that cannot be one."""
    module = puck_to_tsx(data, library)
    return {PAGE_DATA: json.dumps(data, indent=2, sort_keys=True) + "\n", PAGE_MODULE: module}


def publish(folder: str | Path, data: dict[str, Any], library: Library = DEFAULT_LIBRARY) -> None:
    """Write the page into the app in `folder` (raises before writing anything if refused)."""
    AppFiles(folder).write_many(page_files(data, library))


def read_page_data(folder: str | Path) -> dict[str, Any]:
    """The app's page data, or an empty page if it has none yet."""
    path = Path(folder) / PAGE_DATA
    if not path.is_file():
        return json.loads(json.dumps(EMPTY_PAGE))
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
