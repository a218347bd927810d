"""Inlined local references: the detailed validator's schema, which words every 422."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from mockserver.contract.compiled.inline import inline_local_refs

TREE: dict[str, Any] = {
    "$ref": "#/$defs/Node",
    "$defs": {
        "Node": {
            "type": "object",
            "properties": {
                "name": {"$ref": "#/$defs/Name", "description": "shown"},
                "short": {"$ref": "#/$defs/Name", "maxLength": 3},
                "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
            },
        },
        "Name": {"type": "string"},
    },
}


def test_plain_references_become_their_target() -> None:
    inlined = inline_local_refs(TREE)
    name = inlined["properties"]["name"]
    assert name == {"type": "string", "description": "shown"}


def test_a_reference_beside_constraints_keeps_both() -> None:
    short = inline_local_refs(TREE)["properties"]["short"]
    assert short == {"maxLength": 3, "allOf": [{"type": "string"}]}


def test_a_recursive_reference_stays_a_reference() -> None:
    inlined = inline_local_refs(TREE)
    assert inlined["properties"]["children"]["items"] == {"$ref": "#/$defs/Node"}
    assert inlined["$defs"] == TREE["$defs"]


def test_the_inlined_schema_gives_the_same_errors() -> None:
    instances: list[Any] = [
        {"name": "a", "short": "abc", "children": [{"name": "b", "children": []}]},
        {"name": 1, "short": "toolong", "children": [{"name": 2, "children": [{"short": 5}]}]},
        {"children": "no"},
        [],
    ]
    original, inlined = Draft202012Validator(TREE), Draft202012Validator(inline_local_refs(TREE))

    def errors(validator: Draft202012Validator, instance: Any) -> list[tuple[Any, ...]]:
        found = validator.iter_errors(instance)
        return sorted((list(e.absolute_path), e.validator, e.message) for e in found)

    for instance in instances:
        assert errors(inlined, instance) == errors(original, instance)
    assert errors(inlined, instances[1])  # the corpus does hold failures


def test_a_schema_without_definitions_is_left_alone() -> None:
    schema = {"type": "object"}
    assert inline_local_refs(schema) is schema
