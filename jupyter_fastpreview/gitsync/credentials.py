"""The token for HTTPS remotes: read from the environment at push time, never stored, and
scrubbed from every text that leaves a job (errors, logs, the store).

GitHub's convention for a token over HTTPS is basic auth with the user `x-access-token`.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

TOKEN_VARS = ("FASTPREVIEW_GIT_TOKEN", "GITHUB_TOKEN")
TOKEN_USER = "x-access-token"
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
MASK = "***"

_URL_PASSWORD = re.compile(r"(?P<start>[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*):[^@\s/]*@")


def token(environ: Mapping[str, str] = os.environ) -> str | None:
    """The first non-empty token variable, `FASTPREVIEW_GIT_TOKEN` before `GITHUB_TOKEN`."""
    for name in TOKEN_VARS:
        value = environ.get(name, "").strip()
        if value:
            return value
    return None


def http_credentials(
    remote: str, environ: Mapping[str, str] = os.environ
) -> tuple[str, str] | None:
    """Basic-auth user and password for `remote`, if a token is set and may be sent there.

    Over plain HTTP the token would cross the network readable, so it only goes to HTTPS
    remotes and to HTTP servers on this machine.
    """
    secret = token(environ)
    parts = urlsplit(remote)
    safe = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)
    return (TOKEN_USER, secret) if secret and safe else None


def redact(text: str, environ: Mapping[str, str] = os.environ) -> str:
    """`text` without the tokens of the environment (also as sent in an Authorization header
    or percent-encoded) and without any password written into a URL."""
    for name in TOKEN_VARS:
        secret = environ.get(name, "").strip()
        if secret:
            for form in _forms(secret):
                text = text.replace(form, MASK)
    return _URL_PASSWORD.sub(rf"\g<start>:{MASK}@", text)


def _forms(secret: str) -> list[str]:
    """The ways a token can be written: as is, percent-encoded, inside basic auth."""
    basic = base64.b64encode(f"{TOKEN_USER}:{secret}".encode()).decode()
    return sorted({secret, quote(secret, safe=""), basic}, key=len, reverse=True)
