"""Puck (the visual editor for React) data -> a readable TSX page, and the component library
shipped for it.

    from jupyter_fastpreview.puck import DEFAULT_LIBRARY, library_files, puck_to_tsx

    source = puck_to_tsx(data, DEFAULT_LIBRARY)    # str; raises PuckConversionError
    files = library_files()                        # {"src/puck/components.tsx": ..., ...}

`data` is what Puck saves after its `migrate` and `resolveAllData` steps. Apps describe their
own components with `Library.with_component` (see `library`); the generated code and the
component contract are described in `convert` and `library`.
"""

from .convert import puck_to_tsx
from .defaults import DEFAULT_LIBRARY, library_files
from .errors import PuckConversionError
from .library import (
    ArrayField,
    ComponentSpec,
    CustomField,
    ExternalField,
    Field,
    JsonField,
    Library,
    LibraryError,
    NumberField,
    ObjectField,
    RadioField,
    SelectField,
    SlotField,
    TextareaField,
    TextField,
    field_from_puck,
    fields_from_puck,
)

__all__ = [
    "DEFAULT_LIBRARY",
    "ArrayField",
    "ComponentSpec",
    "CustomField",
    "ExternalField",
    "Field",
    "JsonField",
    "Library",
    "LibraryError",
    "NumberField",
    "ObjectField",
    "PuckConversionError",
    "RadioField",
    "SelectField",
    "SlotField",
    "TextField",
    "TextareaField",
    "field_from_puck",
    "fields_from_puck",
    "library_files",
    "puck_to_tsx",
]
