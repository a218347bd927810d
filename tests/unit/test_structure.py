"""The JSON Structure loader: both renderings, and broken objects it must reject."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from mockserver.contract import DocumentError, bundled_path
from mockserver.contract.structure import load_structure, structure_from_document

SPECS = Path(__file__).resolve().parents[2] / "specs"
VALID = {
    "_id": "6a1b2c3d4e5f60718293a4b5",
    "_environmentId": "e",
    "_organizationId": "o",
    "name": "SendGrid",
    "identifier": "send-grid-x1",
    "providerId": "sendgrid",
    "channel": "email",
    "kind": "delivery",
    "credentials": {"apiKey": "k", "port": "587"},
    "configurations": {"inboundWebhookEnabled": True},
    "active": True,
    "deleted": False,
    "primary": False,
    "conditions": [],
    "priority": 1,
    "__v": 0,
}


def errors(validator: Draft202012Validator, instance: object) -> list[str]:
    return [e.message for e in validator.iter_errors(instance)]


@pytest.fixture(scope="module")
def draft() -> Draft202012Validator:
    return Draft202012Validator(
        load_structure(bundled_path("IntegrationResponseDto.structure.json")).json_schema
    )


@pytest.fixture(scope="module")
def seed() -> Draft202012Validator:
    structure = load_structure(SPECS / "IntegrationResponseDto.fields.json")
    assert structure.rendering == "fields"
    return Draft202012Validator(structure.json_schema)


def test_a_valid_integration_passes_both_renderings(draft, seed):
    assert errors(draft, VALID) == []
    assert errors(seed, VALID) == []


@pytest.mark.parametrize("field", ["_environmentId", "name", "primary", "deleted"])
def test_missing_required_field_is_rejected_by_both(draft, seed, field):
    broken = {k: v for k, v in VALID.items() if k != field}
    assert errors(draft, broken) == [f"'{field}' is a required property"]
    assert errors(seed, broken) == [f"'{field}' is a required property"]


@pytest.mark.parametrize("field,value", [("active", "yes"), ("deletedAt", None), ("name", 3)])
def test_wrong_types_and_nulls_are_rejected_by_both(draft, seed, field, value):
    broken = {**VALID, field: value}
    assert len(errors(draft, broken)) == 1
    assert len(errors(seed, broken)) == 1


def test_only_the_draft_rendering_knows_enums_and_nested_shapes(draft, seed):
    for broken in (
        {**VALID, "channel": "pigeon"},
        {**VALID, "credentials": {"port": 587}},
        {
            **VALID,
            "conditions": [
                {
                    "isNegated": False,
                    "type": "BOOLEAN",
                    "value": "AND",
                    "children": [{"field": "f", "value": "v", "operator": "NOPE", "on": "payload"}],
                }
            ],
        },
    ):
        assert len(errors(draft, broken)) == 1
        assert errors(seed, broken) == []


def test_the_draft_rendering_keeps_every_seed_field_with_its_type_and_required_flag():
    seed_doc = json.loads((SPECS / "IntegrationResponseDto.fields.json").read_text())
    draft_doc = json.loads((SPECS / "IntegrationResponseDto.structure.json").read_text())
    for field in seed_doc["fields"]:
        declared = draft_doc["properties"][field["name"]]["type"]
        coarse = "object" if isinstance(declared, dict) else declared
        assert coarse == field["type"], field["name"]
        assert (field["name"] in draft_doc["required"]) == field["required"], field["name"]


def test_draft_syntax_features():
    document = {
        "$schema": "https://json-structure.org/meta/core/v0/#",
        "$id": "urn:t",
        "name": "T",
        "type": "object",
        "properties": {
            "when": {"type": "datetime"},
            "count": {"type": "int32"},
            "big": {"type": "int64"},
            "tags": {"type": "set", "items": {"type": "string"}},
            "labels": {"type": "map", "values": {"type": "string"}},
            "shape": {"type": {"$ref": "#/definitions/geo/Point"}},
            "either": {"type": ["string", "boolean"]},
        },
        "required": ["count"],
        "definitions": {
            "geo": {
                "Point": {
                    "type": "object",
                    "properties": {"x": {"type": "double"}},
                    "required": ["x"],
                }
            }
        },
    }
    validator = Draft202012Validator(structure_from_document(document, source="t").json_schema)
    good = {
        "count": 1,
        "big": "9007199254740993",
        "tags": ["a"],
        "labels": {"k": "v"},
        "shape": {"x": 1.5},
        "either": True,
    }
    assert errors(validator, good) == []
    assert errors(validator, {**good, "count": 2**40}) != []
    assert errors(validator, {**good, "tags": ["a", "a"]}) != []
    assert errors(validator, {**good, "labels": {"k": 1}}) != []
    assert errors(validator, {**good, "shape": {}}) == ["'x' is a required property"]
    assert errors(validator, {**good, "big": 5}) != []  # 64-bit integers travel as strings


URI = "https://json-structure.org/meta/core/v0/#"


@pytest.mark.parametrize(
    "document,problem",
    [
        ({"fields": []}, "needs a `name`"),
        # The rest are found by the JSON Structure project's schema validator, which names the
        # place of each problem as a JSON pointer.
        ({"name": "T", "fields": [{"name": "a"}]}, "#/properties/a/type: Type must be"),
        ({"name": "T", "type": "object"}, "#: Missing required '$id' keyword at root"),
        (
            {"$schema": URI, "$id": "urn:t", "name": "T"},
            "#: Document must have 'type', '$root'",
        ),
        (
            {
                "$schema": URI,
                "$id": "urn:t",
                "name": "T",
                "type": "object",
                "properties": {"a": {"type": {"$ref": "#/definitions/Nope"}}},
            },
            "#/properties/a/type/$ref: JSON Pointer segment '/definitions' not found",
        ),
        (
            {"$schema": URI, "$id": "urn:t", "name": "T", "type": "quaternion"},
            "#/type: Type 'quaternion' is not a recognized",
        ),
    ],
)
def test_bad_documents_get_clear_errors(document, problem):
    """Each names the file and the place in it."""
    with pytest.raises(DocumentError, match="^bad.json: .*" + re.escape(problem)):
        structure_from_document(document, source="bad.json")
