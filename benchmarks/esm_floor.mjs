// The browser's floor for a cold start: the same module graph as a generated app of N
// components (main -> App -> sections of ten -> leaves, one shared import each), but every
// module trivial and served from memory by Node's http server. Nothing to compile, resolve
// or transform: what is left is the browser fetching, compiling and linking N ES modules.
//
//     node benchmarks/esm_floor.mjs <components> <port>   (prints "listening" when ready)
import http from "node:http";

const [components, port] = process.argv.slice(2).map(Number);
const modules = new Map();
const sections = Math.ceil(components / 10);
modules.set("/shared.js", "export const make = (i) => Object.assign(document.createElement('button'), { className: 'leaf', textContent: 'leaf ' + i });\n");
for (let i = 0; i < components; i++) {
  modules.set(`/Leaf${i}.js`, `import { make } from "/shared.js";\nexport default function Leaf${i}() { const b = make(${i}); b.dataset.leaf = "${i}"; return b; }\n`);
}
for (let s = 0; s < sections; s++) {
  const members = [...Array(10).keys()].map((k) => s * 10 + k).filter((i) => i < components);
  modules.set(`/Section${s}.js`, members.map((i) => `import Leaf${i} from "/Leaf${i}.js";\n`).join("") +
    `export default function Section${s}() { const s = document.createElement("section"); s.append(${members.map((i) => `Leaf${i}()`).join(", ")}); return s; }\n`);
}
modules.set("/App.js", [...Array(sections).keys()].map((s) => `import Section${s} from "/Section${s}.js";\n`).join("") +
  `export default function App() { const m = document.createElement("main"); m.append(${[...Array(sections).keys()].map((s) => `Section${s}()`).join(", ")}); return m; }\n`);
modules.set("/main.js", 'import App from "/App.js";\ndocument.getElementById("root").append(App());\n');
const page = '<!doctype html><html><body><div id="root"></div><script type="module" src="/main.js"></script></body></html>';

http.createServer((request, response) => {
  const path = new URL(request.url, "http://localhost").pathname;
  const body = path === "/" ? page : modules.get(path);
  if (body === undefined) { response.writeHead(404); response.end(); return; }
  // Sent the way the dev server sends the preview: sandboxed, readable from any origin.
  response.writeHead(200, {
    "Content-Type": path === "/" ? "text/html; charset=utf-8" : "text/javascript; charset=utf-8",
    "Cache-Control": "no-cache",
    "Access-Control-Allow-Origin": "*",
    "Content-Security-Policy": "sandbox allow-scripts",
  });
  response.end(body);
}).listen(port, "127.0.0.1", () => console.log("listening"));
