"""What an operation does, read from the document alone: collections and their items, and
each operation's part in them.

A collection is a path ending in a literal segment (`/v2/layouts`, `/v1/domains/{domain}/routes`)
that has items: the same path followed by one or more parameters (`/v2/layouts/{layoutId}`,
`/v2/contexts/{type}/{id}`). On it, POST creates and GET lists; on an item, GET reads, PUT
replaces, PATCH updates and DELETE deletes; a path that goes on from an item with literal
segments (`/v2/layouts/{layoutId}/duplicate`) is an action on that item. Anything else is
answered from its schema alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from mockserver.contract.operations import Operation

_PARAMETER = re.compile(r"^\{([^}]+)\}$")

Kind = Literal["create", "list", "read", "replace", "update", "delete", "action", "other"]
_ON_COLLECTION: dict[str, Kind] = {"POST": "create", "GET": "list"}
_ON_ITEM: dict[str, Kind] = {"GET": "read", "PUT": "replace", "PATCH": "update", "DELETE": "delete"}


@dataclass(frozen=True)
class Collection:
    path: str
    # The parameters of the collection's own path (its parents), and the ones after it that
    # name an item.
    parents: tuple[str, ...]
    keys: tuple[str, ...]
    # Whether the document can create its items (otherwise they exist when first asked for).
    creatable: bool

    @property
    def item_path(self) -> str:
        return self.path + "".join(f"/{{{key}}}" for key in self.keys)

    @property
    def noun(self) -> str:
        """`Layout`, `Route`...: the last literal segment, singular, for 404 messages."""
        last = self.path.rstrip("/").rsplit("/", 1)[-1]
        words = re.split(r"[-_]", last)
        singular = words[-1][:-1] if words[-1].endswith("s") else words[-1]
        return " ".join([*words[:-1], singular]).capitalize()


@dataclass(frozen=True)
class Role:
    kind: Kind
    collection: Collection | None = None
    # The names this operation's own path gives the collection's parent and key parameters
    # (an action's path may name them differently: `/v1/agents/{agentId}/reply`).
    parent_params: tuple[str, ...] = ()
    key_params: tuple[str, ...] = ()


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def _parameter(segment: str) -> str | None:
    found = _PARAMETER.match(segment)
    return found.group(1) if found else None


def roles(operations: Iterable[Operation]) -> dict[str, Role]:
    """Each operation's part, by operationId."""
    listed = list(operations)
    collections = _collections(listed)
    found: dict[str, Role] = {}
    for operation in listed:
        found[operation.operation_id] = _role(operation, collections)
    return found


def _collections(operations: list[Operation]) -> dict[str, Collection]:
    """Every collection the paths show, by its path."""
    methods: dict[str, set[str]] = {}
    for operation in operations:
        methods.setdefault(operation.path, set()).add(operation.method)
    found: dict[str, Collection] = {}
    for path in sorted(methods):
        segments = _segments(path)
        trailing: list[str] = []
        while segments and (name := _parameter(segments[-1])) is not None:
            trailing.insert(0, name)
            segments.pop()
        if not trailing or not segments:
            continue
        base = "/" + "/".join(segments)
        if base in found:
            continue
        parents = tuple(p for s in segments if (p := _parameter(s)) is not None)
        found[base] = Collection(
            path=base,
            parents=parents,
            keys=tuple(trailing),
            creatable="POST" in methods.get(base, set()),
        )
    return found


def _role(operation: Operation, collections: Mapping[str, Collection]) -> Role:
    segments, method = _segments(operation.path), operation.method
    best: tuple[Collection, int] | None = None
    for collection in collections.values():
        shape = _segments(collection.item_path)
        if _same_shape(segments, _segments(collection.path)):
            kind = _ON_COLLECTION.get(method, "other")
            if kind == "other":
                return Role("other")
            return _named(kind, collection, segments)
        if _same_shape(segments, shape):
            return _named(_ON_ITEM.get(method, "action"), collection, segments)
        longer = len(segments) > len(shape) and _same_shape(segments[: len(shape)], shape)
        if longer and (best is None or len(shape) > best[1]):
            best = (collection, len(shape))
    if best is not None:
        return _named("action", best[0], segments)
    return Role("other")


def _same_shape(path: list[str], template: list[str]) -> bool:
    """Whether the segments match, a parameter matching a parameter of any name."""
    return len(path) == len(template) and all(
        a == b or (_parameter(a) is not None and _parameter(b) is not None)
        for a, b in zip(path, template, strict=True)
    )


def _named(kind: Kind, collection: Collection, segments: list[str]) -> Role:
    """The role, with the parameter names this path uses at the collection's places."""
    names = [_parameter(segment) for segment in segments]
    template = _segments(collection.item_path)
    places = [name for name in names[: len(template)] if name is not None]
    parents = tuple(places[: len(collection.parents)])
    keys = tuple(places[len(collection.parents) :]) if kind not in ("create", "list") else ()
    return Role(kind, collection, parents, keys)


def same_template(path: str, template: str) -> bool:
    """Whether two path templates are the same, a parameter matching one of any name."""
    return _same_shape(_segments(path), _segments(template))
