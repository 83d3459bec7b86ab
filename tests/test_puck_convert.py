"""Puck data -> TSX: a table of data and the exact module expected for it, the errors for data
that cannot be a page, and the library description's own checks.

The browser test (tests/browser/test_puck_render.py) shows the modules draw what Puck draws;
these pin the text itself: imports, literals, escaping, formatting, determinism.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest

from jupyter_fastpreview.esbuild import get_service
from jupyter_fastpreview.puck import (
    DEFAULT_LIBRARY,
    ArrayField,
    ComponentSpec,
    CustomField,
    ExternalField,
    Library,
    LibraryError,
    NumberField,
    ObjectField,
    PuckConversionError,
    RadioField,
    SelectField,
    SlotField,
    TextField,
    field_from_puck,
    fields_from_puck,
    library_files,
    puck_to_tsx,
)


def item(kind: str, id: str, **props: Any) -> dict[str, Any]:
    return {"type": kind, "props": {"id": id, **props}}


# An app's library: the default one and its own components (a slot inside an object field,
# legacy DropZones, a component taking its id and exported as default, JSON fields).
APP = (
    DEFAULT_LIBRARY.with_component(
        "Panel",
        "./Panel",
        {
            "tone": SelectField(("plain", "loud")),
            "body": ObjectField({"heading": TextField(), "content": SlotField()}),
        },
    )
    .with_component("Box", "./legacy", {"label": TextField()}, zones=("inner",))
    .with_component("Twin", "./legacy", {}, zones=("left", "right"))
    .with_component("Anchor", "./Anchor", {"text": TextField()}, uses_id=True, export="default")
    .with_component("Chart", "./Chart", {"spec": CustomField(), "source": ExternalField()})
)
BARE = Library.of([ComponentSpec("Note", "./Note", {"text": TextField()})])
LAYOUT = Library.of(
    [ComponentSpec("Note", "./Note", {"text": TextField()})],
    root=ComponentSpec(
        "Layout", "./Layout", {"title": TextField(), "sidebar": SlotField()}, zones=("footer",)
    ),
)

EVERY_COMPONENT = {
    "root": {"props": {"title": "Every component"}},
    "content": [
        item("Heading", "Heading-1", text="Welcome", level=1, align="center"),
        item("Text", "Text-1", text="Hello", size="large", align="right"),
        item("Button", "Button-1", label="Go", href="/go", variant="secondary"),
        item("Image", "Image-1", src="/logo.png", alt="Logo", width=120),
        item("Card", "Card-1", title="Card", body="Body", content=[item("Divider", "Divider-1")]),
        item(
            "Columns",
            "Columns-1",
            columns=[{"span": 2, "content": [item("Spacer", "Spacer-1", size=8)]}],
            gap=12,
        ),
        item("Grid", "Grid-1", columns=2, gap=4, items=[]),
        item("Flex", "Flex-1", direction="column", gap=2, justify="between", items=[]),
        item("Split", "Split-1", ratio="2:1", left=[], right=[]),
        item(
            "Hero",
            "Hero-1",
            title="Hero",
            subtitle="Sub",
            image={"src": "/hero.png", "alt": "Hero"},
            align="left",
            actions=[item("Button", "Button-2", label="Start")],
        ),
        item("List", "List-1", items=[{"text": "One"}, {"text": "Two"}], ordered=True),
    ],
}
EVERY_COMPONENT_TSX = """\
// Generated from Puck data by jupyter_fastpreview.
import {
  Button,
  Card,
  Columns,
  Divider,
  Flex,
  Grid,
  Heading,
  Hero,
  Image,
  List,
  Page,
  Spacer,
  Split,
  Text,
} from "./puck/components";

