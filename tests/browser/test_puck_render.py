"""The page generated from Puck data draws, in Chromium, the DOM Puck's own `<Render>` draws
from the same data and config; and the converter's description of the default library is the
shipped Puck config's.

Each fixture is bundled twice by esbuild (one build, all entries, React and Puck from the
package's development vendor build, so React's warnings show): Puck's `<Render>` over the
data, and the generated `PuckPage`. Both are rendered synchronously (`flushSync`) into
`#root`, whose `innerHTML` is compared as it is: no normalisation, Puck's `<Render>` adds no
wrapper of its own beyond the `<div>` of each zone and slot, which the components draw too.
The bundles are served from memory through Playwright's routing (no server, no network).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_fastpreview.bundle.production import vendor_react
from jupyter_fastpreview.esbuild import get_service
from jupyter_fastpreview.puck import (
    DEFAULT_LIBRARY,
    Library,
    ObjectField,
    SelectField,
    SlotField,
    TextField,
    fields_from_puck,
    library_files,
    puck_to_tsx,
)

VENDOR = Path(__file__).resolve().parents[2] / "jupyter_fastpreview" / "vendor" / "development"
ORIGIN = "http://puck.test"
PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"

# An app's own components, registered with the library: a slot inside an object field and a
# component using its id, and a component with DropZones (data saved before slots).
CUSTOM_TSX = """\
import { Slot, type SlotContent } from "./puck/components";

export function Panel({ id, tone = "plain", body }: {
  id?: string;
  tone?: "plain" | "loud";
  body?: { heading?: string; content?: SlotContent };
}) {
  return (
    <section id={id} data-tone={tone}>
      <h4>{body?.heading}</h4>
      <Slot content={body?.content} className="panel-body" />
    </section>
  );
}

export function Legacy({ label, left, right }: {
  label?: string;
  left?: SlotContent;
  right?: SlotContent;
}) {
  return (
    <div className="legacy">
      <strong>{label}</strong>
      <Slot content={left} className="left" />
      <Slot content={right} className="right" />
    </div>
  );
}
"""

CUSTOM_CONFIG_TSX = """\
import type { Config } from "@puckeditor/core";
import { config as base } from "./puck/puck.config";
import type { SlotProps } from "./puck/components";
import { Legacy, Panel } from "./custom";

export const config: Config = {
  ...base,
  components: {
    ...base.components,
    Panel: {
      fields: {
        tone: {
          type: "select",
          options: [{ label: "Plain", value: "plain" }, { label: "Loud", value: "loud" }],
        },
        body: {
          type: "object",
          objectFields: { heading: { type: "text" }, content: { type: "slot" } },
        },
      },
      render: ({ id, tone, body }) => <Panel id={id} tone={tone} body={body} />,
    },
    Legacy: {
      fields: { label: { type: "text" } },
      render: ({ label, puck }) => (
        <Legacy
          label={label}
          left={(props: SlotProps) => puck.renderDropZone({ ...props, zone: "left" })}
          right={(props: SlotProps) => puck.renderDropZone({ ...props, zone: "right" })}
        />
      ),
    },
  },
};
"""

LIBRARY: Library = DEFAULT_LIBRARY.with_component(
    "Panel",
    "./custom",
    {
        "tone": SelectField(("plain", "loud")),
        "body": ObjectField({"heading": TextField(), "content": SlotField()}),
    },
    uses_id=True,
).with_component("Legacy", "./custom", {"label": TextField()}, zones=("left", "right"))

PUCK_ENTRY = """\
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { Render } from "@puckeditor/core";
import { config } from "./custom.config";
import data from "./data-NAME.json";

const root = createRoot(document.getElementById("root")!);
flushSync(() => root.render(<Render config={config} data={data} />));
(window as any).__rendered = true;
"""

PAGE_ENTRY = """\
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import PuckPage from "./page-NAME";

const root = createRoot(document.getElementById("root")!);
flushSync(() => root.render(<PuckPage />));
(window as any).__rendered = true;
"""

# The JSON part of the shipped config's fields, for the library description to be held to.
FIELDS_ENTRY = """\
import { config } from "./puck/puck.config";

