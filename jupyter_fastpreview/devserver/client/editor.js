// The visual editor: Puck over the app's page data (`puck.json`), in the same sandbox as the
// preview. It cannot reach Jupyter, so publishing goes over the app's HMR websocket: the
// server converts the data to React code and writes it like any edit, so every preview
// updates by HMR. The app's Puck config (its `config` export) is an app module.
import React from "../@vendor/react.js";
import { createRoot } from "../@vendor/react-dom_client.js";
import { Puck, migrate } from "../@vendor/puckeditor_core.js";
import { createHotContext } from "./client.js";

const base = window.__FASTPREVIEW__.base;
const hot = createHotContext("/@fastpreview/editor.js");
const h = React.createElement;
const EMPTY = { content: [], root: { props: {} } };

async function pageData(config) {
  const response = await fetch(`${base}puck.json`, { cache: "no-store" });
  const data = response.ok ? await response.json() : EMPTY;
  try {
    return migrate(data, config);
  } catch (error) {
    console.warn("[fastpreview] Puck could not migrate the page data:", error);
    return data;
  }
}

// Publishing results from the server, shown above the editor and told to the notebook widget.
function Notice() {
  const [notice, setNotice] = React.useState(null);
  React.useEffect(() => {
    const published = () => setNotice({ kind: "published", text: "Published" });
    const refused = (error) =>
      setNotice({ kind: "error", text: `Not published: ${error?.message ?? "refused"}` });
    hot.on("fastpreview:puck-published", published);
    hot.on("fastpreview:puck-error", refused);
    return () => {
      hot.off("fastpreview:puck-published", published);
      hot.off("fastpreview:puck-error", refused);
    };
  }, []);
  React.useEffect(() => {
    if (notice && window.parent !== window) {
      window.parent.postMessage({ type: "fastpreview:puck", data: notice }, "*");
    }
  }, [notice]);
  if (!notice) return null;
  return h("div", { className: "fp-editor-notice", "data-kind": notice.kind }, notice.text);
}

const { config } = await import(`${base}src/puck/puck.config.tsx`);
const data = await pageData(config);
const publish = (published) => hot.send("fastpreview:puck-publish", published);
createRoot(document.getElementById("root")).render(
  // No canvas iframe: a srcdoc frame inside this opaque-origin sandbox gains nothing.
  h(React.Fragment, null, h(Notice), h(Puck, { config, data, onPublish: publish, iframe: { enabled: false } })),
);
