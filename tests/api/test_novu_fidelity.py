"""Where a source audit found the mock answering differently from Novu: each difference closed,
with the Novu file it follows named beside the assertion."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, Keys

# ---- 2. Telegram routes (telegram-linking use cases in novuhq/novu) ------------------------


def telegram(api: Api, identifier: str = "tg", **credentials: Any) -> dict[str, Any]:
    return api.create(
        providerId="telegram",
        channel="chat",
        identifier=identifier,
        name="Support",
        credentials=credentials,
    )


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("POST", "/v1/integrations/nope/mobile-link", {}),
        ("POST", "/v1/integrations/nope/webhook/configure", None),
        (
            "POST",
            "/v1/integrations/channel-endpoints/link",
            {"integrationIdentifier": "nope", "subscriberId": "s1"},
        ),
    ],
)
def test_telegram_routes_unknown_identifier_is_404(api: Api, method, path, body) -> None:
    status, answer = api.call(method, path, body)
    assert (status, answer["message"]) == (404, "Integration nope not found")


def test_telegram_routes_word_another_provider_per_route(api: Api) -> None:
    api.create(providerId="slack", channel="chat", identifier="sl")
    said = {
        "/v1/integrations/sl/mobile-link": "Mobile setup link is only available for Telegram "
        "integrations.",
        "/v1/integrations/sl/webhook/configure": "Integration is not a Telegram provider",
    }
    for path, message in said.items():
        assert api.call("POST", path, {})[0] == 400
        assert api.call("POST", path, {})[1]["message"] == message
    status, answer = api.call(
        "POST",
        "/v1/integrations/channel-endpoints/link",
        {"integrationIdentifier": "sl", "subscriberId": "s1"},
    )
    assert (status, answer["message"]) == (
        400,
        "Subscriber-link is only available for Telegram integrations.",
    )


def test_telegram_routes_that_need_the_bot_refuse_without_its_token(api: Api) -> None:
    telegram(api)
    status, answer = api.call(
        "POST",
        "/v1/integrations/channel-endpoints/link",
        {"integrationIdentifier": "tg", "subscriberId": "s1"},
    )
    assert status == 422
    assert answer["message"].startswith("Bot Token is missing from integration credentials.")
    status, answer = api.call("POST", "/v1/integrations/tg/webhook/configure")
    assert (status, answer["message"]) == (
        422,
        "Bot Token is missing from integration credentials. Please save the Bot Token first.",
    )
    # The mobile link reads `_id providerId` only: it needs no bot.
    assert api.call("POST", "/v1/integrations/tg/mobile-link", {"subscriberId": "s1"})[0] == 200


def test_a_link_needs_a_non_empty_subscriber_id(api: Api) -> None:
    telegram(api, apiToken="123:bot")
    status, answer = api.call(
        "POST",
        "/v1/integrations/channel-endpoints/link",
        {"integrationIdentifier": "tg", "subscriberId": ""},
    )
    assert status == 422
    assert answer["errors"]["subscriberId"]["messages"] == ["subscriberId should not be empty"]


def test_configuring_the_telegram_webhook_keeps_its_secret_hidden(api: Api, dashboard: Api) -> None:
    made = telegram(api, apiToken="123:bot")
    status, answer = api.call("POST", "/v1/integrations/tg/webhook/configure")
    assert status == 200
    assert answer["data"]["webhookUrl"].startswith("https://api.novu.co/v1/agents/")
    assert answer["data"]["webhookUrl"].endswith("/webhook/tg")
    seen = next(i for i in dashboard.integrations() if i["_id"] == made["_id"])
    assert seen["credentials"]["token"]  # stored, as Novu stores `credentials.token`
    assert next(i for i in api.integrations() if i["_id"] == made["_id"])["credentials"] == {}


# ---- 4. set-primary across environments (PR #11480) --------------------------------------


def test_set_primary_with_another_environments_key_is_403_and_a_session_may(
    api: Api, dashboard: Api, client, keys: Keys
) -> None:
    production = Api(client, f"ApiKey {keys.production}")
    theirs = next(i for i in production.integrations() if i["channel"] == "email")
    status, answer = api.call("POST", f"/v1/integrations/{theirs['_id']}/set-primary")
    assert status == 403
    assert (
        "cannot set as primary an integration that belongs to a different environment"
        in (answer["message"])
    )
    status, answer = dashboard.call("POST", f"/v1/integrations/{theirs['_id']}/set-primary")
    assert (status, answer["data"]["primary"]) == (200, True)


def test_set_primary_of_a_non_object_id_is_the_commands_400(api: Api) -> None:
    status, answer = api.call("POST", "/v1/integrations/not-an-id/set-primary")
    assert status == 400
    assert answer["message"] == ["integrationId must be a mongodb id"]


# ---- 9. messages built from JavaScript values ---------------------------------------------


def test_a_missing_channel_reads_undefined(api: Api) -> None:
    made = api.create(providerId="sendgrid")  # a create without channel is accepted
    status, answer = api.call("POST", f"/v1/integrations/{made['_id']}/set-primary")
    assert (status, answer["message"]) == (400, "Channel undefined does not support primary")


# ---- 5. auto-configure (auto-configure-integration.usecase.ts, provider handlers) ----------


@pytest.mark.parametrize(
    "provider,channel,message",
    [
        (
            "resend",
            "email",
            "Resend does not currently offer automatic inbound webhook configuration. "
            "Please configure your webhook manually.",
        ),
        (
            "postmark",
            "email",
            "A support of auto-configuration of inbound webhook is not implemented by provider, "
            "manual configuration is required",
        ),
        (
            "twilio",
            "sms",
            "A support of auto-configuration of inbound webhook is not implemented by provider, "
            "manual configuration is required",
        ),
    ],
)
def test_auto_configure_declines_as_the_provider_does(
    api: Api, provider: str, channel: str, message: str
) -> None:
    made = api.create(providerId=provider, channel=channel, credentials={"apiKey": "k"})
    status, answer = api.call("POST", f"/v1/integrations/{made['_id']}/auto-configure")
    assert (status, answer["data"]) == (200, {"success": False, "message": message})


@pytest.mark.parametrize("provider", ["sendgrid", "mailgun", "anypost"])
def test_auto_configure_succeeds_for_the_providers_novu_implements_it_for(
    api: Api, provider: str
) -> None:
    made = api.create(providerId=provider, channel="email", credentials={"apiKey": "k"})
    status, answer = api.call("POST", f"/v1/integrations/{made['_id']}/auto-configure")
    assert status == 200 and answer["data"]["success"] is True
    assert answer["data"]["message"] == "Integration auto-configured successfully"
    assert answer["data"]["integration"]["configurations"]["inboundWebhookEnabled"] is True


def test_auto_configure_without_credentials_fails_as_a_caught_provider_error(api: Api) -> None:
    made = api.create(providerId="sendgrid", channel="email")
    status, answer = api.call("POST", f"/v1/integrations/{made['_id']}/auto-configure")
    assert status == 200 and answer["data"]["success"] is False
    assert answer["data"]["message"].startswith("Auto-configuration failed: ")


# ---- 6. OAuth URL routes (generate-*-oauth-url use cases) ----------------------------------


@pytest.mark.parametrize(
    "path", ["/v1/integrations/chat/oauth", "/v1/integrations/channel-connections/oauth"]
)
def test_oauth_for_an_unknown_or_non_oauth_identifier_is_404(
    api: Api, keys: Keys, path: str
) -> None:
    api.create(providerId="telegram", channel="chat", identifier="tg")
    for identifier in ("nope", "tg"):
        status, answer = api.call("POST", path, {"integrationIdentifier": identifier})
        assert (status, answer["message"]) == (
            404,
            f"Integration not found: {identifier} in environment {keys.development_id}",
        )


@pytest.mark.parametrize("provider", ["slack", "novu-slack", "msteams"])
def test_oauth_finds_each_provider_novu_looks_among(api: Api, provider: str) -> None:
    api.create(providerId=provider, channel="chat", identifier="chat-1")
    status, answer = api.call(
        "POST", "/v1/integrations/channel-connections/oauth", {"integrationIdentifier": "chat-1"}
    )
    assert status == 201 and answer["data"]["url"].startswith("https://")


def test_link_user_needs_a_subscriber(api: Api) -> None:
    api.create(providerId="slack", channel="chat", identifier="sl")
    for body in (
        {"integrationIdentifier": "sl"},
        {"integrationIdentifier": "sl", "subscriberId": ""},
    ):
        status, answer = api.call("POST", "/v1/integrations/channel-endpoints/oauth", body)
        assert status == 422
        assert answer["errors"]["subscriberId"]["messages"] == [
            "subscriberId is required for link_user"
        ]


# ---- 8. webhook status (get-webhook-support-status.usecase.ts) -----------------------------


@pytest.mark.parametrize(
    "provider,channel,supported",
    [
        ("termii", "sms", True),
        ("ring-central", "sms", True),
        ("anypost", "email", True),
        ("nexmo", "sms", False),
        ("mailersend", "email", False),
        ("infobip-sms", "sms", False),
    ],
)
def test_webhook_status_is_true_for_the_providers_that_parse_delivery_events(
    api: Api, provider: str, channel: str, supported: bool
) -> None:
    made = api.create(providerId=provider, channel=channel, credentials={"apiKey": "k"})
    status, answer = api.call("GET", f"/v1/integrations/webhook/provider/{made['_id']}/status")
    assert (status, answer["data"]) == (200, supported)


def test_webhook_status_of_one_without_credentials_is_400(api: Api) -> None:
    made = api.create(providerId="sendgrid", channel="email")
    status, answer = api.call("GET", f"/v1/integrations/webhook/provider/{made['_id']}/status")
    assert (status, answer["message"]) == (
        400,
        f"Integration {made['_id']} doesn't have credentials set up",
    )


# ---- 1. a new environment's integrations (create-novu-integrations.usecase.ts) -------------


def novu_defaults(integrations: list[dict[str, Any]]) -> list[tuple[str, bool, bool, Any]]:
    return [
        (i["providerId"], i["active"], i["primary"], i.get("credentials"))
        for i in integrations
        if i["providerId"].startswith("novu")
    ]


def test_development_gets_the_email_demo_and_the_inbox(dashboard: Api, keys) -> None:
    mine = [i for i in dashboard.integrations() if i["_environmentId"] == keys.development_id]
    # The demo is made primary when it is created; the seeded team may have moved the primary
    # to a provider of its own since (environments made later show it still primary, below).
    assert [(p, active, credentials) for p, active, _, credentials in novu_defaults(mine)] == [
        ("novu-email", True, {}),
        ("novu", True, {}),
    ]
    assert sum(i["primary"] for i in mine if i["channel"] == "email") == 1
    assert len(mine) == 12  # the ten Faker-made ones come on top


def test_production_gets_the_inbox_alone_with_hmac(dashboard: Api, keys) -> None:
    theirs = [i for i in dashboard.integrations() if i["_environmentId"] == keys.production_id]
    assert novu_defaults(theirs) == [("novu", True, False, {"hmac": True})]


def test_environments_made_later_follow_the_same_rule(client) -> None:
    made = client.post("/__mock/environments", json={"label": "later"}).get_json()
    listed = client.get(
        "/v1/integrations", headers={"Authorization": f"Bearer {made['dashboardToken']}"}
    ).get_json()["data"]
    assert novu_defaults(listed) == [("novu-email", True, True, {}), ("novu", True, False, {})]


# ---- 3. an idempotency key: no body and {} hash alike ----------------------------------------


def test_no_body_and_an_empty_object_are_the_same_request(api: Api) -> None:
    target = next(i for i in api.integrations() if i["channel"] == "email")["_id"]
    path = f"/v1/integrations/{target}/set-primary"
    first = api.client.post(
        path, headers={"Authorization": api.authorization, "Idempotency-Key": "same-body"}
    )
    again = api.client.post(
        path,
        json={},
        headers={"Authorization": api.authorization, "Idempotency-Key": "same-body"},
    )
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.headers["Idempotency-Replay"] == "true"


# ---- 10. rules on update (update-integration.usecase.ts, newest) ---------------------------

RULES = {"and": [{"==": [{"var": "subscriber.email"}, "a@b.co"]}]}


def test_rules_are_stored_returned_and_replace_conditions(api: Api) -> None:
    condition = {"isNegated": False, "type": "BOOLEAN", "value": "AND", "children": []}
    made = api.create(providerId="slack", channel="chat", conditions=[condition])
    assert "rules" not in made  # never set: not in the answer
    status, answer = api.call("PUT", f"/v1/integrations/{made['_id']}", {"rules": RULES})
    assert status == 200
    assert (answer["data"]["rules"], answer["data"]["conditions"]) == (RULES, [])
    listed = next(i for i in api.integrations() if i["_id"] == made["_id"])
    assert listed["rules"] == RULES
    status, answer = api.call("PUT", f"/v1/integrations/{made['_id']}", {"rules": {}})
    assert (status, answer["data"]["rules"]) == (200, None)  # cleared, stored as null


def test_rules_that_take_an_email_primary_away(api: Api) -> None:
    primary = next(i for i in api.integrations() if i["channel"] == "email" and i["primary"])
    status, answer = api.call("PUT", f"/v1/integrations/{primary['_id']}", {"rules": RULES})
    assert (status, answer["data"]["primary"]) == (200, False)


@pytest.mark.parametrize(
    "rules,message",
    [
        ({"log": ["x"]}, 'Unsupported operator "log"'),
        ({"and": [{"==": [1, 1], "or": []}]}, "Invalid rule node with 2 keys"),
    ],
)
def test_rules_with_operators_novu_does_not_run_are_400(api: Api, rules, message) -> None:
    made = api.create(providerId="slack", channel="chat")
    status, answer = api.call("PUT", f"/v1/integrations/{made['_id']}", {"rules": rules})
    assert status == 400 and answer["message"].startswith(message)
    assert "rules" not in next(i for i in api.integrations() if i["_id"] == made["_id"])


def test_rules_survive_a_state_round_trip(api: Api, client) -> None:
    made = api.create(providerId="slack", channel="chat")
    api.call("PUT", f"/v1/integrations/{made['_id']}", {"rules": RULES})
    exported = client.get("/__mock/state").data
    assert (
        client.put("/__mock/state", data=exported, content_type="application/json").status_code
        == 200
    )
    assert client.get("/__mock/state").data == exported