export default function PuckPage() {
  return (
    <Page title="Every component">
      <Heading text="Welcome" level={1} align="center" />
      <Text text="Hello" size="large" align="right" />
      <Button label="Go" href="/go" variant="secondary" />
      <Image src="/logo.png" alt="Logo" width={120} />
      <Card title="Card" body="Body">
        <Divider />
      </Card>
      <Columns
        columns={[
          {
            span: 2,
            content: (
              <>
                <Spacer size={8} />
              </>
            ),
          },
        ]}
        gap={12}
      />
      <Grid columns={2} gap={4} />
      <Flex direction="column" gap={2} justify="between" />
      <Split ratio="2:1" left={<></>} right={<></>} />
      <Hero
        title="Hero"
        subtitle="Sub"
        image={{ src: "/hero.png", alt: "Hero" }}
        align="left"
      >
        <Button label="Start" />
      </Hero>
      <List items={[{ text: "One" }, { text: "Two" }]} ordered={true} />
    </Page>
  );
}
"""

# Four levels of slots: a slot field, a slot in an array field, a slot in an object field.
NESTED = {
    "root": {"props": {"title": "Nested"}},
    "content": [
        item(
            "Card",
            "c1",
            title="One",
            content=[
                item(
                    "Columns",
                    "co1",
                    columns=[
                        {
                            "span": 1,
                            "content": [
                                item(
                                    "Panel",
                                    "p1",
                                    tone="loud",
                                    body={
                                        "heading": "Three",
                                        "content": [
                                            item(
                                                "Flex",
                                                "f1",
                                                direction="column",
                                                items=[item("Text", "t1", text="Four")],
                                            )
                                        ],
                                    },
                                )
                            ],
                        },
                        {"span": 2, "content": []},
                    ],
                )
            ],
        )
    ],
}
NESTED_TSX = """\
// Generated from Puck data by jupyter_fastpreview.
import { Panel } from "./Panel";
import { Card, Columns, Flex, Page, Text } from "./puck/components";

export default function PuckPage() {
  return (
    <Page title="Nested">
      <Card title="One">
        <Columns
          columns={[
            {
              span: 1,
              content: (
                <>
                  <Panel
                    tone="loud"
                    body={{
                      heading: "Three",
                      content: (
                        <>
                          <Flex direction="column">
                            <Text text="Four" />
                          </Flex>
                        </>
                      ),
                    }}
                  />
                </>
              ),
            },
            { span: 2, content: <></> },
          ]}
        />
      </Card>
    </Page>
  );
}
"""

# A component with one zone gets its items as children, one with two gets named props.
ZONES = {
    "root": {"props": {}},
    "content": [item("Box", "b1", label="Box"), item("Twin", "tw1")],
    "zones": {
        "b1:inner": [item("Twin", "tw2")],
        "tw2:left": [item("Divider", "d1")],
        "tw2:right": [],
        "tw1:right": [item("Spacer", "s1", size=4)],
    },
}
ZONES_TSX = """\
// Generated from Puck data by jupyter_fastpreview.
import { Box, Twin } from "./legacy";
import { Divider, Page, Spacer } from "./puck/components";

export default function PuckPage() {
  return (
    <Page>
      <Box label="Box">
        <Twin
          left={
            <>
              <Divider />
            </>
          }
          right={<></>}
        />
      </Box>
      <Twin
        right={
          <>
            <Spacer size={4} />
          </>
        }
      />
    </Page>
  );
}
"""

ESCAPING = {
    "root": {"props": {"title": "</script><script>alert(1)</script>"}},
    "content": [
        item("Heading", "h1", text="Say \"hi\" and 'bye'"),
        item("Text", "t1", text="{braces} `tick` ${x} a\\b"),
        item("Text", "t2", text="line\nbreak\r\ttab \u2028\u2029 end"),
        item("Button", "b1", label="caf\u00e9 \U0001f600 \u200b\u202e", href="?a=1&b=2"),
        item("List", "l1", items=[{"text": "<!-- x -->"}, {"text": "\x00\U000e0001"}]),
    ],
}
ESCAPING_TSX = """\
// Generated from Puck data by jupyter_fastpreview.
import { Button, Heading, List, Page, Text } from "./puck/components";

