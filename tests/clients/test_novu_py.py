"""The official Python SDK (novu-py), unchanged, against a live `mockserver serve`.

Every integrations method of the SDK runs through the whole lifecycle, with the bundled spec and
with Novu's own published document as the contract (strict validation both times), including the
errors the SDK raises for 404, 409, 422 and 401, and its recovery from a 429.
"""

from __future__ import annotations

import httpx
import pytest
from novu_py import Novu, models
from novu_py.utils import BackoffStrategy, RetryConfig

from tests.clients.conftest import NO_RETRIES
from tests.live import LiveServer, live_server

pytestmark = pytest.mark.live


def test_list_create_update_primary_delete(novu: Novu):
    seeded = novu.integrations.list().result
    assert len(seeded) == 12
    active = novu.integrations.list_active().result
    assert {i.id for i in active} == {i.id for i in seeded if i.active}

    created = novu.integrations.create(
        create_integration_request_dto={
            "provider_id": "sendgrid",
            "channel": models.CreateIntegrationRequestDtoChannel.EMAIL,
            "name": "Transactional",
            "active": True,
            "credentials": {
                "api_key": "SG.live-secret",
                "from_": "ops@acme.test",
                "sender_name": "Acme",
            },
        }
    ).result
    assert (created.name, created.provider_id, created.active) == (
        "Transactional",
        "sendgrid",
        True,
    )
    assert created.identifier.startswith("transactional-")
    assert created.credentials is not None and created.credentials.api_key is None
    assert created.id in {i.id for i in novu.integrations.list().result}

    updated = novu.integrations.update(
        integration_id=created.id,
        update_integration_request_dto={
            "name": "Transactional EU",
            "active": True,
        },
    ).result
    assert updated.name == "Transactional EU"

    primary = novu.integrations.set_as_primary(integration_id=created.id).result
    assert primary.primary is True
    emails = [i for i in novu.integrations.list().result if i.channel == "email" and i.primary]
    assert [i.id for i in emails] == [created.id]

    configured = novu.integrations.integrations_controller_auto_configure_integration(
        integration_id=created.id
    ).result
    assert configured.success is True

    remaining = novu.integrations.delete(integration_id=created.id).result
    assert created.id not in {i.id for i in remaining}
    assert len(remaining) == 12


def test_chat_link_and_oauth_methods(novu: Novu):
    novu.integrations.create(
        create_integration_request_dto={
            "provider_id": "slack",
            "channel": "chat",
            "identifier": "team-slack",
            "credentials": {"client_id": "1234.5678"},
        }
    )
    novu.integrations.create(
        create_integration_request_dto={
            "provider_id": "telegram",
            "channel": "chat",
            "identifier": "support-bot",
            "name": "Support",
            "credentials": {"api_token": "123456:bot-token"},  # the link and webhook need it
        }
    )
    connect = novu.integrations.generate_connect_o_auth_url(
        generate_connect_oauth_url_request_dto={"integration_identifier": "team-slack"}
    ).result
    assert connect.url.startswith("https://slack.com/oauth/v2/authorize?client_id=1234.5678")
    link_user = novu.integrations.generate_link_user_o_auth_url(
        generate_link_user_oauth_url_request_dto={
            "integration_identifier": "team-slack",
            "subscriber_id": "subscriber-1",
        }
    ).result
    assert "user_scope=" in link_user.url
    with pytest.warns(DeprecationWarning):  # the SDK's own warning: the route is deprecated
        legacy = novu.integrations.generate_chat_o_auth_url(
            generate_chat_oauth_url_request_dto={"integration_identifier": "team-slack"}
        ).result
    assert legacy.url.startswith("https://slack.com/")

    mobile = novu.integrations.create_mobile_link(
        integration_identifier="support-bot",
        issue_integration_mobile_link_request_dto={"subscriber_id": "subscriber-1"},
    ).result
    assert mobile.token and mobile.url and mobile.expires_at
    webhook = novu.integrations.integrations_controller_configure_integration_webhook(
        integration_identifier="support-bot"
    ).result
    assert webhook.bot_username == "support_bot"
    endpoint = novu.integrations.link_channel_endpoint(
        link_channel_endpoint_request_dto={
            "integration_identifier": "support-bot",
            "subscriber_id": "subscriber-1",
        }
    ).result
    assert endpoint.url.startswith("https://t.me/support_bot?start=")


def test_routes_without_an_sdk_method_answer_raw_calls_with_the_same_auth(server: LiveServer):
    httpx.post(f"{server.url}/__mock/reset")
    api_key = {"Authorization": f"ApiKey {server.development_key}"}
    status = httpx.get(
        f"{server.url}/v1/integrations/webhook/provider/novu-sms/status", headers=api_key
    )
    assert status.status_code == 404
    # Novu's own message: the route is served (also where Novu's document hides it).
    assert status.json()["message"] == "Integration for novu-sms was not found"
    demo = httpx.get(
        f"{server.url}/v1/integrations/webhook/provider/novu-email/status", headers=api_key
    )
    assert demo.status_code == 400  # found, but the demo has no credentials of its own
    assert demo.json()["message"].endswith("doesn't have credentials set up")
    session = {"Authorization": f"Bearer {server.dashboard_token}"}
    in_app = httpx.get(f"{server.url}/v1/integrations/in-app/status", headers=session)
    assert in_app.json() == {"data": {"active": False}}


