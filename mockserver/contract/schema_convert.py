"""Turn OpenAPI schema objects (3.0 or 3.1) into self-contained JSON Schema 2020-12 documents.

Component schemas are carried along under `$defs` (only those reachable from the root), so
recursive schemas stay finite and each compiled validator owns everything it needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mockserver.contract.keywords import (
    DEFS_PREFIX,
    ISO_DATE_TIME_PATTERN,
    KNOWN_PATTERN_CONSTANTS,
)

COMPONENT_PREFIX = "#/components/schemas/"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

_CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_JS_LITERAL = re.compile(r"^/(.+)/[dgimsuy]*$")
# Keywords that only annotate in OpenAPI and mean nothing (or something else) to JSON Schema.
_OPENAPI_ONLY = {"discriminator", "xml", "externalDocs", "example", "nullable"}


class SchemaConverter:
    """Converts schemas of one OpenAPI document; 3.0 documents get their `nullable` rewritten."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._components: dict[str, Any] = document.get("components", {}).get("schemas", {}) or {}
        self._is_3_0 = str(document.get("openapi", "")).startswith("3.0")
        self._converted: dict[str, Any] = {}

    def to_json_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        root = self._convert(schema)
        needed = self._reachable(schema)
        result: dict[str, Any] = {"$schema": DRAFT_2020_12, **root}
        if needed:
            result["$defs"] = {name: self._component(name) for name in sorted(needed)}
        return result

    def _component(self, name: str) -> Any:
        if name not in self._converted:
            self._converted[name] = self._convert(self._components[name])
        return self._converted[name]

    def _reachable(self, schema: Any) -> set[str]:
        found: set[str] = set()
        pending = [schema]
        while pending:
            node = pending.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith(COMPONENT_PREFIX):
                    name = ref[len(COMPONENT_PREFIX) :]
                    if name not in found:
                        if name not in self._components:
                            raise KeyError(f"unresolvable reference {ref}")
                        found.add(name)
                        pending.append(self._components[name])
                pending.extend(node.values())
            elif isinstance(node, list):
                pending.extend(node)
        return found

    def _convert(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self._convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        selected = _discriminated(node)
        for key, value in node.items():
            if key in _OPENAPI_ONLY or key.startswith("x-") or (selected and key == "oneOf"):
                continue
            if key == "$ref" and isinstance(value, str) and value.startswith(COMPONENT_PREFIX):
                out["$ref"] = DEFS_PREFIX + value[len(COMPONENT_PREFIX) :]
            elif key in ("properties", "patternProperties", "$defs", "definitions"):
                out[key] = {name: self._convert(sub) for name, sub in value.items()}
            elif key == "pattern" and isinstance(value, str):
                read = read_pattern(value)
                if read is not None:
                    out[key] = read
            elif key == "oneOf" and has_catch_all(value):
                # `oneOf: [SomeDto, {type: object}]` (Novu's step controlValues) rejects every
                # valid SomeDto, which fits both; what the server takes is either: anyOf.
                out["anyOf"] = self._convert(value)
            elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
                bound = "minimum" if key == "exclusiveMinimum" else "maximum"
                if value and bound in node:
                    out[key] = node[bound]
            elif key in ("minimum", "maximum") and node.get("exclusive" + key.title()) is True:
                continue
            else:
                out[key] = self._convert(value)
        if (
            isinstance(node.get("additionalProperties"), dict)
            and "allOf" in node
            and "properties" not in node
        ):
            # `allOf: [Dto]` beside `additionalProperties: {...}` means, to the document's
            # author, "Dto's fields, and others of that shape"; JSON Schema would hold Dto's
            # own fields to the additional shape too (every `overrides.layoutIdentifier`
            # refused for not being an object). Naming them here leaves them to Dto.
            out["properties"] = {
                name: {} for name in declared_properties(node["allOf"], self._referenced)
            }
        if node.get("format") == "date-time" and "pattern" not in out:
            # Formats only annotate to the validators: the date is checked by its pattern.
            out["pattern"] = ISO_DATE_TIME_PATTERN
        if selected:
            out = self._select(out, *selected)
        if self._is_3_0 and node.get("nullable") is True:
            out = allow_null(out)
        return out

    def _referenced(self, node: Any) -> Any:
        """The component a `$ref` names (the node itself when it names none)."""
        ref = node.get("$ref") if isinstance(node, dict) else None
        if isinstance(ref, str) and ref.startswith(COMPONENT_PREFIX):
            return self._components.get(ref[len(COMPONENT_PREFIX) :], {})
        return node

    def _select(self, out: dict[str, Any], field: str, mapping: dict[str, str]) -> dict[str, Any]:
        """A `oneOf` with a discriminator, as OpenAPI means it: the `field`'s value picks the
        one schema the object must fit. JSON Schema has no discriminator, and the plain
        `oneOf` fails whenever the alternatives overlap (Novu's ten step DTOs all accept any
        step type), so it becomes one `if`/`then` per mapped value."""
        choices = [
            {
                "if": {"properties": {field: {"const": value}}},
                "then": {"$ref": self._convert_ref(ref)},
            }
            for value, ref in mapping.items()
        ]
        picked: dict[str, Any] = {
            "required": [field],
            "properties": {field: {"enum": list(mapping)}},
            "allOf": choices,
        }
        return {**out, "allOf": [*out.get("allOf", []), picked]}

    @staticmethod
    def _convert_ref(ref: str) -> str:
        return DEFS_PREFIX + ref[len(COMPONENT_PREFIX) :]


def read_pattern(pattern: str) -> str | None:
    """A document's `pattern` as the server checks it (None: not checked at all).

    A generator wrote the name of a constant (Novu's `SLUG_IDENTIFIER_REGEX`) where its value
    belongs: a constant whose value is known gets it back, another is left to the handler. A
    JavaScript regex literal (`/^[A-Za-z]...$/`, as Nest's swagger plugin writes a
    class-validator @Matches) is the expression between its slashes. Read as they stand,
    either would refuse every value."""
    if _CONSTANT_NAME.match(pattern):
        return KNOWN_PATTERN_CONSTANTS.get(pattern)
    literal = _JS_LITERAL.match(pattern)
    return literal.group(1) if literal else pattern


def declared_properties(parts: Any, resolve: Callable[[Any], Any]) -> list[str]:
    """The property names `allOf` parts declare, through references (`resolve` follows a
    `$ref` of the document at hand)."""
    names: list[str] = []
    pending = list(parts) if isinstance(parts, list) else []
    seen: set[int] = set()
    while pending:
        part = resolve(pending.pop(0))
        if not isinstance(part, dict) or id(part) in seen:
            continue
        seen.add(id(part))
        names.extend(n for n in part.get("properties") or {} if n not in names)
        pending.extend(part.get("allOf") or [])
    return names


def has_catch_all(alternatives: Any) -> bool:
    """Whether one alternative is a bare object schema, which every object fits."""
    if not isinstance(alternatives, list):
        return False
    bare = ({"type": "object"}, {"type": "object", "additionalProperties": True})
    for alternative in alternatives:
        if isinstance(alternative, dict):
            plain = {k: v for k, v in alternative.items() if k not in ("description", "title")}
            if plain in bare:
                return True
    return False


def _discriminated(node: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
    """(property, value -> component $ref) of a `oneOf` whose discriminator maps every value
    to a component schema; None for any other node."""
    discriminator = node.get("discriminator")
    if not isinstance(discriminator, dict) or not isinstance(node.get("oneOf"), list):
        return None
    field, mapping = discriminator.get("propertyName"), discriminator.get("mapping")
    if not isinstance(field, str) or not isinstance(mapping, dict) or not mapping:
        return None
    if not all(isinstance(r, str) and r.startswith(COMPONENT_PREFIX) for r in mapping.values()):
        return None
    return field, mapping


def allow_null(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        schema["type"] = [*kind, "null"]
    elif kind is None:
        return {"anyOf": [schema, {"type": "null"}]}
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    return schema
