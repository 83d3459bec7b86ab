"""The default component library: React components and a Puck config shipped as TSX sources
(`files/`), which an app gets as its own files, and their description for the converter.

    app.write_files(library_files())  # src/puck/components.tsx, src/puck/puck.config.tsx
    app.write("src/App.tsx", puck_to_tsx(data, DEFAULT_LIBRARY, component_name="App"))

The description mirrors `files/puck.config.tsx` field for field (a browser test holds them
together); its import path is relative to a page module in `src/`.
"""

from __future__ import annotations

from pathlib import Path

from .library import (
    ArrayField,
    ComponentSpec,
    Field,
    Library,
    NumberField,
    ObjectField,
    RadioField,
    SelectField,
    SlotField,
    TextareaField,
    TextField,
)

FILES = Path(__file__).resolve().parent / "files"
LIBRARY_DIR = "src/puck"
"""Where `library_files` puts the sources in an app."""
IMPORT_PATH = "./puck/components"

_ALIGN = RadioField(("left", "center", "right"))


def _component(name: str, **fields: Field) -> ComponentSpec:
    return ComponentSpec(name, IMPORT_PATH, fields)


DEFAULT_LIBRARY = Library.of(
    [
        _component("Heading", text=TextField(), level=SelectField((1, 2, 3, 4)), align=_ALIGN),
        _component(
            "Text",
            text=TextareaField(),
            size=SelectField(("small", "medium", "large")),
            align=_ALIGN,
        ),
        _component(
            "Button",
            label=TextField(),
            href=TextField(),
            variant=SelectField(("primary", "secondary", "link")),
        ),
        _component("Image", src=TextField(), alt=TextField(), width=NumberField()),
        _component("Card", title=TextField(), body=TextareaField(), content=SlotField()),
        _component(
            "Columns",
            columns=ArrayField({"span": NumberField(), "content": SlotField()}),
            gap=NumberField(),
        ),
        _component("Grid", columns=NumberField(), gap=NumberField(), items=SlotField()),
        _component(
            "Flex",
            direction=RadioField(("row", "column")),
            gap=NumberField(),
            justify=SelectField(("start", "center", "end", "between")),
            items=SlotField(),
        ),
        _component(
            "Split", ratio=SelectField(("1:1", "2:1", "1:2")), left=SlotField(), right=SlotField()
        ),
        _component(
            "Hero",
            title=TextField(),
            subtitle=TextareaField(),
            image=ObjectField({"src": TextField(), "alt": TextField()}),
            align=_ALIGN,
            actions=SlotField(),
        ),
        _component("Spacer", size=NumberField()),
        _component("Divider"),
        _component(
            "List", items=ArrayField({"text": TextField()}), ordered=RadioField((False, True))
        ),
    ],
    root=_component("Page", title=TextField()),
)


def library_files() -> dict[str, str]:
    """The default library's sources, by their path in an app (`src/puck/...`)."""
    return {
        f"{LIBRARY_DIR}/{source.name}": source.read_text(encoding="utf-8")
        for source in sorted(FILES.glob("*.tsx"))
    }
