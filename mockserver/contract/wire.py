"""The wire form of a document the mock serves: what a client of the running mock actually
gets, as an OpenAPI document another tool (schemathesis) can check the mock against.

Novu's published document differs from Novu's wire in known ways (`specs/intended-
differences.yaml`); the wire form makes each of them explicit:

1. Each operation the mock models by hand answers as the project's spec describes it (the
   bundled document says how Novu's server answers): its responses replace the published
   ones, their components under a `Mock` prefix, so they never meet the published
   document's of the same name. What it takes is the published document's, as the mock
   checks requests against the document it serves.
2. Every other 2xx body goes out inside Novu's `{"data": ...}` envelope (its global
   interceptor), unless it is a page sent as it is (a required `data`, no entity id).
3. Ids are ObjectIds: `format: uuid` becomes the ObjectId pattern, and so does any
   `_environmentId`, which Novu's server checks with @IsMongoId.
4. Novu answers a bad request, an unknown id, a conflict or a rate limit whether or not the
   document lists the status for the operation: the error statuses the mock can give are
   added where missing, with Novu's error body.
5. Schemas read as the mock reads them (schema_convert.py): a constant's name written as a
   `pattern` is its value (or dropped when unknown), a JavaScript regex literal is its
   expression, a date-time is checked as class-validator's ISO 8601 (seconds optional),
   `allOf` beside `additionalProperties` leaves the parts' fields to the parts, a `oneOf`
   with a bare-object alternative is an `anyOf`; a request body whose schema takes `{}` is
   optional (Express hands a missing body to the controller as `{}`), and a multipart one
   takes anything (the mock reads none).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable, Mapping
from typing import Any

from jsonschema import Draft202012Validator

from mockserver.contract.keywords import (
    ISO_DATE_TIME_PATTERN,
    OBJECT_ID_PATTERN,
)
from mockserver.contract.operations import HTTP_METHODS
from mockserver.contract.schema_convert import (
    SchemaConverter,
    allow_null,
    declared_properties,
    has_catch_all,
    read_pattern,
)

PREFIX = "Mock"
_KINDS = ("schemas", "parameters", "headers", "responses", "requestBodies")
ERROR_STATUSES = ("400", "401", "403", "404", "409", "413", "422", "429")
_ERROR_BODY = {
    "type": "object",
    "required": ["statusCode", "message"],
    "properties": {
        "statusCode": {"type": "number"},
        "message": {},
        "timestamp": {"type": "string"},
        "path": {"type": "string"},
        "error": {"type": "string"},
    },
}


def wire_document(
    document: Mapping[str, Any], bundled: Mapping[str, Any], modelled: Iterable[str]
) -> dict[str, Any]:
    wire = copy.deepcopy(dict(document))
    wire.pop("servers", None)
    if str(wire.get("openapi", "")).startswith("3.0"):
        # The project's spec is 3.1 (type lists for null): the whole becomes 3.1.
        wire = _as_3_1(wire)
        wire["openapi"] = "3.1.0"
    hand_made = set(modelled)
    components = wire.setdefault("components", {})
    for kind in _KINDS:
        for name, item in (bundled.get("components", {}).get(kind) or {}).items():
            components.setdefault(kind, {})[PREFIX + name] = _renamed(item)
    schemes = components.setdefault("securitySchemes", {})
    for name, scheme in (bundled.get("components", {}).get("securitySchemes") or {}).items():
        schemes.setdefault(name, copy.deepcopy(scheme))
    components.setdefault("schemas", {})[PREFIX + "WireError"] = _ERROR_BODY
    described = _operations(bundled)
    converter = SchemaConverter(wire)
    for item in (wire.get("paths") or {}).values():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            name = operation.get("operationId")
            _optional_empty_body(operation, wire, converter)
            if name in hand_made and name in described:
                operation["responses"] = _renamed(described[name].get("responses", {}))
            else:
                _enveloped(operation, wire)
                _error_statuses(operation)
            _no_body_no_content_type(operation, wire)
    _without_uuid(wire)
    _read_as_the_mock_reads(wire, wire)
    return wire


def _optional_empty_body(
    operation: dict[str, Any], document: Mapping[str, Any], converter: SchemaConverter
) -> None:
    """A body the mock does not need: one whose schema takes `{}` (Express hands a missing
    body over as `{}`), or one that is not JSON (a multipart upload, which the mock does not
    read: the inferred engine answers from the schema)."""
    body = _resolve(operation.get("requestBody"), document)
    if not isinstance(body, dict):
        return
    content = body.get("content") or {}
    media = content.get("application/json")
    schema = (media or {}).get("schema")
    takes_empty = isinstance(schema, dict) and Draft202012Validator(
        converter.to_json_schema(schema)
    ).is_valid({})
    if media is None or takes_empty:
        resolved = copy.deepcopy(body)
        resolved["required"] = False
        if media is None:
            for other in (resolved.get("content") or {}).values():
                _nothing_required(other)
        operation["requestBody"] = resolved


def _nothing_required(media: dict[str, Any]) -> None:
    """A multipart body takes anything: the mock reads none."""
    media["schema"] = {}


def _read_as_the_mock_reads(node: Any, document: Mapping[str, Any]) -> None:
    if isinstance(node, list):
        for item in node:
            _read_as_the_mock_reads(item, document)
        return
    if not isinstance(node, dict):
        return
    if node.get("format") == "date-time" and "pattern" not in node:
        # Checked as the mock checks it (class-validator's ISO 8601, seconds optional), not
        # as RFC 3339's date-time, which wants them.
        node["pattern"] = ISO_DATE_TIME_PATTERN
        del node["format"]
    if "oneOf" in node and has_catch_all(node["oneOf"]):
        node["anyOf"] = node.pop("oneOf")
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        read = read_pattern(pattern)
        if read is None:
            del node["pattern"]
        else:
            node["pattern"] = read
    environment = (node.get("properties") or {}).get("_environmentId")
    if isinstance(environment, dict) and environment.get("type") == "string":
        # Novu's server checks it with @IsMongoId (specs/intended-differences.yaml).
        environment.setdefault("pattern", OBJECT_ID_PATTERN)
    extended = isinstance(node.get("additionalProperties"), dict) and "allOf" in node
    if extended and "properties" not in node:
        resolve = functools.partial(_resolve, document=document)
        node["properties"] = {name: {} for name in declared_properties(node["allOf"], resolve)}
    for value in list(node.values()):
        _read_as_the_mock_reads(value, document)


def _operations(document: Mapping[str, Any]) -> dict[str, Any]:
    found = {}
    for item in (document.get("paths") or {}).values():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict) and "operationId" in operation:
                found[operation["operationId"]] = operation
    return found


def _renamed(node: Any) -> Any:
    """A copy of a bundled part with its references pointing at the prefixed components."""
    if isinstance(node, list):
        return [_renamed(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith("#/components/"):
            kind, name = value[len("#/components/") :].split("/", 1)
            out[key] = f"#/components/{kind}/{PREFIX}{name}"
        else:
            out[key] = _renamed(value)
    return out


def _resolve(node: Any, document: Mapping[str, Any]) -> Any:
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 32:
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        node, seen = target, seen + 1
    return node


def _enveloped(operation: dict[str, Any], document: Mapping[str, Any]) -> None:
    for status, response in (operation.get("responses") or {}).items():
        if not str(status).startswith("2"):
            continue
        media = (_resolve(response, document).get("content") or {}).get("application/json")
        if not isinstance(media, dict) or "schema" not in media:
            continue
        schema = _resolve(media["schema"], document)
        properties = schema.get("properties") or {} if isinstance(schema, dict) else {}
        required = schema.get("required") or [] if isinstance(schema, dict) else []
        entity = "data" in required and ("_id" in required or "id" in required)
        if "data" in properties and "data" in required and not entity:
            continue  # a page, sent as it is
        resolved = copy.deepcopy(_resolve(response, document))
        resolved["content"]["application/json"]["schema"] = {
            "type": "object",
            "required": ["data"],
            "properties": {"data": media["schema"]},
        }
        operation["responses"][status] = resolved


def _error_statuses(operation: dict[str, Any]) -> None:
    """Every error status the mock can give, with the error body it gives: Novu's document
    leaves some out, and types some as a string (a 409's idempotency message)."""
    responses = operation.setdefault("responses", {})
    for status in sorted({*ERROR_STATUSES, *(s for s in responses if str(s)[0] in "45")}):
        responses[status] = {
            "description": "Novu's error body (its server answers it whether or not listed)",
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{PREFIX}WireError"}}
            },
        }


