"""The mock's own checks held to reference implementations of the same checks.

* Requests: the compiled request check (contract/checks.py) against openapi-core's request
  validator, over valid and invalid bodies for every operation the mock serves, on the project's
  spec and on Novu's published document: the same verdict, and the same fields named.
* Integrations: the compiled JSON Structure check against the JSON Structure project's own
  instance validator (the `json-structure` package), over every seeded integration and mutations
  of each: the same verdict.

Where the two differ by design, the case is listed with its reason (BY_DESIGN) instead of being
left out quietly; a listed difference that no longer happens fails the test too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from json_structure import InstanceValidator
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest

from mockserver.contract import Contract, load_contract
from mockserver.contract.documents import load_document
from mockserver.contract.operations import Operation
from mockserver.contract.structure import core_document
from mockserver.http.app import create_app
from mockserver.novu.errors import ValidationFailed
from mockserver.novu.wording import check_request
from mockserver.resources.integrations.routes import HANDLERS
from mockserver.resources.integrations.state import live
from mockserver.resources.registry import structure_paths
from mockserver.settings import Settings
from tests.integrations_resource import structure_validator
from tests.reference import ROOT, novu_openapi

OBJECT_ID = "6a1b2c3d4e5f60718293a4b5"
WRONG = {"string": 12345, "boolean": "yes", "object": "x", "array": {"a": 1}, "integer": "7"}
WRONG["number"] = "7"
_REQUIRED = re.compile(r"'(?P<name>[^']+)' is a required property")


# ---- the corpus ------------------------------------------------------------------------------


def resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def instance(schema: dict[str, Any], defs: dict[str, Any], *, full: bool, depth: int = 0) -> Any:
    """A value the schema takes: its required properties (all, when `full`), filled in."""
    schema = resolve(schema, defs)
    for keyword in ("oneOf", "anyOf"):
        if keyword in schema:
            return instance(schema[keyword][0], defs, full=full, depth=depth)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = instance(part, defs, full=full, depth=depth)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if kind == "object":
        properties = schema.get("properties", {})
        names = properties if full and depth < 2 else schema.get("required", [])
        return {
            name: instance(properties[name], defs, full=full, depth=depth + 1)
            for name in names
            if name in properties
        }
    if kind == "array":
        return []
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if schema.get("pattern") == "^[0-9a-fA-F]{24}$":
        return OBJECT_ID
    return "x" * max(1, schema.get("minLength", 1))


@dataclass(frozen=True)
class RequestCase:
    label: str
    operation: Operation
    body: Any


def request_cases(contract: Contract) -> Iterator[RequestCase]:
    for operation in contract.operations.values():
        validator = operation.body_validator
        if not operation.compiled or validator is None:
            continue
        defs = validator.schema.get("$defs", {})
        root = resolve(validator.schema, defs)
        for full in (False, True):
            yield RequestCase(
                f"valid ({'full' if full else 'minimal'})",
                operation,
                instance(root, defs, full=full),
            )
        base = instance(root, defs, full=True)
        for name, schema in root.get("properties", {}).items():
            target = resolve(schema, defs)
            kind = target.get("type", "object" if "properties" in target else None)
            if isinstance(kind, str) and kind in WRONG:
                yield RequestCase(f"{name}: wrong type", operation, {**base, name: WRONG[kind]})
            if "enum" in target:
                yield RequestCase(f"{name}: not in enum", operation, {**base, name: "pigeon"})
        for name in root.get("required", []):
            yield RequestCase(
                f"{name}: missing", operation, {k: v for k, v in base.items() if k != name}
            )
        yield RequestCase("body: not an object", operation, [1, 2])


# ---- the two verdicts ------------------------------------------------------------------------


def mock_verdict(case: RequestCase) -> set[str]:
    """The fields the mock's check names (empty: the request passes)."""
    try:
        check_request(
            case.operation,
            path_params={},
            query={},
            headers={},
            body=case.body,
            secret_keys=frozenset(),
        )
    except ValidationFailed as failure:
        return {problem.field.split(".", 1)[0] for problem in failure.problems}
    return set()


def concrete_path(operation: Operation) -> str:
    return re.sub(r"\{[^}]+\}", OBJECT_ID, operation.path)


