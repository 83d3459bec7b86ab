"""`App`, the notebook user's API, against a real Jupyter server with the extension."""

from __future__ import annotations

import asyncio
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jupyter_fastpreview import App, list_apps
from jupyter_fastpreview.kernel.files import AppFileError
from jupyter_fastpreview.kernel.link import ServerError, ServerLink
from jupyter_fastpreview.templates import TEMPLATES
from jupyter_fastpreview.widget import PreviewWidget

BROKEN = "export default function App() {\n  return <main>;\n}\n"
FIXED = "export default function App() {\n  return <main>fixed</main>;\n}\n"


async def in_thread(call: Callable[[], Any]) -> Any:
    """The server answers on this test's loop: blocking calls must run beside it."""
    return await asyncio.to_thread(call)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode())


# files, on disk only


def test_a_new_app_is_seeded_from_the_template(tmp_path: Path) -> None:
    app = App(tmp_path / "hello")
    assert app.files() == sorted(TEMPLATES["react-ts"])
    assert app.name == "hello"


def test_a_bare_name_is_a_folder_beside_the_notebook(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert App("hello").folder == tmp_path / "hello"


def test_an_existing_app_keeps_its_files(tmp_path: Path) -> None:
    App(tmp_path / "hello", template=None).write("src/App.tsx", FIXED)
    assert App(tmp_path / "hello").files() == ["src/App.tsx"]


def test_unknown_template_is_refused_before_creating_anything(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown template 'vue'"):
        App(tmp_path / "hello", template="vue")
    assert not (tmp_path / "hello").exists()


def test_open_never_creates(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no app folder"):
        App.open(tmp_path / "missing")
    assert not (tmp_path / "missing").exists()
    App(tmp_path / "there", template=None).write("a.ts", "export {};\n")
    assert App.open(tmp_path / "there").files() == ["a.ts"]


def test_write_read_delete(tmp_path: Path) -> None:
    app = App(tmp_path / "hello", template=None)
    app.write("src/App.tsx", FIXED)
    assert app.read("src/App.tsx") == FIXED
    app.delete("src/App.tsx")
    assert app.files() == []
    with pytest.raises(FileNotFoundError):
        app.read("src/App.tsx")
    with pytest.raises(FileNotFoundError):
        app.delete("src/App.tsx")


@pytest.mark.parametrize(
    ("path", "content", "reason"),
    [
        ("../outside.tsx", FIXED, "outside the app folder"),
        ("/etc/passwd", FIXED, "outside the app folder"),
        ("src/App.tsx", b"\x00\x01binary", "binary"),
        ("src/App.tsx", "x" * (2 * 1024 * 1024 + 1), "the limit is"),
    ],
)
def test_refused_writes_write_nothing(tmp_path: Path, path: str, content, reason: str) -> None:
    app = App(tmp_path / "hello", template=None)
    with pytest.raises(AppFileError, match=reason):
        app.write(path, content)
    with pytest.raises(AppFileError, match=reason):
        app.write_files({"src/ok.ts": "export {};\n", path: content})
    assert app.files() == []
    assert not (tmp_path / "outside.tsx").exists()


def test_write_files_and_batch_write_and_delete(tmp_path: Path) -> None:
    app = App(tmp_path / "hello", template=None)
    app.write_files({"a.ts": "export {};\n", "b/c.ts": "export {};\n"})
    assert app.files() == ["a.ts", "b/c.ts"]
    with app.batch():
        app.delete("a.ts")
        app.write("d.css", "body {}\n")
    app.write_files({"b/c.ts": None})
    assert app.files() == ["d.css"]


# the server's view


async def test_status_url_and_preview(make_app: Callable[..., App], link: ServerLink) -> None:
    app = make_app()
    assert await in_thread(lambda: app.status) == "ready"
    assert await in_thread(lambda: app.errors) == []
    url = await in_thread(lambda: app.url)
    assert url.startswith(link.url) and app.id in url
    assert '<div id="root">' in await in_thread(lambda: fetch(url))
    widget = await in_thread(app.preview)
    assert isinstance(widget, PreviewWidget)
    assert (widget.app_name, link.url + widget.src) == ("hello", url)


async def test_an_error_shows_in_status_and_clears_when_fixed(make_app) -> None:
    app = make_app()
    url = await in_thread(lambda: app.url)
    await in_thread(lambda: fetch(url + "src/App.tsx"))  # what an open preview loads
    app.write("src/App.tsx", BROKEN)
    await in_thread(lambda: app.wait_for_status("error"))
    (error,) = await in_thread(lambda: app.errors)
    assert (error["file"], error["line"]) == ("/src/App.tsx", 3)
    app.write("src/App.tsx", FIXED)
    await in_thread(lambda: app.wait_for_status("ready"))
    with pytest.raises(TimeoutError, match="still 'ready'"):
        await in_thread(lambda: app.wait_for_status("error", timeout=0.1))


async def test_with_no_preview_open_an_error_is_found_and_cleared(make_app) -> None:
    app = make_app()
    assert await in_thread(lambda: app.status) == "ready"
    app.write("src/App.tsx", BROKEN)
    (error,) = await in_thread(lambda: app.errors)  # at once: no waiting for the watcher
    assert (error["file"], error["line"]) == ("/src/App.tsx", 3)
    app.write("src/App.tsx", 'import Missing from "./Missing";\nexport default Missing;\n')
    (error,) = await in_thread(lambda: app.errors)
    assert 'Failed to resolve import "./Missing"' in error["message"]
    app.write("src/Missing.tsx", FIXED)
    assert await in_thread(lambda: app.status) == "ready"
    # The watcher, too, keeps the server's view current for the store and the lab UI.
    for _ in range(500):
        described = await in_thread(lambda: app.link.request("GET", f"api/apps/{app.id}"))
        if described["status"] == "ready":
            break
        await asyncio.sleep(0.01)
    assert (described["status"], described["errors"]) == ("ready", [])


async def test_an_app_broken_before_it_is_registered_shows_its_error(make_app) -> None:
    app = make_app(template=None)
    app.write("src/App.tsx", 'import confetti from "canvas-confetti";\nexport default confetti;\n')
    assert await in_thread(lambda: app.status) == "error"
    (error,) = await in_thread(lambda: app.errors)
    assert 'Cannot find package "canvas-confetti"' in error["message"]
    assert (error["file"], error["line"]) == ("/src/App.tsx", 1)


async def test_checking_an_unknown_app_is_404(link: ServerLink) -> None:
    with pytest.raises(ServerError) as refused:
        await in_thread(lambda: link.request("POST", "api/apps/no-such-app/check"))
    assert refused.value.status == 404


async def test_list_apps(make_app, link: ServerLink) -> None:
    app = make_app()
    await in_thread(lambda: app.id)
    listed = await in_thread(lambda: list_apps(link))
    assert [(a["name"], a["folder"]) for a in listed] == [("hello", "hello")]


async def test_an_app_outside_the_server_root_is_refused(tmp_path: Path, link) -> None:
    app = App(tmp_path / "elsewhere", link=link)
    with pytest.raises(ServerError, match="outside the Jupyter server's root"):
        await in_thread(lambda: app.status)
