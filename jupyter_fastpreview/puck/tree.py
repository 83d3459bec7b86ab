"""Puck data checked against a component library and turned into a tree of elements.

Puck data is `{"root": {"props": {...}}, "content": [item, ...], "zones": {...}}`, an item
`{"type": "Heading", "props": {"id": "Heading-1", ...}}`. Slot fields hold lists of items at
any depth (in `array` and `object` fields too); data saved before slots keeps a DropZone's
items in `zones["<component id>:<zone name>"]`. Anything the library does not describe, or
that is not plain JSON, is a `PuckConversionError` naming where it is.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .errors import Path, PuckConversionError, format_path
from .library import (
    ArrayField,
    ComponentSpec,
    Field,
    JsonField,
    JsonValue,
    Library,
    NumberField,
    ObjectField,
    SelectField,
    SlotField,
    TextareaField,
    TextField,
)
from .tsx import Element, Fragment, Value

ROOT_ID = "root"
"""The id Puck gives the root when naming its zones (`root:<zone>`)."""
# The largest integer a JavaScript number holds exactly.
MAX_SAFE_INTEGER = 2**53 - 1
_ITEM_KEYS = frozenset({"type", "props", "readOnly"})
_DATA_KEYS = frozenset({"root", "content", "zones"})


def page_tree(data: Any, library: Library) -> tuple[Element, list[ComponentSpec]]:
    """The page's root element, and the components it uses (each once, in order of use)."""
    return _Walk(data, library).page()


