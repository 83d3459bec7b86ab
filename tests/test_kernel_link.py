"""Kernels the server starts find it through the environment; elsewhere they get a clear error."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from jupyter_server.serverapp import ServerApp

from jupyter_fastpreview.kernel.link import (
    ROOT_VAR,
    STORE_VAR,
    URL_VAR,
    ServerLink,
    ServerNotFound,
)


@pytest.fixture
def listening_server(jp_serverapp: ServerApp, http_server_client) -> ServerApp:
    """pytest-jupyter's server only accepts connections once its HTTP client fixture is up."""
    return jp_serverapp


async def exported_link(serverapp: ServerApp) -> ServerLink:
    """The link once the extension's start-up callback has run on the test's loop."""
    for _ in range(100):
        if URL_VAR in os.environ:
            return ServerLink.from_environment()
        await asyncio.sleep(0.01)
    raise AssertionError(f"{URL_VAR} was never exported")


async def test_server_exports_its_link_for_kernels(jp_serverapp: ServerApp, jp_base_url: str):
    link = await exported_link(jp_serverapp)
    assert link.url.endswith(f":{jp_serverapp.port}{jp_base_url}")
    assert link.token == jp_serverapp.identity_provider.token
    assert link.root_dir == Path(jp_serverapp.root_dir).resolve()
    (app,) = jp_serverapp.extension_manager.extension_apps["jupyter_fastpreview"]
    assert os.environ[STORE_VAR] == app.store_path


async def test_kernel_link_reaches_the_extension(listening_server: ServerApp) -> None:
    link = await exported_link(listening_server)
    # The server runs on this test's loop: a blocking call must leave it free to answer.
    status = await asyncio.to_thread(link.request, "GET", "api/status")
    assert status["esbuild"]


async def test_wrong_token_is_refused(listening_server: ServerApp) -> None:
    link = await exported_link(listening_server)
    stranger = ServerLink(link.url, "not-the-token", link.root_dir)
    with pytest.raises(Exception, match="403|401"):
        await asyncio.to_thread(stranger.request, "GET", "api/status")


def test_outside_jupyter_the_error_says_what_is_missing() -> None:
    with pytest.raises(ServerNotFound, match=f"{URL_VAR}.*{ROOT_VAR}.*JupyterLab"):
        ServerLink.from_environment()