export default function PuckPage() {
  return (
    <Page title={"\\u003C/script>\\u003Cscript>alert(1)\\u003C/script>"}>
      <Heading text={"Say \\"hi\\" and 'bye'"} />
      <Text text={"{braces} `tick` ${x} a\\\\b"} />
      <Text text={"line\\nbreak\\r\\ttab \\u2028\\u2029 end"} />
      <Button label={"caf\u00e9 \U0001f600 \\u200B\\u202E"} href={"?a=1&b=2"} />
      <List
        items={[
          { text: "\\u003C!-- x -->" },
          { text: "\\u0000\\uDB40\\uDC01" },
        ]}
      />
    </Page>
  );
}
"""

JSON_VALUES = {
    "root": {},
    "content": [
        item(
            "Chart",
            "ch1",
            spec={
                "mark": "bar",
                "data-url": "/d.json",
                "__proto__": {"x": 1},
                "values": [1, 2.5, -3, None, True],
            },
            source=None,
        ),
        item("Anchor", "a1", text="Top"),
    ],
}
JSON_VALUES_TSX = """\
// Generated from Puck data by jupyter_fastpreview.
import { default as Anchor } from "./Anchor";
import { Chart } from "./Chart";
import { Page } from "./puck/components";

export default function PuckPage() {
  return (
    <Page>
      <Chart
        spec={{
          mark: "bar",
          "data-url": "/d.json",
          ["__proto__"]: { x: 1 },
          values: [1, 2.5, -3, null, true],
        }}
        source={null}
      />
      <Anchor id="a1" text="Top" />
    </Page>
  );
}
"""

NUMBERS_AND_WIDTH = {
    "root": {"props": {"title": "Numbers"}},
    "content": [
        item("Spacer", "s1", size=0.5),
        item("Spacer", "s2", size=-3),
        item("Spacer", "s3", size=9007199254740991),
        item("Spacer", "s4", size=1e-7),
        item(
            "Image",
            "i1",
            src="https://images.example.com/a/very/long/path/to/an/image.png",
            alt="An image whose description makes the tag too long",
            width=640,
        ),
        item(
            "List",
            "l1",
            items=[{"text": "A longer first item"}, {"text": "and a second one"}, {"text": "3"}],
        ),
    ],
}
NUMBERS_AND_WIDTH_TSX = """\
// Generated from Puck data by jupyter_fastpreview.
import { Image, List, Page, Spacer } from "./puck/components";

export default function PuckPage() {
  return (
    <Page title="Numbers">
      <Spacer size={0.5} />
      <Spacer size={-3} />
      <Spacer size={9007199254740991} />
      <Spacer size={1e-07} />
      <Image
        src="https://images.example.com/a/very/long/path/to/an/image.png"
        alt="An image whose description makes the tag too long"
        width={640}
      />
      <List
        items={[
          { text: "A longer first item" },
          { text: "and a second one" },
          { text: "3" },
        ]}
      />
    </Page>
  );
}
"""

# Root props in `root` itself (before Puck 0.14), and a library without a root component:
# Puck's <Render> then draws the content in a plain <div> and nothing of the title.
LEGACY_ROOT = {"root": {"title": "Old data"}, "content": [item("Note", "n1", text="Hi")]}
LEGACY_ROOT_TSX = """\
// Generated from Puck data by jupyter_fastpreview.
import { Note } from "./Note";

export default function PuckPage() {
  return (
    <div>
      <Note text="Hi" />
    </div>
  );
}
"""

ROOT_AREAS = {
    "root": {"props": {"title": "Layout", "sidebar": [item("Note", "n1", text="Side")]}},
    "content": [item("Note", "n2", text="Main")],
    "zones": {"root:footer": [item("Note", "n3", text="Foot")]},
}
ROOT_AREAS_TSX = """\
// Generated from Puck data by jupyter_fastpreview.
import { Layout } from "./Layout";
import { Note } from "./Note";

export default function PuckPage() {
  return (
    <Layout
      title="Layout"
      sidebar={
        <>
          <Note text="Side" />
        </>
      }
      footer={
        <>
          <Note text="Foot" />
        </>
      }
    >
      <Note text="Main" />
    </Layout>
  );
}
"""

EMPTY_TSX = """\
// Generated from Puck data by jupyter_fastpreview.
import { Page } from "./puck/components";

