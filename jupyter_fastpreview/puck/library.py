"""What the converter knows of a component library: per Puck component type, the module that
exports the React component, and the kinds of its fields, so props can be checked and written
as typed literals.

The field kinds are Puck's own (`text`, `textarea`, `number`, `select`, `radio`, `array`,
`object`, `slot`, `external`, `custom`); a description can be written with these classes or
read from the JSON part of a Puck config's `fields` with `fields_from_puck`:

    library = DEFAULT_LIBRARY.with_component(
        "Quote", "./Quote", {"text": TextareaField(), "tone": RadioField(("calm", "loud"))}
    )
    library = DEFAULT_LIBRARY.with_component(
        "Quote", "./Quote", fields_from_puck({"text": {"type": "textarea"}})
    )

How a generated page hands content to a component (the contract a component must follow):

- props are passed under their field names, with the values from the data; `id` only when the
  component is registered with `uses_id=True`.
- the *areas* of a component are its top-level `slot` fields and, for data saved before slots,
  the DropZones it declares in `zones` (content in `data.zones["<id>:<zone>"]`). A component
  with exactly one area gets that area's items as JSX `children`; one with several gets each as
  a prop named after the area holding a fragment. Slots inside `array` and `object` fields are
  fragments inside the literal.
- an area's value is the items themselves in a generated page, but a function drawing its own
  container (`<div>` with the items) under Puck; the shipped `Slot` helper
  (`components.tsx`) draws both the same way. The component's Puck config maps Puck's slot prop
  to `children` (and a DropZone to a function calling `puck.renderDropZone`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeAlias

JsonValue: TypeAlias = "None | bool | int | float | str | list[JsonValue] | dict[str, JsonValue]"

# Props a generated page passes as JSX attributes: names JSX accepts there.
_ATTRIBUTE = re.compile(r"[A-Za-z_$][\w$]*(-[\w$]+)*", re.ASCII)
# A JSX tag naming a component (a lower-case tag would be an HTML element).
_COMPONENT = re.compile(r"[A-Z][\w$]*", re.ASCII)
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*", re.ASCII)
# Puck passes these to every component itself; React keeps `key` and `ref` for itself.
RESERVED_PROPS = frozenset({"id", "puck", "editMode", "key", "ref"})


class LibraryError(ValueError):
    """A component description that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Field:
    """A Puck field; subclasses are its kinds, `type` is Puck's name for the kind."""

    type: ClassVar[str]

    def to_puck(self) -> dict[str, Any]:
        """The field as in a Puck config (the JSON part of it)."""
        return {"type": self.type}


@dataclass(frozen=True)
class TextField(Field):
    type = "text"


@dataclass(frozen=True)
class TextareaField(Field):
    type = "textarea"


@dataclass(frozen=True)
class NumberField(Field):
    type = "number"


@dataclass(frozen=True)
class SelectField(Field):
    options: tuple[JsonValue, ...]
    """The values of the options (their labels are the editor's business)."""
    type = "select"

    def __post_init__(self) -> None:
        _check_options(self.type, self.options)

    def to_puck(self) -> dict[str, Any]:
        options = [{"label": str(value), "value": value} for value in self.options]
        return {"type": self.type, "options": options}


@dataclass(frozen=True)
class RadioField(SelectField):
    type = "radio"


@dataclass(frozen=True)
class ArrayField(Field):
    fields: Mapping[str, Field]
    """The fields of each item (Puck's `arrayFields`)."""
    type = "array"

    def to_puck(self) -> dict[str, Any]:
        return {"type": self.type, "arrayFields": _fields_to_puck(self.fields)}


@dataclass(frozen=True)
class ObjectField(Field):
    fields: Mapping[str, Field]
    """Puck's `objectFields`."""
    type = "object"

    def to_puck(self) -> dict[str, Any]:
        return {"type": self.type, "objectFields": _fields_to_puck(self.fields)}


@dataclass(frozen=True)
class SlotField(Field):
    """Nested content: a list of components, drawn where the component puts the slot."""

    type = "slot"


@dataclass(frozen=True)
class JsonField(Field):
    """A field whose value is any JSON value, written as a literal."""


@dataclass(frozen=True)
class ExternalField(JsonField):
    type = "external"


@dataclass(frozen=True)
class CustomField(JsonField):
    type = "custom"


_SIMPLE: dict[str, type[Field]] = {
    kind.type: kind
    for kind in (TextField, TextareaField, NumberField, SlotField, ExternalField, CustomField)
}
_UNSUPPORTED = {
    "richtext": "Puck renders rich text through its own editor (tiptap), which a plain React "
    "page cannot reproduce; use a textarea field"
}


def fields_from_puck(fields: Mapping[str, Any], path: str = "fields") -> dict[str, Field]:
    """Fields from the JSON part of a Puck config's `fields` (`type`, `options`, `arrayFields`,
    `objectFields`; labels and other editor settings are ignored)."""
    if not isinstance(fields, Mapping):
        raise LibraryError(f"{path}: expected an object of fields, got {type(fields).__name__}")
    return {name: field_from_puck(spec, f"{path}.{name}") for name, spec in fields.items()}


