"""Jupyter's CORS settings do not reach the preview: any origin may read, never with cookies."""

from __future__ import annotations

import json

import pytest
from traitlets.config import Config


@pytest.fixture
def jp_server_config(jp_server_config: Config) -> Config:
    """The hardened server, trusting one other origin with credentials."""
    jp_server_config.ServerApp.allow_origin = "https://lab.example"
    jp_server_config.ServerApp.allow_credentials = True
    return jp_server_config


async def test_preview_responses_allow_any_origin_without_credentials(
    jp_fetch, jp_root_dir, http_server_client
) -> None:
    (jp_root_dir / "demo" / "src").mkdir(parents=True)
    (jp_root_dir / "demo" / "src" / "x.ts").write_text("export const x = 1;\n")
    response = await jp_fetch(
        "fastpreview", "api", "apps", method="POST", body=json.dumps({"path": "demo"})
    )
    prefix = json.loads(response.body)["preview_url"]
    for path in ("", "src/x.ts", "@vendor/react.js"):
        answer = await http_server_client.fetch(prefix + path, headers={"Origin": "null"})
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in answer.headers
