"""Why a sync failed, and whether trying again later can help.

Only the network is worth retrying: an unreachable host, a timeout, a server error (HTTP 5xx,
408, 429). A refused credential, a missing repository or a rejected push fails the same way
every time, so retrying it would only hammer the remote (and, for credentials, can lock the
account): those fail the job at once.
"""

from __future__ import annotations

import re
import socket

import urllib3.exceptions
from dulwich.client import HTTPProxyUnauthorized, HTTPUnauthorized
from dulwich.errors import GitProtocolError, HangupException, NotGitRepository

from .credentials import TOKEN_VARS

RETRYABLE_HTTP = (408, 429)
_HTTP_STATUS = re.compile(r"unexpected http resp (\d{3})")
_AUTH_HINT = f"set {' or '.join(TOKEN_VARS)} to a token that may push to this repository"


class SyncError(Exception):
    """A failed sync with a message for people; `retryable` says whether to try again."""

    def __init__(self, message: str, retryable: bool) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


def classify(error: Exception) -> SyncError:
    """The `SyncError` for an exception raised while talking to a remote."""
    if isinstance(error, SyncError):
        return error
    if isinstance(error, (HTTPUnauthorized, HTTPProxyUnauthorized)):
        return SyncError(f"the remote refused the credentials (HTTP 401); {_AUTH_HINT}", False)
    if isinstance(error, NotGitRepository):
        return SyncError(f"no git repository at the remote ({error or 'not found'})", False)
    if isinstance(error, GitProtocolError):
        return _protocol_error(error)
    if isinstance(error, (ConnectionError, TimeoutError, socket.gaierror)):
        return SyncError(f"network error: {error}", True)
    return SyncError(f"{type(error).__name__}: {error}", False)


def _protocol_error(error: GitProtocolError) -> SyncError:
    """HTTP statuses and transport failures arrive as `GitProtocolError`s; tell them apart."""
    match = _HTTP_STATUS.search(str(error))
    if match:
        return _http_status_error(int(match.group(1)))
    network_causes = (urllib3.exceptions.HTTPError, ConnectionError, TimeoutError, socket.gaierror)
    if isinstance(error, HangupException) or isinstance(error.__cause__, network_causes):
        return SyncError(f"network error: {error}", True)
    return SyncError(f"the remote broke the git protocol: {error}", False)


def _http_status_error(status: int) -> SyncError:
    if status in (401, 403):
        return SyncError(f"the remote refused access (HTTP {status}); {_AUTH_HINT}", False)
    retryable = status >= 500 or status in RETRYABLE_HTTP
    return SyncError(f"the remote answered HTTP {status}", retryable)
