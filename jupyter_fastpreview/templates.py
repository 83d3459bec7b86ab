"""Starter apps a new app folder is seeded with: by `App(name, template=...)` in a kernel, or
by the server when JupyterLab creates an app (`POST fastpreview/api/apps` with a template)."""

from __future__ import annotations

REACT_TS: dict[str, str] = {
    "src/App.tsx": """import { useState } from "react";
import Counter from "./components/Counter";
import "./App.css";

export default function App() {
  const [name, setName] = useState("notebook");
  return (
    <main className="app">
      <h1>Hello, {name}!</h1>
      <input value={name} onChange={(event) => setName(event.target.value)} />
      <Counter label="Clicks" />
    </main>
  );
}
""",
    "src/components/Counter.tsx": """import { useState } from "react";

export default function Counter({ label }: { label: string }) {
  const [count, setCount] = useState(0);
  return (
    <button className="counter" onClick={() => setCount(count + 1)}>
      {label}: {count}
    </button>
  );
}
""",
    "src/App.css": """.app {
  font-family: system-ui, sans-serif;
  padding: 1rem;
}
.counter {
  margin-top: 0.5rem;
}
""",
    "tsconfig.json": """{
  "compilerOptions": {
    "target": "ES2022",
    "module": "ESNext",
    "moduleResolution": "Bundler",
    "jsx": "react-jsx",
    "strict": true
  },
  "include": ["src"]
}
""",
}


def _puck() -> dict[str, str]:
    """A page made in the visual editor: `App.tsx` renders the published `PuckPage`."""
    from .puck.defaults import library_files
    from .puck.publish import EMPTY_PAGE, page_files

    return {
        "src/App.tsx": 'import PuckPage from "./PuckPage";\n\n'
        "export default function App() {\n  return <PuckPage />;\n}\n",
        **library_files(),
        **page_files(EMPTY_PAGE),
        "tsconfig.json": REACT_TS["tsconfig.json"],
    }


TEMPLATES: dict[str, dict[str, str]] = {"react-ts": REACT_TS, "puck": _puck()}