def _no_body_no_content_type(operation: dict[str, Any], document: Mapping[str, Any]) -> None:
    """A 204 goes out with no body and so no Content-Type (Nest sends none), which Novu's
    document lists as required on every answer."""
    response = (operation.get("responses") or {}).get("204")
    if response is None:
        return
    resolved = copy.deepcopy(_resolve(response, document))
    resolved.pop("content", None)
    headers = resolved.get("headers") or {}
    headers.pop("Content-Type", None)
    operation["responses"]["204"] = resolved


def _without_uuid(node: Any) -> None:
    """Where Novu's document says uuid, its server takes (and sends) an ObjectId."""
    if isinstance(node, dict):
        if node.get("format") == "uuid":
            del node["format"]
            node["pattern"] = OBJECT_ID_PATTERN
        for value in node.values():
            _without_uuid(value)
    elif isinstance(node, list):
        for item in node:
            _without_uuid(item)


def _as_3_1(node: Any) -> Any:
    """OpenAPI 3.0's `nullable: true` as 3.1 says it (null among the types), and its boolean
    `exclusiveMinimum`/`exclusiveMaximum` as numbers."""
    if isinstance(node, list):
        return [_as_3_1(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _as_3_1(value) for key, value in node.items() if key != "nullable"}
    for bound in ("Minimum", "Maximum"):
        flag = out.get(f"exclusive{bound}")
        if isinstance(flag, bool):
            del out[f"exclusive{bound}"]
            if flag and bound.lower() in out:
                out[f"exclusive{bound}"] = out.pop(bound.lower())
    if "default" in out and not _of_type(out["default"], out.get("type")):
        # A default its own schema refuses (Novu's `reactionOnResolved`: an object whose
        # default is the string "check") makes the document invalid; it says nothing.
        del out["default"]
    if node.get("nullable") is True:
        out = allow_null(out)
    return out


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "object": (dict,),
    "array": (list,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
}


def _of_type(value: Any, kind: Any) -> bool:
    kinds = kind if isinstance(kind, list) else [kind]
    if kind is None or (value is None and "null" in kinds):
        return True
    for name in kinds:
        expected = _JSON_TYPES.get(name)
        if expected is None:
            continue
        if isinstance(value, bool) and name != "boolean":
            continue
        if isinstance(value, expected):
            return True
    return False