class _Walk:
    def __init__(self, data: Any, library: Library) -> None:
        self.data = _mapping(data, (), "an object with root, content and zones")
        unknown = sorted(set(self.data) - _DATA_KEYS)
        if unknown:
            raise PuckConversionError((unknown[0],), "not part of Puck data")
        self.library = library
        self.zones = _mapping(self.data.get("zones", {}), ("zones",), "an object of zones")
        self.claimed: set[str] = set()
        self.ids: dict[str, tuple[Path, str]] = {}
        """Item id -> where it is and its type."""
        self.used: dict[str, ComponentSpec] = {}
        self.open: set[int] = set()
        """The containers being walked: meeting one again is a cycle."""

    def page(self) -> tuple[Element, list[ComponentSpec]]:
        root = self.library.root
        with self.entering(self.data.get("root", {}), ("root",)) as raw_root:
            raw = _mapping(raw_root, ("root",), "an object")
            # As Puck's Render: root props are in `root.props`, or (before 0.14) `root` itself.
            path: Path = ("root", "props") if "props" in raw else ("root",)
            props = _mapping(raw.get("props", raw), path, "an object of props")
            owner = root.name if root is not None else "the root"
            attributes = self.props(root, self.library.root_fields, props, path, owner, ROOT_ID)
        items = self.content(self.data.get("content", []), ("content",))
        self.check_zones_claimed()
        if root is None:
            return Element("div", (), items), list(self.used.values())
        return Element(root.name, attributes, items), [root, *self.used.values()]

    # -- content ------------------------------------------------------------------------------

    def content(self, raw: Any, path: Path) -> tuple[Element, ...]:
        with self.entering(raw, path):
            if not isinstance(raw, list):
                raise PuckConversionError(path, _expected("a list of components", raw))
            return tuple(self.item(entry, (*path, index)) for index, entry in enumerate(raw))

    def item(self, raw: Any, path: Path) -> Element:
        with self.entering(raw, path):
            item = _mapping(raw, path, "a component ({type, props})")
            unknown = sorted(set(item) - _ITEM_KEYS)
            if unknown:
                raise PuckConversionError((*path, unknown[0]), "not part of a Puck component")
            spec = self.component(item.get("type"), (*path, "type"))
            props = _mapping(item.get("props"), (*path, "props"), "an object of props")
            item_id = self.claim_id(props.get("id"), path, spec)
            attributes = self.props(spec, spec.fields, props, (*path, "props"), spec.name, item_id)
        self.used.setdefault(spec.name, spec)
        children: tuple[Element, ...] = ()
        if spec.children_area is not None:
            area = dict(attributes).get(spec.children_area)
            children = area.items if isinstance(area, Fragment) else ()
            attributes = tuple(pair for pair in attributes if pair[0] != spec.children_area)
        if spec.uses_id:
            attributes = (("id", item_id), *attributes)
        return Element(spec.name, attributes, children)

    def component(self, kind: Any, path: Path) -> ComponentSpec:
        spec = self.library.components.get(kind) if isinstance(kind, str) else None
        if spec is None:
            known = ", ".join(sorted(self.library.components)) or "nothing"
            raise PuckConversionError(
                path, f"unknown component type {_show(kind)} (the library has {known})"
            )
        return spec

    def claim_id(self, item_id: Any, path: Path, spec: ComponentSpec) -> str:
        """The item's id, which must be its own (zones and React keys go by it)."""
        id_path = (*path, "props", "id")
        if not isinstance(item_id, str) or not item_id:
            raise PuckConversionError(id_path, _expected("the component's id", item_id))
        if item_id in self.ids or item_id == ROOT_ID:
            where = self.ids[item_id][0] if item_id in self.ids else ("root",)
            raise PuckConversionError(
                id_path, f"{_show(item_id)} is already the id of {format_path(where)}"
            )
        self.ids[item_id] = (path, spec.name)
        return item_id

    # -- props --------------------------------------------------------------------------------

    def props(
        self,
        spec: ComponentSpec | None,
        fields: Mapping[str, Field],
        props: Mapping[str, Any],
        path: Path,
        owner: str,
        owner_id: str,
    ) -> tuple[tuple[str, Value], ...]:
        """The props as attributes, in the order of the fields (then the zones)."""
        for name in props:
            if name != "id" and name not in fields:
                raise PuckConversionError((*path, name), _no_field(owner, name, fields))
        attributes = [
            (name, self.value(kind, props[name], (*path, name)))
            for name, kind in fields.items()
            if name in props
        ]
        for zone in spec.zones if spec is not None else ():
            key = f"{owner_id}:{zone}"
            if key in self.zones:
                self.claimed.add(key)
                attributes.append((zone, Fragment(self.content(self.zones[key], ("zones", key)))))
        return tuple(attributes)

    def value(self, kind: Field, raw: Any, path: Path) -> Value:
        if isinstance(kind, (TextField, TextareaField)):
            if not isinstance(raw, str):
                raise PuckConversionError(path, _expected(f"a string ({kind.type} field)", raw))
            return raw
        if isinstance(kind, NumberField):
            return _number(raw, path)
        if isinstance(kind, SelectField):
            return self.choice(kind, raw, path)
        if isinstance(kind, SlotField):
            return Fragment(self.content(raw, path))
        if isinstance(kind, ArrayField):
            return self.array(kind, raw, path)
        if isinstance(kind, ObjectField):
            return self.object(kind.fields, raw, path, "this object")
        if isinstance(kind, JsonField):
            return self.json(raw, path)
        raise PuckConversionError(path, f"the library has a field of unknown kind {kind!r}")

    def choice(self, kind: SelectField, raw: Any, path: Path) -> Value:
        value = self.json(raw, path)
        if not any(_same(value, option) for option in kind.options):
            options = ", ".join(_show(option) for option in kind.options)
            raise PuckConversionError(
                path, f"{_show(raw)} is not an option of this {kind.type} field ({options})"
            )
        return value

    def array(self, kind: ArrayField, raw: Any, path: Path) -> Value:
        with self.entering(raw, path):
            if not isinstance(raw, list):
                raise PuckConversionError(path, _expected("a list (array field)", raw))
            return [
                self.object(kind.fields, item, (*path, i), "this array item")
                for i, item in enumerate(raw)
            ]

    def object(self, fields: Mapping[str, Field], raw: Any, path: Path, owner: str) -> Value:
        with self.entering(raw, path):
            value = _mapping(raw, path, "an object")
            for name in value:
                if name not in fields:
                    raise PuckConversionError((*path, name), _no_field(owner, name, fields))
            return {
                name: self.value(kind, value[name], (*path, name))
                for name, kind in fields.items()
                if name in value
            }

    def json(self, raw: Any, path: Path) -> Value:
        """A copy of a plain JSON value; anything else (NaN, functions, sets, cycles) fails."""
        if raw is None or isinstance(raw, (bool, str)):
            return raw
        if isinstance(raw, (int, float)):
            return _number(raw, path)
        with self.entering(raw, path):
            if isinstance(raw, list):
                return [self.json(item, (*path, index)) for index, item in enumerate(raw)]
            if isinstance(raw, dict):
                for key in raw:
                    if not isinstance(key, str):
                        raise PuckConversionError(path, f"the key {key!r} is not a string")
                return {key: self.json(item, (*path, key)) for key, item in raw.items()}
        raise PuckConversionError(
            path, f"{_kind(raw)} is not a JSON value and cannot be written into a page"
        )

    # -- zones and cycles ---------------------------------------------------------------------

    def check_zones_claimed(self) -> None:
        for key in self.zones:
            if key in self.claimed:
                continue
            item_id, colon, zone = str(key).partition(":")
            if not colon:
                reason = 'a zone is named "<component id>:<zone name>"'
            elif item_id in self.ids:
                reason = f"{self.ids[item_id][1]} {_show(item_id)} has no zone named {_show(zone)}"
            elif item_id == ROOT_ID:
                reason = f"the root has no zone named {_show(zone)}"
            else:
                reason = f"no component has the id {_show(item_id)}"
            raise PuckConversionError(("zones", str(key)), reason)

    @contextmanager
    def entering(self, container: Any, path: Path) -> Iterator[Any]:
        """Walk into a list or dict, unless it is already being walked (a cycle)."""
        if not isinstance(container, (list, dict)):
            yield container
            return
        if id(container) in self.open:
            raise PuckConversionError(path, "the value contains itself (a cycle)")
        self.open.add(id(container))
        try:
            yield container
        finally:
            self.open.discard(id(container))


