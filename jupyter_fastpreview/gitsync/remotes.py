"""Which remotes and branches a job accepts, and the dulwich client that talks to a remote.

Checked before a job is queued, so a bad request is answered at once and never retried, and
so no credential is ever written to the store: a URL with a password in it is refused (the
token belongs in the environment, see `credentials`).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from dulwich.client import GitClient, HttpGitClient, get_transport_and_path
from dulwich.refs import Ref, check_ref_format

from .credentials import TOKEN_VARS, http_credentials

URL_SCHEMES = ("http", "https", "ssh", "git", "file")
NETWORK_SCHEMES = ("http", "https", "ssh", "git")
SSH_COMMAND = "ssh -o BatchMode=yes"
"""A background job has nobody to answer a password or host-key prompt: fail instead."""


class RemoteRefused(ValueError):
    """The remote or branch cannot be synced to; the message says why, for the caller."""


def check_remote(remote: str) -> str:
    """`remote` as given, if it is a git URL without a password or an absolute path."""
    if not remote or remote != remote.strip() or any(ord(c) < 0x20 for c in remote):
        raise RemoteRefused("give the remote as a git URL or an absolute path")
    parts = urlsplit(remote)
    if parts.scheme in URL_SCHEMES:
        if parts.scheme in NETWORK_SCHEMES and not parts.hostname:
            raise RemoteRefused(f"{parts.scheme} remote without a host")
        if parts.password is not None or (parts.scheme.startswith("http") and parts.username):
            raise RemoteRefused(
                f"credentials in the remote URL are refused; set {' or '.join(TOKEN_VARS)} "
                "in the server's environment instead"
            )
        return remote
    if os.path.isabs(remote):
        return remote
    raise RemoteRefused(
        f"{remote!r} is neither a git URL ({', '.join(URL_SCHEMES)}) nor an absolute path"
    )


def branch_ref(branch: str) -> Ref:
    """`refs/heads/<branch>`, if git would accept that name."""
    ref = Ref(b"refs/heads/" + branch.encode())
    if not branch or not check_ref_format(ref):
        raise RemoteRefused(f"{branch!r} is not a valid branch name")
    return ref


def open_client(remote: str, timeout: float) -> tuple[GitClient, bytes]:
    """A client for `remote` and the repository path to give it.

    HTTP(S) gets its own client so that every request has a timeout and carries the token
    (see `credentials.http_credentials`); other remotes use dulwich's transports as they are.
    """
    if urlsplit(remote).scheme in ("http", "https"):
        username, password = http_credentials(remote) or (None, None)
        http = HttpGitClient(remote, username=username, password=password, timeout=timeout)
        return http, b""
    client, path = get_transport_and_path(remote, ssh_command=SSH_COMMAND)
    return client, path.encode()
