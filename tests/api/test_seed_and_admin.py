"""The seeded start is deterministic, keeps every invariant, and comes back on reset."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from mockserver.http.app import create_app
from mockserver.resources.integrations.state import live
from mockserver.settings import Settings
from tests.integrations_resource import integrations

FROZEN = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def snapshot(app: Flask) -> list[bytes]:
    """Every environment's list, and the admin listing, as raw bytes."""
    client = app.test_client()
    environments = client.get("/__mock/environments")
    out = [environments.data]
    for organization in environments.get_json()["organizations"]:
        for environment in organization["environments"]:
            auth = {"Authorization": f"ApiKey {environment['apiKey']}"}
            out.append(client.get("/v1/integrations", headers=auth).data)
    return out


def test_same_seed_gives_byte_identical_answers():
    first = create_app(Settings(seed=99, frozen_time=FROZEN))
    second = create_app(Settings(seed=99, frozen_time=FROZEN))
    assert snapshot(first) == snapshot(second)


def test_created_ids_are_deterministic_too():
    def created_id(app: Flask) -> str:
        key = app.extensions["mockserver"].organizations[0]
        api_key = next(iter(key.environments.values())).api_key
        response = app.test_client().post(
            "/v1/integrations",
            json={"providerId": "ses", "channel": "email"},
            headers={"Authorization": f"ApiKey {api_key}"},
        )
        return str(response.get_json()["data"]["_id"])

    settings = Settings(seed=5, frozen_time=FROZEN)
    assert created_id(create_app(settings)) == created_id(create_app(settings))


def test_different_seeds_give_different_data():
    one = snapshot(create_app(Settings(seed=1, frozen_time=FROZEN)))
    two = snapshot(create_app(Settings(seed=2, frozen_time=FROZEN)))
    assert one[0] != two[0]
    assert one[1] != two[1]


def test_seeds_keep_every_invariant(app):
    server = app.extensions["mockserver"]
    for seed in range(40):
        server.reseed(seed)
        store = server.store
        for organization in store.organizations.values():
            for environment in organization.environments.values():
                alive = list(live(environment))
                in_app = [i for i in alive if i.provider_id == "novu" and i.channel == "in_app"]
                assert len(in_app) == 1
                for channel in ("email", "sms"):
                    active = [i for i in alive if i.channel == channel and i.active]
                    assert sum(i.primary for i in active) <= 1, (seed, channel)
                    assert sorted(i.priority for i in active) == list(range(1, len(active) + 1))
                assert len({i.identifier for i in alive}) == len(alive)
                for integration in alive:
                    keys = set(integration.credentials)
                    assert keys <= set(integrations(server).credential_types), (
                        integration.provider_id
                    )


def test_environments_listing_gives_keys_that_work(client):
    body = client.get("/__mock/environments").get_json()
    (organization,) = body["organizations"]
    assert [e["name"] for e in organization["environments"]] == ["Development", "Production"]
    for environment in organization["environments"]:
        response = client.get(
            "/v1/integrations", headers={"Authorization": f"ApiKey {environment['apiKey']}"}
        )
        assert len(response.get_json()["data"]) == environment["integrations"]


def test_reset_restores_the_seeded_start(api, client):
    before = api.integrations()
    api.create(providerId="ses", channel="email")
    api.call("DELETE", f"/v1/integrations/{before[4]['_id']}")
    assert api.integrations() != before
    assert client.post("/__mock/reset").status_code == 200
    after = api.integrations()
    assert [i["_id"] for i in after] == [i["_id"] for i in before]
