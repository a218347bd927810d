"""Workflows (v2) as Novu answers them: NOVU_EVENTS_SUBSCRIBERS.md §5, from novuhq/novu's
workflows-v2 controller and upsert use case."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import Api, Keys

ORDER_SHIPPED: dict[str, Any] = {
    "name": "Order shipped",
    "workflowId": "order-shipped",
    "tags": ["orders"],
    "steps": [
        {
            "name": "Email",
            "type": "email",
            "controlValues": {
                "subject": "Shipped {{ payload.orderId }}",
                "body": "<p>On its way</p>",
            },
        },
        {"name": "In-app", "type": "in_app", "controlValues": {"body": "Order shipped"}},
    ],
}


def create(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    status, answer = api.call("POST", "/v2/workflows", body)
    assert status == 201, answer
    made: dict[str, Any] = answer["data"]
    return made


def test_create_stores_the_workflow_with_its_steps_and_identity(api: Api) -> None:
    made = create(api, ORDER_SHIPPED)
    assert made["workflowId"] == "order-shipped" and made["active"] is True
    assert made["status"] == "ACTIVE" and made["origin"] == "novu-cloud"
    assert made["slug"].startswith("order-shipped_wf_")
    email, in_app = made["steps"]
    assert (email["stepId"], email["type"]) == ("email", "email")
    assert email["controls"]["values"]["subject"] == "Shipped {{ payload.orderId }}"
    assert in_app["stepId"] == "in-app" and in_app["workflowDatabaseId"] == made["_id"]
    # Readable by identifier, _id and slug alike (Novu's ParseSlugIdPipe).
    for key in ("order-shipped", made["_id"], made["slug"]):
        status, body = api.call("GET", f"/v2/workflows/{key}")
        assert status == 200 and body["data"]["_id"] == made["_id"]


def test_a_taken_identifier_is_refused_with_novus_400(api: Api) -> None:
    create(api, ORDER_SHIPPED)
    status, body = api.call("POST", "/v2/workflows", {**ORDER_SHIPPED, "name": "Again"})
    assert status == 400
    assert body["message"] == "Workflow with the same name already exists"
    assert body["workflowName"] == "Again"


def test_step_ids_are_made_unique_and_explicit_duplicates_refused(api: Api) -> None:
    two = [{"name": "Email", "type": "email", "controlValues": {"subject": "s"}}] * 2
    made = create(api, {"name": "Twice", "workflowId": "twice", "steps": two})
    first, second = (step["stepId"] for step in made["steps"])
    assert first == "email" and second.startswith("email-") and second != first
    duplicated = [{**step, "stepId": "same"} for step in two]
    status, body = api.call(
        "POST", "/v2/workflows", {"name": "Dup", "workflowId": "dup", "steps": duplicated}
    )
    assert status == 400 and body["message"] == "Duplicate stepIds are not allowed: same"
    assert api.call("GET", "/v2/workflows/dup")[0] == 404


def test_a_step_missing_its_content_makes_the_workflow_error(api: Api) -> None:
    made = create(
        api, {"name": "Bare", "workflowId": "bare", "steps": [{"name": "SMS", "type": "sms"}]}
    )
    assert made["status"] == "ERROR"
    assert made["steps"][0]["issues"]["controls"]["body"][0]["issueType"] == "MISSING_VALUE"


def test_patch_toggles_active_and_put_replaces_the_steps(api: Api) -> None:
    made = create(api, ORDER_SHIPPED)
    status, body = api.call("PATCH", "/v2/workflows/order-shipped", {"active": False})
    assert status == 200 and body["data"]["status"] == "INACTIVE"
    kept = made["steps"][0]
    replacement = {
        "name": "Order shipped v2",
        "origin": "novu-cloud",
        "preferences": {},
        "steps": [
            {
                "_id": kept["_id"],
                "name": "Email",
                "type": "email",
                "controlValues": {"subject": "x"},
            },
            {"name": "SMS", "type": "sms", "controlValues": {"body": "Shipped"}},
        ],
    }
    status, body = api.call("PUT", "/v2/workflows/order-shipped", replacement)
    assert status == 200
    updated = body["data"]
    assert updated["name"] == "Order shipped v2" and updated["active"] is True
    assert [s["type"] for s in updated["steps"]] == ["email", "sms"]
    assert updated["steps"][0]["_id"] == kept["_id"]  # kept by its _id
    assert updated["steps"][0]["stepId"] == "email"


def test_delete_answers_204_with_no_body_and_then_404(client: FlaskClient, keys: Keys) -> None:
    api = Api(client, f"ApiKey {keys.development}")
    create(api, ORDER_SHIPPED)
    response = client.delete(
        "/v2/workflows/order-shipped", headers={"Authorization": f"ApiKey {keys.development}"}
    )
    assert response.status_code == 204 and response.data == b""
    assert "Content-Type" not in response.headers
    status, body = api.call("GET", "/v2/workflows/order-shipped")
    assert status == 404
    assert body["message"] == "Workflow cannot be found"
    assert body["workflowId"] == "order-shipped"


def test_list_pages_filters_and_counts(api: Api) -> None:
    for index in range(3):
        create(api, {**ORDER_SHIPPED, "name": f"Flow {index}", "workflowId": f"flow-{index}"})
    status, body = api.call("GET", "/v2/workflows?limit=2&offset=0&orderDirection=ASC")
    assert status == 200
    page = body["data"]
    assert page["totalCount"] == 4  # the seeded welcome and three more
    assert [w["workflowId"] for w in page["workflows"]] == ["welcome", "flow-0"]
    item = page["workflows"][1]
    assert item["stepTypeOverviews"] == ["email", "in_app"]
    status, body = api.call("GET", "/v2/workflows?query=FLOW%202")
    assert [w["workflowId"] for w in body["data"]["workflows"]] == ["flow-2"]
    status, body = api.call("GET", "/v2/workflows?tags=orders&tags=none")
    assert body["data"]["totalCount"] == 3
    status, body = api.call("GET", "/v2/workflows?status=INACTIVE")
    assert body["data"]["totalCount"] == 0


def test_workflows_belong_to_their_environment(api: Api, client: FlaskClient, keys: Keys) -> None:
    create(api, ORDER_SHIPPED)
    production = Api(client, f"ApiKey {keys.production}")
    assert production.call("GET", "/v2/workflows/order-shipped")[0] == 404


@pytest.mark.parametrize(
    "body,field",
    [
        ({**ORDER_SHIPPED, "workflowId": "has spaces"}, "workflowId"),
        ({**ORDER_SHIPPED, "payloadSchema": {"type": 12}}, "payloadSchema"),
        # A reference outside the schema would be fetched on every trigger: refused.
        (
            {**ORDER_SHIPPED, "payloadSchema": {"$ref": "http://example.com/s.json"}},
            "payloadSchema",
        ),
    ],
)
def test_bad_workflows_get_a_422_and_nothing_is_made(
    api: Api, body: dict[str, Any], field: str
) -> None:
    status, answer = api.call("POST", "/v2/workflows", body)
    assert status == 422, answer
    assert field in answer["errors"]
    assert api.call("GET", "/v2/workflows")[1]["data"]["totalCount"] == 1


def test_a_refused_change_leaves_the_workflow_and_the_state_as_they_were(
    api: Api, client: FlaskClient
) -> None:
    create(api, ORDER_SHIPPED)
    before = client.get("/__mock/state").get_json()
    bad_schema = {"type": 12}
    replaced = {**ORDER_SHIPPED, "name": "Changed", "origin": "novu-cloud", "preferences": {}}
    assert (
        api.call("PUT", "/v2/workflows/order-shipped", {**replaced, "payloadSchema": bad_schema})[0]
        == 422
    )
    assert (
        api.call(
            "PATCH", "/v2/workflows/order-shipped", {"name": "x", "payloadSchema": bad_schema}
        )[0]
        == 422
    )
    assert (
        api.call(
            "POST",
            "/v2/workflows",
            {**ORDER_SHIPPED, "workflowId": "other", "payloadSchema": bad_schema},
        )[0]
        == 422
    )
    assert client.get("/__mock/state").get_json() == before


def test_sync_copies_a_workflow_into_another_environment_and_replaces_it_after(
    api: Api, client: FlaskClient, keys: Keys
) -> None:
    create(api, ORDER_SHIPPED)
    production = Api(client, f"ApiKey {keys.production}")
    assert production.call("GET", "/v2/workflows/order-shipped")[0] == 404
    listed = client.get("/__mock/environments").get_json()
    environment_id = next(
        e["_id"]
        for o in listed["organizations"]
        for e in o["environments"]
        if e["apiKey"] == keys.production
    )
    status, body = api.call(
        "PUT", "/v2/workflows/order-shipped/sync", {"targetEnvironmentId": environment_id}
    )
    assert status == 200
    copy = body["data"]
    assert copy["workflowId"] == "order-shipped"
    assert production.call("GET", "/v2/workflows/order-shipped")[1]["data"]["_id"] == copy["_id"]
    api.call("PATCH", "/v2/workflows/order-shipped", {"name": "Order shipped (v2)"})
    again = api.call(
        "PUT", "/v2/workflows/order-shipped/sync", {"targetEnvironmentId": environment_id}
    )[1]["data"]
    assert (again["_id"], again["name"]) == (copy["_id"], "Order shipped (v2)")
    assert [s["_id"] for s in again["steps"]] == [s["_id"] for s in copy["steps"]]
    status, body = api.call(
        "PUT", "/v2/workflows/order-shipped/sync", {"targetEnvironmentId": "f" * 24}
    )
    assert status == 404


def test_steps_get_the_control_values_novus_schemas_require() -> None:
    """Novu stores a step's required controls with their schema defaults (a delay's type, a
    throttle's type, an HTTP request's method and URL): the answer passes Novu's own document
    in strict mode instead of breaking it."""
    from mockserver.http.app import create_app
    from mockserver.settings import Settings, ValidationMode
    from tests.reference import novu_openapi

    app = create_app(Settings(spec_path=novu_openapi(), validation=ValidationMode.STRICT))
    key = next(iter(app.extensions["mockserver"].organizations[0].environments.values())).api_key
    api = Api(app.test_client(), f"ApiKey {key}")
    steps = [
        {"name": "Wait", "type": "delay", "controlValues": {"amount": 1, "unit": "minutes"}},
        {"name": "Call", "type": "http_request", "controlValues": {}},
        {"name": "Hold", "type": "throttle", "controlValues": {}},
    ]
    status, body = api.call(
        "POST", "/v2/workflows", {"name": "Mixed", "workflowId": "mixed", "steps": steps}
    )
    assert status == 201, body
    values = [
        step["controlValues"] for step in api.call("GET", "/v2/workflows/mixed")[1]["data"]["steps"]
    ]
    assert values == [
        {"type": "regular", "amount": 1, "unit": "minutes"},
        {"method": "GET", "url": ""},
        {"type": "fixed"},
    ]
