"""Response validation: a mock answer that breaks the contract is caught, flagged or let through."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from mockserver.http.app import create_app
from mockserver.http.pipeline import VIOLATION_HEADER
from mockserver.resources.base import Exchange, Reply
from mockserver.resources.integrations import routes
from mockserver.settings import Settings, ValidationMode


def broken_create(backend: Any, call: Exchange) -> Reply:
    """Create as usual, then answer the way the strictest SDK cannot parse: null in deletedAt."""
    reply = routes.create(backend, call)
    return Reply(201, {**reply.payload, "deletedAt": None, "active": "yes"})


@pytest.fixture
def break_create(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(routes.HANDLERS, "IntegrationsController_createIntegration", broken_create)


def app_with(mode: ValidationMode, **settings: Any) -> Flask:
    return create_app(Settings(validation=mode, **settings))


def development_key(app: Flask) -> str:
    organization = app.extensions["mockserver"].organizations[0]
    return str(next(iter(organization.environments.values())).api_key)


def create(app: Flask) -> Any:
    return app.test_client().post(
        "/v1/integrations",
        json={"providerId": "ses", "channel": "email"},
        headers={"Authorization": f"ApiKey {development_key(app)}"},
    )


@pytest.mark.usefixtures("break_create")
def test_strict_mode_turns_a_broken_answer_into_a_500_naming_it(caplog):
    app = app_with(ValidationMode.STRICT)
    with caplog.at_level(logging.ERROR, logger="mockserver"):
        response = create(app)
    assert response.status_code == 500
    body = response.get_json()
    assert body["message"].startswith(
        "Contract violation: the mock's 201 answer to IntegrationsController_createIntegration"
    )
    assert "$.data.deletedAt: None is not of type 'string'" in body["message"]
    assert "$.data.active: 'yes' is not of type 'boolean'" in body["message"]
    assert body["errorId"]
    assert "IntegrationsController_createIntegration (POST /v1/integrations)" in caplog.text


@pytest.mark.usefixtures("break_create")
def test_warn_mode_sends_the_answer_and_flags_it():
    response = create(app_with(ValidationMode.WARN))
    assert response.status_code == 201
    assert response.get_json()["data"]["active"] == "yes"
    flagged = response.headers[VIOLATION_HEADER]
    assert flagged.startswith("4: ")
    assert "$.data.deletedAt: None is not of type 'string' (IntegrationResponseDto)" in flagged


@pytest.mark.usefixtures("break_create")
def test_off_mode_checks_nothing():
    response = create(app_with(ValidationMode.OFF))
    assert response.status_code == 201
    assert VIOLATION_HEADER not in response.headers


def test_off_mode_still_answers_bad_types_with_422_not_500():
    app = app_with(ValidationMode.OFF)
    response = app.test_client().post(
        "/v1/integrations",
        json={"providerId": ["x"], "credentials": "nope"},
        headers={"Authorization": f"ApiKey {development_key(app)}"},
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"providerId", "credentials"}


def test_the_structure_document_is_checked_on_every_integration(tmp_path: Path):
    """A structure stricter than the spec: integration objects fail it, and only it."""
    structure = {
        "name": "IntegrationResponseDto",
        "fields": [
            {"name": "_environmentId", "type": "string", "required": True},
            {"name": "priority", "type": "string", "required": True},
        ],
    }
    path = tmp_path / "strict.json"
    path.write_text(json.dumps(structure))
    app = app_with(ValidationMode.STRICT, structure_paths=(path,))
    response = app.test_client().get(
        "/v1/integrations", headers={"Authorization": f"ApiKey {development_key(app)}"}
    )
    assert response.status_code == 500
    message = response.get_json()["message"]
    assert "$.data.0.priority: 1 is not of type 'string' (IntegrationResponseDto)" in message


def test_error_answers_are_checked_too(monkeypatch: pytest.MonkeyPatch):
    def undeclared_status(backend: Any, call: Exchange) -> Reply:
        return Reply(204, None)

    monkeypatch.setitem(
        routes.HANDLERS, "IntegrationsController_listIntegrations", undeclared_status
    )
    app = app_with(ValidationMode.STRICT)
    response = app.test_client().get(
        "/v1/integrations", headers={"Authorization": f"ApiKey {development_key(app)}"}
    )
    assert response.status_code == 500
    assert "status 204 is not declared" in response.get_json()["message"]


def test_spec_option_replaces_the_contract(tmp_path: Path):
    """With a document that declares create as 200, the mock's 201 is the contract breach."""
    from mockserver.contract import default_spec_path

    text = default_spec_path().read_text()
    marker = "operationId: IntegrationsController_createIntegration"
    head, tail = text.split(marker, 1)
    tail = tail.replace("'201':", "'200':", 1)
    edited = tmp_path / "edited.yaml"
    edited.write_text(head + marker + tail)
    app = app_with(ValidationMode.STRICT, spec_path=edited)
    assert app.extensions["mockserver"].contract.spec_path == edited.resolve()
    response = create(app)
    assert response.status_code == 500
    assert "status 201 is not declared" in response.get_json()["message"]


