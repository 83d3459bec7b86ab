"""Puck data -> a TSX module rendering the same page with the library's React components.

    source = puck_to_tsx(data, DEFAULT_LIBRARY)                   # text; nothing is written
    app.write("src/App.tsx", source)                              # by the caller, if it wants

The module imports only the components the page uses and default-exports a function component
that returns them as JSX, the page's root component (or a `<div>`, as Puck's `<Render>` draws
without one) around the top-level content. The same data always gives the same text.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import PuckConversionError
from .library import Library
from .tree import page_tree
from .tsx import Import, module

COMMENT = "Generated from Puck data by jupyter_fastpreview."
_FUNCTION_NAME = re.compile(r"[A-Z][\w$]*", re.ASCII)


def puck_to_tsx(data: Any, library: Library, *, component_name: str = "PuckPage") -> str:
    """The page as a TSX module; `PuckConversionError` says what in `data` cannot be one."""
    if not _FUNCTION_NAME.fullmatch(component_name):
        raise ValueError(f"component_name {component_name!r} is not a component identifier")
    try:
        root, used = page_tree(data, library)
        imports = [Import(spec.import_path, spec.imported_name, spec.name) for spec in used]
        if any(item.local == component_name for item in imports):
            raise PuckConversionError(
                (), f"the page uses a component named {component_name}, the name of the page"
            )
        return module(imports, component_name, root, COMMENT)
    except RecursionError:
        raise PuckConversionError((), "the content is nested too deeply to convert") from None