def _number(raw: Any, path: Path) -> Value:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise PuckConversionError(path, _expected("a number", raw))
    if isinstance(raw, float) and not math.isfinite(raw):
        text = "NaN" if math.isnan(raw) else "Infinity" if raw > 0 else "-Infinity"
        raise PuckConversionError(path, f"{text} is not a finite number")
    if isinstance(raw, int) and abs(raw) > MAX_SAFE_INTEGER:
        raise PuckConversionError(path, f"{raw} is beyond the integers JavaScript holds exactly")
    return int(raw) if isinstance(raw, int) else float(raw)  # not an IntEnum's repr


def _same(value: Value, option: JsonValue) -> bool:
    """JSON equality, as JavaScript compares option values: `true` is not `1`, `1.0` is."""
    if isinstance(value, bool) or isinstance(option, bool):
        return value is option
    if isinstance(value, (int, float)) and isinstance(option, (int, float)):
        return value == option
    if isinstance(value, list) and isinstance(option, list):
        return len(value) == len(option) and all(map(_same, value, option))
    if isinstance(value, dict) and isinstance(option, dict):
        return value.keys() == option.keys() and all(_same(value[k], option[k]) for k in value)
    return type(value) is type(option) and value == option


def _mapping(raw: Any, path: Path, what: str) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise PuckConversionError(path, _expected(what, raw))
    return raw


def _no_field(owner: str, name: str, fields: Mapping[str, Field]) -> str:
    known = ", ".join(fields) or "none"
    return f"{owner} has no field {_show(name)} (its fields: {known})"


def _expected(what: str, raw: Any) -> str:
    return f"expected {what}, got {_show(raw)}" + (f" ({_kind(raw)})" if raw is not None else "")


def _kind(raw: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if raw is None:
        return "null"
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return "a number"
    return names.get(type(raw), f"a Python {type(raw).__name__}")


def _show(raw: Any) -> str:
    """A value as a message quotes it: JSON-like, cut short."""
    if isinstance(raw, dict):
        return "{...}"
    if isinstance(raw, list):
        return "[...]"
    if raw is None or isinstance(raw, (bool, str)):
        return json.dumps(raw if not isinstance(raw, str) or len(raw) <= 40 else raw[:37] + "...")
    text = repr(raw)
    return text if len(text) <= 40 else text[:37] + "..."
