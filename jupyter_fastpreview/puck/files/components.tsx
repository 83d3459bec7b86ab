// The default component library for Puck pages: plain React components with inline styles.
// They draw the same DOM whether Puck's <Render> drives them (through ./puck.config) or a
// page generated from Puck data does (props as literals, slot items as children).
import type { CSSProperties, ReactNode } from "react";

/** What a slot's container is drawn with. */
export type SlotProps = { className?: string; style?: CSSProperties };

/** A slot's content: the items themselves (a generated page), or, under Puck, a function
 * that draws them in their container (Puck's slot component, or a DropZone). */
export type SlotContent = ReactNode | ((props: SlotProps) => ReactNode);

/** Draws a slot as Puck does: a <div> holding the items. */
export function Slot({ content, ...props }: SlotProps & { content?: SlotContent }) {
  if (typeof content === "function") {
    const Area = content;
    return <Area {...props} />;
  }
  return <div {...props}>{content}</div>;
}

type Align = "left" | "center" | "right";

const ink = "#1f2328";
const muted = "#59636e";
const accent = "#0969da";
const line = "#d0d7de";

export function Page({ title, children }: { title?: string; children?: SlotContent }) {
  return (
    <>
      {title ? <title>{title}</title> : null}
      <Slot
        content={children}
        style={{
          fontFamily: "system-ui, sans-serif",
          lineHeight: 1.5,
          color: ink,
          maxWidth: 960,
          margin: "0 auto",
          padding: 24,
        }}
      />
    </>
  );
}

const HEADINGS = { 1: "h1", 2: "h2", 3: "h3", 4: "h4" } as const;

export function Heading({
  text,
  level = 2,
  align = "left",
}: {
  text?: string;
  level?: 1 | 2 | 3 | 4;
  align?: Align;
}) {
  const Tag = HEADINGS[level] ?? "h2";
  return <Tag style={{ textAlign: align, margin: "0 0 0.5em", lineHeight: 1.2 }}>{text}</Tag>;
}

const TEXT_SIZES = { small: 14, medium: 16, large: 20 };

export function Text({
  text,
  size = "medium",
  align = "left",
}: {
  text?: string;
  size?: keyof typeof TEXT_SIZES;
  align?: Align;
}) {
  return (
    <p
      style={{
        fontSize: TEXT_SIZES[size],
        textAlign: align,
        whiteSpace: "pre-line",
        margin: "0 0 1em",
      }}
    >
      {text}
    </p>
  );
}

const BUTTONS: Record<string, CSSProperties> = {
  primary: { background: accent, color: "#fff", border: `1px solid ${accent}` },
  secondary: { background: "#fff", color: accent, border: `1px solid ${line}` },
  link: { background: "none", color: accent, border: "1px solid transparent" },
};

export function Button({
  label,
  href = "#",
  variant = "primary",
}: {
  label?: string;
  href?: string;
  variant?: "primary" | "secondary" | "link";
}) {
  return (
    <a
      href={href}
      style={{
        ...BUTTONS[variant],
        display: "inline-block",
        padding: "8px 16px",
        borderRadius: 6,
        fontWeight: 600,
        textDecoration: variant === "link" ? "underline" : "none",
      }}
    >
      {label}
    </a>
  );
}

export function Image({ src, alt = "", width }: { src?: string; alt?: string; width?: number }) {
  return (
    <img
      src={src || undefined}
      alt={alt}
      width={width}
      style={{ display: "block", maxWidth: "100%", height: "auto" }}
    />
  );
}

export function Card({
  title,
  body,
  children,
}: {
  title?: string;
  body?: string;
  children?: SlotContent;
}) {
  return (
    <div style={{ border: `1px solid ${line}`, borderRadius: 8, padding: 16 }}>
      {title ? <h3 style={{ margin: "0 0 8px", fontSize: 18 }}>{title}</h3> : null}
      {body ? <p style={{ margin: "0 0 8px", color: muted }}>{body}</p> : null}
      <Slot content={children} style={{ display: "grid", gap: 8 }} />
    </div>
  );
}

export function Columns({
  columns = [],
  gap = 16,
}: {
  columns?: { span?: number; content?: SlotContent }[];
  gap?: number;
}) {
  return (
    <div style={{ display: "flex", flexWrap: "wrap", gap }}>
      {columns.map((column, index) => (
        <Slot
          key={index}
          content={column.content}
          style={{ flex: `${column.span ?? 1} 1 0`, minWidth: 0 }}
        />
      ))}
    </div>
  );
}

export function Grid({
  columns = 3,
  gap = 16,
  children,
}: {
  columns?: number;
  gap?: number;
  children?: SlotContent;
}) {
  return (
    <Slot
      content={children}
      style={{ display: "grid", gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`, gap }}
    />
  );
}

const JUSTIFY = {
  start: "flex-start",
  center: "center",
  end: "flex-end",
  between: "space-between",
};

export function Flex({
  direction = "row",
  gap = 8,
  justify = "start",
  children,
}: {
  direction?: "row" | "column";
  gap?: number;
  justify?: keyof typeof JUSTIFY;
  children?: SlotContent;
}) {
  return (
    <Slot
      content={children}
      style={{
        display: "flex",
        flexDirection: direction,
        flexWrap: "wrap",
        justifyContent: JUSTIFY[justify],
        gap,
      }}
    />
  );
}

export function Split({
  ratio = "1:1",
  left,
  right,
}: {
  ratio?: "1:1" | "2:1" | "1:2";
  left?: SlotContent;
  right?: SlotContent;
}) {
  const [start, end] = ratio.split(":");
  return (
    <div style={{ display: "grid", gridTemplateColumns: `${start}fr ${end}fr`, gap: 24 }}>
      <Slot content={left} />
      <Slot content={right} />
    </div>
  );
}

export function Hero({
  title,
  subtitle,
  image,
  align = "left",
  children,
}: {
  title?: string;
  subtitle?: string;
  image?: { src?: string; alt?: string };
  align?: Align;
  children?: SlotContent;
}) {
  return (
    <section
      style={{
        display: "flex",
        flexWrap: "wrap",
        alignItems: "center",
        gap: 32,
        padding: "48px 0",
        textAlign: align,
      }}
    >
      <div style={{ flex: "1 1 320px" }}>
        <h1 style={{ fontSize: 40, lineHeight: 1.1, margin: "0 0 16px" }}>{title}</h1>
        {subtitle ? (
          <p style={{ fontSize: 20, color: muted, margin: "0 0 24px" }}>{subtitle}</p>
        ) : null}
        <Slot content={children} style={{ display: "flex", flexWrap: "wrap", gap: 8 }} />
      </div>
      {image?.src ? (
        <img
          src={image.src}
          alt={image.alt ?? ""}
          style={{ flex: "1 1 320px", maxWidth: "100%", borderRadius: 8 }}
        />
      ) : null}
    </section>
  );
}

export function Spacer({ size = 24 }: { size?: number }) {
  return <div aria-hidden="true" style={{ height: size }} />;
}

export function Divider() {
  return <hr style={{ border: 0, borderTop: `1px solid ${line}`, margin: "16px 0" }} />;
}

export function List({
  items = [],
  ordered = false,
}: {
  items?: { text?: string }[];
  ordered?: boolean;
}) {
  const Tag = ordered ? "ol" : "ul";
  return (
    <Tag style={{ margin: "0 0 1em", paddingLeft: 24 }}>
      {items.map((item, index) => (
        <li key={index}>{item.text}</li>
      ))}
    </Tag>
  );
}
