"""Novu's v1 workflow routes (`/v1/notification-templates`, what @novu/node's
`notificationTemplates` calls), from novuhq/novu's workflows-v1 controller and use cases."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.conftest import Api


def template(api: Api, name: str = "Order Shipped!", **fields: Any) -> dict[str, Any]:
    group = api.call("GET", "/v1/notification-groups")[1]["data"][0]["_id"]
    body = {
        "name": name,
        "notificationGroupId": group,
        "steps": [
            {
                "template": {
                    "type": "email",
                    "subject": "Order {{payload.id}}",
                    "content": [{"type": "text", "content": "Shipped {{payload.id}}"}],
                }
            },
            {"template": {"type": "in_app", "content": "In app {{payload.id}}"}},
        ],
        **fields,
    }
    status, answer = api.call("POST", "/v1/notification-templates", body)
    assert status == 201, answer
    made: dict[str, Any] = answer["data"]
    return made


def test_create_slugifies_the_name_and_is_inactive_draft_by_default(api: Api) -> None:
    made = template(api)
    assert made["triggers"][0]["identifier"] == "order-shipped"
    assert (made["active"], made["draft"]) == (False, True)
    assert [step["template"]["type"] for step in made["steps"]] == ["email", "in_app"]
    assert made["steps"][0]["template"]["subject"] == "Order {{payload.id}}"
    again = template(api)
    assert again["triggers"][0]["identifier"].startswith("order-shipped-")
    # The v2 routes read the same workflow.
    v2 = api.call("GET", "/v2/workflows/order-shipped")[1]["data"]
    assert (v2["_id"], v2["active"]) == (made["_id"], False)


def test_a_step_without_template_is_novus_400_and_nothing_is_made(api: Api) -> None:
    group = api.call("GET", "/v1/notification-groups")[1]["data"][0]["_id"]
    body = {"name": "Broken", "notificationGroupId": group, "steps": [{"name": "x"}]}
    status, answer = api.call("POST", "/v1/notification-templates", body)
    assert (status, answer["message"]) == (400, "Unexpected error: message template is missing")
    assert api.call("GET", "/v1/notification-templates/broken")[0] == 404
    status, answer = api.call("POST", "/v1/notification-templates", {"name": "No group"})
    assert status == 422


def test_status_get_update_delete(api: Api, client: FlaskClient) -> None:
    made = template(api, name="Weekly digest")
    path = f"/v1/notification-templates/{made['_id']}"
    status, body = api.call("PUT", f"{path}/status", {"active": True})
    assert (status, body["data"]["active"], body["data"]["draft"]) == (200, True, False)
    status, body = api.call("PUT", f"{path}/status", {"active": True})
    assert (status, body["message"]) == (
        400,
        "You must provide a different status from the current status",
    )
    by_identifier = api.call("GET", "/v1/notification-templates/weekly-digest")[1]["data"]
    assert by_identifier["_id"] == made["_id"]
    status, body = api.call("PUT", path, {"description": "Every Monday", "tags": ["news"]})
    assert (body["data"]["description"], body["data"]["tags"]) == ("Every Monday", ["news"])
    assert body["data"]["active"] is True  # an update keeps the status
    assert len(body["data"]["steps"]) == 2  # and the steps, when none are given
    # Active now: a trigger sends through it.
    status, answer = api.call(
        "POST",
        "/v1/events/trigger",
        {
            "name": "weekly-digest",
            "to": {"subscriberId": "wd", "email": "wd@acme.test"},
            "payload": {"id": 5},
        },
    )
    assert status == 201
    sent = client.get(f"/__mock/outbox?transaction={answer['data']['transactionId']}").get_json()
    by_channel = {m["channel"]: m for m in sent["data"]}
    assert by_channel["email"]["subject"] == "Order 5"
    assert by_channel["email"]["body"] == "Shipped 5"
    assert by_channel["in_app"]["body"] == "In app 5"
    status, body = api.call("DELETE", path)
    assert (status, body["data"]) == (200, True)
    status, body = api.call("GET", path)
    assert (status, body["message"]) == (404, f"Template with id {made['_id']} not found")


def test_writes_only_in_development(client: FlaskClient, keys: Any) -> None:
    production = Api(client, f"ApiKey {keys.production}")
    group = production.call("GET", "/v1/notification-groups")[1]["data"][0]["_id"]
    status, body = production.call(
        "POST",
        "/v1/notification-templates",
        {"name": "Prod", "notificationGroupId": group, "steps": []},
    )
    assert (status, body["message"]) == (
        401,
        "This action is only allowed in Development environment",
    )


def test_list_pages_newest_first_with_a_query(api: Api) -> None:
    template(api, name="Alpha note")
    template(api, name="Beta note")
    status, body = api.call("GET", "/v1/notification-templates?query=note&limit=1")
    assert status == 200
    assert (body["totalCount"], body["pageSize"], body["page"]) == (2, 1, 0)
    assert body["data"][0]["name"] == "Beta note"
    assert api.call("GET", "/v1/notification-templates?limit=101")[0] == 422


def test_v1_fields_survive_a_state_export_and_import(api: Api, client: FlaskClient) -> None:
    made = template(api, name="Kept", critical=True, data={"team": "ops"})
    exported = client.get("/__mock/state").data
    client.post("/__mock/reset")
    assert (
        client.put("/__mock/state", data=exported, content_type="application/json").status_code
        == 200
    )
    again = api.call("GET", f"/v1/notification-templates/{made['_id']}")[1]["data"]
    for field in ("critical", "draft", "data", "_notificationGroupId"):
        assert again[field] == made[field], field


def test_a_v1_digest_step_gives_its_templates_step_total_count(
    api: Api, client: FlaskClient
) -> None:
    group = api.call("GET", "/v1/notification-groups")[1]["data"][0]["_id"]
    body = {
        "name": "Digested",
        "notificationGroupId": group,
        "active": True,
        "steps": [
            {"template": {"type": "digest"}, "metadata": {"amount": 5, "unit": "minutes"}},
            {"template": {"type": "in_app", "content": "{{ step.total_count }} new"}},
        ],
    }
    made = api.call("POST", "/v1/notification-templates", body)[1]["data"]
    assert made["steps"][0]["metadata"] == {"amount": 5, "unit": "minutes", "type": "regular"}
    answer = api.call("POST", "/v1/events/trigger", {"name": "digested", "to": "dg"})[1]["data"]
    sent = client.get(f"/__mock/outbox?transaction={answer['transactionId']}").get_json()
    assert [m["body"] for m in sent["data"]] == ["1 new"]
