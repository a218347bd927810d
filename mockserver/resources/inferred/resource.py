"""The inferred engine as a resource of the registry: it claims every operation of the
loaded document that no other resource handles, and answers them from state inferred from
the document (engine.py). Its objects are in the state document and the inspector."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from mockserver.resources.base import BoundHandler, Exchange, Host, Reply, Resource, Table
from mockserver.resources.inferred.engine import InferredEngine, inferred_of
from mockserver.state.store import Environment

# Objects as the state document holds them: their collection, parent and key values.
_OBJECT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["collection", "parents", "keys", "object"],
    "properties": {
        "collection": {"type": "string", "minLength": 1, "maxLength": 2048},
        "parents": {"type": "array", "items": {"type": "string"}},
        "keys": {"type": "array", "items": {"type": "string"}},
        "object": {"type": "object"},
    },
}


class InferredResource(Resource):
    name = "inferred"
    title = "Inferred objects"
    handlers: ClassVar[dict[str, Any]] = {}
    export_properties: ClassVar[dict[str, Any]] = {"inferred": {"type": "array", "items": _OBJECT}}

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.engine: InferredEngine | None = None

    def claim_rest(self, unclaimed: frozenset[str]) -> dict[str, BoundHandler]:
        host = self.host
        if not unclaimed or not host.settings.infer:
            return {}
        self.engine = InferredEngine(host.operations, unclaimed, seed=host.seed, clock=host.clock)
        return {name: functools.partial(self._answer, name) for name in sorted(unclaimed)}

    def _answer(self, operation_id: str, call: Exchange) -> Reply:
        assert self.engine is not None  # claimed operations exist only with an engine
        return self.engine.answer(operation_id, call)

    # ---- the state document -------------------------------------------------------------

    def export(self, environment: Environment) -> dict[str, Any]:
        state = inferred_of(environment)
        return {
            "inferred": [
                {"collection": path, "parents": list(parents), "keys": list(keys), "object": item}
                for path, buckets in state.items.items()
                for parents, bucket in buckets.items()
                for keys, item in bucket.items()
            ]
        }

    def import_environment(
        self,
        raw: dict[str, Any],
        environment: Environment,
        where: str,
        problems: list[str],
        moment: Callable[[dict[str, Any], str, str], datetime | None],
    ) -> None:
        state = inferred_of(environment)
        for entry in raw.get("inferred", []):
            keys = (tuple(entry["parents"]), tuple(entry["keys"]))
            state.keep(entry["collection"], *keys, dict(entry["object"]))

    # ---- for people ---------------------------------------------------------------------

    def summary(self, environment: Environment) -> dict[str, int]:
        if self.engine is None:
            return {}
        return {"inferred": inferred_of(environment).count}

    def tables(self, environment: Environment) -> list[Table]:
        if self.engine is None:
            return []
        state = inferred_of(environment)
        rows = [
            (path, "/".join(parents + keys), str(len(item)))
            for path, buckets in state.items.items()
            for parents, bucket in buckets.items()
            for keys, item in bucket.items()
        ]
        return [Table(self.title, ("Collection", "Key", "Fields"), rows)]


# What the registry reads (resources/registry.py).
RESOURCE = InferredResource