def test_error_types_the_sdk_raises(novu: Novu, server: LiveServer):
    with pytest.raises(models.ErrorDto) as missing:
        novu.integrations.delete(integration_id="f" * 24)
    assert missing.value.data.status_code == 404
    assert missing.value.data.message == f"Entity with id {'f' * 24} not found"

    with pytest.raises(models.ValidationErrorDto) as invalid:
        novu.integrations.create(create_integration_request_dto={"channel": "email"})
    assert "providerId" in invalid.value.data.errors

    novu.integrations.create(
        create_integration_request_dto={
            "provider_id": "ses",
            "channel": "email",
            "identifier": "dup",
        }
    )
    with pytest.raises(models.ErrorDto) as conflict:
        novu.integrations.create(
            create_integration_request_dto={
                "provider_id": "ses",
                "channel": "email",
                "identifier": "dup",
            }
        )
    assert conflict.value.data.status_code == 409
    assert conflict.value.data.message == "Integration with identifier already exists"

    with pytest.raises(models.ErrorDto) as not_primary:
        chat = next(i for i in novu.integrations.list().result if i.channel == "chat")
        novu.integrations.set_as_primary(integration_id=chat.id)
    assert not_primary.value.data.status_code == 400

    stranger = Novu(server_url=server.url, secret_key="wrong", retry_config=NO_RETRIES)
    with stranger, pytest.raises(models.ErrorDto) as unauthorized:
        stranger.integrations.list()
    assert unauthorized.value.data.status_code == 401
    assert unauthorized.value.data.message == "API Key not found"


def test_the_sdk_recovers_from_a_429_by_honouring_retry_after():
    """A burst past the free tier's bucket: the SDK meets 429s, waits Retry-After, and every
    call still succeeds."""
    with live_server("--rate-limit", "free", "--validation", "strict") as running:
        seen: list[int] = []
        observed = httpx.Client(event_hooks={"response": [lambda r: seen.append(r.status_code)]})
        retrying = RetryConfig("backoff", BackoffStrategy(500, 2000, 1.5, 30_000), False)
        with Novu(
            server_url=running.url,
            secret_key=running.development_key,
            retry_config=retrying,
            client=observed,
        ) as novu:
            calls = 0
            # Keep calling until the bucket runs dry (how soon depends on the machine's speed).
            while 429 not in seen and calls < 5000:
                assert len(novu.integrations.list().result) == 12
                calls += 1
            assert len(novu.integrations.list().result) == 12  # the call after a 429, too
        assert 429 in seen
        assert seen.count(200) == calls + 1  # every call ended in a 200 after its retries


def test_subscribers_create_retrieve_patch_search_bulk_delete(novu: Novu):
    made = novu.subscribers.create(
        create_subscriber_request_dto={
            "subscriber_id": "sdk-alice",
            "first_name": "Alice",
            "email": "alice@acme.test",
            "timezone": "Europe/Berlin",
        }
    ).result
    assert (made.subscriber_id, made.first_name, made.timezone) == (
        "sdk-alice",
        "Alice",
        "Europe/Berlin",
    )
    fetched = novu.subscribers.retrieve(subscriber_id="sdk-alice").result
    assert fetched.id == made.id
    patched = novu.subscribers.patch(
        subscriber_id="sdk-alice", patch_subscriber_request_dto={"last_name": "Liddell"}
    ).result
    assert (patched.first_name, patched.last_name) == ("Alice", "Liddell")
    page = novu.subscribers.search(request={"limit": 3}).result
    assert len(page.data) == 3 and page.next is not None and page.total_count == 6
    rest = novu.subscribers.search(request={"limit": 3, "after": page.next}).result
    assert not {s.id for s in rest.data} & {s.id for s in page.data}
    bulk = novu.subscribers.create_bulk(
        bulk_subscriber_create_dto={
            "subscribers": [{"subscriber_id": "sdk-bob"}, {"subscriber_id": "sdk-alice"}]
        }
    ).result
    assert [c.subscriber_id for c in bulk.created] == ["sdk-bob"]
    assert [u.subscriber_id for u in bulk.updated] == ["sdk-alice"]
    removed = novu.subscribers.delete(subscriber_id="sdk-alice").result
    assert (removed.acknowledged, removed.status) == (True, "deleted")
    with pytest.raises(models.ErrorDto) as missing:
        novu.subscribers.retrieve(subscriber_id="sdk-alice")
    assert missing.value.data.message == "Subscriber: sdk-alice was not found"
    with pytest.raises(models.ValidationErrorDto):
        novu.subscribers.create(
            create_subscriber_request_dto={"subscriber_id": "x", "email": "not-an-address"}
        )
