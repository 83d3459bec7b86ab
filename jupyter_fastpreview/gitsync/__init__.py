"""Background git sync: commit an app's source files and push them to a git remote.

`SyncQueue` is the entry point; `handlers` is its Jupyter-authenticated HTTP API.
"""

from .credentials import TOKEN_VARS, redact
from .errors import SyncError
from .jobs import SyncQueue
from .remotes import RemoteRefused

__all__ = ["TOKEN_VARS", "RemoteRefused", "SyncError", "SyncQueue", "redact"]
