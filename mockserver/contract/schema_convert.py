"""Turn OpenAPI schema objects (3.0 or 3.1) into self-contained JSON Schema 2020-12 documents.

Component schemas are carried along under `$defs` (only those reachable from the root), so
recursive schemas stay finite and each compiled validator owns everything it needs.
"""

from __future__ import annotations

from typing import Any

from mockserver.contract.keywords import DEFS_PREFIX

COMPONENT_PREFIX = "#/components/schemas/"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

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
        for key, value in node.items():
            if key in _OPENAPI_ONLY or key.startswith("x-"):
                continue
            if key == "$ref" and isinstance(value, str) and value.startswith(COMPONENT_PREFIX):
                out["$ref"] = DEFS_PREFIX + value[len(COMPONENT_PREFIX) :]
            elif key in ("properties", "patternProperties", "$defs", "definitions"):
                out[key] = {name: self._convert(sub) for name, sub in value.items()}
            elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
                bound = "minimum" if key == "exclusiveMinimum" else "maximum"
                if value and bound in node:
                    out[key] = node[bound]
            elif key in ("minimum", "maximum") and node.get("exclusive" + key.title()) is True:
                continue
            else:
                out[key] = self._convert(value)
        if self._is_3_0 and node.get("nullable") is True:
            out = _allow_null(out)
        return out


def _allow_null(schema: dict[str, Any]) -> dict[str, Any]:
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
