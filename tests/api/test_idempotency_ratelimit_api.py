"""Idempotency and rate limiting as clients see them over the API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask

from mockserver.http.app import create_app
from mockserver.settings import Settings, ValidationMode
from tests.conftest import Api

BODY = {"providerId": "ses", "channel": "email", "name": "Once"}


def test_replayed_create_answers_the_same_and_creates_once(api):
    before = len(api.integrations())
    first = api.client.post(
        "/v1/integrations",
        json=BODY,
        headers={"Authorization": api.authorization, "idempotency-key": "create-1"},
    )
    again = api.client.post(
        "/v1/integrations",
        json=BODY,
        headers={"Authorization": api.authorization, "idempotency-key": "create-1"},
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.headers["Idempotency-Key"] == "create-1"
    assert "Idempotency-Replay" not in first.headers
    assert again.headers["Idempotency-Replay"] == "true"
    assert again.get_json() == first.get_json()
    assert len(api.integrations()) == before + 1


def test_replayed_error_answers_the_same_error(api):
    api.create(providerId="ses", channel="email", identifier="taken")
    body = {"providerId": "ses", "channel": "email", "identifier": "taken"}
    headers = {"idempotency-key": "dup-1"}
    first = api.call("POST", "/v1/integrations", body, headers)
    second = api.call("POST", "/v1/integrations", body, headers)
    assert first[0] == second[0] == 409
    assert first[1] == second[1]


def test_same_key_with_another_body_is_422(api):
    api.call("POST", "/v1/integrations", BODY, {"idempotency-key": "k"})
    status, body = api.call(
        "POST", "/v1/integrations", {**BODY, "name": "Twice"}, {"idempotency-key": "k"}
    )
    assert status == 422
    assert body["message"] == 'Request with key "k" is being reused for a different body'


def test_long_key_is_400(api):
    status, body = api.call("POST", "/v1/integrations", BODY, {"idempotency-key": "x" * 300})
    assert status == 400
    assert "exceeded the maximum allowed length of 255 characters" in body["message"]


def test_keys_on_put_are_accepted_and_ignored(api):
    target = api.create(providerId="ses", channel="email")["_id"]
    for name in ("First", "Second"):
        response = api.client.put(
            f"/v1/integrations/{target}",
            json={"name": name},
            headers={"Authorization": api.authorization, "idempotency-key": "same"},
        )
        assert response.status_code == 200
        assert response.get_json()["data"]["name"] == name
        assert "Idempotency-Key" not in response.headers


@pytest.fixture
def limited() -> Flask:
    # A frozen clock: the bucket does not refill while the test drains it.
    frozen = datetime(2026, 5, 1, tzinfo=UTC)
    settings = Settings(rate_limit="free", validation=ValidationMode.STRICT, frozen_time=frozen)
    return create_app(settings)


def _keys(app: Flask) -> tuple[str, str, str]:
    organization = app.extensions["mockserver"].organizations[0]
    development, production = organization.environments.values()
    return development.api_key, production.api_key, organization.dashboard_token


def test_rate_limit_headers_and_429(limited):
    development, production, token = _keys(limited)
    api = Api(limited.test_client(), f"ApiKey {development}")
    response = api.client.get("/v1/integrations", headers={"Authorization": api.authorization})
    assert response.headers["RateLimit-Limit"] == "150"
    assert response.headers["RateLimit-Remaining"] == "164"
    assert response.headers["RateLimit-Policy"].startswith("150;w=5;burst=165;")
    statuses = [api.call("GET", "/v1/integrations")[0] for _ in range(170)]
    assert statuses.count(200) == 164
    assert statuses.count(429) == 6
    refused = api.client.get("/v1/integrations", headers={"Authorization": api.authorization})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    body = refused.get_json()
    assert (body["message"], body["ctx"], body["statusCode"]) == (
        "API rate limit exceeded",
        {},
        429,
    )
    # Other environments and dashboard sessions are not affected.
    assert (
        Api(limited.test_client(), f"ApiKey {production}").call("GET", "/v1/integrations")[0] == 200
    )
    assert Api(limited.test_client(), f"Bearer {token}").call("GET", "/v1/integrations")[0] == 200


def test_rate_limit_is_off_by_default(api):
    response = api.client.get("/v1/integrations", headers={"Authorization": api.authorization})
    assert "RateLimit-Limit" not in response.headers


def test_an_empty_key_is_no_key(api):
    """Novu skips a falsy key; otherwise every POST sending an empty header would share one."""
    first = api.call("POST", "/v1/integrations", BODY, {"idempotency-key": ""})
    second = api.call(
        "POST", "/v1/integrations", {**BODY, "name": "Other"}, {"idempotency-key": ""}
    )
    assert (first[0], second[0]) == (201, 201)
    assert first[1]["data"]["_id"] != second[1]["data"]["_id"]
