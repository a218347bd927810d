"""Shared fixtures: an in-process app in strict mode, and the seeded keys to call it with."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockserver.http.app import create_app
from mockserver.server import MockServer
from mockserver.settings import Settings, ValidationMode
from mockserver.state.clock import Clock
from tests.twin import PinnedTime, Twin

pytest_plugins = ["pytester"]


@dataclass(frozen=True)
class Keys:
    development: str
    production: str
    development_id: str
    production_id: str
    organization_id: str
    dashboard_token: str


@pytest.fixture(scope="session")
def shared_app() -> Flask:
    # Loading and compiling the contract is the slow part; tests share one app and reset it.
    return create_app(Settings(validation=ValidationMode.STRICT))


@pytest.fixture(scope="session")
def shared_reference_app() -> Flask:
    """The same server on the plain reference path (Settings.reference): every request the API
    tests send is answered by both, and the answers compared (tests/twin.py)."""
    return create_app(Settings(validation=ValidationMode.STRICT, reference=True))


@pytest.fixture
def app(
    shared_app: Flask, shared_reference_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    servers: list[MockServer] = [
        shared_app.extensions["mockserver"],
        shared_reference_app.extensions["mockserver"],
    ]
    for server in servers:
        server.reseed(server.settings.seed)  # a test may have switched the seed through the API
    time = PinnedTime()
    monkeypatch.setattr(Clock, "now", time.reader())
    twin = Twin(shared_app.wsgi_app, shared_reference_app, time)
    monkeypatch.setattr(shared_app, "wsgi_app", twin)
    yield shared_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def keys(app: Flask) -> Keys:
    server: MockServer = app.extensions["mockserver"]
    organization = server.organizations[0]
    development, production = organization.environments.values()
    return Keys(
        development=development.api_key,
        production=production.api_key,
        development_id=development.id,
        production_id=production.id,
        organization_id=organization.id,
        dashboard_token=organization.dashboard_token,
    )


class Api:
    """Calls the app as one caller; returns (status, parsed JSON body)."""

    def __init__(self, client: FlaskClient, authorization: str) -> None:
        self.client = client
        self.authorization = authorization

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        all_headers = {"Authorization": self.authorization, **(headers or {})}
        response = self.client.open(path, method=method, json=body, headers=all_headers)
        return response.status_code, response.get_json()

    def integrations(self) -> list[dict[str, Any]]:
        status, body = self.call("GET", "/v1/integrations")
        assert status == 200, body
        result: list[dict[str, Any]] = body["data"]
        return result

    def create(self, **fields: Any) -> dict[str, Any]:
        status, body = self.call("POST", "/v1/integrations", fields)
        assert status == 201, body
        created: dict[str, Any] = body["data"]
        return created


@pytest.fixture
def api(client: FlaskClient, keys: Keys) -> Api:
    """The Development environment's API key."""
    return Api(client, f"ApiKey {keys.development}")


@pytest.fixture
def dashboard(client: FlaskClient, keys: Keys) -> Api:
    """A dashboard session of the seeded organization (Development selected)."""
    return Api(client, f"Bearer {keys.dashboard_token}")
