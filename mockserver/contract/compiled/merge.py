"""Two object schemas a document must both pass, merged into one that checks each property
once where both constrain it the same way.

An integration in an answer must pass the spec's item schema and the JSON Structure document's,
and the two say the same of most properties (`name` is a string in both). jsonschema-rs walks
a document once per schema, so judging both costs about as much again as judging one; merged,
the walk is one: for an integration, 0.83 µs against 1.33 in a loop, 1.22 against 1.69 inside
a whole update request.

The merge applies when each root, after a `$ref` into `$defs`, constrains only its type, its
properties and which are required, and neither has `additionalProperties` (which would read
the other's property names as additional ones). A property both name is checked once when its
two schemas are the same JSON once descriptions and other annotations are set aside, and under
both (`allOf`) otherwise. The second schema's definitions are renamed, and its references with
them, so that definitions of one name in both keep their own meaning.
"""

from __future__ import annotations

import json
from typing import Any

from mockserver.contract.compiled.inline import object_root
from mockserver.contract.keywords import ANNOTATIONS, DEFS_PREFIX
from mockserver.contract.schema_convert import DRAFT_2020_12

# The second schema's definitions, in the merged `$defs`.
_SECOND = "second__"


def merged_schema(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any] | None:
    """One schema passing exactly what passes both, or None when the two are not that simple."""
    renamed = _renamed_references(second)
    # Without `$schema`, a schema is read as 2020-12 (SchemaValidator's dialect).
    if renamed is None or first.get("$schema", DRAFT_2020_12) != second.get(
        "$schema", DRAFT_2020_12
    ):
        return None
    first_definitions = first.get("$defs", {})
    second_definitions = {
        _SECOND + name: schema for name, schema in renamed.get("$defs", {}).items()
    }
    first_root = object_root(first, first_definitions)
    second_root = object_root(renamed, second_definitions)
    if first_root is None or second_root is None or first_definitions.keys() & second_definitions:
        return None
    types = {root["type"] for root in (first_root, second_root) if "type" in root}
    if not types <= {"object"}:
        return None
    properties = dict(first_root.get("properties", {}))
    for name, schema in second_root.get("properties", {}).items():
        mine = properties.get(name)
        if mine is None or _constraints(mine, first_definitions) == _constraints(
            schema, second_definitions
        ):
            properties.setdefault(name, schema)
        else:
            properties[name] = {"allOf": [mine, schema]}
    required = [*first_root.get("required", [])]
    required += [name for name in second_root.get("required", []) if name not in required]
    merged: dict[str, Any] = {"properties": properties, "required": required}
    if types:
        merged["type"] = "object"  # what either demands; properties read objects alone
    if "$schema" in first:
        merged["$schema"] = first["$schema"]
    definitions = {**first_definitions, **second_definitions}
    if definitions:
        merged["$defs"] = definitions
    return merged


def _constraints(schema: Any, definitions: dict[str, Any]) -> str:
    """What a property's schema demands, as text to compare: annotations set aside, and a lone
    `$ref` replaced by its definition (references inside stay as they are, so two schemas only
    compare equal when those point at the same definition). JSON text, not Python equality,
    which would take `true` for `1`."""
    if isinstance(schema, dict):
        if schema.keys() - ANNOTATIONS == {"$ref"}:
            reference = schema["$ref"]
            if isinstance(reference, str) and reference.startswith(DEFS_PREFIX):
                target = definitions.get(reference[len(DEFS_PREFIX) :])
                if isinstance(target, dict):
                    schema = target
        schema = {key: value for key, value in schema.items() if key not in ANNOTATIONS}
    return json.dumps(schema, sort_keys=True)


def _renamed_references(schema: dict[str, Any]) -> dict[str, Any] | None:
    """A copy whose `#/$defs/X` references read `#/$defs/second__X`; None if it has others."""
    found_other = False

    def rename(node: Any) -> Any:
        nonlocal found_other
        if isinstance(node, list):
            return [rename(item) for item in node]
        if not isinstance(node, dict):
            return node
        renamed = {}
        for key, value in node.items():
            if key in ("$ref", "$dynamicRef"):
                if not isinstance(value, str) or not value.startswith(DEFS_PREFIX):
                    found_other = True
                    return node
                value = DEFS_PREFIX + _SECOND + value[len(DEFS_PREFIX) :]
            elif key in ("$id", "$anchor", "$dynamicAnchor"):
                found_other = True
                return node
            else:
                value = rename(value)
            renamed[key] = value
        return renamed

    copied: dict[str, Any] = rename(schema)  # new containers all the way down
    return None if found_other else copied
