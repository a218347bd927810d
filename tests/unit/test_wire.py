"""The wire form of Novu's published document (`mockserver wire-spec`): what a client of the
mock gets, for schemathesis to judge the mock by."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from mockserver.contract import default_spec_path
from mockserver.contract.documents import load_document
from mockserver.contract.wire import PREFIX, wire_document
from mockserver.resources.registry import resource_classes
from tests.reference import novu_openapi


@pytest.fixture(scope="module")
def wire() -> dict[str, Any]:
    modelled = {name for cls in resource_classes() for name in cls.handlers}
    return wire_document(
        load_document(novu_openapi()), load_document(default_spec_path()), modelled
    )


def test_it_is_a_valid_openapi_3_1_document(wire: dict[str, Any]) -> None:
    assert wire["openapi"] == "3.1.0"
    validate(wire)


def test_inferred_answers_are_enveloped_and_every_error_is_novus_body(
    wire: dict[str, Any],
) -> None:
    layouts = wire["paths"]["/v2/layouts/{layoutId}"]["get"]["responses"]
    schema = layouts["200"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["data"] and "$ref" in schema["properties"]["data"]
    error = f"#/components/schemas/{PREFIX}WireError"
    assert layouts["404"]["content"]["application/json"]["schema"]["$ref"] == error
    # 422 is listed though Novu's document leaves it out for the translation routes.
    translation = wire["paths"]["/v2/translations/{resourceType}/{resourceId}/{locale}"]["get"]
    assert "422" in translation["responses"]


def test_modelled_operations_answer_as_the_project_spec_says(wire: dict[str, Any]) -> None:
    trigger = wire["paths"]["/v1/events/trigger"]["post"]
    described = trigger["responses"]["201"]["content"]["application/json"]["schema"]
    assert described["$ref"].startswith(f"#/components/schemas/{PREFIX}")
    # What it takes stays the published document's (the mock checks requests against it).
    body = trigger["requestBody"]["content"]["application/json"]["schema"]
    assert not body["$ref"].startswith(f"#/components/schemas/{PREFIX}")


def test_schemas_read_as_the_mock_reads_them(wire: dict[str, Any]) -> None:
    key = wire["components"]["schemas"]["CreateEnvironmentVariableRequestDto"]["properties"]
    assert key["key"]["pattern"] == "^[A-Za-z][A-Za-z0-9_]*$"
    text = str(wire)
    assert "SLUG_IDENTIFIER_REGEX" not in text and "'format': 'uuid'" not in text


def test_the_same_document_gives_the_same_bytes_in_any_process(tmp_path: Any) -> None:
    """Two runs with other string hashes (sets iterate in another order) print one document."""
    import os
    import subprocess
    import sys

    printed = []
    for hash_seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "mockserver", "wire-spec", "--novu-api", str(novu_openapi())],
            capture_output=True,
            check=True,
            timeout=120,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        printed.append(done.stdout)
    assert printed[0] == printed[1]
