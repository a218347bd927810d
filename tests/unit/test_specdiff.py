"""The drift report between two OpenAPI documents."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from mockserver.cli.main import main
from mockserver.contract import default_spec_path
from mockserver.contract.documents import load_document
from mockserver.contract.specdiff import diff_documents, explain, load_intended
from mockserver.resources.registry import resource_classes
from tests.reference import ROOT, novu_openapi

PREFIXES = [prefix for cls in resource_classes() for prefix in cls.path_prefixes]

INTENDED = ROOT / "specs/intended-differences.yaml"


def small(**overrides: Any) -> dict[str, Any]:
    """A one-operation document describing create without the envelope (3.0, nullable)."""
    doc: dict[str, Any] = {
        "openapi": "3.0.0",
        "paths": {
            "/v1/integrations": {
                "post": {
                    "operationId": "create",
                    "parameters": [
                        {"name": "idempotency-key", "in": "header", "schema": {"type": "string"}}
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["providerId"],
                                    "properties": {
                                        "providerId": {"type": "string"},
                                        "channel": {"type": "string", "enum": ["email", "sms"]},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "note": {"type": "string", "nullable": True}
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            }
        },
    }
    doc.update(overrides)
    return doc


def enveloped_31() -> dict[str, Any]:
    doc = copy.deepcopy(small())
    doc["openapi"] = "3.1.0"
    response = doc["paths"]["/v1/integrations"]["post"]["responses"]["201"]
    inner = response["content"]["application/json"]["schema"]
    inner["properties"]["note"] = {"type": ["string", "null"]}
    response["content"]["application/json"]["schema"] = {
        "type": "object",
        "required": ["data"],
        "properties": {"data": inner},
    }
    return doc


def test_envelope_and_nullable_spelling_are_not_differences():
    assert diff_documents(small(), enveloped_31()) == []


def test_enum_status_parameter_and_required_changes_are_reported():
    changed = copy.deepcopy(small())
    operation = changed["paths"]["/v1/integrations"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    schema["properties"]["channel"]["enum"].append("push")
    schema["required"] = []
    operation["responses"]["200"] = operation["responses"].pop("201")
    operation["parameters"] = []
    keys = {d.key: d for d in diff_documents(small(), changed)}
    assert keys["POST /v1/integrations | request channel enum"].right == "email,push,sms"
    assert keys["POST /v1/integrations | request providerId"].left == "required"
    assert keys["POST /v1/integrations | response 201"].right is None
    assert keys["POST /v1/integrations | response 200"].left is None
    assert keys["POST /v1/integrations | parameter header idempotency-key"].right is None


def test_only_the_served_resources_operations_are_compared():
    other = small()
    other["paths"]["/v2/layouts"] = {"get": {"operationId": "x", "responses": {}}}
    assert diff_documents(small(), other, PREFIXES) == []
    # With no prefixes, every path is compared: the extra one is found.
    assert [d.operation for d in diff_documents(small(), other)] == ["GET /v2/layouts"]


def test_the_project_spec_differs_from_novus_only_as_recorded():
    differences = diff_documents(
        load_document(default_spec_path()), load_document(novu_openapi()), PREFIXES
    )
    paired, stale = explain(differences, load_intended(INTENDED))
    unexplained = [d.describe() for d, reason in paired if reason is None]
    assert unexplained == []
    assert [entry.match for entry in stale] == []
    # Novu's own facts that the project changes on purpose are among them.
    keys = {d.key for d in differences}
    assert "POST /v1/integrations | request providerId" in keys


def test_spec_diff_command(tmp_path: Path, capsys):
    left, right = tmp_path / "a.json", tmp_path / "b.json"
    left.write_text(json.dumps(small()))
    changed = copy.deepcopy(small())
    changed["paths"]["/v1/integrations"]["post"]["operationId"] = "renamed"
    right.write_text(json.dumps(changed))
    assert main(["spec-diff", str(left), str(left)]) == 0
    assert main(["spec-diff", str(left), str(right)]) == 1
    out = capsys.readouterr().out
    assert "POST /v1/integrations | operationId: A=create B=renamed" in out
    assert "1 differences, 0 intended, 1 unexplained" in out
