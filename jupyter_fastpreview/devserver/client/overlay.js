// The error overlay: a custom element with an open shadow root, so app CSS can neither
// restyle nor hide its content, and tests can read its text through `shadowRoot`.
//
// An error is {title, message, file, line, column, frame, stack, plugin}; all but message optional.
// `line:column` is shown as the protocol carries it (line 1-based, column 0-based, as esbuild).

const TAG = "fastpreview-error-overlay";

const STYLE = `
:host { all: initial; }
.backdrop {
  position: fixed; inset: 0; overflow-y: auto; padding: 32px 16px;
  background: rgba(0, 0, 0, 0.66); box-sizing: border-box;
}
.panel {
  max-width: 960px; margin: 0 auto; padding: 20px 24px; box-sizing: border-box;
  background: #181818; color: #e8e8e8; border-top: 6px solid #ff5555; border-radius: 6px;
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
  box-shadow: 0 12px 32px rgba(0, 0, 0, 0.5);
}
header { display: flex; align-items: flex-start; gap: 12px; }
.title { flex: 1; margin: 0 0 8px; font-size: 15px; font-weight: 600; color: #ff7777; }
.close {
  all: unset; cursor: pointer; padding: 0 6px; font-size: 20px; line-height: 1; color: #bbb;
}
.close:hover, .close:focus-visible { color: #fff; outline: 1px solid #888; }
.message { margin: 0 0 8px; font-weight: 600; white-space: pre-wrap; word-break: break-word; }
.file { margin: 0 0 12px; color: #8ab4f8; font-family: ui-monospace, Menlo, Consolas, monospace; }
pre {
  margin: 0 0 12px; padding: 12px; overflow-x: auto; background: #0e0e0e; border-radius: 4px;
  font: 13px/1.45 ui-monospace, Menlo, Consolas, monospace; white-space: pre; color: #e8e8e8;
}
.tip { margin: 0; font-size: 12px; color: #999; }
[hidden] { display: none; }
`;

const TEMPLATE = `
<div class="backdrop">
  <div class="panel" role="alertdialog" aria-modal="true" aria-labelledby="title">
    <header>
      <h2 class="title" id="title"></h2>
      <button class="close" type="button" aria-label="Close the error overlay">×</button>
    </header>
    <p class="message"></p>
    <p class="file"></p>
    <pre class="frame"></pre>
    <pre class="stack"></pre>
    <p class="tip">Fix the code and save: the preview updates and this overlay closes.
      Esc or × hides it.</p>
  </div>
</div>`;

function position(err) {
  if (!err.file) return "";
  return [err.file, err.line, err.column].filter((part) => part != null && part !== "").join(":");
}

let sheet = null;

// An adopted sheet keeps the CSS out of the shadow DOM, so its textContent is only the error.
function overlaySheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
  }
  return sheet;
}

class ErrorOverlay extends HTMLElement {
  constructor() {
    super();
    const shadow = this.attachShadow({ mode: "open" });
    shadow.adoptedStyleSheets = [overlaySheet()];
    shadow.innerHTML = TEMPLATE;
    this.shadowRoot.querySelector(".close").addEventListener("click", () => this.remove());
    this.onKey = (event) => {
      if (event.key === "Escape") this.remove();
    };
  }

  connectedCallback() {
    // Inline !important beats any app stylesheet aimed at the host element itself.
    for (const [name, value] of [["display", "block"], ["position", "fixed"], ["inset", "0"],
      ["z-index", "2147483647"], ["visibility", "visible"], ["opacity", "1"]]) {
      this.style.setProperty(name, value, "important");
    }
    window.addEventListener("keydown", this.onKey);
  }

  disconnectedCallback() {
    window.removeEventListener("keydown", this.onKey);
  }

  show(err) {
    const title = err.title ?? "Error";
    this.setText(".title", err.plugin ? `${title} [${err.plugin}]` : title);
    this.setText(".message", err.message ?? "");
    this.setText(".file", position(err));
    this.setText(".frame", err.frame ?? "");
    this.setText(".stack", err.stack ?? "");
  }

  // textContent only: error messages quote source code and must never become markup.
  setText(selector, text) {
    const node = this.shadowRoot.querySelector(selector);
    node.textContent = text;
    node.hidden = !text;
  }
}

if (!customElements.get(TAG)) customElements.define(TAG, ErrorOverlay);

/** Shows `err`, replacing any overlay already shown. */
export function showOverlay(err) {
  clearOverlay();
  const overlay = document.createElement(TAG);
  overlay.show(err);
  // Outside <body>: the app's container (and its snapshots) never include the overlay.
  document.documentElement.append(overlay);
}

export function clearOverlay() {
  for (const overlay of document.querySelectorAll(TAG)) overlay.remove();
}

export function hasOverlay() {
  return document.querySelector(TAG) !== null;
}
