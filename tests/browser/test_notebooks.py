"""The notebooks we ship run top to bottom, in a kernel linked to a running Jupyter server with
the extension (as a kernel that server started would be), with no error in any cell."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from fp_browser import JupyterServer
from nbclient import NotebookClient

from jupyter_fastpreview.store import Store

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))


def run_notebook(path: Path, server: JupyterServer) -> nbformat.NotebookNode:
    """Execute a copy of the notebook in the server's root, as a user would open it there."""
    copy = server.root / path.name
    shutil.copy(path, copy)
    notebook = nbformat.read(copy, as_version=4)
    client = NotebookClient(
        notebook, timeout=120, resources={"metadata": {"path": str(server.root)}}
    )
    client.execute(env=server.kernel_env())
    return notebook


def cell_errors(notebook: nbformat.NotebookNode) -> list[str]:
    return [
        f"{output['ename']}: {output['evalue']}"
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes_without_errors(path: Path, jupyter_server: JupyterServer) -> None:
    notebook = run_notebook(path, jupyter_server)
    assert cell_errors(notebook) == []


def test_the_quickstart_leaves_a_working_app_behind(jupyter_server: JupyterServer) -> None:
    notebook = run_notebook(
        Path(__file__).parents[2] / "notebooks" / "01-quickstart.ipynb", jupyter_server
    )
    outputs = "".join(
        str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )
    assert "/src/cards/Card3.tsx:3:0" in outputs  # the broken card's error, located
    status, apps = jupyter_server.request("GET", "fastpreview/api/apps")
    hello = next(app for app in apps if app["folder"] == "hello")
    assert (status, hello["status"], hello["errors"]) == (200, "ready", [])
    folder = jupyter_server.root / "hello"
    assert sorted(p.name for p in (folder / "src" / "cards").iterdir()) == [
        f"Card{i}.tsx" for i in range(1, 7)
    ]
    store = Store(jupyter_server.store_path)
    record = store.app_for_folder(folder.resolve())
    assert record is not None and record.status == "ready"
    assert any(build.kind == "production" and build.ok for build in store.builds(record.id))
