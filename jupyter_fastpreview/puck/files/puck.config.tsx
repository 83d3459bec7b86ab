// The Puck config of the default component library (./components), for the visual editor and
// Puck's <Render>. Its fields match the library description the page generator checks data
// against (jupyter_fastpreview/puck/defaults.py); an app adds its own components by spreading
// `config.components` into its own config.
import type { Config, DefaultComponents } from "@puckeditor/core";
import { cloneElement, type ReactElement, type ReactNode } from "react";

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
  type SlotProps,
} from "./components";

const align = {
  type: "radio",
  options: [
    { label: "Left", value: "left" },
    { label: "Center", value: "center" },
    { label: "Right", value: "right" },
  ],
} as const;

/** Puck hands the root its items as an element (its drop zone): as a slot, it takes the
 * container props a slot takes. */
const rootSlot = (zone: ReactNode) => (props: SlotProps) =>
  cloneElement(zone as ReactElement<SlotProps>, props);

export const config: Config<{ components: DefaultComponents; root: { title?: string } }> = {
  root: {
    fields: { title: { type: "text", label: "Title" } },
    render: ({ children, title }) => <Page title={title}>{rootSlot(children)}</Page>,
  },
  components: {
    Heading: {
      fields: {
        text: { type: "text", label: "Text" },
        level: {
          type: "select",
          label: "Level",
          options: [
            { label: "H1", value: 1 },
            { label: "H2", value: 2 },
            { label: "H3", value: 3 },
            { label: "H4", value: 4 },
          ],
        },
        align: { ...align, label: "Align" },
      },
      defaultProps: { text: "Heading", level: 2, align: "left" },
      render: ({ text, level, align }) => <Heading text={text} level={level} align={align} />,
    },
    Text: {
      fields: {
        text: { type: "textarea", label: "Text" },
        size: {
          type: "select",
          label: "Size",
          options: [
            { label: "Small", value: "small" },
            { label: "Medium", value: "medium" },
            { label: "Large", value: "large" },
          ],
        },
        align: { ...align, label: "Align" },
      },
      defaultProps: { text: "Text", size: "medium", align: "left" },
      render: ({ text, size, align }) => <Text text={text} size={size} align={align} />,
    },
    Button: {
      fields: {
        label: { type: "text", label: "Label" },
        href: { type: "text", label: "Link" },
        variant: {
          type: "select",
          label: "Variant",
          options: [
            { label: "Primary", value: "primary" },
            { label: "Secondary", value: "secondary" },
            { label: "Link", value: "link" },
          ],
        },
      },
      defaultProps: { label: "Button", href: "#", variant: "primary" },
      render: ({ label, href, variant }) => <Button label={label} href={href} variant={variant} />,
    },
    Image: {
      fields: {
        src: { type: "text", label: "Source URL" },
        alt: { type: "text", label: "Alternative text" },
        width: { type: "number", label: "Width", min: 0 },
      },
      defaultProps: { src: "", alt: "" },
      render: ({ src, alt, width }) => <Image src={src} alt={alt} width={width} />,
    },
    Card: {
      fields: {
        title: { type: "text", label: "Title" },
        body: { type: "textarea", label: "Body" },
        content: { type: "slot" },
      },
      defaultProps: { title: "Card", body: "" },
      render: ({ title, body, content }) => (
        <Card title={title} body={body}>
          {content}
        </Card>
      ),
    },
    Columns: {
      fields: {
        columns: {
          type: "array",
          label: "Columns",
          arrayFields: {
            span: { type: "number", label: "Span", min: 1 },
            content: { type: "slot" },
          },
          defaultItemProps: { span: 1 },
          getItemSummary: (_column, index = 0) => `Column ${index + 1}`,
        },
        gap: { type: "number", label: "Gap", min: 0 },
      },
      defaultProps: { columns: [{ span: 1 }, { span: 1 }], gap: 16 },
      render: ({ columns, gap }) => <Columns columns={columns} gap={gap} />,
    },
    Grid: {
      fields: {
        columns: { type: "number", label: "Columns", min: 1, max: 12 },
        gap: { type: "number", label: "Gap", min: 0 },
        items: { type: "slot" },
      },
      defaultProps: { columns: 3, gap: 16 },
      render: ({ columns, gap, items }) => (
        <Grid columns={columns} gap={gap}>
          {items}
        </Grid>
      ),
    },
    Flex: {
      fields: {
        direction: {
          type: "radio",
          label: "Direction",
          options: [
            { label: "Row", value: "row" },
            { label: "Column", value: "column" },
          ],
        },
        gap: { type: "number", label: "Gap", min: 0 },
        justify: {
          type: "select",
          label: "Justify",
          options: [
            { label: "Start", value: "start" },
            { label: "Center", value: "center" },
            { label: "End", value: "end" },
            { label: "Space between", value: "between" },
          ],
        },
        items: { type: "slot" },
      },
      defaultProps: { direction: "row", gap: 8, justify: "start" },
      render: ({ direction, gap, justify, items }) => (
        <Flex direction={direction} gap={gap} justify={justify}>
          {items}
        </Flex>
      ),
    },
    Split: {
      fields: {
        ratio: {
          type: "select",
          label: "Ratio",
          options: [
            { label: "1:1", value: "1:1" },
            { label: "2:1", value: "2:1" },
            { label: "1:2", value: "1:2" },
          ],
        },
        left: { type: "slot" },
        right: { type: "slot" },
      },
      defaultProps: { ratio: "1:1" },
      render: ({ ratio, left, right }) => <Split ratio={ratio} left={left} right={right} />,
    },
    Hero: {
      fields: {
        title: { type: "text", label: "Title" },
        subtitle: { type: "textarea", label: "Subtitle" },
        image: {
          type: "object",
          label: "Image",
          objectFields: {
            src: { type: "text", label: "Source URL" },
            alt: { type: "text", label: "Alternative text" },
          },
        },
        align: { ...align, label: "Align" },
        actions: { type: "slot" },
      },
      defaultProps: { title: "Title", subtitle: "", image: { src: "", alt: "" }, align: "left" },
      render: ({ title, subtitle, image, align, actions }) => (
        <Hero title={title} subtitle={subtitle} image={image} align={align}>
          {actions}
        </Hero>
      ),
    },
    Spacer: {
      fields: { size: { type: "number", label: "Size", min: 0 } },
      defaultProps: { size: 24 },
      render: ({ size }) => <Spacer size={size} />,
    },
    Divider: {
      fields: {},
      render: () => <Divider />,
    },
    List: {
      fields: {
        items: {
          type: "array",
          label: "Items",
          arrayFields: { text: { type: "text", label: "Text" } },
          getItemSummary: (item) => item.text || "Item",
        },
        ordered: {
          type: "radio",
          label: "Numbered",
          options: [
            { label: "No", value: false },
            { label: "Yes", value: true },
          ],
        },
      },
      defaultProps: { items: [{ text: "Item" }], ordered: false },
      render: ({ items, ordered }) => <List items={items} ordered={ordered} />,
    },
  },
};
