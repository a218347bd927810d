"""The state layer's errors, apart from what raises them, so the resources above can name
them without importing the loaders (which name the resources for the type checker)."""

from __future__ import annotations

from mockserver.contract import DocumentError


class DatasetError(DocumentError):
    """A seed dataset that is refused: the message names the file and the place."""
