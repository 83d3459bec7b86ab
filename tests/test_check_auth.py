"""No fastpreview endpoint may answer a caller who is not authenticated.

Two checks on every route the running server registered for us:

- by inspection: each HTTP verb a handler implements is wrapped, outermost, by
  `tornado.web.authenticated` (or `ws_authenticated` for websockets). A handler serving the
  sandboxed preview may instead use `@allow_unauthenticated`, but only if its class says
  `capability_authenticated = True`, i.e. it checks its own per-app capability token;
- by request: each verb, called without credentials, is refused with 403. This runs also with
  `allow_unauthenticated_access=True` (jupyter_server's default), where only our own
  decorators and token checks stand between the caller and the handler.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from jupyter_server.auth.decorator import allow_unauthenticated, ws_authenticated
from jupyter_server.base.handlers import APIHandler
from tornado import web
from tornado.routing import PathMatches
from tornado.util import re_unescape

VERBS = ("get", "head", "post", "put", "patch", "delete", "options")
BODY_VERBS = ("post", "put", "patch")

# Each decorator wraps with one inner function; its code object identifies the decorator.
AUTHENTICATED = {
    web.authenticated(lambda self: None).__code__,
    ws_authenticated(lambda self: None).__code__,
}
CAPABILITY = allow_unauthenticated(lambda self: None).__code__

# A matching XSRF cookie and header, so a refusal of POST/PUT/... comes from authentication.
XSRF = "fastpreview-check-auth"
NO_CREDENTIALS = {"Cookie": f"_xsrf={XSRF}", "X-XSRFToken": XSRF}

_GROUP = re.compile(r"\((?:\?P<\w+>)?[^()]*\)")


def implemented_verbs(handler: type[web.RequestHandler]) -> list[str]:
    """Verbs the handler answers, minus jupyter_server's CORS preflight (no data, no effect)."""
    inherited = {web.RequestHandler._unimplemented_method, APIHandler.options}
    return [verb for verb in VERBS if getattr(handler, verb) not in inherited]


def is_protected(handler: type[web.RequestHandler], method: Callable) -> bool:
    """Jupyter-authenticated, or an explicitly marked capability-token endpoint."""
    code = getattr(method, "__code__", None)
    if code in AUTHENTICATED:
        return True
    return code is CAPABILITY and getattr(handler, "capability_authenticated", False) is True


def concrete_path(matcher: PathMatches) -> str:
    """A path the route matches, with a dummy value in each capture group."""
    pattern = matcher.regex.pattern.removeprefix("^").removesuffix("$")
    for dummy in ("x", "0"):
        path = re_unescape(_GROUP.sub(dummy, pattern))
        if matcher.regex.match(path):
            return path
    raise AssertionError(f"cannot build a path for {pattern!r}; teach concrete_path its groups")


async def test_fastpreview_has_routes(fastpreview_rules) -> None:
    assert fastpreview_rules, "no fastpreview routes found: the checks below would pass vacuously"


async def test_every_verb_is_authenticated(fastpreview_rules) -> None:
    unprotected = [
        f"{rule.target.__name__}.{verb} at {rule.matcher.regex.pattern}"
        for rule in fastpreview_rules
        for verb in implemented_verbs(rule.target)
        if not is_protected(rule.target, getattr(rule.target, verb))
    ]
    assert not unprotected, "not behind @tornado.web.authenticated (outermost):\n" + "\n".join(
        unprotected
    )


@pytest.mark.parametrize("allow_unauthenticated_access", [False, True])
async def test_requests_without_credentials_are_refused(
    fastpreview_rules, http_server_client, allow_unauthenticated_access: bool
) -> None:
    answers = {}
    for rule in fastpreview_rules:
        path = concrete_path(rule.matcher)
        for verb in implemented_verbs(rule.target):
            response = await http_server_client.fetch(
                path,
                method=verb.upper(),
                headers=NO_CREDENTIALS,
                body=b"{}" if verb in BODY_VERBS else None,
                allow_nonstandard_methods=True,
                follow_redirects=False,
                raise_error=False,
            )
            answers[f"{verb.upper()} {path}"] = response.code
    assert answers, "no request was made"
    not_refused = {request: code for request, code in answers.items() if code != 403}
    assert not_refused == {}, "answered without credentials"
