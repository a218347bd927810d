"""The official Python SDK, unchanged, against a live `mockserver serve` over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from novu_py import Novu, models
from novu_py.utils import BackoffStrategy, RetryConfig

from tests.e2e.live import LiveServer, live_server

pytestmark = pytest.mark.live

# The SDK retries 409 and 5xx for up to an hour by default; a test wants the answer at once.
NO_RETRIES = RetryConfig("backoff", BackoffStrategy(1, 1, 1.0, 1), False)


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server("--validation", "strict") as running:
        yield running


@pytest.fixture
def novu(server: LiveServer) -> Iterator[Novu]:
    httpx.post(f"{server.url}/__mock/reset")
    with Novu(
        server_url=server.url, secret_key=server.development_key, retry_config=NO_RETRIES
    ) as client:
        yield client


def test_the_whole_lifecycle_through_the_sdk(novu: Novu):
    seeded = novu.integrations.list().result
    assert len(seeded) == 13
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

    listed = {i.id for i in novu.integrations.list().result}
    assert created.id in listed

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

    remaining = novu.integrations.delete(integration_id=created.id).result
    assert created.id not in {i.id for i in remaining}
    assert len(remaining) == 13


def test_sdk_error_types(novu: Novu, server: LiveServer):
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

    stranger = Novu(server_url=server.url, secret_key="wrong", retry_config=NO_RETRIES)
    with stranger, pytest.raises(models.ErrorDto) as unauthorized:
        stranger.integrations.list()
    assert unauthorized.value.data.message == "API Key not found"


def test_restarts_with_the_same_seed_answer_byte_for_byte():
    """Two processes, different hash seeds: the same seed still gives the same bytes."""
    bodies = []
    for hash_seed in ("1", "2"):
        with live_server(
            "--seed",
            "77",
            "--frozen-time",
            "2026-02-01T00:00:00+00:00",
            env={"PYTHONHASHSEED": hash_seed},
        ) as running:
            auth = {"Authorization": f"ApiKey {running.development_key}"}
            bodies.append(httpx.get(f"{running.url}/v1/integrations", headers=auth).content)
            created = httpx.post(
                f"{running.url}/v1/integrations",
                headers=auth,
                json={"providerId": "ses", "channel": "email"},
            )
            bodies.append(created.content)
    assert bodies[0] == bodies[2]
    assert bodies[1] == bodies[3]