def reference_verdict(openapi: OpenAPI, host: str, case: RequestCase) -> tuple[set[str], set[str]]:
    """The fields openapi-core's request validator names for the body (empty: it passes), and
    apart from them the fields it refuses for their `format` alone."""
    request = MockRequest(
        host,
        case.operation.method.lower(),
        concrete_path(case.operation),
        headers={"Authorization": "ApiKey key"},
        data=json.dumps(case.body).encode(),
    )
    try:
        openapi.validate_request(request)
    except Exception as exc:  # openapi-core raises its own hierarchy; the body's is read below
        cause = exc.__cause__
        errors = getattr(cause, "schema_errors", None)
        if errors is None:
            if "Security" in type(exc).__name__:
                return set(), set()
            return {f"<{type(exc).__name__}>"}, set()
        fields: set[str] = set()
        formats: set[str] = set()
        for error in errors:
            path = list(error.absolute_path)
            if error.validator == "format":
                formats.add(str(path[0]) if path else "general")
            elif path:
                fields.add(str(path[0]))
            elif error.validator == "required":
                match = _REQUIRED.match(error.message)
                fields.add(match.group("name") if match else "general")
            else:
                fields.add("general")
        return fields, formats
    return set(), set()


# Differences that follow from choices the mock makes on purpose.
#
# `format`: openapi-core asserts it; the mock does not. Novu's published document gives
# `_environmentId` the format uuid, while Novu's server checks @IsMongoId and every environment
# id is a 24-hex ObjectId: asserting the format would refuse every real request. (The project's
# spec says ObjectId with a pattern, which both engines check alike.)
FORMAT_ONLY_FIELDS = {"_environmentId"}


def documents() -> Iterator[tuple[str, Path]]:
    yield "project spec", ROOT / "specs" / "novu-integrations.openapi.yaml"
    published = novu_openapi()
    if published.is_file():
        yield "Novu's published document", published


@pytest.mark.parametrize("name,path", list(documents()), ids=lambda value: str(value)[:30])
def test_request_checks_agree_with_openapi_core(name: str, path: Path) -> None:
    contract = load_contract(path, structure_paths(), implemented=frozenset(HANDLERS))
    document = load_document(path)
    # Novu's published document does not pass openapi-core's check of the document itself (a
    # string default on an object schema, among others); its operations still validate.
    openapi = OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))
    host = document.get("servers", [{"url": "http://mock"}])[0]["url"]
    disagreements = []
    format_only: set[str] = set()
    seen = 0
    for case in request_cases(contract):
        seen += 1
        mine = mock_verdict(case)
        theirs, formats = reference_verdict(openapi, host, case)
        format_only |= formats - mine
        if mine != theirs:
            key = (case.operation.operation_id, case.label)
            disagreements.append(f"{key}: mock {sorted(mine)} openapi-core {sorted(theirs)}")
    assert seen > 40
    assert disagreements == [], "\n".join(disagreements)
    # The one difference by design happens where it is said to, and nowhere else.
    assert format_only <= FORMAT_ONLY_FIELDS
    if name == "Novu's published document":
        assert format_only == FORMAT_ONLY_FIELDS


# ---- JSON Structure --------------------------------------------------------------------------


def integration_corpus() -> Iterator[tuple[str, dict[str, Any]]]:
    server = create_app(Settings()).extensions["mockserver"]
    for organization in server.organizations:
        for environment in organization.environments.values():
            for integration in live(environment):
                wire = integration.to_wire(reveal_credentials=True, include_virtual_id=True)
                yield f"{integration.provider_id} as is", wire
                yield (
                    f"{integration.provider_id} for an API key",
                    integration.to_wire(reveal_credentials=False, include_virtual_id=False),
                )
    sample = wire
    mutations: dict[str, Any] = {
        "name": 5,
        "active": "yes",
        "primary": None,
        "channel": "pigeon",
        "kind": "robot",
        "credentials": "secret",
        "configurations": [],
        "conditions": {"a": 1},
        "deletedAt": 3,
    }
    for name, value in mutations.items():
        yield f"{name} = {value!r}", {**sample, name: value}
    for name in ("_environmentId", "name", "providerId", "active", "deleted", "primary"):
        yield f"without {name}", {k: v for k, v in sample.items() if k != name}
    yield "credentials.port as a number", {**sample, "credentials": {"port": 25}}
    yield "credentials.secure as text", {**sample, "credentials": {"secure": "true"}}
    yield (
        "a condition without children",
        {
            **sample,
            "conditions": [{"isNegated": False, "type": "BOOLEAN", "value": "AND"}],
        },
    )
    yield (
        "a condition with a bad operator",
        {
            **sample,
            "conditions": [
                {
                    "isNegated": False,
                    "type": "BOOLEAN",
                    "value": "AND",
                    "children": [
                        {"field": "f", "value": "v", "operator": "ROUGHLY", "on": "payload"}
                    ],
                }
            ],
        },
    )


