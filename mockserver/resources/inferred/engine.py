"""Answers for the operations no resource models by hand, from state inferred from the
document (shapes.py) and instances made from its schemas (instances.py).

A collection whose create operation is inferred is the engine's own: a create stores an
object made from the item's schema with the request's fields laid over it (those the schema
takes), reads, lists, updates and deletes act on what is stored, and an unknown item is a 404.
Items of a collection the engine does not own (its create is modelled by hand, or there is
none) exist when first asked for, made from their path values, so an action or read on them
always answers. Every answer is an instance of its response schema with the stored fields of
the same names laid over it: it passes the contract by construction.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from mockserver.contract.operations import Operation, ResponseContract
from mockserver.novu.errors import Conflict, NotFound, NovuError
from mockserver.resources.base import Exchange, Reply
from mockserver.resources.inferred.instances import Checks, InstanceMaker, definitions
from mockserver.resources.inferred.shapes import Collection, Role, roles, same_template
from mockserver.resources.page_numbers import page_number
from mockserver.state.clock import Clock, iso_timestamp
from mockserver.state.store import Environment

# Objects the engine keeps per environment, and their bytes (a client that creates forever
# is told so, not answered by a server that grows without end).
MAX_OBJECTS = 10_000
MAX_BYTES = 16 * 1024 * 1024
_PAGE_FIELDS = ("limit", "pageSize", "perPage")
_NOTHING_STORED: Mapping[tuple[str, ...], Any] = {}
# Instances made from a schema and a seed alone, kept made (engine._instance).
_MADE_KEPT = 512


@dataclass
class InferredState:
    # Collection path -> parent values -> key values -> the stored object, in creation order.
    items: dict[str, dict[tuple[str, ...], OrderedDict[tuple[str, ...], dict[str, Any]]]] = field(
        default_factory=dict
    )
    count: int = 0
    bytes: int = 0
    # Removed items of collections the engine does not own (they are not made again when
    # next asked for), the newest MAX_OBJECTS of them.
    removed: OrderedDict[tuple[str, tuple[str, ...], tuple[str, ...]], None] = field(
        default_factory=OrderedDict
    )

    def bucket(
        self, path: str, parents: tuple[str, ...]
    ) -> OrderedDict[tuple[str, ...], dict[str, Any]]:
        """Where items of the collection under those parents are stored (made to store)."""
        return self.items.setdefault(path, {}).setdefault(parents, OrderedDict())

    def stored(self, path: str, parents: tuple[str, ...]) -> Mapping[tuple[str, ...], Any]:
        """What is stored there, for reading: nothing is made for a read of unknown parents."""
        return self.items.get(path, {}).get(parents, _NOTHING_STORED)

    def keep(self, path: str, parents: tuple[str, ...], keys: tuple[str, ...], item: Any) -> None:
        self.bucket(path, parents)[keys] = item
        self.count += 1
        self.bytes += _size(item)

    def forget(
        self, path: str, parents: tuple[str, ...], keys: tuple[str, ...], *, owned: bool
    ) -> None:
        item = self.items.get(path, {}).get(parents, OrderedDict()).pop(keys, None)
        if item is not None:
            self.count -= 1
            self.bytes -= _size(item)
        if not owned:
            self.removed[(path, parents, keys)] = None
            while len(self.removed) > MAX_OBJECTS:
                self.removed.popitem(last=False)


def _size(item: Any) -> int:
    return len(orjson.dumps(item, default=str))


def inferred_of(environment: Environment) -> InferredState:
    return environment.state(InferredState)


@dataclass(frozen=True)
class Schema:
    """A schema node and the compiled root whose `$defs` it refers to."""

    root: Mapping[str, Any]
    node: Mapping[str, Any]


class InferredEngine:
    def __init__(
        self,
        operations: Mapping[str, Operation],
        inferred: frozenset[str],
        *,
        seed: int,
        clock: Clock,
    ) -> None:
        self.operations = operations
        self.inferred = inferred
        self.seed = seed
        self.clock = clock
        self.roles: dict[str, Role] = roles(operations.values())
        # The collections whose create is inferred: their items live only here.
        self.owned = {
            role.collection.path
            for name, role in self.roles.items()
            if role.kind == "create" and role.collection is not None and name in inferred
        }
        self._item_schemas: dict[str, Schema | None] = {}
        self.checks = Checks()
        # What the schemas say, read once: each object schema's properties, by node, and the
        # fields each collection's keys are in, by path.
        self._properties: dict[int, dict[str, Any]] = {}
        self._key_field_names: dict[str, tuple[str, ...]] = {}
        # Instances made from nothing but a schema and a seed, as JSON, newest kept: the same
        # (schema, seed) gives the same instance, so it is made once.
        self._made: OrderedDict[tuple[int, str], bytes] = OrderedDict()
        # A sub-collection's parent collection, when the engine owns the parent.
        collections = {r.collection.path: r.collection for r in self.roles.values() if r.collection}
        self._parents = {
            path: parent
            for path in collections
            for parent in collections.values()
            if parent.path in self.owned and same_template(parent.item_path, path.rsplit("/", 1)[0])
        }

    # ---- answering ----------------------------------------------------------------------

    def answer(self, operation_id: str, call: Exchange) -> Reply:
        operation = self.operations[operation_id]
        role = self.roles[operation_id]
        environment = call.caller.environment
        status = operation.success_status or 200
        collection = role.collection
        if collection is None or role.kind == "other":
            return self._reply(operation, status, call, self._given(call))
        parents = tuple(call.path.get(name, "") for name in role.parent_params)
        self._check_parent(environment, collection, parents)
        if role.kind == "create":
            return self._reply(operation, status, call, self._create(operation, collection, call))
        if role.kind == "list":
            return self._list(operation, status, collection, parents, call)
        keys = tuple(call.path.get(name, "") for name in role.key_params)
        stored = self._find(environment, collection, parents, keys)
        if role.kind in ("update", "replace"):
            stored = self._update(collection, stored, call)
        elif role.kind == "delete":
            owned = collection.path in self.owned
            inferred_of(environment).forget(collection.path, parents, keys, owned=owned)
        return self._reply(operation, status, call, stored)

    def _reply(self, operation: Operation, status: int, call: Exchange, stored: Any) -> Reply:
        contract = operation.response_for(status)
        schema = _payload_schema(contract)
        if status == 204 or schema is None:
            return Reply(status, None if status == 204 else {})
        maker = self._maker(call, operation.operation_id, schema)
        return Reply(status, masked(self._shaped(maker, schema, stored, operation.operation_id)))

    # ---- the parts ----------------------------------------------------------------------

    def _create(self, operation: Operation, collection: Collection, call: Exchange) -> Any:
        environment = call.caller.environment
        state = inferred_of(environment)
        role = self.roles[operation.operation_id]
        parents = tuple(call.path.get(name, "") for name in role.parent_params)
        item = self._item_schema(collection)
        if item is None:
            return self._given(call)
        bucket = state.stored(collection.path, parents)
        # The collection's item as the seed makes it (made once), with fresh ids: every
        # create is a new object, told apart by its ids and the request's fields.
        maker = self._maker(call, collection.path, item)
        made = self._instance(maker, item, "item")
        if isinstance(made, dict):
            fresh = InstanceMaker(
                item.root, f"{maker.seed}#{state.count}:{len(bucket)}", maker.moment, self.checks
            )
            properties = self._properties_of(item)
            for name in self._fresh_fields(collection, properties):
                made[name] = fresh.make(properties[name], name)
            made = self._laid_over(item, made, _body(call))
        if isinstance(made, dict):
            for name, value in zip(collection.parents, parents, strict=False):
                made = self._laid_over(item, made, {name: value})
        keys = self._keys_of(collection, made)
        if keys in bucket:
            raise Conflict(f"{collection.noun} {'/'.join(keys)} already exists")
        if state.count >= MAX_OBJECTS or state.bytes + _size(made) > MAX_BYTES:
            raise NovuError(
                400,
                f"The mock keeps at most {MAX_OBJECTS} inferred objects "
                f"({MAX_BYTES // (1024 * 1024)} MB) per environment; delete some or reset",
            )
        state.keep(collection.path, parents, keys, made)
        return made

    def _find(
        self,
        environment: Environment,
        collection: Collection,
        parents: tuple[str, ...],
        keys: tuple[str, ...],
    ) -> Any:
        state = inferred_of(environment)
        found = state.stored(collection.path, parents).get(keys)
        if found is not None:
            return found
        if collection.path in self.owned or (collection.path, parents, keys) in state.removed:
            raise NotFound(f"{collection.noun} {'/'.join(keys)} not found")
        # Not the engine's own: made from its path values, and kept from now on.
        item = self._item_schema(collection)
        if item is None:
            return {}
        maker = InstanceMaker(
            item.root, f"{self.seed}|{environment.id}|{collection.path}|{keys}", self.clock.now()
        )
        made = maker.make(item.node)
        if isinstance(made, dict):
            fields = dict(zip(self._key_fields(collection), keys, strict=False))
            made = self._laid_over(item, made, fields)
            if state.count < MAX_OBJECTS and state.bytes + _size(made) <= MAX_BYTES:
                # Kept so a later change sticks; past the bound it is made afresh each time.
                state.keep(collection.path, parents, keys, made)
        return made

    def _update(self, collection: Collection, stored: Any, call: Exchange) -> Any:
        item = self._item_schema(collection)
        if item is None or not isinstance(stored, dict):
            return stored
        body = {k: v for k, v in _body(call).items() if k not in self._key_fields(collection)}
        changed = self._laid_over(item, stored, body)
        if "updatedAt" in self._properties_of(item):
            changed = self._laid_over(item, changed, {"updatedAt": iso_timestamp(self.clock.now())})
        state = inferred_of(call.caller.environment)
        state.bytes += _size(changed) - _size(stored)
        stored.clear()
        stored.update(changed)
        return stored

    def _list(
        self,
        operation: Operation,
        status: int,
        collection: Collection,
        parents: tuple[str, ...],
        call: Exchange,
    ) -> Reply:
        everything = list(
            inferred_of(call.caller.environment).stored(collection.path, parents).values()
        )
        limit = _number(call.query, _PAGE_FIELDS, 10)
        page = _number(call.query, ("page",), 0)
        offset = _number(call.query, ("offset",), page * limit)
        shown = everything[offset : offset + limit] if limit > 0 else everything
        schema = _payload_schema(operation.response_for(status))
        if schema is None:
            return Reply(status, {})
        maker = self._maker(call, operation.operation_id, schema)
        node = maker.resolve(schema.node)
        if isinstance(node, Mapping) and maker.kind(node) == "array":
            listed = [self._shaped(maker, Schema(schema.root, node["items"]), o, "") for o in shown]
            return Reply(status, masked(listed))
        answer = self._shaped(maker, schema, {}, operation.operation_id)
        if not isinstance(answer, dict):
            return Reply(status, answer)
        properties = self._properties_of(schema)
        arrays = [k for k, v in properties.items() if maker.kind(maker.resolve(v)) == "array"]
        target = "data" if "data" in arrays else (arrays[0] if arrays else None)
        if target is not None:
            items = Schema(schema.root, maker.resolve(properties[target]).get("items", {}))
            answer[target] = [self._shaped(maker, items, o, f"{target}[]") for o in shown]
        counts = {
            "totalCount": len(everything),
            "total": len(everything),
            "page": page,
            "pageSize": limit,
            "limit": limit,
            "offset": offset,
            "hasMore": offset + len(shown) < len(everything),
        }
        extra = {k: v for k, v in counts.items() if k in properties}
        return Reply(status, masked(self._laid_over(schema, answer, extra)))

    # ---- instances ----------------------------------------------------------------------

    def _shaped(self, maker: InstanceMaker, schema: Schema, stored: Any, place: str) -> Any:
        """An instance of `schema` with the stored object's fields of the same names."""
        base = self._instance(maker, schema, place)
        if isinstance(base, dict) and isinstance(stored, dict):
            return self._laid_over(schema, base, stored)
        return base

    def _instance(self, maker: InstanceMaker, schema: Schema, place: str) -> Any:
        """A fresh copy of the instance `maker`'s seed makes of the schema at `place`."""
        key = (id(schema.node), f"{maker.seed}@{place}")
        made = self._made.get(key)
        if made is None:
            fresh = InstanceMaker(schema.root, maker.seed, maker.moment, self.checks)
            made = self._made[key] = orjson.dumps(fresh.make(schema.node, place))
            while len(self._made) > _MADE_KEPT:
                self._made.popitem(last=False)
        return orjson.loads(made)

    def _laid_over(
        self, schema: Schema, base: dict[str, Any], given: Mapping[str, Any]
    ) -> dict[str, Any]:
        """`base` with the `given` fields the schema has, each kept only if the whole still
        fits the schema (a field that does not is left as `base` has it)."""
        properties = self._properties_of(schema)
        defs = definitions(schema.root)
        merged = dict(base)
        for key, value in given.items():
            if properties and key not in properties:
                continue
            candidate = {**merged, key: value}
            if self.checks.fits(defs, schema.node, candidate):
                merged = candidate
        return merged

    def _properties_of(self, schema: Schema) -> dict[str, Any]:
        """Every property the object schema names, its `allOf` parts' included (found once
        per schema node)."""
        key = id(schema.node)
        found = self._properties.get(key)
        if found is None:
            reader = InstanceMaker(schema.root, "", self.clock.now(), self.checks)
            found = self._properties[key] = _properties(reader, schema.node)
        return found

    def _maker(self, call: Exchange, place: str, schema: Schema) -> InstanceMaker:
        environment = call.caller.environment
        seed = f"{self.seed}|{environment.id}|{place}"
        return InstanceMaker(schema.root, seed, self.clock.now(), self.checks)

    def _given(self, call: Exchange) -> dict[str, Any]:
        """What an answer built from nothing stored reads: the body and the path values."""
        return {**call.path, **_body(call)}

    # ---- what the document says of a collection -----------------------------------------

    def _item_schema(self, collection: Collection) -> Schema | None:
        """The schema of one item: the read operation's answer, else the create's, else a
        list's items."""
        if collection.path in self._item_schemas:
            return self._item_schemas[collection.path]
        found: Schema | None = None
        order = ("read", "create", "update", "replace")
        for kind in order:
            for name, role in self.roles.items():
                if role.kind != kind or role.collection != collection:
                    continue
                operation = self.operations[name]
                schema = _payload_schema(operation.response_for(operation.success_status or 200))
                if schema is not None:
                    found = schema
                    break
            if found is not None:
                break
        self._item_schemas[collection.path] = found
        return found

    def _key_fields(self, collection: Collection) -> tuple[str, ...]:
        """The field of an item that holds each key parameter's value (found once)."""
        if collection.path in self._key_field_names:
            return self._key_field_names[collection.path]
        item = self._item_schema(collection)
        properties = self._properties_of(item) if item else {}
        fields = []
        for key in collection.keys:
            candidates = [key]
            if key.lower().endswith("id"):
                candidates += ["_id", "id"]
            if key.lower().endswith("key"):
                candidates += ["key"]
            candidates += ["identifier", "key", "name"]
            fields.append(next((c for c in candidates if c in properties), key))
        found = self._key_field_names[collection.path] = tuple(fields)
        return found

    def _fresh_fields(self, collection: Collection, properties: Mapping[str, Any]) -> list[str]:
        """The fields each new item makes afresh: its ids and the fields of its keys."""
        wanted = {"_id", "id", *self._key_fields(collection)}
        return [name for name in properties if name in wanted]

    def _keys_of(self, collection: Collection, made: Any) -> tuple[str, ...]:
        if not isinstance(made, dict):
            return ()
        return tuple(str(made.get(name, "")) for name in self._key_fields(collection))

    def _check_parent(
        self, environment: Environment, collection: Collection, parents: tuple[str, ...]
    ) -> None:
        """An item of a sub-collection needs its parent, when the engine owns the parent."""
        parent = self._parents.get(collection.path)
        if parent is None or not parents:
            return
        width = len(parent.keys)
        grand, keys = parents[:-width], parents[-width:]
        if keys not in inferred_of(environment).stored(parent.path, grand):
            raise NotFound(f"{parent.noun} {'/'.join(keys)} not found")


