// React Fast Refresh glue: what server-generated modules call, on top of the react-refresh
// runtime. Evaluating this module injects the runtime into React's global hook, which must
// happen before react-dom loads (the page imports it ahead of app code, and client.js imports it).
import RefreshRuntime from "../@vendor/react-refresh_runtime.js";
import { hotContextFor } from "./client.js";

RefreshRuntime.injectIntoGlobalHook(window);
// No-op defaults for code compiled with the Babel/SWC convention (e.g. pre-bundled deps).
window.$RefreshReg$ = () => {};
window.$RefreshSig$ = () => (type) => type;

export function register(type, id) {
  RefreshRuntime.register(type, id);
}

/** A different `key` for the same component id resets that component's state. */
export function setSignature(type, key) {
  RefreshRuntime.setSignature(type, key, false, undefined);
}

/**
 * Called from the old module's self-accept callback with the new module namespace: refreshes
 * React when that is safe, otherwise invalidates so the update propagates to the importers.
 * Accepts (hot, id, prevExports, nextExports) and, as docs/devserver.md writes it,
 * (id, prevExports, nextExports).
 */
export function acceptExports(...args) {
  const [hot, , prevExports, nextExports] =
    typeof args[0] === "string" ? [hotContextFor(args[0]), ...args] : args;
  if (!nextExports) return; // the new version failed to evaluate; its error is already shown
  const blocker = refreshBlocker(prevExports, nextExports);
  if (blocker) hot.invalidate(blocker);
  else scheduleRefresh();
}

function refreshBlocker(prevExports, nextExports) {
  const prevNames = Object.keys(prevExports);
  const nextNames = Object.keys(nextExports);
  if (prevNames.length !== nextNames.length || prevNames.some((name) => !(name in nextExports))) {
    return "Could not Fast Refresh (exports changed)";
  }
  // Re-evaluating a module without exports re-ran its side effects (a second createRoot...).
  if (nextNames.length === 0) return "Could not Fast Refresh (the module has no exports)";
  const changed = nextNames.find(
    (name) =>
      !RefreshRuntime.isLikelyComponentType(nextExports[name]) &&
      !unchanged(prevExports[name], nextExports[name]),
  );
  return changed === undefined ? null : `Could not Fast Refresh ("${changed}" export changed)`;
}

// Importers still hold the old value, so a refresh is only safe when the new one is equivalent.
function unchanged(before, after, seen = new Map()) {
  if (Object.is(before, after)) return true;
  if (typeof before === "function" && typeof after === "function") {
    return sameSource(before, after);
  }
  if (!isPlainData(before) || !isPlainData(after)) {
    return before instanceof Date && after instanceof Date && before.getTime() === after.getTime();
  }
  if (seen.get(before) === after) return true; // a cycle already being compared
  seen.set(before, after);
  if (Array.isArray(before) !== Array.isArray(after)) return false;
  const keys = Object.keys(before);
  return (
    keys.length === Object.keys(after).length &&
    keys.every((key) => Object.hasOwn(after, key) && unchanged(before[key], after[key], seen))
  );
}

function sameSource(before, after) {
  const text = Function.prototype.toString.call(before);
  // Native and bound functions all print alike: only identity tells them apart.
  return !text.includes("[native code]") && text === Function.prototype.toString.call(after);
}

// Arrays and plain objects; React elements, contexts and the like ($$typeof) are exotic.
function isPlainData(value) {
  if (value === null || typeof value !== "object") return false;
  if ("$$typeof" in value) return false;
  const proto = Object.getPrototypeOf(value);
  return Array.isArray(value) || proto === Object.prototype || proto === null;
}

let pending = null;

// All accept callbacks of one update run in the same task: one microtask later, one refresh.
function scheduleRefresh() {
  pending ??= new Promise((resolve) => {
    queueMicrotask(() => {
      pending = null;
      try {
        RefreshRuntime.performReactRefresh();
      } finally {
        resolve();
      }
    });
  });
}

/** Resolves once a scheduled refresh has run (React re-renders synchronously inside it). */
export function refreshDone() {
  return pending ?? Promise.resolve();
}
