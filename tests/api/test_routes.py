"""Every route of the spec through the Flask test client: statuses, shapes and Novu's errors."""

from __future__ import annotations

import re
from typing import Any

import pytest

OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def assert_no_nulls(value: Any, where: str = "$") -> None:
    """The strictest official SDK rejects null in any optional field."""
    assert value is not None, f"null at {where}"
    if isinstance(value, dict):
        for key, item in value.items():
            assert_no_nulls(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert_no_nulls(item, f"{where}[{index}]")


def assert_error(body: dict[str, Any], status: int, message: str, path: str) -> None:
    assert body["statusCode"] == status
    assert body["message"] == message
    assert body["path"] == path
    assert ISO.match(body["timestamp"])


# ---- list and list active -------------------------------------------------------------------


def test_list_is_enveloped_scoped_to_the_key_and_hides_credentials(api, keys):
    status, body = api.call("GET", "/v1/integrations")
    assert status == 200
    assert list(body) == ["data"]
    assert len(body["data"]) == 12  # Novu's two Development defaults and ten Faker-made
    for integration in body["data"]:
        assert integration["_environmentId"] == keys.development_id
        assert integration["_organizationId"] == keys.organization_id
        assert OBJECT_ID.match(integration["_id"])
        assert ISO.match(integration["createdAt"]) and ISO.match(integration["updatedAt"])
        assert integration["credentials"] == {}
        assert "id" not in integration  # lean list answers carry no virtual id
        assert_no_nulls(integration)


def test_list_active_returns_only_active_ones(api):
    everything = api.integrations()
    status, body = api.call("GET", "/v1/integrations/active")
    assert status == 200
    assert [i["_id"] for i in body["data"]] == [i["_id"] for i in everything if i["active"]]
    assert 0 < len(body["data"]) < len(everything)


def test_dashboard_sessions_see_every_environment_with_credentials(dashboard, keys):
    integrations = dashboard.integrations()
    assert {i["_environmentId"] for i in integrations} == {keys.development_id, keys.production_id}
    assert any(i["credentials"] for i in integrations)


def test_seeded_environment_has_novu_defaults_and_one_primary_per_channel(api):
    integrations = api.integrations()
    # create-novu-integrations.usecase.ts: Development gets the novu-email demo (made primary)
    # and the Inbox; there is no SMS demo any more.
    providers = [i["providerId"] for i in integrations[:2]]
    assert providers == ["novu-email", "novu"]
    assert "novu-sms" not in {i["providerId"] for i in integrations}
    assert {i["channel"] for i in integrations} >= {"email", "sms", "in_app", "chat", "push"}
    for channel in ("email", "sms"):
        active = [i for i in integrations if i["channel"] == channel and i["active"]]
        assert sum(i["primary"] for i in active) <= 1
        priorities = sorted(i["priority"] for i in active)
        assert priorities == list(range(1, len(active) + 1))


# ---- create ---------------------------------------------------------------------------------


def test_create_answers_201_with_the_stored_integration(api, keys):
    created = api.create(
        providerId="sendgrid",
        channel="email",
        active=True,
        credentials={"apiKey": "SG.secret", "from": "a@b.co", "senderName": "Acme"},
    )
    assert created["name"] == "SendGrid"
    assert created["identifier"].startswith("send-grid-")
    assert created["id"] == created["_id"]
    assert created["credentials"] == {}
    assert created["_environmentId"] == keys.development_id
    assert_no_nulls(created)
    assert created["_id"] in [i["_id"] for i in api.integrations()]


def test_create_by_dashboard_returns_credentials_in_clear(dashboard):
    created = dashboard.create(providerId="twilio", channel="sms", credentials={"token": "t0k"})
    assert created["credentials"] == {"token": "t0k"}


def test_create_validation_errors_are_keyed_by_field(api):
    status, body = api.call(
        "POST",
        "/v1/integrations",
        {
            "providerId": 7,
            "channel": "pigeon",
            "active": "yes",
            "credentials": {"port": 587, "apiKey": 12345},
            "conditions": [{"isNegated": False}],
        },
    )
    assert status == 422
    assert body["message"] == "Validation Error"
    errors = body["errors"]
    assert errors["providerId"] == {"messages": ["providerId must be a string"], "value": 7}
    assert errors["channel"]["messages"] == [
        "channel must be one of the following values: in_app, email, sms, chat, push"
    ]
    assert errors["active"]["messages"] == ["active must be a boolean value"]
    assert errors["credentials.port"]["messages"] == ["port must be a string"]
    assert errors["credentials.apiKey"]["value"] == "********"  # secrets are never echoed
    # Every property the condition lacks is named, each under its own key.
    for missing in ("type", "value", "children"):
        assert errors[f"conditions.0.{missing}"] == {
            "messages": [f"{missing} should not be null or undefined"]
        }


def test_create_without_provider_id_is_422(api):
    status, body = api.call("POST", "/v1/integrations", {"channel": "email"})
    assert status == 422
    assert body["errors"]["providerId"]["messages"] == [
        "providerId should not be null or undefined"
    ]


def test_create_with_non_object_id_environment_is_422(api):
    status, body = api.call(
        "POST", "/v1/integrations", {"providerId": "ses", "_environmentId": "not-an-id"}
    )
    assert status == 422
    assert body["errors"]["_environmentId"]["messages"] == ["_environmentId must be a mongodb id"]


def test_create_duplicate_identifier_is_409(api):
    api.create(providerId="ses", channel="email", identifier="billing")
    status, body = api.call(
        "POST",
        "/v1/integrations",
        {"providerId": "ses", "channel": "email", "identifier": "billing"},
    )
    assert status == 409
    assert_error(body, 409, "Integration with identifier already exists", "/v1/integrations")
    assert body["error"] == "Conflict" and body["ctx"] == {"error": "Conflict", "statusCode": 409}


def test_create_second_in_app_provider_is_400(api):
    status, body = api.call("POST", "/v1/integrations", {"providerId": "novu", "channel": "in_app"})
    assert status == 400
    assert body["message"] == "One environment can only have one In app provider"


def test_create_in_another_environment_with_an_api_key_is_403(api, keys):
    status, body = api.call(
        "POST", "/v1/integrations", {"providerId": "ses", "_environmentId": keys.production_id}
    )
    assert status == 403
    assert "cannot target a different `_environmentId`" in body["message"]


# ---- update ---------------------------------------------------------------------------------


def test_update_changes_fields_and_answers_200(api):
    created = api.create(providerId="mailjet", channel="email")
    status, body = api.call(
        "PUT", f"/v1/integrations/{created['_id']}", {"name": "Marketing", "active": True}
    )
    assert status == 200
    assert body["data"]["name"] == "Marketing"
    assert body["data"]["active"] is True
    assert body["data"]["id"] == created["_id"]
    assert body["data"]["updatedAt"] >= created["updatedAt"]


def test_update_unknown_id_is_404(api):
    status, body = api.call("PUT", "/v1/integrations/" + "f" * 24, {"name": "x"})
    assert status == 404
    assert_error(body, 404, f"Entity with id {'f' * 24} not found", "/v1/integrations/" + "f" * 24)


def test_update_non_object_id_is_404_not_500(api):
    status, body = api.call("PUT", "/v1/integrations/not-an-id", {"name": "x"})
    assert status == 404
    assert body["message"] == "Entity with id not-an-id not found"


def test_update_with_empty_body_is_400(api):
    target = api.integrations()[3]["_id"]
    status, body = api.call("PUT", f"/v1/integrations/{target}", {})
    assert status == 400
    assert body["message"] == "No properties found for update"


def test_update_other_environment_with_api_key_is_403(client, keys, api):
    from tests.conftest import Api

    production = Api(client, f"ApiKey {keys.production}")
    theirs = production.integrations()[0]["_id"]
    status, body = api.call("PUT", f"/v1/integrations/{theirs}", {"name": "stolen"})
    assert status == 403
    assert "cannot update an integration that belongs to a different environment" in body["message"]
    assert production.integrations()[0]["name"] != "stolen"


# ---- delete ---------------------------------------------------------------------------------


def test_delete_answers_200_with_the_remaining_list(api):
    target = api.integrations()[5]["_id"]
    status, body = api.call("DELETE", f"/v1/integrations/{target}")
    assert status == 200
    remaining = [i["_id"] for i in body["data"]]
    assert target not in remaining
    assert remaining == [i["_id"] for i in api.integrations()]
    status, body = api.call("DELETE", f"/v1/integrations/{target}")
    assert status == 404
    assert body["message"] == f"Entity with id {target} not found"


# ---- set-primary ----------------------------------------------------------------------------


def test_set_primary_answers_200_and_moves_the_primary(api):
    created = api.create(providerId="postmark", channel="email", active=True)
    status, body = api.call("POST", f"/v1/integrations/{created['_id']}/set-primary")
    assert status == 200
    assert body["data"]["primary"] is True
    emails = [i for i in api.integrations() if i["channel"] == "email" and i["primary"]]
    assert [i["_id"] for i in emails] == [created["_id"]]


def test_set_primary_on_chat_is_400_and_unknown_is_404(api):
    chat = next(i for i in api.integrations() if i["channel"] == "chat")
    status, body = api.call("POST", f"/v1/integrations/{chat['_id']}/set-primary")
    assert (status, body["message"]) == (400, "Channel chat does not support primary")
    status, body = api.call("POST", "/v1/integrations/" + "0" * 24 + "/set-primary")
    assert (status, body["message"]) == (404, f"Integration with id {'0' * 24} not found")


# ---- auto-configure, webhook status, limit, in-app status ----------------------------------


def test_auto_configure_supported_provider(api):
    created = api.create(providerId="sendgrid", channel="email", credentials={"apiKey": "k"})
    status, body = api.call("POST", f"/v1/integrations/{created['_id']}/auto-configure")
    assert status == 200
    assert body["data"]["success"] is True
    configurations = body["data"]["integration"]["configurations"]
    assert configurations == {"inboundWebhookEnabled": True}  # signing key hidden from API keys


def test_auto_configure_unsupported_provider_is_a_failed_success(api):
    # BaseHandler.autoConfigureInboundWebhook's words, for a provider without the method.
    created = api.create(providerId="mailtrap", channel="email")
    status, body = api.call("POST", f"/v1/integrations/{created['_id']}/auto-configure")
    assert status == 200
    assert body["data"] == {
        "success": False,
        "message": "A support of auto-configuration of inbound webhook is not implemented by "
        "provider, manual configuration is required",
    }


def test_auto_configure_unknown_is_404(api):
    status, body = api.call("POST", "/v1/integrations/" + "1" * 24 + "/auto-configure")
    assert (status, body["message"]) == (404, f"Integration not found, id: {'1' * 24}")


def test_webhook_status_route(api):
    created = api.create(providerId="twilio", channel="sms", credentials={"accountSid": "AC1"})
    status, body = api.call("GET", f"/v1/integrations/webhook/provider/{created['_id']}/status")
    assert (status, body) == (200, {"data": True})
    status, body = api.call("GET", "/v1/integrations/webhook/provider/nope/status")
    assert (status, body["message"]) == (404, "Integration for nope was not found")


def test_dashboard_only_routes_refuse_api_keys(api):
    for path in ("/v1/integrations/email/limit", "/v1/integrations/in-app/status"):
        status, body = api.call("GET", path)
        assert (status, body["message"]) == (401, "API endpoint not available")


def test_dashboard_only_routes_answer_sessions(dashboard):
    assert dashboard.call("GET", "/v1/integrations/email/limit") == (
        200,
        {"data": {"limit": 300, "count": 0}},
    )
    assert dashboard.call("GET", "/v1/integrations/push/limit")[1] == {
        "data": {"limit": 0, "count": 0}
    }
    assert dashboard.call("GET", "/v1/integrations/in-app/status") == (
        200,
        {"data": {"active": False}},
    )


# ---- OAuth URLs, mobile link, webhook configure, channel-endpoint link ----------------------


@pytest.mark.parametrize(
    "route,extra",
    [
        ("/v1/integrations/chat/oauth", {}),
        ("/v1/integrations/channel-connections/oauth", {}),
        ("/v1/integrations/channel-endpoints/oauth", {"subscriberId": "sub-1"}),
    ],
)
def test_oauth_url_routes_answer_201_with_a_url(api, route, extra):
    slack = api.create(
        providerId="slack",
        channel="chat",
        identifier="team-slack",
        credentials={"clientId": "123.456"},
    )
    status, body = api.call("POST", route, {"integrationIdentifier": slack["identifier"], **extra})
    assert status == 201
    assert body["data"]["url"].startswith("https://slack.com/oauth/v2/authorize?client_id=123.456")
    again = api.call("POST", route, {"integrationIdentifier": slack["identifier"], **extra})
    assert again[1] == body  # deterministic for the same request


def test_oauth_url_for_unknown_identifier_is_404_and_missing_field_is_422(api):
    status, body = api.call(
        "POST", "/v1/integrations/channel-connections/oauth", {"integrationIdentifier": "nope"}
    )
    assert status == 404
    status, body = api.call(
        "POST", "/v1/integrations/channel-endpoints/oauth", {"integrationIdentifier": "x"}
    )
    assert status == 422 and "subscriberId" in body["errors"]


def test_telegram_routes(api):
    api.create(
        providerId="telegram",
        channel="chat",
        identifier="tg",
        name="Support",
        credentials={"apiToken": "123:bot-token"},
    )
    status, body = api.call("POST", "/v1/integrations/tg/mobile-link", {"subscriberId": "s1"})
    assert status == 200 and set(body["data"]) == {"token", "url", "expiresAt"}
    token = body["data"]["token"]
    assert body["data"]["url"] == f"https://dashboard.novu.co/agents/telegram/connect/{token}"
    status, body = api.call("POST", "/v1/integrations/tg/webhook/configure")
    assert status == 200 and body["data"]["botUsername"] == "support_bot"
    status, body = api.call(
        "POST",
        "/v1/integrations/channel-endpoints/link",
        {"integrationIdentifier": "tg", "subscriberId": "s1"},
    )
    assert status == 200 and body["data"]["url"].startswith("https://t.me/support_bot?start=")


def test_telegram_routes_refuse_other_providers(api):
    api.create(providerId="slack", channel="chat", identifier="sl")
    status, body = api.call("POST", "/v1/integrations/sl/webhook/configure")
    assert (status, body["message"]) == (400, "Integration is not a Telegram provider")