export default function PuckPage() {
  return (
    <Page />
  );
}
"""

CASES = {
    "empty page": ({"root": {}, "content": []}, DEFAULT_LIBRARY, EMPTY_TSX),
    "every default component": (EVERY_COMPONENT, DEFAULT_LIBRARY, EVERY_COMPONENT_TSX),
    "nested slots in slot, array and object fields": (NESTED, APP, NESTED_TSX),
    "legacy zones": (ZONES, APP, ZONES_TSX),
    "escaping": (ESCAPING, DEFAULT_LIBRARY, ESCAPING_TSX),
    "json fields, id and aliased export": (JSON_VALUES, APP, JSON_VALUES_TSX),
    "numbers and long tags": (NUMBERS_AND_WIDTH, DEFAULT_LIBRARY, NUMBERS_AND_WIDTH_TSX),
    "legacy root, no root component": (LEGACY_ROOT, BARE, LEGACY_ROOT_TSX),
    "root slots and zones": (ROOT_AREAS, LAYOUT, ROOT_AREAS_TSX),
}


@pytest.mark.parametrize("name", CASES)
def test_data_becomes_the_expected_module(name: str) -> None:
    data, library, expected = CASES[name]
    assert puck_to_tsx(data, library) == expected


@pytest.mark.parametrize("name", CASES)
def test_generated_module_compiles(name: str) -> None:
    data, library, _ = CASES[name]
    result = get_service().transform(puck_to_tsx(data, library), loader="tsx", jsx="automatic")
    assert "export default function PuckPage" in result.code
    assert not result.warnings


def _types(value: Any) -> set[str]:
    """The component types anywhere in some data."""
    if isinstance(value, list):
        return set().union(*map(_types, value))
    if not isinstance(value, dict):
        return set()
    own = {value["type"]} if isinstance(value.get("type"), str) else set()
    return own.union(*map(_types, value.values()))


def test_every_default_component_is_in_the_table() -> None:
    assert _types(EVERY_COMPONENT) == set(DEFAULT_LIBRARY.components)


def test_component_name() -> None:
    source = puck_to_tsx({"root": {}, "content": []}, DEFAULT_LIBRARY, component_name="App")
    assert "export default function App() {" in source
    with pytest.raises(ValueError, match="not a component identifier"):
        puck_to_tsx({"root": {}, "content": []}, DEFAULT_LIBRARY, component_name="app")


def _shuffled(value: Any, rng: random.Random) -> Any:
    """The same data with every object's keys in another order."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: _shuffled(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [_shuffled(entry, rng) for entry in value]
    return value


@pytest.mark.parametrize(
    "name",
    ["every default component", "nested slots in slot, array and object fields", "legacy zones"],
)
def test_output_is_deterministic(name: str) -> None:
    data, library, expected = CASES[name]
    assert puck_to_tsx(copy.deepcopy(data), library) == puck_to_tsx(data, library) == expected
    for seed in range(5):
        assert puck_to_tsx(_shuffled(data, random.Random(seed)), library) == expected


def test_converting_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    puck_to_tsx(EVERY_COMPONENT, DEFAULT_LIBRARY)
    with pytest.raises(PuckConversionError):
        puck_to_tsx({"content": [item("Nope", "n1")]}, DEFAULT_LIBRARY)
    assert list(tmp_path.iterdir()) == []


# -- errors ----------------------------------------------------------------------------------


def _cycle() -> dict[str, Any]:
    spec: dict[str, Any] = {"name": "loop"}
    spec["self"] = spec
    return spec


def _slot_cycle() -> dict[str, Any]:
    card = item("Card", "c1", content=[])
    card["props"]["content"].append(card)
    return card


def _content(*items: Any) -> dict[str, Any]:
    return {"root": {"props": {}}, "content": list(items)}


