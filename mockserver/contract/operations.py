"""The operations of an OpenAPI document, indexed once, each with its validators compiled.

Nothing here runs per request except the validators' own checks.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from mockserver.contract.compiled.split import SplitSchema, split_at
from mockserver.contract.compiled.validators import SchemaValidator
from mockserver.contract.documents import DocumentError
from mockserver.contract.keywords import ANNOTATIONS
from mockserver.contract.schema_convert import COMPONENT_PREFIX, SchemaConverter
from mockserver.contract.structure import Structures

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PATH_PARAM = re.compile(r"{([^}/]+)}")

# Where an object sits inside a body: keys, with "*" for every item of an array.
Pointer = tuple[str, ...]
# A place of a body and the name of the structure document that applies there.
StructureAt = tuple[Pointer, str]


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path, query or header
    required: bool
    validator: SchemaValidator
    # True when the schema takes any string (`type: string` and nothing more), which every
    # value read from a path, query or header is: nothing to check but presence.
    any_text: bool = False


# Compared by identity: answers remember the contracts they passed (checks.py).
@dataclass(frozen=True, eq=False)
class ResponseContract:
    status: str
    validator: SchemaValidator | None
    required_headers: tuple[str, ...]
    # True when the document describes the body inside Novu's `{"data": ...}` envelope.
    describes_envelope: bool
    structure_pointers: tuple[StructureAt, ...]
    # The schema split into envelope and object(s) (split.py), when that is exact.
    split: SplitSchema | None = None
    # False for an error status whose schema is not an error body (it has no `statusCode`):
    # Novu's published document gives a few 409s the entity's schema, which no answer of the
    # server fits. Such a mismatch is the document's, not the answer's (checks.py).
    error_shaped: bool = True
    # lone_data_validator's answers, by the structures they were found for.
    data_deciders: dict[Structures, SchemaValidator | None] = field(
        default_factory=dict, repr=False
    )

    @functools.cached_property
    def joined_structure(self) -> str | None:
        """The structure document that applies right where the split finds the items."""
        split = self.split
        if split is None:
            return None
        return next((name for at, name in self.structure_pointers if at == split.pointer), None)

    @functools.cached_property
    def pointers_beside_split(self) -> tuple[StructureAt, ...]:
        split = self.split
        return tuple(
            (at, name)
            for at, name in self.structure_pointers
            if split is None or at != split.pointer
        )

    def lone_data_validator(self, structures: Structures) -> SchemaValidator | None:
        """The one validator that decides an answer `{"data": X}` by X alone, when there is
        one: the envelope passes every such answer, and every other check applies at `data`
        (the item schema, joined with the structure document's where that applies there too).
        Most answers are one object, and this spares them the general walk."""
        deciders = self.data_deciders
        if structures not in deciders:
            # A benign race: two threads may both find it; both find the same.
            deciders[structures] = self._find_lone_data_validator(structures)
        return deciders[structures]

    def _find_lone_data_validator(self, structures: Structures) -> SchemaValidator | None:
        split = self.split
        if split is None or split.pointer != ("data",) or split.lone_data_verdict is not True:
            return None
        if not self.structure_pointers:
            return split.item
        if len(self.structure_pointers) == 1 and self.structure_pointers[0][0] == split.pointer:
            return split.item_and_structure(structures.validator(self.structure_pointers[0][1]))
        return None


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    flask_rule: str
    # Flask variable name -> the spec's path parameter name (spec names need not be identifiers).
    path_aliases: dict[str, str]
    parameters: tuple[Parameter, ...]
    body_validator: SchemaValidator | None
    security_schemes: frozenset[str]
    responses: dict[str, ResponseContract] = field(default_factory=dict)
    # False for operations the mock has no handler for: routed (to a 501 naming them) but not
    # compiled, which keeps a whole-API document like Novu's quick to load.
    compiled: bool = True
    # response_for's answers, found once per status (statuses are few; every answer asks).
    contract_by_status: dict[int, ResponseContract | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    @functools.cached_property
    def checked_parameters(self) -> tuple[Parameter, ...]:
        """The parameters a request can get wrong: any whose schema asks for more than text,
        and a required query or header parameter, which may be missing. A request reaches its
        operation only when its path has every segment, so a path parameter that takes any text
        cannot be wrong; nor can an optional one of any kind."""
        return tuple(
            p for p in self.parameters if not p.any_text or (p.required and p.location != "path")
        )

    @functools.cached_property
    def success_status(self) -> int | None:
        """The status the operation answers on success: its lowest declared 2xx."""
        declared = sorted(int(code) for code in self.responses if code.isdigit())
        return next((code for code in declared if 200 <= code < 300), None)

    @functools.cached_property
    def reads_query(self) -> bool:
        return any(p.location == "query" for p in self.checked_parameters)

    @functools.cached_property
    def takes_query(self) -> bool:
        """Whether the operation has query parameters at all (its handler may read them)."""
        return any(p.location == "query" for p in self.parameters)

    @functools.cached_property
    def reads_headers(self) -> bool:
        return any(p.location == "header" for p in self.checked_parameters)

    def response_for(self, status: int) -> ResponseContract | None:
        known = self.contract_by_status
        if status in known:
            return known[status]
        code = str(status)
        contract = known[status] = (
            self.responses.get(code)
            or self.responses.get(f"{code[0]}XX")
            or self.responses.get("default")
        )
        return contract


@dataclass(frozen=True)
class SecurityScheme:
    name: str
    kind: str  # "apiKey" (Authorization: ApiKey <key>) or "bearer"


class OperationIndex:
    """Builds `Operation`s from a parsed OpenAPI document."""

    def __init__(
        self,
        document: dict[str, Any],
        *,
        structure_names: frozenset[str],
        source: str,
        implemented: frozenset[str] | None = None,
    ) -> None:
        self._doc = document
        self._source = source
        self._converter = SchemaConverter(document)
        self._structure_names = structure_names
        self._implemented = implemented
        self._validators: dict[int, SchemaValidator] = {}
        self._checked_components: set[str] = set()

    def build(self) -> tuple[dict[str, Operation], dict[str, SecurityScheme]]:
        schemes = self._security_schemes()
        operations: dict[str, Operation] = {}
        for path, method, raw in self._raw_operations():
            op = self._operation(path, method, raw, schemes)
            if op.operation_id in operations:
                raise DocumentError(f"{self._source}: operationId {op.operation_id} is used twice")
            operations[op.operation_id] = op
        return operations, schemes

    def _raw_operations(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for path, item in (self._doc.get("paths") or {}).items():
            item = self._resolve(item)
            shared = item.get("parameters", [])
            for method in HTTP_METHODS:
                if method in item:
                    raw = dict(item[method])
                    raw["parameters"] = [*shared, *raw.get("parameters", [])]
                    yield path, method, raw

    def _security_schemes(self) -> dict[str, SecurityScheme]:
        found: dict[str, SecurityScheme] = {}
        raw = (self._doc.get("components") or {}).get("securitySchemes") or {}
        for name, scheme in raw.items():
            scheme = self._resolve(scheme)
            if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
                found[name] = SecurityScheme(name, "bearer")
            elif (
                scheme.get("type") == "apiKey"
                and scheme.get("in") == "header"
                and str(scheme.get("name", "")).lower() == "authorization"
            ):
                found[name] = SecurityScheme(name, "apiKey")
        return found

    def _operation(
        self, path: str, method: str, raw: dict[str, Any], schemes: dict[str, SecurityScheme]
    ) -> Operation:
        operation_id = raw.get("operationId") or f"{method.upper()} {path}"
        where = f"{self._source}: {method.upper()} {path}"
        aliases: dict[str, str] = {}

        def flask_variable(match: re.Match[str]) -> str:
            alias = f"p{len(aliases)}"
            aliases[alias] = match.group(1)
            return f"<{alias}>"

        flask_rule = _PATH_PARAM.sub(flask_variable, path)
        make = functools.partial(
            Operation,
            operation_id=operation_id,
            method=method.upper(),
            path=path,
            flask_rule=flask_rule,
            path_aliases=aliases,
        )
        if self._implemented is not None and operation_id not in self._implemented:
            return make(
                parameters=(), body_validator=None, security_schemes=frozenset(), compiled=False
            )
        parameters = tuple(self._parameter(p, where) for p in raw.get("parameters", []))
        body_validator = self._request_body(raw.get("requestBody"), where)
        security = raw.get("security", self._doc.get("security", []))
        names = {name for requirement in security or [] for name in requirement}
        responses = {
            str(status): self._response(str(status), response, where)
            for status, response in (raw.get("responses") or {}).items()
        }
        return make(
            parameters=parameters,
            body_validator=body_validator,
            security_schemes=frozenset(n for n in names if n in schemes),
            responses=responses,
        )

    def _parameter(self, raw: dict[str, Any], where: str) -> Parameter:
        raw = self._resolve(raw)
        schema = raw.get("schema") or {}
        validator = self._compile(schema, f"{where}: parameter {raw['name']}")
        constraints = {k: v for k, v in validator.schema.items() if k not in ANNOTATIONS}
        return Parameter(
            name=raw["name"],
            location=raw["in"],
            required=bool(raw.get("required", raw["in"] == "path")),
            validator=validator,
            any_text=constraints == {"type": "string"},
        )

    def _request_body(self, raw: dict[str, Any] | None, where: str) -> SchemaValidator | None:
        # A missing body is validated as {} (Express hands the controller {}), so whether the
        # document calls the body required changes nothing here.
        if raw is None:
            return None
        raw = self._resolve(raw)
        schema = _json_media(raw.get("content") or {}).get("schema")
        return self._compile(schema, f"{where}: request body") if schema else None

    def _response(self, status: str, raw: dict[str, Any], where: str) -> ResponseContract:
        raw = self._resolve(raw)
        schema = _json_media(raw.get("content") or {}).get("schema")
        headers = tuple(
            name
            for name, header in (raw.get("headers") or {}).items()
            if self._resolve(header).get("required")
        )
        enveloped = status.startswith("2") and schema is not None and self._is_envelope(schema)
        pointers = tuple(self._structure_pointers(schema)) if schema is not None else ()
        validator = self._compile(schema, f"{where}: response {status}") if schema else None
        split = None
        if validator is not None and len(pointers) == 1:
            split = split_at(validator.schema, pointers[0][0])
        error_shaped = not status.startswith(("4", "5")) or (
            schema is not None and "statusCode" in (self._resolve(schema).get("properties") or {})
        )
        return ResponseContract(
            error_shaped=error_shaped,
            status=status,
            validator=validator,
            required_headers=headers,
            describes_envelope=enveloped,
            structure_pointers=pointers,
            split=split,
        )

    def _compile(self, schema: dict[str, Any], where: str) -> SchemaValidator:
        # Many operations share the same schema objects (YAML anchors, shared responses);
        # compile each distinct object once.
        key = id(schema)
        if key not in self._validators:
            try:
                converted = self._converter.to_json_schema(schema)
                # The same components recur in every operation's $defs: check each one once,
                # then the root on its own.
                for name, component in converted.get("$defs", {}).items():
                    if name not in self._checked_components:
                        check_schema(component)
                        self._checked_components.add(name)
                check_schema({k: v for k, v in converted.items() if k != "$defs"})
            except (SchemaError, KeyError) as exc:
                message = exc.message if isinstance(exc, SchemaError) else str(exc)
                raise DocumentError(f"{where}: unusable schema: {message}") from exc
            self._validators[key] = SchemaValidator(converted)
        return self._validators[key]

    def _resolve(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise DocumentError(f"{self._source}: only local references are supported: {ref}")
            target: Any = self._doc
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or part not in target:
                    raise DocumentError(f"{self._source}: unresolvable reference {ref}")
                target = target[part]
            node = target
            seen += 1
            if seen > 50:
                raise DocumentError(f"{self._source}: reference cycle at {ref}")
        return node

    def _is_envelope(self, schema: dict[str, Any]) -> bool:
        """Whether the schema describes the whole body, `data` included: an envelope
        `{"data": ...}`, or a paginated answer that Novu sends unwrapped (`{data, next,
        previous, ...}`). A schema without a required `data` describes a payload only, which
        goes out inside `{"data": ...}`; so does an entity with a `data` field of its own
        (an `_id` or `id` beside it), which Novu's interceptor wraps all the same."""
        resolved = self._resolve(schema)
        properties = resolved.get("properties") or {}
        required = resolved.get("required") or []
        entity = ("_id" in required or "id" in required) and "data" in required
        return "data" in properties and "data" in required and not entity

    def _structure_pointers(self, schema: Any) -> Iterator[StructureAt]:
        """Every place in a body where a structure document's type (by component name) sits."""
        if not self._structure_names:
            return
        targets = {COMPONENT_PREFIX + name: name for name in self._structure_names}

        def walk(
            node: Any, at: Pointer, depth: int, visiting: frozenset[str]
        ) -> Iterator[StructureAt]:
            if not isinstance(node, dict) or depth > 12:
                return
            ref = node.get("$ref")
            if ref in targets:
                yield at, targets[ref]
                return
            if isinstance(ref, str):
                if ref in visiting:
                    return
                yield from walk(self._resolve(node), at, depth + 1, visiting | {ref})
                return
            for key in ("allOf", "anyOf", "oneOf"):
                for member in node.get(key, []):
                    yield from walk(member, at, depth + 1, visiting)
            for name, sub in (node.get("properties") or {}).items():
                yield from walk(sub, (*at, name), depth + 1, visiting)
            if isinstance(node.get("items"), dict):
                yield from walk(node["items"], (*at, "*"), depth + 1, visiting)

        yield from walk(schema, (), 0, frozenset())


def _json_media(content: dict[str, Any]) -> dict[str, Any]:
    for media_type, media in content.items():
        if media_type.split(";")[0].strip().lower() in ("application/json", "*/*") or (
            media_type.endswith("+json")
        ):
            return media or {}
    return {}


def check_schema(schema: dict[str, Any]) -> None:
    """Raise SchemaError when `schema` is no valid JSON Schema (2020-12). The metaschema is
    checked in Rust (a whole-API document has thousands of schemas); only a schema it refuses,
    or cannot read, is checked again in Python, whose error names the problem."""
    try:
        if jsonschema_rs.meta.is_valid(schema):
            return
    except (TypeError, ValueError):
        pass
    Draft202012Validator.check_schema(schema)