def field_from_puck(spec: Mapping[str, Any], path: str = "field") -> Field:
    """One field from its Puck config description."""
    kind = spec.get("type") if isinstance(spec, Mapping) else None
    if kind in _SIMPLE:
        return _SIMPLE[kind]()
    if kind in ("select", "radio"):
        options = spec.get("options")
        if not isinstance(options, list) or not all(
            isinstance(option, Mapping) and "value" in option for option in options
        ):
            raise LibraryError(f"{path}.options: expected a list of {{label, value}} options")
        chooser = SelectField if kind == "select" else RadioField
        return chooser(tuple(option["value"] for option in options))
    if kind == "array":
        return ArrayField(fields_from_puck(spec.get("arrayFields", {}), f"{path}.arrayFields"))
    if kind == "object":
        return ObjectField(fields_from_puck(spec.get("objectFields", {}), f"{path}.objectFields"))
    reason = _UNSUPPORTED.get(kind, "not a Puck field type") if isinstance(kind, str) else None
    raise LibraryError(
        f"{path}: unsupported field type {kind!r}" + (f" ({reason})" if reason else "")
    )


def _fields_to_puck(fields: Mapping[str, Field]) -> dict[str, Any]:
    return {name: spec.to_puck() for name, spec in fields.items()}


def _check_options(kind: str, options: tuple[JsonValue, ...]) -> None:
    if not isinstance(options, tuple) or not options:
        raise LibraryError(f"a {kind} field needs a tuple of option values")
    for option in options:
        if not _is_json(option):
            raise LibraryError(f"{kind} option {option!r} is not a JSON value")


def _is_json(value: object) -> bool:
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_is_json(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _is_json(item) for key, item in value.items())
    return False


@dataclass(frozen=True)
class ComponentSpec:
    """A component: its Puck type (also its name in generated code), where it is imported from
    (a specifier relative to the generated page), and its fields."""

    name: str
    import_path: str
    fields: Mapping[str, Field] = field(default_factory=dict)
    zones: tuple[str, ...] = ()
    """Legacy DropZones the component renders, by zone name."""
    export: str | None = None
    """The name the module exports it under, when not `name`."""
    uses_id: bool = False
    """Pass the item's `props.id` to the component (Puck always does)."""

    def __post_init__(self) -> None:
        if not _COMPONENT.fullmatch(self.name):
            raise LibraryError(
                f"component name {self.name!r} must be an identifier starting with an "
                "upper-case letter (it is a JSX tag in the generated page)"
            )
        if self.export is not None and not _IDENTIFIER.fullmatch(self.export):
            raise LibraryError(f"{self.name}: export {self.export!r} is not an identifier")
        if not self.import_path:
            raise LibraryError(f"{self.name}: the import path is empty")
        for name, kind in self.fields.items():
            self._check_prop(name, "field")
            if not isinstance(kind, Field):
                raise LibraryError(f"{self.name}.{name}: {kind!r} is not a Field")
        for zone in self.zones:
            self._check_prop(zone, "zone")
            if zone in self.fields:
                raise LibraryError(f"{self.name}: zone {zone!r} has the name of a field")
        if "children" in self.fields and self.children_area not in (None, "children"):
            raise LibraryError(
                f"{self.name}: its only area {self.children_area!r} is passed as children, "
                "which its field 'children' would clash with"
            )

    def _check_prop(self, name: str, what: str) -> None:
        if name in RESERVED_PROPS or not _ATTRIBUTE.fullmatch(name):
            raise LibraryError(f"{self.name}: {name!r} cannot be the name of a {what}")

    @property
    def imported_name(self) -> str:
        return self.export or self.name

    @property
    def areas(self) -> tuple[str, ...]:
        """Where nested content goes: the top-level slot fields, then the zones."""
        slots = tuple(name for name, kind in self.fields.items() if isinstance(kind, SlotField))
        return slots + self.zones

    @property
    def children_area(self) -> str | None:
        """The area passed as JSX children: the only one, if there is only one."""
        return self.areas[0] if len(self.areas) == 1 else None


@dataclass(frozen=True)
class Library:
    """The components a page may use, by Puck type, and the component drawing the page root
    (None: as Puck's own `<Render>` without `root.render`, a plain `<div>`)."""

    components: Mapping[str, ComponentSpec] = field(default_factory=dict)
    root: ComponentSpec | None = None

    def __post_init__(self) -> None:
        for name, spec in self.components.items():
            if spec.name != name:
                raise LibraryError(f"component {spec.name!r} is listed as {name!r}")
        if self.root is not None:
            if self.root.name in self.components:
                raise LibraryError(f"the root component {self.root.name!r} is also a component")
            if self.root.uses_id:
                raise LibraryError("the root has no id to pass")

    @classmethod
    def of(cls, components: Iterable[ComponentSpec], root: ComponentSpec | None = None) -> Library:
        return cls({spec.name: spec for spec in components}, root)

    @property
    def root_fields(self) -> Mapping[str, Field]:
        """Puck's root has a `title` field unless the config says otherwise."""
        return self.root.fields if self.root is not None else {"title": TextField()}

    def with_component(
        self,
        name: str,
        import_path: str,
        fields: Mapping[str, Field],
        *,
        zones: Iterable[str] = (),
        export: str | None = None,
        uses_id: bool = False,
    ) -> Library:
        """A library with this component added (one of the same name is replaced); the
        library itself, like `DEFAULT_LIBRARY`, stays as it is."""
        spec = ComponentSpec(name, import_path, dict(fields), tuple(zones), export, uses_id)
        return Library({**self.components, name: spec}, self.root)