ERRORS: dict[str, tuple[Any, str]] = {
    "not an object": (
        [],
        "data: expected an object with root, content and zones, got [...] (a list)",
    ),
    "unknown top-level key": ({"content": [], "version": 2}, "version: not part of Puck data"),
    "content not a list": (
        {"content": {"a": 1}},
        "content: expected a list of components, got {...} (an object)",
    ),
    "unknown component type": (
        _content(item("Heading", "h1"), item("Carousel", "c1")),
        'content[1].type: unknown component type "Carousel" (the library has Anchor, Box, '
        "Button, Card, Chart, Columns, Divider, Flex, Grid, Heading, Hero, Image, List, Panel, "
        "Spacer, Split, Text, Twin)",
    ),
    "item without type": (
        _content({"props": {"id": "x"}}),
        "content[0].type: unknown component type null (the library has Anchor, Box, Button, "
        "Card, Chart, Columns, Divider, Flex, Grid, Heading, Hero, Image, List, Panel, Spacer, "
        "Split, Text, Twin)",
    ),
    "unknown item key": (
        _content({**item("Divider", "d1"), "children": []}),
        "content[0].children: not part of a Puck component",
    ),
    "missing id": (
        _content({"type": "Divider", "props": {}}),
        "content[0].props.id: expected the component's id, got null",
    ),
    "duplicate id": (
        _content(item("Divider", "d1"), item("Card", "c1", content=[item("Divider", "d1")])),
        'content[1].props.content[0].props.id: "d1" is already the id of content[0]',
    ),
    "unknown prop": (
        _content(item("Heading", "h1", colour="red")),
        'content[0].props.colour: Heading has no field "colour" (its fields: text, level, align)',
    ),
    "number for a text field": (
        _content(item("Heading", "h1", text=42)),
        "content[0].props.text: expected a string (text field), got 42 (a number)",
    ),
    "object for a text field": (
        _content(item("Text", "t1", text={"html": "<b>x</b>"})),
        "content[0].props.text: expected a string (textarea field), got {...} (an object)",
    ),
    "not an option": (
        _content(item("Heading", "h1", level=7)),
        "content[0].props.level: 7 is not an option of this select field (1, 2, 3, 4)",
    ),
    "string for a number option": (
        _content(item("Heading", "h1", level="2")),
        'content[0].props.level: "2" is not an option of this select field (1, 2, 3, 4)',
    ),
    "1 for a boolean option": (
        _content(item("List", "l1", ordered=1)),
        "content[0].props.ordered: 1 is not an option of this radio field (false, true)",
    ),
    "boolean for a number": (
        _content(item("Spacer", "s1", size=True)),
        "content[0].props.size: expected a number, got true (a boolean)",
    ),
    "NaN": (
        _content(item("Spacer", "s1", size=float("nan"))),
        "content[0].props.size: NaN is not a finite number",
    ),
    "infinity": (
        _content(item("Spacer", "s1", size=float("-inf"))),
        "content[0].props.size: -Infinity is not a finite number",
    ),
    "unsafe integer": (
        _content(item("Spacer", "s1", size=2**53)),
        "content[0].props.size: 9007199254740992 is beyond the integers JavaScript holds exactly",
    ),
    "array item field": (
        _content(item("List", "l1", items=[{"text": "a"}, {"text": "b", "title": "c"}])),
        'content[0].props.items[1].title: this array item has no field "title" (its fields: text)',
    ),
    "array item type, deep": (
        _content(
            item("Columns", "co1", columns=[{"content": [item("List", "l1", items=[{"text": 1}])]}])
        ),
        "content[0].props.columns[0].content[0].props.items[0].text: expected a string (text "
        "field), got 1 (a number)",
    ),
    "array field not a list": (
        _content(item("List", "l1", items={"text": "a"})),
        "content[0].props.items: expected a list (array field), got {...} (an object)",
    ),
    "object field": (
        _content(item("Hero", "he1", image={"url": "/x.png"})),
        'content[0].props.image.url: this object has no field "url" (its fields: src, alt)',
    ),
    "slot not a list": (
        _content(item("Card", "c1", content="text")),
        'content[0].props.content: expected a list of components, got "text" (a string)',
    ),
    "slot item not an object": (
        _content(item("Card", "c1", content=["text"])),
        'content[0].props.content[0]: expected a component ({type, props}), got "text" (a string)',
    ),
    "function in a custom field": (
        _content(item("Chart", "ch1", spec={"render": print})),
        "content[0].props.spec.render: a Python builtin_function_or_method is not a JSON value "
        "and cannot be written into a page",
    ),
    "set in an external field": (
        _content(item("Chart", "ch1", source={1, 2})),
        "content[0].props.source: a Python set is not a JSON value and cannot be written into a "
        "page",
    ),
    "key not a string": (
        _content(item("Chart", "ch1", spec={1: "one"})),
        "content[0].props.spec: the key 1 is not a string",
    ),
    "cycle in a value": (
        _content(item("Chart", "ch1", spec=_cycle())),
        "content[0].props.spec.self: the value contains itself (a cycle)",
    ),
    "cycle through a slot": (
        _content(_slot_cycle()),
        "content[0].props.content[0]: the value contains itself (a cycle)",
    ),
    "unknown root prop": (
        {"root": {"props": {"theme": "dark"}}, "content": []},
        'root.props.theme: Page has no field "theme" (its fields: title)',
    ),
    "zones not an object": (
        {"content": [], "zones": []},
        "zones: expected an object of zones, got [...] (a list)",
    ),
    "zone of an unknown id": (
        {"content": [], "zones": {"nope:inner": []}},
        'zones["nope:inner"]: no component has the id "nope"',
    ),
    "zone a component does not declare": (
        {"content": [item("Box", "b1")], "zones": {"b1:outer": []}},
        'zones["b1:outer"]: Box "b1" has no zone named "outer"',
    ),
    "zone of the root": (
        {"content": [], "zones": {"root:footer": []}},
        'zones["root:footer"]: the root has no zone named "footer"',
    ),
    "zone key without a colon": (
        {"content": [], "zones": {"inner": []}},
        'zones.inner: a zone is named "<component id>:<zone name>"',
    ),
    "bad item in a zone": (
        {"content": [item("Twin", "tw1")], "zones": {"tw1:left": [item("Spacer", "s1", size="4")]}},
        'zones["tw1:left"][0].props.size: expected a number, got "4" (a string)',
    ),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_name_the_path(name: str) -> None:
    data, message = ERRORS[name]
    with pytest.raises(PuckConversionError) as caught:
        puck_to_tsx(data, APP)
    assert str(caught.value) == message
    assert caught.value.path == message.split(": ")[0]


def test_a_component_named_like_the_page_is_an_error() -> None:
    with pytest.raises(PuckConversionError) as caught:
        puck_to_tsx(_content(item("Divider", "d1")), APP, component_name="Divider")
    assert str(caught.value) == (
        "data: the page uses a component named Divider, the name of the page"
    )


def test_too_deep_nesting_is_an_error() -> None:
    content: list[Any] = []
    data = {"content": content}
    for depth in range(5000):
        inner: list[Any] = []
        content.append(item("Card", f"c{depth}", content=inner))
        content = inner
    with pytest.raises(PuckConversionError, match="nested too deeply"):
        puck_to_tsx(data, DEFAULT_LIBRARY)


# -- the library description -----------------------------------------------------------------


def test_with_component_leaves_the_library_as_it_was() -> None:
    button = ComponentSpec("Button", "./MyButton", {"text": TextField()})
    library = DEFAULT_LIBRARY.with_component("Button", "./MyButton", {"text": TextField()})
    assert library.components["Button"] == button
    assert DEFAULT_LIBRARY.components["Button"].import_path == "./puck/components"
    assert "Panel" in APP.components and "Panel" not in DEFAULT_LIBRARY.components


def test_areas_and_children() -> None:
    assert DEFAULT_LIBRARY.components["Card"].children_area == "content"
    assert DEFAULT_LIBRARY.components["Split"].areas == ("left", "right")
    assert DEFAULT_LIBRARY.components["Split"].children_area is None
    assert DEFAULT_LIBRARY.components["Columns"].areas == ()  # its slots are in an array
    assert APP.components["Box"].children_area == "inner"


def test_fields_from_puck_reads_a_puck_config() -> None:
    fields = fields_from_puck(
        {
            "title": {"type": "text", "label": "Title", "placeholder": "..."},
            "size": {"type": "number", "min": 0},
            "kind": {"type": "radio", "options": [{"label": "A", "value": "a"}]},
            "rows": {
                "type": "array",
                "arrayFields": {"cells": {"type": "slot"}},
                "getItemSummary": None,
            },
            "meta": {"type": "object", "objectFields": {"source": {"type": "external"}}},
            "extra": {"type": "custom"},
        }
    )
    assert fields == {
        "title": TextField(),
        "size": NumberField(),
        "kind": RadioField(("a",)),
        "rows": ArrayField({"cells": SlotField()}),
        "meta": ObjectField({"source": ExternalField()}),
        "extra": CustomField(),
    }


@pytest.mark.parametrize("name", sorted(DEFAULT_LIBRARY.components))
def test_fields_round_trip_through_puck_form(name: str) -> None:
    fields = DEFAULT_LIBRARY.components[name].fields
    puck_form = {field: kind.to_puck() for field, kind in fields.items()}
    assert fields_from_puck(json.loads(json.dumps(puck_form))) == fields


LIBRARY_ERRORS = {
    "lower-case name": (
        lambda: ComponentSpec("card", "./x"),
        "component name 'card' must be an identifier starting with an upper-case letter",
    ),
    "reserved field": (
        lambda: ComponentSpec("Card", "./x", {"id": TextField()}),
        "Card: 'id' cannot be the name of a field",
    ),
    "field not an attribute name": (
        lambda: ComponentSpec("Card", "./x", {"my title": TextField()}),
        "Card: 'my title' cannot be the name of a field",
    ),
    "zone named like a field": (
        lambda: ComponentSpec("Card", "./x", {"body": TextField()}, zones=("body",)),
        "Card: zone 'body' has the name of a field",
    ),
    "children clash": (
        lambda: ComponentSpec("Card", "./x", {"children": TextField(), "items": SlotField()}),
        "Card: its only area 'items' is passed as children",
    ),
    "not a field": (
        lambda: ComponentSpec("Card", "./x", {"body": "text"}),  # type: ignore[dict-item]
        "Card.body: 'text' is not a Field",
    ),
    "export not an identifier": (
        lambda: ComponentSpec("Card", "./x", export="my-card"),
        "Card: export 'my-card' is not an identifier",
    ),
    "no options": (lambda: SelectField(()), "a select field needs a tuple of option values"),
    "option not JSON": (
        lambda: RadioField((float("nan"),)),
        "radio option nan is not a JSON value",
    ),
    "rich text": (
        lambda: field_from_puck({"type": "richtext"}),
        "field: unsupported field type 'richtext' (Puck renders rich text",
    ),
    "unknown field type": (
        lambda: fields_from_puck({"x": {"type": "color"}}),
        "fields.x: unsupported field type 'color' (not a Puck field type)",
    ),
    "options without values": (
        lambda: fields_from_puck({"x": {"type": "select", "options": ["a"]}}),
        "fields.x.options: expected a list of {label, value} options",
    ),
    "root also a component": (
        lambda: Library.of([ComponentSpec("Page", "./x")], root=ComponentSpec("Page", "./y")),
        "the root component 'Page' is also a component",
    ),
}


@pytest.mark.parametrize("name", LIBRARY_ERRORS)
def test_library_errors(name: str) -> None:
    make, message = LIBRARY_ERRORS[name]
    with pytest.raises(LibraryError) as caught:
        make()
    assert str(caught.value).startswith(message)


def test_library_files() -> None:
    files = library_files()
    assert sorted(files) == ["src/puck/components.tsx", "src/puck/puck.config.tsx"]
    for name in [*DEFAULT_LIBRARY.components, "Page", "Slot"]:
        assert f"export function {name}(" in files["src/puck/components.tsx"]
    assert 'from "./components"' in files["src/puck/puck.config.tsx"]
