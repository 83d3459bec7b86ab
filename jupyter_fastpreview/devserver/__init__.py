"""The dev server: serves an app folder to its sandboxed preview as native ES modules.

`DevServer` ties the pieces together: the app registry, the module pipeline (esbuild
transform, import rewriting, Fast Refresh registration), the module graph, the file watcher
and the HMR hub. The wire contract with the browser runtime is `docs/devserver.md`.
"""

from .apps import App, AppFolderError, AppRegistry
from .devserver import DevServer

__all__ = ["App", "AppFolderError", "AppRegistry", "DevServer"]
