"""The resources the mock serves: one line each.

Each line names a module whose `RESOURCE` is a `Resource` subclass (base.py): a resource
package's `resource.py`. They are
imported when a server is built, not when this module is, so nothing below the resources has
to import them.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path

from mockserver.resources.base import Resource

RESOURCES: list[str] = [
    "mockserver.resources.integrations.resource",
    "mockserver.resources.subscribers.resource",
    "mockserver.resources.topics.resource",
    "mockserver.resources.workflows.resource",
    "mockserver.resources.tenants.resource",
    "mockserver.resources.events.resource",
    # Last: it claims whatever operations of the loaded document the others leave.
    "mockserver.resources.inferred.resource",
]


def resource_classes(names: list[str] | None = None) -> list[type[Resource]]:
    """The registered resource classes, in registry order (operations may not be claimed by
    two of them)."""
    classes: list[type[Resource]] = []
    claimed: dict[str, str] = {}
    for dotted in RESOURCES if names is None else names:
        resource: type[Resource] = importlib.import_module(dotted).RESOURCE
        for operation_id in resource.handlers:
            if operation_id in claimed:
                raise ValueError(f"{dotted} and {claimed[operation_id]} both handle {operation_id}")
            claimed[operation_id] = dotted
        classes.append(resource)
    return classes


def structure_paths(extra: Sequence[Path] = ()) -> list[Path]:
    """The registered resources' JSON Structure documents, then `extra` (a user's, which
    replace any of the same name)."""
    return [path for cls in resource_classes() for path in cls.structures] + list(extra)