const fields = (component?: { fields?: object }) => component?.fields ?? {};
(window as any).__fields = JSON.parse(JSON.stringify({
  root: fields(config.root),
  components: Object.fromEntries(
    Object.entries(config.components).map(([name, component]) => [name, fields(component)]),
  ),
}));
(window as any).__rendered = true;
"""


def item(kind: str, id: str, **props: Any) -> dict[str, Any]:
    return {"type": kind, "props": {"id": id, **props}}


FIXTURES: dict[str, dict[str, Any]] = {
    "every-component": {
        "root": {"props": {"title": "Every component"}},
        "content": [
            item("Heading", "h1", text="Welcome", level=1, align="center"),
            item("Heading", "h4", text="Small print", level=4),
            item("Text", "t1", text="Two\nlines", size="large", align="right"),
            item("Button", "b1", label="Primary", href="/go", variant="primary"),
            item("Button", "b2", label="Secondary", variant="secondary"),
            item("Button", "b3", label="Link", variant="link"),
            item("Image", "i1", src=PIXEL, alt="Logo", width=120),
            item("Card", "c1", title="Card", body="Body", content=[item("Text", "t2", text="In")]),
            item(
                "Columns",
                "co1",
                gap=12,
                columns=[
                    {"span": 2, "content": [item("Text", "t3", text="Wide")]},
                    {"content": [item("Divider", "d1")]},
                ],
            ),
            item("Grid", "g1", columns=2, gap=4, items=[item("Spacer", "s1", size=8)]),
            item(
                "Flex",
                "f1",
                direction="column",
                gap=2,
                justify="between",
                items=[item("Button", "b4", label="A"), item("Button", "b5", label="B")],
            ),
            item(
                "Split",
                "sp1",
                ratio="2:1",
                left=[item("Heading", "h2", text="Left", level=3)],
                right=[],
            ),
            item(
                "Hero",
                "he1",
                title="Hero",
                subtitle="Subtitle",
                image={"src": PIXEL, "alt": "Hero image"},
                align="center",
                actions=[item("Button", "b6", label="Start")],
            ),
            item("Spacer", "s2"),
            item("Divider", "d2"),
            item("List", "l1", items=[{"text": "One"}, {"text": "Two"}], ordered=True),
            item("List", "l2", items=[{"text": "Bullet"}], ordered=False),
        ],
    },
    "defaults-and-empty-slots": {
        "root": {"props": {}},
        "content": [
            item("Heading", "h1"),
            item("Text", "t1"),
            item("Card", "c1"),
            item("Card", "c2", content=[]),
            item("Columns", "co1"),
            item("Grid", "g1", items=[]),
            item("Split", "sp1", left=[]),
            item("Hero", "he1", title="No image"),
            item("List", "l1"),
        ],
    },
    "nested-slots": {
        "root": {"props": {"title": "Nested"}},
        "content": [
            item(
                "Card",
                "c1",
                title="Level 1",
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
                                            "heading": "Level 3, in an object",
                                            "content": [
                                                item(
                                                    "Flex",
                                                    "f1",
                                                    items=[
                                                        item(
                                                            "Split",
                                                            "sp1",
                                                            left=[item("Text", "t1", text="L5")],
                                                            right=[item("Divider", "d1")],
                                                        )
                                                    ],
                                                )
                                            ],
                                        },
                                    )
                                ],
                            },
                            {"span": 2, "content": [item("Heading", "h1", text="Beside")]},
                        ],
                    )
                ],
            ),
            item("Panel", "p2", body={"heading": "No content"}),
        ],
    },
    "legacy-zones": {
        "root": {"props": {"title": "Zones"}},
        "content": [item("Legacy", "lg1", label="Outer"), item("Legacy", "lg3", label="Empty")],
        "zones": {
            "lg1:left": [
                item("Card", "c1", title="In a zone", content=[item("Text", "t1", text="Slot")]),
                item("Legacy", "lg2", label="Inner"),
            ],
            "lg1:right": [item("Text", "t2", text="Right")],
            "lg2:left": [item("Heading", "h1", text="Deep")],
        },
    },
    # Root props in `root` itself (data from before Puck 0.14), an item with `readOnly`.
    "legacy-root": {
        "root": {"title": "Old data"},
        "content": [{**item("Text", "t1", text="Hi"), "readOnly": {"text": True}}],
    },
    "escaping": {
        "root": {"props": {"title": "</title><script>alert(1)</script>"}},
        "content": [
            item("Heading", "h1", text="Quotes \" and ' and `backticks` and ${template}"),
            item("Text", "t1", text="{braces} </script><!-- -->\u2028\u2029 &amp; \\n\ttab"),
            item("Button", "b1", label="\u00e9\u4e2d\U0001f600 \u200b\u202e", href="?a=1&b=2"),
            item("List", "l1", items=[{"text": "__proto__"}, {"text": "\x00\x1f\x7f"}]),
        ],
    },
}


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every fixture's two entries and the fields entry, bundled together."""
    folder = tmp_path_factory.mktemp("puck-app")
    sources = {**library_files(), "src/custom.tsx": CUSTOM_TSX}
    sources["src/custom.config.tsx"] = CUSTOM_CONFIG_TSX
    sources["src/entry-fields.tsx"] = FIELDS_ENTRY
    entries = {"fields": "./src/entry-fields.tsx"}
    for name, data in FIXTURES.items():
        sources[f"src/data-{name}.json"] = json.dumps(data)
        sources[f"src/page-{name}.tsx"] = puck_to_tsx(data, LIBRARY)
        sources[f"src/entry-puck-{name}.tsx"] = PUCK_ENTRY.replace("NAME", name)
        sources[f"src/entry-page-{name}.tsx"] = PAGE_ENTRY.replace("NAME", name)
        entries[f"puck-{name}"] = f"./src/entry-puck-{name}.tsx"
        entries[f"page-{name}"] = f"./src/entry-page-{name}.tsx"
    for relative, text in sources.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text)
    result = get_service().build(
        abs_working_dir=str(folder),
        entry_points=entries,
        outdir=str(folder / "dist"),
        bundle=True,
        splitting=True,
        format="esm",
        jsx="automatic",
        define={"process.env.NODE_ENV": '"development"'},
        plugins=[vendor_react(VENDOR)],  # the development build: one React
    )
    return {
        "/" + Path(output.path).relative_to(folder / "dist").as_posix(): output.contents
        for output in result.output_files or []
    }


