"""`%%fastpreview APP PATH` in a real IPython shell, against a real server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import test_hmr_websocket as hmr
from IPython.core.interactiveshell import InteractiveShell
from jupyter_server.serverapp import ServerApp

from jupyter_fastpreview.kernel.link import ROOT_VAR, TOKEN_VAR, URL_VAR
from jupyter_fastpreview.widget import PreviewWidget

make_preview = hmr.make_preview
LABEL = "export default function Label() {\n  return <b>from a cell</b>;\n}\n"


@pytest.fixture
def shell(
    jp_serverapp: ServerApp, http_server_client, jp_root_dir: Path, monkeypatch
) -> Iterator[InteractiveShell]:
    """A shell as a kernel of this server would be: in the root dir, with its environment."""
    monkeypatch.chdir(jp_root_dir)
    monkeypatch.setenv(URL_VAR, jp_serverapp.connection_url)
    monkeypatch.setenv(TOKEN_VAR, jp_serverapp.identity_provider.token)
    monkeypatch.setenv(ROOT_VAR, str(jp_root_dir))
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "jupyter_fastpreview")
    yield shell
    InteractiveShell.clear_instance()


async def run_magic(shell: InteractiveShell, line: str, body: str):  # noqa: ANN201
    """Blocking like a kernel; the server answers on this test's loop meanwhile."""
    return await asyncio.to_thread(shell.run_cell_magic, "fastpreview", line, body)


async def test_the_cell_is_written_and_previewed_once(shell, jp_root_dir: Path) -> None:
    first = await run_magic(shell, "hello src/Label.tsx", LABEL)
    assert (jp_root_dir / "hello" / "src" / "Label.tsx").read_text() == LABEL
    assert (jp_root_dir / "hello" / "src" / "App.tsx").is_file()  # a new app gets the template
    assert isinstance(first, PreviewWidget) and first.app_name == "hello"
    again = await run_magic(shell, "hello src/Label.tsx", LABEL.replace("cell", "edit"))
    assert again is None
    assert "from a edit" in (jp_root_dir / "hello" / "src" / "Label.tsx").read_text()


async def test_no_preview_is_added_while_one_is_open(shell, make_preview) -> None:
    """A preview open anywhere (another kernel's cell, a browser tab) counts."""
    preview = await make_preview("hello")
    socket = await preview.connect()
    assert await run_magic(shell, "hello src/Label.tsx", LABEL) is None
    socket.close()


def test_usage_errors_write_nothing(shell, jp_root_dir: Path) -> None:
    result = shell.run_cell("%%fastpreview hello\nexport {};\n")
    assert "usage: %%fastpreview APP PATH" in str(result.error_in_exec)
    refused = shell.run_cell("%%fastpreview hello ../escape.ts\nexport {};\n")
    assert "outside the app folder" in str(refused.error_in_exec)
    assert not (jp_root_dir / "escape.ts").exists()
