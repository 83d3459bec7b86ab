"""The preview in a notebook cell: an anywidget around the sandboxed preview iframe."""

from .preview import PreviewWidget

__all__ = ["PreviewWidget"]
