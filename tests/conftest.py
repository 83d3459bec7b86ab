"""Run a real Jupyter server with fastpreview enabled, the way a hardened deployment would."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.serverapp import ServerApp
from tornado.routing import Rule, RuleRouter
from traitlets.config import Config

from jupyter_fastpreview import App
from jupyter_fastpreview.esbuild import EsbuildService
from jupyter_fastpreview.kernel.link import ROOT_VAR, STORE_VAR, TOKEN_VAR, URL_VAR, ServerLink

pytest_plugins = ("pytest_jupyter.jupyter_server",)


@pytest.fixture(autouse=True)
def restore_link_vars() -> Iterator[None]:
    """The extension writes its link for kernels into `os.environ`; no test may see another
    test's server, and a test that expects no server sees none."""
    names = (URL_VAR, TOKEN_VAR, ROOT_VAR, STORE_VAR)
    saved = {name: os.environ.pop(name, None) for name in names}
    yield
    for name, value in saved.items():
        os.environ.pop(name, None)
        if value is not None:
            os.environ[name] = value


@pytest.fixture
def jp_base_url() -> str:
    """A non-root base URL with an escaped character, to catch routes not joined to it."""
    return "/fp%40base/"


@pytest.fixture
def allow_unauthenticated_access() -> bool:
    """Hardened by default; a test may override it to check our own decorators alone."""
    return False


@pytest.fixture
def jp_server_config(allow_unauthenticated_access: bool) -> Config:
    """Only our extension, failing loudly if it does not load; refuse unmarked endpoints."""
    return Config(
        {
            "ServerApp": {
                "jpserver_extensions": {
                    "jupyter_fastpreview": True,
                    "jupyter_server_terminals": False,
                },
                "allow_unauthenticated_access": allow_unauthenticated_access,
                "reraise_server_extension_failures": True,
            }
        }
    )


@pytest.fixture
def link(jp_serverapp: ServerApp, http_server_client) -> ServerLink:
    """What a kernel of this (listening) server finds in its environment."""
    return ServerLink(
        jp_serverapp.connection_url,
        jp_serverapp.identity_provider.token,
        Path(jp_serverapp.root_dir),
    )


@pytest.fixture
def make_app(jp_root_dir: Path, link: ServerLink) -> Callable[..., App]:
    """`make_app(name, **options)`: an `App` in the server root, linked to the test server."""

    def make(name: str = "hello", **options: Any) -> App:
        return App(jp_root_dir / name, link=link, **options)

    return make


@pytest.fixture
def fastpreview_rules(jp_serverapp: ServerApp) -> list[Rule]:
    """The routes the running server dispatches to fastpreview handlers."""
    return [
        rule
        for rule in _leaf_rules(jp_serverapp.web_app.default_router)
        if "fastpreview" in rule.matcher.regex.pattern
        or rule.target.__module__.startswith("jupyter_fastpreview")
    ]


def _leaf_rules(router: RuleRouter) -> Iterator[Rule]:
    """Tornado nests routers (per host pattern); yield the rules that name a handler."""
    for rule in router.rules:
        if isinstance(rule.target, RuleRouter):
            yield from _leaf_rules(rule.target)
        else:
            yield rule


@pytest.fixture
def esbuild() -> Iterator[EsbuildService]:
    """A private esbuild process, so a test that kills it touches no other test."""
    service = EsbuildService()
    yield service
    service.close()
