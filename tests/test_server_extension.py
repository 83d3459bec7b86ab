"""The server extension loads under a non-root base URL and answers status to its user only."""

from __future__ import annotations

import json
import re

import pytest
from jupyter_server.serverapp import ServerApp
from tornado.httpclient import HTTPClientError

import jupyter_fastpreview
from jupyter_fastpreview.esbuild import EsbuildService, get_service
from jupyter_fastpreview.server import extension
from jupyter_fastpreview.server.extension import FastPreviewApp
from jupyter_fastpreview.server.handlers import StatusHandler

STATUS = ("fastpreview", "api", "status")


class FakeEsbuild:
    """Stands in for the esbuild service where a test needs fixed figures or to see close()."""

    version = "0.0.0-fake"
    binary = "/fake/bin/esbuild"
    running = True
    pid = 4242
    closed = False

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def fake_esbuild(monkeypatch: pytest.MonkeyPatch) -> FakeEsbuild:
    """Must be requested before `jp_serverapp` so the extension picks the fake up."""
    fake = FakeEsbuild()
    monkeypatch.setattr(extension, "get_service", lambda: fake)
    return fake


async def test_extension_is_enabled_and_loaded(jp_serverapp: ServerApp) -> None:
    manager = jp_serverapp.extension_manager
    assert manager.extensions["jupyter_fastpreview"].enabled
    (app,) = manager.extension_apps["jupyter_fastpreview"]
    assert isinstance(app, FastPreviewApp)
    assert jp_serverapp.web_app.settings["fastpreview"] is app


async def test_routes_are_under_the_base_url(fastpreview_rules, jp_base_url: str) -> None:
    patterns = [rule.matcher.regex.pattern for rule in fastpreview_rules]
    assert all(p.startswith(f"{jp_base_url}fastpreview/") for p in patterns), patterns
    routes = {rule.matcher.regex.pattern: rule.target for rule in fastpreview_rules}
    assert routes[f"{jp_base_url}fastpreview/api/status$"] is StatusHandler


async def test_status_is_not_served_outside_the_base_url(http_server_client, jp_auth_header):
    with pytest.raises(HTTPClientError) as refused:
        await http_server_client.fetch("/fastpreview/api/status", headers=jp_auth_header)
    assert refused.value.code == 404


async def test_status_reports_versions(jp_fetch) -> None:
    response = await jp_fetch(*STATUS)
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    status = json.loads(response.body)
    assert status["version"] == jupyter_fastpreview.__version__
    assert status["esbuild"]["version"] == get_service().version
    assert re.fullmatch(r"\d+\.\d+\.\d+", status["esbuild"]["version"])
    assert isinstance(status["esbuild"]["running"], bool)
    assert status["apps"] == []


async def test_status_reports_the_service_it_was_given(fake_esbuild: FakeEsbuild, jp_fetch):
    response = await jp_fetch(*STATUS)
    assert json.loads(response.body) == {
        "version": jupyter_fastpreview.__version__,
        "esbuild": {
            "version": "0.0.0-fake",
            "binary": "/fake/bin/esbuild",
            "running": True,
            "pid": 4242,
        },
        "apps": [],
        "sessions": {"total": 0, "by_app": {}},
        "builds_in_flight": {"total": 0, "by_app": {}},
        "deploys_in_flight": {"total": 0, "deploys": []},
        "sync_jobs": {"queued": 0, "running": 0, "done": 0, "failed": 0},
    }


@pytest.fixture
def missing_esbuild(monkeypatch: pytest.MonkeyPatch, tmp_path) -> EsbuildService:
    service = EsbuildService(binary=str(tmp_path / "no-esbuild-here"))
    monkeypatch.setattr(extension, "get_service", lambda: service)
    return service


async def test_status_says_why_esbuild_is_missing(missing_esbuild: EsbuildService, jp_fetch):
    response = await jp_fetch(*STATUS)
    esbuild = json.loads(response.body)["esbuild"]
    assert esbuild["running"] is False
    assert "no-esbuild-here does not exist" in esbuild["error"]


@pytest.mark.parametrize("authorization", ["", "token not-the-token", "Bearer nope"])
async def test_status_refuses_a_missing_or_wrong_token(jp_fetch, authorization: str) -> None:
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch(*STATUS, headers={"Authorization": authorization})
    assert refused.value.code == 403


async def test_server_shutdown_closes_esbuild(
    fake_esbuild: FakeEsbuild, jp_serverapp: ServerApp
) -> None:
    assert not fake_esbuild.closed
    await jp_serverapp.cleanup_extensions()
    assert fake_esbuild.closed
