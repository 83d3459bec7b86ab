// The preview widget's browser side: a toolbar and the sandboxed preview iframe.
// The preview runs untrusted code, so the iframe has no allow-same-origin: it gets an opaque
// origin and can reach neither this page, its cookies, nor the Jupyter API. It reports its
// HMR status to us with postMessage, which we accept only from that iframe's window.

const SANDBOX = "allow-scripts allow-forms allow-modals allow-popups allow-downloads";

function jupyterBaseUrl() {
  const config = document.getElementById("jupyter-config-data");
  if (!config) return null;
  try {
    return JSON.parse(config.textContent).baseUrl || "/";
  } catch {
    return null;
  }
}

const NO_SERVER =
  "This preview needs a running Jupyter server with the jupyter_fastpreview extension " +
  "(JupyterLab or Notebook 7). It cannot be shown in a static export.";

// A page of a Jupyter server without our server extension (a saved notebook opened elsewhere)
// would show a 404 inside the frame; say what is missing instead.
async function checkServerExtension(baseUrl) {
  try {
    const response = await fetch(`${baseUrl}fastpreview/api/status`, {
      credentials: "same-origin",
    });
    if (response.status !== 404) return null;
    return (
      "This Jupyter server does not have the jupyter_fastpreview server extension enabled " +
      "(`jupyter server extension enable jupyter_fastpreview`, then restart the server)."
    );
  } catch {
    return "The Jupyter server does not answer, so the preview cannot be shown.";
  }
}

// The latest deploy or git sync of the app, as the server reports it to every open preview.
function showDeploy(activity, { phase, percent, url, error }) {
  activity.replaceChildren();
  activity.dataset.kind = "deploy";
  activity.dataset.phase = phase ?? "";
  if (phase === "done" && url) {
    const link = document.createElement("a");
    link.href = new URL(url, window.location.href).href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = "deployed ↗";
    activity.append(link);
  } else if (phase === "failed") {
    activity.textContent = "deploy failed";
    activity.title = String(error ?? "");
  } else {
    activity.textContent = `deploying ${Math.round(percent ?? 0)}%`;
  }
}

function showSync(activity, { status, commit_sha: commit, last_error: error }) {
  activity.dataset.kind = "sync";
  activity.dataset.phase = status ?? "";
  activity.textContent =
    status === "done" && commit ? `synced ${commit.slice(0, 7)}` : `git sync ${status ?? ""}`;
  activity.title = String(error ?? "");
}

function button(label, title, onClick) {
  const element = document.createElement("button");
  element.textContent = label;
  element.title = title;
  element.addEventListener("click", onClick);
  return element;
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "fastpreview";
  const toolbar = document.createElement("div");
  toolbar.className = "fastpreview-toolbar";
  const dot = document.createElement("span");
  dot.className = "fastpreview-dot";
  const name = document.createElement("span");
  name.className = "fastpreview-name";
  const state = document.createElement("span");
  const latency = document.createElement("span");
  const activity = document.createElement("span");
  activity.className = "fastpreview-activity";
  const spacer = document.createElement("span");
  spacer.className = "fastpreview-spacer";
  const iframe = document.createElement("iframe");
  iframe.setAttribute("sandbox", SANDBOX);
  iframe.setAttribute("title", "fastpreview");
  // A Jupyter URL may still carry ?token=; the preview must never see it as its referrer.
  iframe.referrerPolicy = "no-referrer";

  const baseUrl = jupyterBaseUrl();
  // The edit toggle shows the app's page in the visual editor instead of the live app.
  const previewUrl = () => {
    if (baseUrl === null) return null;
    const url = baseUrl + model.get("src");
    return model.get("edit_mode") ? `${url}@fastpreview/editor` : url;
  };

  const editToggle = button("Edit", "Toggle the visual edit mode", () => {
    model.set("edit_mode", !model.get("edit_mode"));
    model.save_changes();
  });
  const reload = () => {
    const url = previewUrl();
    if (url) iframe.src = url;
  };
  toolbar.append(
    dot,
    name,
    state,
    latency,
    activity,
    spacer,
    editToggle,
    button("⟳", "Reload the preview", reload),
    button("↗", "Open the preview in a new browser tab", () => {
      const url = previewUrl();
      if (url) window.open(url, "_blank", "noopener");
    }),
  );

  const setStatus = (status, detail) => {
    dot.dataset.status = status;
    state.textContent = detail ? `${status}: ${detail}` : status;
    if (model.get("status") !== status) {
      model.set("status", status);
      model.save_changes();
    }
  };

  const show = () => {
    name.textContent = model.get("app_name");
    iframe.style.height = `${model.get("height")}px`;
    editToggle.setAttribute("aria-pressed", String(model.get("edit_mode")));
    const url = previewUrl();
    if (url && iframe.getAttribute("src") !== url) iframe.src = url;
  };

  const onMessage = (event) => {
    if (event.source !== iframe.contentWindow || typeof event.data !== "object") return;
    const { type } = event.data ?? {};
    if (type === "fastpreview:status") {
      setStatus(event.data.status);
    } else if (type === "fastpreview:applied") {
      setStatus("connected");
      if (typeof event.data.latencyMs === "number") {
        latency.textContent = `${event.data.latencyMs.toFixed(0)} ms`;
        model.set("latency_ms", event.data.latencyMs);
        model.save_changes();
      }
    } else if (type === "fastpreview:deploy") {
      showDeploy(activity, event.data.data ?? {});
    } else if (type === "fastpreview:sync") {
      showSync(activity, event.data.data ?? {});
    } else if (type === "fastpreview:puck") {
      activity.dataset.kind = "editor";
      activity.dataset.phase = event.data.data?.kind ?? "";
      activity.textContent = String(event.data.data?.text ?? "");
    } else if (type === "fastpreview:error") {
      setStatus("error", event.data.message?.split("\n")[0]);
      model.set("last_error", String(event.data.message ?? ""));
      model.save_changes();
    }
  };

  const showInstead = (text) => {
    const message = document.createElement("div");
    message.className = "fastpreview-message";
    message.textContent = text;
    iframe.replaceWith(message);
    setStatus("no-server");
  };

  root.append(toolbar, iframe);
  if (baseUrl === null) {
    showInstead(NO_SERVER);
  } else {
    window.addEventListener("message", onMessage);
    setStatus("connecting");
    checkServerExtension(baseUrl).then((problem) => problem && showInstead(problem));
  }
  el.append(root);
  show();
  model.on("change:src", show);
  model.on("change:height", show);
  model.on("change:app_name", show);
  model.on("change:edit_mode", show);
  model.on("msg:custom", (message) => {
    if (message?.type === "reload") reload();
  });
  return () => window.removeEventListener("message", onMessage);
}

export default { render };
