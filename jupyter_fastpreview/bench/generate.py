"""Generate a React + TypeScript app of N components, the same shape every time.

Each component keeps state (a counter) so HMR benchmarks can check it survives; components
are grouped ten to a section, so an edit to one leaf touches a realistic import chain.
"""

from __future__ import annotations

from pathlib import Path

LEAF_TEMPLATE = """import {{ useState }} from "react";

export default function {name}() {{
  const [count, setCount] = useState(0);
  return (
    <button className="leaf" data-leaf="{index}" onClick={{() => setCount(count + 1)}}>
      {label} {{count}}
    </button>
  );
}}
"""


def leaf_source(index: int, label: str | None = None) -> str:
    """The source of leaf component `index`; change `label` to make a visible edit."""
    return LEAF_TEMPLATE.format(name=f"Leaf{index}", index=index, label=label or f"leaf {index}")


def leaf_path(index: int) -> str:
    return f"src/components/Leaf{index}.tsx"


def app_files(components: int) -> dict[str, str]:
    """Every file of the app, as relative path -> source."""
    files = {leaf_path(i): leaf_source(i) for i in range(components)}
    sections = [range(start, min(start + 10, components)) for start in range(0, components, 10)]
    for number, members in enumerate(sections):
        imports = "".join(f'import Leaf{i} from "./Leaf{i}";\n' for i in members)
        children = "".join(f"      <Leaf{i} />\n" for i in members)
        files[f"src/components/Section{number}.tsx"] = (
            f"{imports}\nexport default function Section{number}() {{\n"
            f'  return (\n    <section className="section">\n{children}    </section>\n  );\n}}\n'
        )
    imports = "".join(
        f'import Section{n} from "./components/Section{n}";\n' for n in range(len(sections))
    )
    children = "".join(f"      <Section{n} />\n" for n in range(len(sections)))
    files["src/App.tsx"] = (
        f'{imports}import "./App.css";\n\nexport default function App() {{\n'
        f"  return (\n    <main>\n      <h1>Generated app</h1>\n{children}    </main>\n  );\n}}\n"
    )
    files["src/App.css"] = "main { font-family: sans-serif; }\n.leaf { margin: 2px; }\n"
    files["src/main.tsx"] = (
        'import { createRoot } from "react-dom/client";\nimport App from "./App";\n\n'
        'createRoot(document.getElementById("root")!).render(<App />);\n'
    )
    files["index.html"] = (
        '<!doctype html>\n<html>\n  <head><meta charset="utf-8" /><title>Generated</title></head>\n'
        '  <body>\n    <div id="root"></div>\n'
        '    <script type="module" src="/src/main.tsx"></script>\n  </body>\n</html>\n'
    )
    return files


def write_app(folder: Path, components: int) -> Path:
    for relative, source in app_files(components).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return folder