@pytest.mark.parametrize(
    "structure",
    ["IntegrationResponseDto.structure.json", "IntegrationResponseDto.fields.json"],
)
def test_the_compiled_structure_check_agrees_with_the_json_structure_sdk(structure: str) -> None:
    path = ROOT / "specs" / structure
    contract = load_contract(None, [path])
    sdk = InstanceValidator(core_document(load_document(path)))
    disagreements = []
    verdicts = set()
    for label, candidate in integration_corpus():
        mine = structure_validator(contract).is_valid(candidate)
        theirs = not sdk.validate(candidate)
        verdicts.add(mine)
        if mine != theirs:
            disagreements.append(f"{label}: mock {mine}, json-structure {theirs}")
    assert verdicts == {True, False}  # the corpus holds both kinds
    assert disagreements == [], "\n".join(disagreements)


# ---- responses ----------------------------------------------------------------------------

# The operations that answer integrations, and how their 2xx answer wraps them.
ANSWERS = {
    "IntegrationsController_listIntegrations": ("GET", 200, "list"),
    "IntegrationsController_getActiveIntegrations": ("GET", 200, "list"),
    "IntegrationsController_createIntegration": ("POST", 201, "one"),
    "IntegrationsController_updateIntegrationById": ("PUT", 200, "one"),
    "IntegrationsController_setIntegrationAsPrimary": ("POST", 200, "one"),
    "IntegrationsController_removeIntegration": ("DELETE", 200, "list"),
}


def mock_response_verdict(contract: Contract, operation: Operation, status: int, body: Any) -> bool:
    from mockserver.contract.checks import response_violations

    return not response_violations(
        operation,
        status=status,
        headers={"Content-Type": "application/json"},
        body=body,
        structures=contract.structures,
    )


def reference_response_verdict(
    openapi: OpenAPI, host: str, operation: Operation, status: int, body: Any
) -> bool:
    from openapi_core.testing import MockResponse

    request = MockRequest(
        host,
        operation.method.lower(),
        concrete_path(operation),
        headers={"Authorization": "ApiKey key"},
        data=b"{}" if operation.method in ("POST", "PUT") else None,
    )
    response = MockResponse(json.dumps(body).encode(), status_code=status)
    try:
        openapi.validate_response(request, response)
    except Exception as exc:
        cause = exc.__cause__
        errors = getattr(cause, "schema_errors", None) or []
        # As for requests, `format` alone is set aside (FORMAT_ONLY_FIELDS's reason).
        return bool(errors) and all(error.validator == "format" for error in errors)
    return True


@pytest.mark.parametrize("name,path", list(documents()), ids=lambda value: str(value)[:30])
def test_response_checks_agree_with_openapi_core(name: str, path: Path) -> None:
    contract = load_contract(path, structure_paths(), implemented=frozenset(HANDLERS))
    document = load_document(path)
    openapi = OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))
    host = document.get("servers", [{"url": "http://mock"}])[0]["url"]
    corpus = list(integration_corpus())
    # Novu's published document describes each answer without the `{"data": ...}` envelope its
    # response interceptor adds on the wire; the mock checks the wire form against it. So
    # openapi-core is given what the document describes: the payload inside the envelope.
    unwrap = name == "Novu's published document"
    disagreements = []
    verdicts = set()
    for operation_id, (_method, status, shape) in ANSWERS.items():
        operation = contract.operations[operation_id]
        for label, candidate in corpus:
            body = {"data": [candidate] if shape == "list" else candidate}
            mine = mock_response_verdict(contract, operation, status, body)
            described = body["data"] if unwrap else body
            theirs = reference_response_verdict(openapi, host, operation, status, described)
            verdicts.add(mine)
            if mine != theirs:
                disagreements.append(f"{operation_id} {label}: mock {mine} openapi-core {theirs}")
    assert verdicts == {True, False}
    assert disagreements == [], "\n".join(disagreements[:30])
