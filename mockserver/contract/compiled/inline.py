"""A schema with its local `$ref`s replaced by what they point at, for the detailed validator.

`jsonschema` resolves every `$ref` it meets through the `referencing` library on every
validation, which is most of what wording a 422 costs. Inlined, the same checks run with no
lookups. Only the schema path of an error changes (no `$ref` step); the messages, the instance
paths and the verdicts do not, and the 422 wording reads nothing else.

`inline_root_ref` does the same for a schema's root alone, and `object_root` reads an object
schema's root through it, for the modules that reason about top keywords (split.py, merge.py,
failures.py).
"""

from __future__ import annotations

import copy
from typing import Any

from mockserver.contract.keywords import ANNOTATIONS, DEFS_PREFIX, PLAIN_OBJECT_ROOT

# Keywords that give a schema resource its own base or name: a definition carrying one is left
# behind its `$ref`, since moving it would change what references inside it resolve to.
_RESOURCE_KEYWORDS = frozenset({"$id", "$anchor", "$dynamicAnchor", "$recursiveAnchor"})


def inline_local_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of `schema` with `#/$defs/...` references inlined, except recursive ones (those
    stay references, and `$defs` stays at the root for them)."""
    definitions = schema.get("$defs")
    if not isinstance(definitions, dict) or not definitions:
        return schema
    root = {key: value for key, value in schema.items() if key != "$defs"}
    inlined: dict[str, Any] = _inline(root, definitions, ())
    inlined["$defs"] = definitions
    return inlined


def _inline(node: Any, definitions: dict[str, Any], inlining: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_inline(item, definitions, inlining) for item in node]
    if not isinstance(node, dict):
        return node
    reference = node.get("$ref")
    target_name = _local_target(reference, definitions, inlining)
    if target_name is None:
        return {key: _inline(value, definitions, inlining) for key, value in node.items()}
    target = _inline(definitions[target_name], definitions, (*inlining, target_name))
    siblings = {
        key: _inline(value, definitions, inlining) for key, value in node.items() if key != "$ref"
    }
    # Beside a `$ref`, keywords that constrain nothing let the target take its place.
    if ANNOTATIONS.issuperset(siblings):
        return {**target, **siblings}
    # A $ref beside other keywords applies both (2020-12): keep them, and the target as allOf.
    siblings["allOf"] = [*siblings.get("allOf", []), target]
    return siblings


def _local_target(
    reference: Any, definitions: dict[str, Any], inlining: tuple[str, ...]
) -> str | None:
    if not isinstance(reference, str) or not reference.startswith(DEFS_PREFIX):
        return None
    name = reference[len(DEFS_PREFIX) :]
    target = definitions.get(name)
    if not isinstance(target, dict) or name in inlining or _RESOURCE_KEYWORDS & target.keys():
        return None
    return name


def inline_root_ref(node: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any] | None:
    """Replace a node that is only a local `$ref` by a copy of its definition, in place, for
    code that reads a schema's top keywords; None when it is something else beside the `$ref`
    or the reference leaves `$defs`."""
    for _ in range(20):
        reference = node.get("$ref")
        if reference is None:
            return node
        if not isinstance(reference, str) or not reference.startswith(DEFS_PREFIX):
            return None
        if set(node) - {"$ref"} - ANNOTATIONS:
            return None  # a $ref beside other keywords applies both: not worth the care
        target = definitions.get(reference[len(DEFS_PREFIX) :])
        if not isinstance(target, dict):
            return None
        keep = {k: v for k, v in node.items() if k == "$schema"}
        node.clear()
        node.update(copy.deepcopy(target), **keep)
    return None


def object_root(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any] | None:
    """The root keywords of a plain object schema (keywords.PLAIN_OBJECT_ROOT), its `$ref`
    into `definitions` followed, with `properties` an object and `required` a list; None for
    any other schema (one naming itself with `$id` included, whose references resolve apart)."""
    if "$id" in schema or not isinstance(schema.get("$defs", {}), dict):
        return None
    root = inline_root_ref({k: v for k, v in schema.items() if k != "$defs"}, definitions)
    if root is None or not root.keys() <= PLAIN_OBJECT_ROOT:
        return None
    if not isinstance(root.get("properties", {}), dict):
        return None
    if not isinstance(root.get("required", []), list):
        return None
    return root
