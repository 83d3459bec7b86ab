// The HMR client of the preview page (docs/devserver.md): Vite's `import.meta.hot` API over
// the P@hmr websocket, the error overlay, and the rules that keep the last good page visible.
import { clearOverlay, hasOverlay, showOverlay } from "./overlay.js";
import { refreshDone } from "./refresh.js";

const config = window.__FASTPREVIEW__ ?? {};
// P as an absolute URL; without the page's config, this file's own place (P@fastpreview/).
const base = config.base
  ? new URL(config.base, location.href).href
  : new URL("../", import.meta.url).href;
const basePath = new URL(base).pathname;

const JS_MODULE = /\.[cm]?[jt]sx?$/;
const RUNTIME_FILE = /^\/@(vendor|deps)\/|^\/@fastpreview\/(client|refresh|overlay|storage)\.js$/;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;
const OUTBOX_LIMIT = 200;
const SNAPSHOT_EVERY_MS = 200;

// What tests read; the widget gets the same news by postMessage.
const state = (window.__fastpreview_hmr = { status: "connecting", lastUpdate: null, lastError: null });

// ---------------------------------------------------------------------------------------------
// import.meta.hot
// ---------------------------------------------------------------------------------------------

const acceptCallbacks = new Map(); // owner id -> [{deps: [id], fn}] of its current version
const disposers = new Map(); // owner id -> [cb]
const pruners = new Map(); // owner id -> [cb]
const dataById = new Map(); // owner id -> data object, shared by all versions of the module
const listeners = new Map(); // event -> Set of callbacks
const ownerListeners = new Map(); // owner id -> [[event, cb]] registered by its current version
const contexts = new Map(); // owner id -> hot context of its current version
let applying = null; // {invalidated} while an update's accept callbacks run

/** `import.meta.hot` for the module `ownerId`; called by every module's prologue. */
export function createHotContext(ownerId) {
  if (!dataById.has(ownerId)) dataById.set(ownerId, {});
  // A new version registers its own callbacks; fetchUpdate captured the old ones already.
  acceptCallbacks.set(ownerId, []);
  disposers.delete(ownerId);
  pruners.delete(ownerId);
  dropListeners(ownerId);
  const own = [];
  ownerListeners.set(ownerId, own);

  const hot = {
    get data() {
      return dataById.get(ownerId);
    },
    accept(deps, callback) {
      if (deps === undefined || typeof deps === "function") {
        addAccept(ownerId, [ownerId], ([mod]) => deps?.(mod));
      } else if (typeof deps === "string") {
        addAccept(ownerId, [resolveDep(deps, ownerId)], ([mod]) => callback?.(mod));
      } else if (Array.isArray(deps)) {
        addAccept(ownerId, deps.map((dep) => resolveDep(dep, ownerId)), callback ?? (() => {}));
      } else {
        throw new TypeError("invalid import.meta.hot.accept() usage");
      }
    },
    dispose(cb) {
      push(disposers, ownerId, cb);
    },
    prune(cb) {
      push(pruners, ownerId, cb);
    },
    invalidate(message) {
      if (applying) applying.invalidated = true;
      console.info(`[fastpreview] invalidate ${ownerId}: ${message}`);
      notify("vite:invalidate", { path: ownerId, message });
      send({ type: "custom", event: "fastpreview:invalidate", data: { path: ownerId, message } });
    },
    on(event, cb) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(cb);
      own.push([event, cb]);
    },
    off(event, cb) {
      listeners.get(event)?.delete(cb);
    },
    send(event, data) {
      send({ type: "custom", event, data });
    },
  };
  contexts.set(ownerId, hot);
  return hot;
}

/** The hot context of the current version of module `id` (for refresh.js). */
export function hotContextFor(id) {
  return contexts.get(id);
}

function dropListeners(ownerId) {
  for (const [event, cb] of ownerListeners.get(ownerId) ?? []) listeners.get(event)?.delete(cb);
  ownerListeners.delete(ownerId);
}

function push(map, key, value) {
  if (!map.has(key)) map.set(key, []);
  map.get(key).push(value);
}

function addAccept(ownerId, deps, fn) {
  push(acceptCallbacks, ownerId, { deps, fn });
}