def test_without_inference_novus_document_routes_the_rest_to_a_501_naming_it():
    from tests.reference import novu_openapi

    app = app_with(ValidationMode.STRICT, spec_path=novu_openapi(), infer=False)
    client = app.test_client()
    auth = {"Authorization": f"ApiKey {development_key(app)}"}
    response = client.get("/v2/layouts", headers=auth)
    assert response.status_code == 501
    assert response.get_json()["message"] == (
        "mockserver does not implement LayoutsController_list (GET /v2/layouts)"
    )
    (entry,) = app.extensions["mockserver"].journal.entries()
    assert (entry.status, entry.operation_id) == (501, "LayoutsController_list")
    # The integrations it hides from its document are still served, from the bundled spec.
    hidden = client.get("/v1/integrations/webhook/provider/nope/status", headers=auth)
    assert hidden.get_json()["message"] == "Integration for nope was not found"
    assert client.get("/v1/integrations", headers=auth).status_code == 200


def test_an_error_novus_document_misdescribes_goes_out_flagged_not_as_a_500():
    """Novu's document gives a trigger's 422 the validation-error schema, which requires
    `errors`; Novu's `workflow_not_found` 422 has none. The bundled document describes the
    wire, so the answer is Novu's and the document is at fault: flagged, not replaced."""
    from tests.reference import novu_openapi

    app = app_with(ValidationMode.STRICT, spec_path=novu_openapi())
    response = app.test_client().post(
        "/v1/events/trigger",
        json={"name": "no-such-workflow", "to": "someone"},
        headers={"Authorization": f"ApiKey {development_key(app)}"},
    )
    assert response.status_code == 422
    assert response.get_json()["message"] == "workflow_not_found"
    assert "'errors' is a required property" in response.headers[VIOLATION_HEADER]


def test_parameters_with_constraints_are_checked_and_plain_text_ones_only_for_presence(
    tmp_path: Path,
):
    """A path or header parameter declared as any string takes any value (the handler decides,
    as Novu's would); one with a pattern or a length is checked, with Novu's 422."""
    from mockserver.contract import default_spec_path

    text = default_spec_path().read_text()
    plain_id = "description: The integration's `_id`.\n      schema:\n        type: string\n"
    plain_key = "one on every call.\n      schema:\n        type: string\n"
    assert plain_id in text and plain_key in text
    edited = tmp_path / "constrained.yaml"
    edited.write_text(
        text.replace(plain_id, plain_id + "        pattern: '^[0-9a-fA-F]{24}$'\n").replace(
            plain_key, plain_key + "        maxLength: 8\n"
        )
    )
    for spec, expected in ((None, 404), (edited, 422)):
        app = app_with(ValidationMode.STRICT, **({"spec_path": spec} if spec else {}))
        headers = {"Authorization": f"ApiKey {development_key(app)}"}
        client = app.test_client()
        response = client.put("/v1/integrations/not-an-id", json={}, headers=headers)
        assert response.status_code == expected, response.get_json()
        long_key = {**headers, "Idempotency-Key": "longer-than-eight"}
        retried = client.post(
            "/v1/integrations", json={"providerId": "ses", "channel": "email"}, headers=long_key
        )
        assert retried.status_code == (201 if spec is None else 422), retried.get_json()
    assert response.get_json()["errors"] == {
        "integrationId": {"messages": ["integrationId must be a mongodb id"], "value": "not-an-id"}
    }
    assert retried.get_json()["errors"]["idempotency-key"]["messages"] == [
        "idempotency-key must be shorter than or equal to 8 characters"
    ]


def test_a_query_parameter_with_a_schema_is_checked_and_an_absent_one_is_not(tmp_path: Path):
    from mockserver.contract import default_spec_path

    text = default_spec_path().read_text()
    listing = "x-sdk-method: list\n      parameters:\n"
    assert listing in text
    edited = tmp_path / "paged.yaml"
    limit = "        - {name: limit, in: query, required: false, schema: {type: integer}}\n"
    edited.write_text(text.replace(listing, listing + limit))
    app = app_with(ValidationMode.STRICT, spec_path=edited)
    headers = {"Authorization": f"ApiKey {development_key(app)}"}
    client = app.test_client()
    assert client.get("/v1/integrations", headers=headers).status_code == 200
    assert client.get("/v1/integrations?limit=10", headers=headers).status_code == 200
    refused = client.get("/v1/integrations?limit=ten", headers=headers)
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["errors"]["limit"]["messages"] == ["limit must be an integer number"]


def test_an_error_status_the_document_does_not_list_goes_out_flagged_not_as_a_500():
    """Novu answers a bad path parameter 422 whether or not its document lists 422 for the
    operation (its translation routes list 200 and 404 only): strict mode sends Novu's 422,
    flagged as the document's gap."""
    from tests.reference import novu_openapi

    app = app_with(ValidationMode.STRICT, spec_path=novu_openapi())
    client = app.test_client()
    auth = {"Authorization": f"ApiKey {development_key(app)}"}
    answer = client.get("/v2/translations/nonsense/x/en_US", headers=auth)
    assert answer.status_code == 422
    assert "X-Mockserver-Contract-Violation" in answer.headers
