"""A client for the real esbuild, spoken to over its own stdin/stdout service protocol.

from jupyter_fastpreview.esbuild import get_service

esbuild = get_service()
esbuild.transform("const x: number = 1", loader="ts").code
esbuild.build(entry_points=["src/main.tsx"], bundle=True, outdir="dist")
with esbuild.context(entry_points=[...], bundle=True, outdir="dist") as ctx:
    ctx.rebuild()
"""

from .binary import EsbuildNotFound, find_binary
from .plugins import OnLoadArgs, OnLoadResult, OnResolveArgs, OnResolveResult, Plugin
from .results import (
    BuildResult,
    EsbuildError,
    EsbuildServiceError,
    Location,
    Message,
    Note,
    OutputFile,
    TransformResult,
)
from .service import BuildContext, EsbuildService, get_service

__all__ = [
    "BuildContext",
    "BuildResult",
    "EsbuildError",
    "EsbuildNotFound",
    "EsbuildService",
    "EsbuildServiceError",
    "Location",
    "Message",
    "Note",
    "OnLoadArgs",
    "OnLoadResult",
    "OnResolveArgs",
    "OnResolveResult",
    "OutputFile",
    "Plugin",
    "TransformResult",
    "find_binary",
    "get_service",
]
