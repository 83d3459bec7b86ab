"""The ground floor of every app folder: confinement, which files are the app's, size limits.

Everything that reads or writes an app's files (the dev server, the app check, the production
bundle, deploys, git sync, Puck publishing, the kernel API) goes through `AppFolder`, and every
rule about which files count lives in `rules`. Nothing here imports from the rest of the
package: this is the lowest layer.

    folder = AppFolder("apps/hello")
    folder.read("src/App.tsx")          # bytes; FolderError if outside, TooLarge, not regular
    folder.write("src/App.tsx", data)   # atomic; FolderError if it would land outside
    folder.source_files(limit)          # what git sync commits
"""

from .confine import AppFolder, FolderError, SourceFile, TooLarge, check_regular, current_umask
from .rules import (
    BUILD_FOLDER,
    MAX_ASSET_BYTES,
    MAX_BUNDLE_INPUT_BYTES,
    MAX_MODULE_BYTES,
    MAX_SYNC_BYTES,
    MAX_WRITE_BYTES,
    PACKAGES_FOLDER,
    in_packages,
    is_hidden_part,
    is_ignored,
    is_ignored_folder,
    is_source,
)

__all__ = [
    "BUILD_FOLDER",
    "MAX_ASSET_BYTES",
    "MAX_BUNDLE_INPUT_BYTES",
    "MAX_MODULE_BYTES",
    "MAX_SYNC_BYTES",
    "MAX_WRITE_BYTES",
    "PACKAGES_FOLDER",
    "AppFolder",
    "FolderError",
    "SourceFile",
    "TooLarge",
    "check_regular",
    "current_umask",
    "in_packages",
    "is_hidden_part",
    "is_ignored",
    "is_ignored_folder",
    "is_source",
]
