"""Push a branch of an app's sync repository to its remote, fast-forward only.

A sync never rewrites a remote's history: if the remote branch has commits this repository
does not descend from (someone else pushed there, or the sync state was lost), the push is
refused with a message saying so, and the job fails without retrying.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Set

from dulwich.client import SendPackResult
from dulwich.graph import can_fast_forward
from dulwich.objects import ObjectID
from dulwich.pack import UnpackedObject
from dulwich.refs import Ref
from dulwich.repo import Repo

from .errors import SyncError, classify
from .remotes import branch_ref, open_client

DEFAULT_TIMEOUT = 60.0


def push(repo: Repo, remote: str, branch: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Make `branch` of `remote` point at our head of `branch`; raise `SyncError` if not."""
    ref = branch_ref(branch)
    head = repo.refs[ref]
    client, path = open_client(remote, timeout)

    def update_refs(refs: dict[Ref, ObjectID]) -> dict[Ref, ObjectID]:
        theirs = refs.get(ref)
        if theirs is not None and not _descends(repo, head, theirs):
            raise SyncError(
                f"the remote branch {branch!r} has commits that this app's sync did not make; "
                "sync to a new branch or remote, or reset that branch",
                retryable=False,
            )
        return {ref: head}

    def pack_data(
        have: Set[ObjectID],
        want: Set[ObjectID],
        *,
        ofs_delta: bool = False,
        progress: Callable[..., None] | None = None,
    ) -> tuple[int, Iterator[UnpackedObject]]:
        return repo.generate_pack_data(set(have), set(want), progress=progress, ofs_delta=ofs_delta)

    try:
        result = client.send_pack(path, update_refs, generate_pack_data=pack_data)
    except Exception as error:
        raise classify(error) from error
    _check_accepted(result, ref, branch)


def _descends(repo: Repo, head: ObjectID, theirs: ObjectID) -> bool:
    """Whether `head` is `theirs` or a descendant, so pushing it loses none of their work."""
    return theirs in repo.object_store and can_fast_forward(repo, theirs, head)


def _check_accepted(result: SendPackResult, ref: Ref, branch: str) -> None:
    """The remote may still refuse the update (a hook, branch protection, a race)."""
    refusal = (result.ref_status or {}).get(ref)
    if refusal is not None:
        raise SyncError(f"the remote refused the push to {branch!r}: {refusal}", retryable=False)
