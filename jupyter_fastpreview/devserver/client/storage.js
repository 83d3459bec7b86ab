// localStorage/sessionStorage for the sandboxed preview.
//
// The preview has an opaque origin (sandbox without allow-same-origin), where merely reading
// `window.localStorage` throws a SecurityError, which breaks most apps at startup. When that
// happens, in-memory Storage objects take their place; both are mirrored into `window.name`,
// the one piece of state that survives a reload of the same browsing context.
//
// No imports or exports: this file works as a module script and as a classic script (a classic
// script would also run before inline scripts of an app's own index.html).
(() => {
  const NAME_KEY = "__fastpreview_storage__";
  const scope = (window.__FASTPREVIEW__ && window.__FASTPREVIEW__.app) || "default";

  function usable(kind) {
    try {
      return window[kind] != null;
    } catch {
      return false;
    }
  }

  if (usable("localStorage") && usable("sessionStorage")) return;

  // What window.name holds: {"__fastpreview_storage__": {"<app>": {"localStorage": {...}, ...}}}.
  function readMirror() {
    try {
      const parsed = JSON.parse(window.name);
      if (parsed && typeof parsed[NAME_KEY] === "object") return parsed;
    } catch {
      // window.name is empty or not ours: start afresh
    }
    return { [NAME_KEY]: {} };
  }

  const mirror = readMirror();
  const saved = (mirror[NAME_KEY][scope] ??= {});
  const stores = new WeakMap(); // storage object (and its proxy) -> { items, kind }

  function persist(kind, items) {
    saved[kind] = Object.fromEntries(items);
    try {
      window.name = JSON.stringify(mirror);
    } catch {
      // too large for window.name: the data stays in memory for this page
    }
  }

  function entry(storage) {
    const found = stores.get(storage);
    if (!found) throw new TypeError("Illegal invocation");
    return found;
  }

  // The Storage interface, backed by an insertion-ordered Map (as key(i) needs an order).
  class MemoryStorage {
    get length() {
      return entry(this).items.size;
    }
    key(index) {
      const key = [...entry(this).items.keys()][index];
      return key === undefined ? null : key;
    }
    getItem(key) {
      const { items } = entry(this);
      key = String(key);
      return items.has(key) ? items.get(key) : null;
    }
    setItem(key, value) {
      const { items, kind } = entry(this);
      items.set(String(key), String(value));
      persist(kind, items);
    }
    removeItem(key) {
      const { items, kind } = entry(this);
      if (items.delete(String(key))) persist(kind, items);
    }
    clear() {
      const { items, kind } = entry(this);
      items.clear();
      persist(kind, items);
    }
  }
  if (typeof Storage === "function") {
    // `localStorage instanceof Storage` and "[object Storage]" hold, as for the real thing.
    Object.setPrototypeOf(MemoryStorage.prototype, Storage.prototype);
  }

  // Apps also use named properties (`localStorage.theme = "dark"`, `Object.keys(localStorage)`).
  function withNamedProperties(storage, items) {
    const isItem = (prop) => typeof prop === "string" && items.has(prop);
    return new Proxy(storage, {
      get: (target, prop, receiver) =>
        typeof prop === "string" && !(prop in target)
          ? (target.getItem(prop) ?? undefined)
          : Reflect.get(target, prop, receiver),
      set: (target, prop, value, receiver) => {
        if (typeof prop !== "string") return Reflect.set(target, prop, value, receiver);
        target.setItem(prop, value);
        return true;
      },
      deleteProperty: (target, prop) => {
        if (typeof prop === "string") target.removeItem(prop);
        return true;
      },
      has: (target, prop) => isItem(prop) || prop in target,
      ownKeys: () => [...items.keys()],
      getOwnPropertyDescriptor: (target, prop) =>
        isItem(prop)
          ? { value: items.get(prop), writable: true, enumerable: true, configurable: true }
          : undefined,
    });
  }

  function install(kind) {
    if (usable(kind)) return;
    const items = new Map(Object.entries(saved[kind] ?? {}));
    const storage = new MemoryStorage();
    const proxy = withNamedProperties(storage, items);
    stores.set(storage, { items, kind });
    stores.set(proxy, { items, kind });
    Object.defineProperty(window, kind, { value: proxy, configurable: true, enumerable: true });
  }

  install("localStorage");
  install("sessionStorage");
})();