function stripQuery(url) {
  return url.replace(/[?#].*$/, "");
}

// Module ids are plain paths ("/src/My App.tsx"); URLs percent-encode every segment the way
// the server does (Python's quote: all but letters, digits and "_.-~"), so that one module
// never gets two URLs, which would make two instances of it.
function encodePath(id) {
  const strict = (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
  return id.split("/").map((seg) => encodeURIComponent(seg).replace(/[!'()*]/g, strict)).join("/");
}

/** The module id of a served URL, or null when it is not under P. */
function idOf(url) {
  const href = stripQuery(url);
  if (!href.startsWith(base)) return null;
  const path = `/${href.slice(base.length)}`;
  try {
    return path.split("/").map(decodeURIComponent).join("/");
  } catch {
    return path;
  }
}

// `accept("./dep")` names a dep relative to its module; updates name it by module id.
function resolveDep(dep, ownerId) {
  if (dep.startsWith(".")) return idOf(new URL(dep, base + ownerId.slice(1)).href) ?? dep;
  if (/^[a-z][a-z0-9+.-]*:/i.test(dep) || dep.startsWith(basePath)) {
    return idOf(new URL(dep, base).href) ?? dep;
  }
  return stripQuery(dep);
}

// A dep written without its extension ("./dep") matches /dep.tsx and /dep/index.tsx.
function depMatches(dep, acceptedPath) {
  const id = stripQuery(acceptedPath);
  if (dep === id) return true;
  if (/\.[^/]*$/.test(dep)) return false;
  return id.replace(/\.[^/.]+$/, "") === dep || id.replace(/\/index\.[^/.]+$/, "") === dep;
}

function notify(event, data) {
  for (const cb of [...(listeners.get(event) ?? [])]) {
    try {
      cb(data);
    } catch (error) {
      reportRuntimeError(error);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Applying updates (Vite's fetchUpdate: dispose, import the new version, then call the OLD
// accept callbacks with it)
// ---------------------------------------------------------------------------------------------

/** The URL of a new version: P + id + `?import&t=<timestamp>` (as the server writes it). */
function updateUrl(acceptedPath, timestamp) {
  const [path, query = ""] = acceptedPath.split("?");
  const rest = query.split("&").filter((p) => p && p !== "import" && !p.startsWith("t="));
  // CSS, JSON and assets are JS modules only when requested with `?import`.
  const imported = !JS_MODULE.test(path) || query.split("&").includes("import");
  const params = [imported && "import", `t=${timestamp}`, ...rest].filter(Boolean).join("&");
  return `${base}${encodePath(path).slice(1)}?${params}`;
}

async function runAll(callbacks, data) {
  for (const cb of callbacks ?? []) {
    try {
      await cb(data);
    } catch (error) {
      reportRuntimeError(error);
    }
  }
}

/** Loads one js-update; resolves to {failed, apply} or null when this page has no such boundary. */
async function fetchUpdate({ path, acceptedPath, timestamp }) {
  const callbacks = acceptCallbacks.get(path);
  if (!callbacks) return null; // the boundary is not loaded on this page
  const qualified = callbacks.filter(({ deps }) => deps.some((dep) => depMatches(dep, acceptedPath)));
  if (path !== acceptedPath && qualified.length === 0) return null;

  const owner = stripQuery(acceptedPath);
  const dispose = disposers.get(owner);
  disposers.delete(owner);
  await runAll(dispose, dataById.get(owner));

  let next;
  try {
    next = await import(/* @vite-ignore */ updateUrl(acceptedPath, timestamp));
  } catch (error) {
    reportUpdateFailure(error, owner);
    // The failed version may have cleared the callbacks: the old version is still the live one.
    if (!acceptCallbacks.get(path)?.length) acceptCallbacks.set(path, callbacks);
    return { failed: true, apply: () => callAccept(qualified, acceptedPath, undefined) };
  }
  return { failed: false, apply: () => callAccept(qualified, acceptedPath, next) };
}

function callAccept(qualified, acceptedPath, next) {
  for (const { deps, fn } of qualified) {
    try {
      fn(deps.map((dep) => (depMatches(dep, acceptedPath) ? next : undefined)));
    } catch (error) {
      reportRuntimeError(error);
    }
  }
}

/** A `<link>` stylesheet: load the new version next to the old one, then drop the old one. */
function fetchCssUpdate(update) {
  const id = stripQuery(update.path);
  const link = [...document.querySelectorAll('link[rel~="stylesheet"]')].find(
    (el) => !el.dataset.fpOutdated && idOf(el.href) === id,
  );
  // CSS imported from JS is a self-accepting module (its <style data-fp-id>).
  if (!link) return fetchUpdate(update);
  return new Promise((resolve) => {
    const fresh = link.cloneNode();
    fresh.href = `${base}${encodePath(id).slice(1)}?t=${update.timestamp}`;
    const done = () => {
      link.remove();
      resolve({ failed: false, apply: () => {} });
    };
    fresh.addEventListener("load", done, { once: true });
    fresh.addEventListener("error", done, { once: true });
    link.dataset.fpOutdated = "1";
    link.after(fresh);
  });
}

async function onUpdate(msg) {
  notify("vite:beforeUpdate", msg);
  const recovery = recoveryReason();
  if (recovery) return fullReload(recovery);

  const errorsBefore = runtimeErrors;
  const results = await Promise.all(
    msg.updates.map((u) => (u.type === "css-update" ? fetchCssUpdate(u) : fetchUpdate(u))),
  );
  const applied = (applying = { invalidated: false });
  try {
    for (const result of results) result?.apply();
  } finally {
    applying = null;
  }
  await refreshDone(); // React has committed the refreshed tree when this resolves
  if (msg.buildHash) knownBuildHash = msg.buildHash;
  if (results.some((r) => r?.failed) || runtimeErrors !== errorsBefore) return;

  clearError();
  takeSnapshot();
  const detail = {
    buildHash: msg.buildHash,
    timestamp: Math.max(0, ...msg.updates.map((u) => u.timestamp)),
    paths: [...new Set(msg.updates.map((u) => u.path))],
    appliedAt: preciseNow(),
  };
  state.lastUpdate = detail;
  // An invalidated update is not applied yet: the server follows up with the importers.
  if (!applied.invalidated) announceApplied(detail, msg.sentAt);
  notify("vite:afterUpdate", msg);
}

function announceApplied(detail, sentAt) {
  send({ type: "custom", event: "fastpreview:applied", data: detail });
  window.dispatchEvent(new CustomEvent("fastpreview:applied", { detail }));
  const latencyMs = typeof sentAt === "number" ? detail.appliedAt - sentAt : undefined;
  tellParent({ type: "fastpreview:applied", latencyMs, ...detail });
}

// Epoch ms with sub-millisecond digits: wall clock, plus the fraction of the monotonic clock.
function preciseNow() {
  const precise = performance.timeOrigin + performance.now();
  return Date.now() + (precise - Math.floor(precise));
}

async function onPrune({ paths }) {
  notify("vite:beforePrune", { paths });
  for (const id of paths) {
    const data = dataById.get(id);
    const [dispose, prune] = [disposers.get(id), pruners.get(id)];
    for (const map of [disposers, pruners, acceptCallbacks, dataById, contexts]) map.delete(id);
    dropListeners(id);
    await runAll(dispose, data);
    await runAll(prune, data);
  }
}

// ---------------------------------------------------------------------------------------------
// Messages from the server, handled one at a time in arrival order
// ---------------------------------------------------------------------------------------------

let knownBuildHash = config.buildHash;
let knownServerId = config.serverId;
let everConnected = false;
let reloading = false;
let inbox = Promise.resolve();

const handlers = {
  connected: onConnected,
  update: onUpdate,
  "full-reload": (msg) => {
    notify("vite:beforeFullReload", msg);
    fullReload(msg.reason || "the server asked for a full reload");
  },
  prune: onPrune,
  error: onBuildError,
  custom: (msg) => {
    if (PARENT_EVENTS.has(msg.event)) tellParent({ type: msg.event, data: msg.data });
    notify(msg.event, msg.data);
  },
};
// Deploy progress and git sync moves, which the notebook widget shows in its toolbar.
const PARENT_EVENTS = new Set(["fastpreview:deploy", "fastpreview:sync"]);

function receive(text) {
  let msg;
  try {
    msg = JSON.parse(text);
  } catch {
    return console.warn("[fastpreview] ignoring a non-JSON HMR message");
  }
  inbox = inbox
    .then(() => !reloading && handlers[msg.type]?.(msg))
    .catch((error) => console.error(`[fastpreview] failed to handle "${msg.type}":`, error));
}

function onConnected(msg) {
  reconnectDelay = RECONNECT_MIN_MS;
  // The first connection sets the baseline; a reconnection checks what happened meanwhile.
  if (everConnected && msg.serverId !== knownServerId) return fullReload("the server restarted");
  if (everConnected && msg.buildHash !== knownBuildHash) {
    return fullReload("missed updates while disconnected");
  }
  everConnected = true;
  knownServerId = msg.serverId;
  knownBuildHash = msg.buildHash;
  setConnection("connected");
  notify("vite:ws:connect", { webSocket: socket });
}

function onBuildError(msg) {
  notify("vite:error", msg);
  if (!hasRendered()) firstLoadFailed = true;
  console.error(`[fastpreview] build error in ${msg.err?.file ?? "?"}: ${msg.err?.message}`);
  // Only the overlay: a build error never touches the app's DOM.
  showError({ title: "Build error", ...msg.err });
}

/** Reloads the page, saying why in the console and (best-effort) to the server. */
function fullReload(reason) {
  if (reloading) return;
  reloading = true;
  console.info("[fastpreview] full reload:", reason);
  send({ type: "custom", event: "fastpreview:full-reload", data: { reason } });
  location.reload();
}

// ---------------------------------------------------------------------------------------------
// The websocket
// ---------------------------------------------------------------------------------------------

let socket = null;
let connection = "connecting";
let reconnectDelay = RECONNECT_MIN_MS;
const outbox = [];

function connect() {
  // While retrying, the page stays "disconnected" rather than flickering.
  if (connection !== "disconnected") setConnection("connecting");
  // The page's origin is opaque, but `location` (hence `base`) is still its real URL.
  const url = new URL("@hmr", base);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(url);
  socket = ws;
  ws.addEventListener("open", () => {
    for (const payload of outbox.splice(0)) ws.send(payload);
  });
  ws.addEventListener("message", (event) => receive(event.data));
  ws.addEventListener("close", () => {
    if (socket !== ws || reloading) return;
    socket = null;
    if (connection === "connected") notify("vite:ws:disconnect", { webSocket: ws });
    setConnection("disconnected");
    setTimeout(connect, reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, RECONNECT_MAX_MS);
  });
}

/** Sends now when connected; otherwise queues (bounded) until the next connection opens. */
function send(payload) {
  const text = JSON.stringify(payload);
  if (socket?.readyState === WebSocket.OPEN) return socket.send(text);
  outbox.push(text);
  if (outbox.length > OUTBOX_LIMIT) outbox.shift();
}

function setConnection(value) {
  connection = value;
  updateStatus();
}

function updateStatus() {
  const status = connection === "connected" && state.lastError ? "error" : connection;
  if (status === state.status) return;
  state.status = status;
  tellParent({ type: "fastpreview:status", status });
}

// The widget in the notebook listens; the data is nothing the preview could not send anyway.
function tellParent(message) {
  if (window.parent !== window) window.parent.postMessage(message, "*");
}

// ---------------------------------------------------------------------------------------------
// Errors, and keeping the last good page on screen
// ---------------------------------------------------------------------------------------------

let runtimeErrors = 0;
let initialLoad = document.readyState !== "complete"; // until DOMContentLoaded
let firstLoadFailed = false; // the app never came up: HMR has nothing to update
let treeLost = false; // React unmounted the tree after an uncaught error
let uncaught = false; // an uncaught runtime error since the last applied update
let snapshot = "";
let snapshotTimer = null;

function showError(err, { replace = true } = {}) {
  state.lastError = err;
  updateStatus();
  tellParent({ type: "fastpreview:error", message: err.message });
  if (replace || !hasOverlay()) showOverlay(err);
}

function clearError() {
  state.lastError = null;
  uncaught = false;
  clearOverlay();
  updateStatus();
}

function recoveryReason() {
  if (firstLoadFailed) return "recovering from a failed first load";
  if (treeLost) return "recovering from a render error";
  return null;
}

/** Where an error was thrown: the first app frame of its stack, as a module id. */
function errorLocation(stack, event) {
  for (const line of String(stack ?? "").split("\n")) {
    const match = /(\S+):(\d+):(\d+)\)?\s*$/.exec(line);
    const start = match?.[1].search(/[a-z][a-z0-9+.-]*:\/\//i) ?? -1;
    const file = start >= 0 ? idOf(match[1].slice(start)) : null;
    // Stack columns are 1-based; the protocol's are 0-based, as esbuild's.
    if (file && !RUNTIME_FILE.test(file)) return { file, line: +match[2], column: +match[3] - 1 };
  }
  const file = event?.filename ? idOf(event.filename) : null;
  return file ? { file, line: event.lineno, column: Math.max(0, event.colno - 1) } : {};
}

function describe(error, event) {
  const message =
    error instanceof Error ? String(error) : String(error ?? event?.message ?? "Unknown error");
  // P carries the capability token: keep it out of the overlay and the logs.
  const stack = typeof error?.stack === "string" ? error.stack.split(base).join("/") : "";
  return { message, stack, ...errorLocation(error?.stack, event) };
}

function reportRuntimeError(error, event) {
  const info = describe(error, event);
  runtimeErrors += 1;
  uncaught = true;
  if (initialLoad || !hasRendered()) firstLoadFailed = true;
  showError({ title: "Runtime error", ...info });
  send({ type: "custom", event: "fastpreview:runtime-error", data: info });
  setTimeout(keepLastGoodPage, 0); // React may unmount the tree after reporting
}

function reportUpdateFailure(error, id) {
  const info = describe(error);
  if (!info.file) Object.assign(info, { file: id });
  runtimeErrors += 1;
  // A module that failed to fetch has a build error, which the server reports better.
  showError({ title: `Could not update ${id}`, ...info }, { replace: !/fetch/i.test(info.message) });
  send({ type: "custom", event: "fastpreview:runtime-error", data: info });
}

function onScriptFailure(script) {
  const file = idOf(script.src) ?? script.src;
  const info = { message: `Failed to load the module script ${file}`, file, stack: "" };
  runtimeErrors += 1;
  if (initialLoad || !hasRendered()) firstLoadFailed = true;
  showError({ title: "Load error", ...info }, { replace: false });
  send({ type: "custom", event: "fastpreview:runtime-error", data: info });
}

function appRoot() {
  return document.getElementById("root") ?? document.getElementById("app") ?? document.body;
}

function isEmpty(el) {
  return ![...el.childNodes].some((node) =>
    node.nodeType === Node.ELEMENT_NODE
      ? !["SCRIPT", "STYLE", "LINK", "TEMPLATE", "NOSCRIPT"].includes(node.nodeName)
      : node.nodeType === Node.TEXT_NODE && node.textContent.trim() !== "",
  );
}

function hasRendered() {
  const root = appRoot();
  return snapshot !== "" || (root !== null && !isEmpty(root));
}

function takeSnapshot() {
  const root = appRoot();
  if (root && !hasOverlay() && !treeLost && !isEmpty(root)) snapshot = root.innerHTML;
}

// Throttled rather than debounced, so an always-animating app still gets snapshots.
function scheduleSnapshot() {
  snapshotTimer ??= setTimeout(() => {
    snapshotTimer = null;
    takeSnapshot();
  }, SNAPSHOT_EVERY_MS);
}

/** After an uncaught error emptied the root, show the last good page, inert, under the overlay. */
function keepLastGoodPage() {
  const root = appRoot();
  if (treeLost || !uncaught || !snapshot || !root || !isEmpty(root)) return;
  treeLost = true;
  const copy = document.createElement("div");
  copy.dataset.fastpreviewSnapshot = "";
  copy.inert = true;
  copy.style.pointerEvents = "none";
  copy.innerHTML = snapshot;
  root.append(copy);
}

function watchRoot() {
  const root = appRoot();
  if (!root) return;
  new MutationObserver(() => {
    keepLastGoodPage();
    scheduleSnapshot();
  }).observe(root, { childList: true, subtree: true, characterData: true, attributes: true });
}

function installErrorHandlers() {
  // Capture phase: a script's load error does not bubble, but it does pass through window.
  window.addEventListener(
    "error",
    (event) => {
      if (event.target instanceof HTMLScriptElement) return onScriptFailure(event.target);
      if (event.target !== window) return; // images and other resources: not our business
      if (!event.error && /^ResizeObserver loop/.test(event.message)) return; // benign
      reportRuntimeError(event.error, event);
    },
    true,
  );
  window.addEventListener("unhandledrejection", (event) => reportRuntimeError(event.reason));
  document.addEventListener("DOMContentLoaded", () => (initialLoad = false), { once: true });
}

installErrorHandlers();
watchRoot();
connect();