# What Novu's document says a secret variable's value reads as in every answer.
SECRET_VALUE = "\u2022" * 8


def masked(answer: Any) -> Any:
    """The answer with the values of every object that says it is secret (`isSecret: true`,
    Novu's environment variables) masked as Novu masks them."""
    if isinstance(answer, list):
        return [masked(item) for item in answer]
    if not isinstance(answer, dict):
        return answer
    out = {key: masked(item) for key, item in answer.items()}
    if out.get("isSecret") is True and isinstance(out.get("values"), list):
        out["values"] = [
            {**item, "value": SECRET_VALUE} if isinstance(item, dict) and "value" in item else item
            for item in out["values"]
        ]
    return out


def _payload_schema(contract: ResponseContract | None) -> Schema | None:
    """The schema of what the handler answers: the document's schema, or inside its `data`
    when it describes Novu's envelope."""
    if contract is None or contract.validator is None:
        return None
    root = contract.validator.schema
    node: Mapping[str, Any] = root
    properties = root.get("properties") or {}
    if contract.describes_envelope and set(properties) == {"data"}:
        # `{"data": X}` alone: the handler answers X. A page (`data` beside `next`, totals)
        # goes out as it is, so the handler answers all of it.
        node = properties["data"]
    return Schema(root, node)


def _properties(maker: InstanceMaker, node: Any) -> dict[str, Any]:
    """Every property an object schema names, its `allOf` parts' included."""
    node = maker.resolve(node)
    if not isinstance(node, Mapping):
        return {}
    found = dict(node.get("properties") or {})
    for part in node.get("allOf", []):
        found.update(_properties(maker, part))
    return found


def _body(call: Exchange) -> dict[str, Any]:
    return call.body if isinstance(call.body, dict) else {}


def _number(query: Mapping[str, str], names: tuple[str, ...], default: int) -> int:
    """The first of `names` the query gives, as a paging number."""
    given = next((query[name] for name in names if query.get(name)), None)
    return page_number(given, default)