@pytest.fixture
def render(new_page: Callable[[], Any], bundles: dict[str, bytes]) -> Iterator[Callable[..., Any]]:
    """`render(entry)`: load the entry in a fresh page; `#root`'s HTML and the page title."""
    pages = []

    def serve(route: Any) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        if path.endswith(".html"):
            script = path.removesuffix(".html") + ".js"
            body = f'<!doctype html><div id="root"></div><script type="module" src="{script}">'
            route.fulfill(body=body + "</script>", content_type="text/html")
        elif path in bundles:
            route.fulfill(body=bundles[path], content_type="text/javascript")
        else:
            route.fulfill(status=404, body="")

    def load(entry: str) -> Any:
        preview = new_page()
        pages.append(preview)
        preview.page.route(f"{ORIGIN}/**", serve)
        preview.page.goto(f"{ORIGIN}/{entry}.html")
        preview.page.wait_for_function("() => window.__rendered === true")
        return preview

    yield load
    for preview in pages:
        problems = [line for line in preview.console if line.startswith(("[error]", "[warn"))]
        assert not problems + preview.errors, "\n".join(problems + preview.errors)


def _drawn(preview: Any) -> tuple[str, str]:
    return preview.page.evaluate(
        "() => [document.getElementById('root').innerHTML, document.title]"
    )


@pytest.mark.parametrize("name", FIXTURES)
def test_generated_page_draws_what_puck_draws(name: str, render: Callable[..., Any]) -> None:
    puck_html, puck_title = _drawn(render(f"puck-{name}"))
    page_html, page_title = _drawn(render(f"page-{name}"))
    assert page_html == puck_html
    assert page_title == puck_title
    assert puck_html.count("<") > 2 * len(FIXTURES[name]["content"])  # it did draw the items


def test_fixtures_use_every_component() -> None:
    used = set(
        re.findall(r"<([A-Z]\w*)", "".join(puck_to_tsx(d, LIBRARY) for d in FIXTURES.values()))
    )
    assert used == {*LIBRARY.components, "Page"}


def test_library_description_is_the_shipped_puck_config(render: Callable[..., Any]) -> None:
    shipped = render("fields").page.evaluate("() => window.__fields")
    assert set(shipped["components"]) == set(DEFAULT_LIBRARY.components)
    for name, spec in DEFAULT_LIBRARY.components.items():
        assert fields_from_puck(shipped["components"][name]) == spec.fields, name
    assert DEFAULT_LIBRARY.root is not None
    assert fields_from_puck(shipped["root"]) == DEFAULT_LIBRARY.root.fields


def test_escaped_strings_arrive_as_they_were(render: Callable[..., Any]) -> None:
    """The strings of the escaping fixture reach the DOM unchanged, title included."""
    preview = render("page-escaping")
    texts = preview.page.evaluate(
        "() => [...document.querySelectorAll('#root h2, #root p, #root a, #root li')]"
        ".map(e => e.textContent)"
    )
    content = FIXTURES["escaping"]["content"]
    expected = [content[0]["props"]["text"], content[1]["props"]["text"]]
    expected += [content[2]["props"]["label"]] + [i["text"] for i in content[3]["props"]["items"]]
    assert texts == expected
    assert _drawn(preview)[1] == FIXTURES["escaping"]["root"]["props"]["title"]
