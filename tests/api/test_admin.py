"""The admin API under /__mock: state, environments, journal, faults, and its switches."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockserver.http.app import create_app
from mockserver.settings import Settings
from tests.conftest import Api

SECRET = "sk_live_do_not_leak_0123456789"


def fresh(**settings: Any) -> Flask:
    return create_app(Settings(**settings))


def first_key(client: FlaskClient) -> str:
    body = client.get("/__mock/environments").get_json()
    return str(body["organizations"][0]["environments"][0]["apiKey"])


# ---- state --------------------------------------------------------------------------------


def test_state_export_import_round_trips_exactly(client, api):
    api.create(providerId="sendgrid", channel="email", credentials={"apiKey": SECRET})
    victim = api.integrations()[4]["_id"]
    api.call("DELETE", f"/v1/integrations/{victim}")
    exported = client.get("/__mock/state").data
    assert (
        client.put("/__mock/state", data=exported, content_type="application/json").status_code
        == 200
    )
    assert client.get("/__mock/state").data == exported


def test_imported_state_continues_the_same_id_sequence():
    source, target = fresh().test_client(), fresh(seed=1).test_client()
    state = source.get("/__mock/state").data
    target.put("/__mock/state", data=state, content_type="application/json")
    key = first_key(source)
    made = [
        c.post(
            "/v1/integrations",
            json={"providerId": "ses"},
            headers={"Authorization": f"ApiKey {key}"},
        ).get_json()["data"]["_id"][8:]
        for c in (source, target)
    ]
    assert made[0] == made[1]  # same random part and counter (the time part moves on)


def test_invalid_state_is_refused_and_changes_nothing(client, api):
    before = api.integrations()
    response = client.put("/__mock/state", json={"version": 1, "organizations": [{"_id": 1}]})
    assert response.status_code == 400
    assert "organizations/0" in response.get_json()["message"]
    assert api.integrations() == before
    response = client.put("/__mock/state", json={"version": 99, "organizations": []})
    assert response.status_code == 400 and "version" in response.get_json()["message"]


# ---- environments and resets --------------------------------------------------------------


def test_new_environment_is_isolated_and_seeded_from_its_label(client, dashboard):
    created = client.post("/__mock/environments", json={"label": "ci-job-7"})
    assert created.status_code == 201
    environment = created.get_json()
    theirs = Api(client, f"ApiKey {environment['apiKey']}")
    listed = theirs.integrations()
    assert {i["_environmentId"] for i in listed} == {environment["_id"]}
    assert environment["_id"] not in {i["_environmentId"] for i in dashboard.integrations()}
    # The same label on another server gives the same environment, key and data.
    other = fresh().test_client()
    again = other.post("/__mock/environments", json={"label": "ci-job-7"}).get_json()
    assert (again["_id"], again["apiKey"]) == (environment["_id"], environment["apiKey"])
    assert Api(other, f"ApiKey {again['apiKey']}").integrations() == listed
    assert client.post("/__mock/environments", json={"label": "ci-job-7"}).status_code == 409


def test_reset_one_environment_leaves_the_others(client, keys):
    development = Api(client, f"ApiKey {keys.development}")
    production = Api(client, f"ApiKey {keys.production}")
    seeded_development = development.integrations()
    development.create(providerId="ses", channel="email")
    production.create(providerId="ses", channel="email", identifier="keep-me")
    response = client.post("/__mock/reset", json={"environmentId": keys.development_id})
    assert response.status_code == 200
    assert development.integrations() == seeded_development
    assert "keep-me" in {i["identifier"] for i in production.integrations()}
    assert client.post("/__mock/reset", json={"environmentId": "nope"}).status_code == 404


def test_seed_endpoint_switches_the_data(client):
    before = client.get("/__mock/environments").get_json()
    assert client.post("/__mock/seed", json={"seed": 12345}).get_json() == {"seed": 12345}
    after = client.get("/__mock/environments").get_json()
    assert before != after
    assert client.post("/__mock/seed", json={"seed": "x"}).status_code == 400


# ---- journal -------------------------------------------------------------------------------


def test_journal_records_exchanges_newest_first_with_filters(client, api, keys):
    client.delete("/__mock/requests")
    api.call("GET", "/v1/integrations")
    api.call("POST", "/v1/integrations", {"providerId": "ses", "channel": "email"})
    api.call("POST", "/v1/integrations", {"providerId": 1})
    requests = client.get("/__mock/requests").get_json()["requests"]
    assert [r["response"]["status"] for r in requests] == [422, 201, 200]
    assert requests[2]["operationId"] == "IntegrationsController_listIntegrations"
    assert requests[2]["environmentId"] == keys.development_id
    assert requests[2]["durationMs"] > 0
    assert requests[0]["violations"] == [
        {"side": "request", "message": "providerId: providerId must be a string"}
    ]

    def count(query: str) -> int:
        return int(client.get(f"/__mock/requests/count?{query}").get_json()["count"])

    assert count("method=POST") == 2
    assert count("status=201") == 1
    assert count("operationId=IntegrationsController_listIntegrations") == 1
    assert count(f"environment={keys.development_id}") == 3
    assert count("violations=true") == 1
    assert count(f"since={requests[1]['time']}") >= 2
    assert count("path=/v1/integrations") == 3
    assert client.delete("/__mock/requests").status_code == 200
    assert count("") == 0


def test_journal_masks_secrets(client, api, dashboard):
    client.delete("/__mock/requests")
    dashboard.create(
        providerId="sendgrid", channel="email", credentials={"apiKey": SECRET, "from": "a@b.co"}
    )
    text = json.dumps(client.get("/__mock/requests").get_json())
    assert SECRET not in text
    assert api.authorization.split()[1] not in text
    entry = client.get("/__mock/requests").get_json()["requests"][0]
    assert entry["request"]["body"]["credentials"] == {"apiKey": "********", "from": "a@b.co"}
    assert entry["response"]["body"]["data"]["credentials"]["apiKey"] == "********"


def test_journal_is_bounded():
    client = fresh(journal_size=5).test_client()
    key = first_key(client)
    for _ in range(12):
        client.get("/v1/integrations", headers={"Authorization": f"ApiKey {key}"})
    body = client.get("/__mock/requests").get_json()
    assert (len(body["requests"]), body["capacity"]) == (5, 5)


def test_unmatched_requests_name_the_nearest_operations(client, api):
    client.delete("/__mock/requests")
    api.call("POST", "/v1/integrations/abc/make-primary")
    (entry,) = client.get("/__mock/requests/unmatched").get_json()["requests"]
    assert entry["matched"] is False
    assert entry["nearest"][0] == (
        "IntegrationsController_setIntegrationAsPrimary "
        "(POST /v1/integrations/{integrationId}/set-primary)"
    )


# ---- faults and Prefer --------------------------------------------------------------------


def test_fault_answers_for_the_next_n_calls_then_stops(client, api):
    fault = client.post(
        "/__mock/faults",
        json={
            "operationId": "IntegrationsController_listIntegrations",
            "status": 503,
            "times": 2,
            "message": "Novu is down for maintenance",
        },
    )
    assert fault.status_code == 201
    answers = [api.call("GET", "/v1/integrations") for _ in range(3)]
    assert [status for status, _ in answers] == [503, 503, 200]
    assert answers[0][1]["message"] == "Novu is down for maintenance"
    assert client.get("/__mock/faults").get_json()["faults"] == []


def test_fault_for_every_operation_with_a_probability_is_reproducible(client, api):
    def pattern() -> list[int]:
        client.post("/__mock/reset")
        client.post("/__mock/faults", json={"status": 500, "probability": 0.5})
        return [api.call("GET", "/v1/integrations/active")[0] for _ in range(20)]

    first = pattern()
    assert set(first) == {200, 500}
    assert pattern() == first


def test_fault_latency_fixed_and_range(client, api):
    client.post("/__mock/faults", json={"latencyMs": 150, "times": 1})
    started = time.perf_counter()
    status, _ = api.call("GET", "/v1/integrations")
    assert status == 200 and time.perf_counter() - started >= 0.15
    assert client.post("/__mock/faults", json={"latencyMs": [10, 20]}).status_code == 201
    assert client.get("/__mock/faults").get_json()["faults"][0]["latencyMs"] == [10, 20]


@pytest.mark.parametrize(
    "fault,problem",
    [
        ({"operationId": "nope", "status": 500}, "unknown operationId"),
        ({"status": 418}, "status 418 is not declared"),
        ({"status": 200}, "status must be an error status"),
        ({"status": 404, "body": {"oops": True}}, "breaks the contract"),
        ({"times": 0, "status": 500}, "times must be a positive"),
        ({"probability": 2, "status": 500}, "probability"),
        ({}, "needs a status, a latencyMs or drop"),
        ({"status": 500, "colour": "red"}, "unknown fault fields: colour"),
    ],
)
def test_bad_fault_definitions_are_refused(client, fault, problem):
    response = client.post("/__mock/faults", json=fault)
    assert response.status_code == 400
    assert problem in response.get_json()["message"]


def test_prefer_header_forces_a_declared_error(api):
    status, body = api.call("GET", "/v1/integrations", headers={"Prefer": "code=404"})
    assert (status, body["message"]) == (404, "Forced by Prefer: code=404")
    status, body = api.call(
        "POST", "/v1/integrations", {"providerId": "ses"}, headers={"Prefer": "code=422"}
    )
    assert status == 422 and "general" in body["errors"]
    status, body = api.call("GET", "/v1/integrations", headers={"Prefer": "code=418"})
    assert status == 400 and "not a status declared" in body["message"]


def test_prefer_still_needs_auth(client):
    response = client.get("/v1/integrations", headers={"Prefer": "code=500"})
    assert response.status_code == 401


# ---- switches -----------------------------------------------------------------------------


def test_no_admin_removes_the_admin_api():
    client = fresh(admin=False).test_client()
    assert client.get("/__mock/environments").status_code == 404
    assert client.post("/__mock/reset").status_code == 404
    assert client.get("/__mock/").status_code == 404


def test_admin_token_protects_the_admin_api():
    client = fresh(admin_token="s3cret").test_client()
    assert client.get("/__mock/environments").status_code == 401
    assert (
        client.get("/__mock/environments", headers={"Authorization": "Bearer wrong"}).status_code
        == 401
    )
    assert (
        client.get("/__mock/environments", headers={"Authorization": "Bearer s3cret"}).status_code
        == 200
    )
    assert client.get("/__mock/?token=s3cret").status_code == 200


def test_any_key_gives_each_unseen_key_its_own_environment():
    client = fresh(any_key=True).test_client()
    alpha = Api(client, "ApiKey ci-job-alpha")
    beta = Api(client, "ApiKey ci-job-beta")
    alpha_list, beta_list = alpha.integrations(), beta.integrations()
    assert {i["_environmentId"] for i in alpha_list}.isdisjoint(
        {i["_environmentId"] for i in beta_list}
    )
    alpha.create(providerId="ses", channel="email", identifier="alpha-only")
    assert "alpha-only" not in {i["identifier"] for i in beta.integrations()}
    assert alpha.integrations()[:-1] == alpha_list
    # Seeded from (seed, key): another server gives the key the same data.
    assert Api(fresh(any_key=True).test_client(), "ApiKey ci-job-alpha").integrations() == (
        alpha_list
    )


def test_without_any_key_unknown_keys_are_401(client):
    response = client.get("/v1/integrations", headers={"Authorization": "ApiKey ci-job-alpha"})
    assert (response.status_code, response.get_json()["message"]) == (401, "API Key not found")


def test_environments_are_capped():
    client = fresh(any_key=True, max_environments=4).test_client()
    assert Api(client, "ApiKey job-1").call("GET", "/v1/integrations")[0] == 200
    assert Api(client, "ApiKey job-2").call("GET", "/v1/integrations")[0] == 200
    status, body = Api(client, "ApiKey job-3").call("GET", "/v1/integrations")
    assert status == 503 and "its maximum" in body["message"]
    assert Api(client, "ApiKey job-1").call("GET", "/v1/integrations")[0] == 200
    assert client.post("/__mock/environments", json={}).status_code == 503
    client.post("/__mock/reset")
    assert Api(client, "ApiKey job-3").call("GET", "/v1/integrations")[0] == 200


def test_an_imported_environment_resets_to_its_own_seeded_start():
    source = fresh().test_client()
    target = fresh(seed=99).test_client()
    target.put("/__mock/state", json=source.get("/__mock/state").get_json())
    environment = source.get("/__mock/environments").get_json()["organizations"][0]["environments"][
        0
    ]
    development = Api(target, f"ApiKey {environment['apiKey']}")
    seeded = development.integrations()
    development.create(providerId="ses", channel="email")
    target.post("/__mock/reset", json={"environmentId": environment["_id"]})
    assert development.integrations() == seeded


def test_one_fault_can_be_removed_and_the_others_keep_firing(client, api):
    first = client.post(
        "/__mock/faults",
        json={"operationId": "IntegrationsController_listIntegrations", "status": 503},
    ).get_json()
    client.post(
        "/__mock/faults",
        json={"operationId": "IntegrationsController_getActiveIntegrations", "status": 500},
    )
    assert api.call("GET", "/v1/integrations")[0] == 503
    removed = client.delete(f"/__mock/faults/{first['id']}")
    assert removed.status_code == 200 and removed.get_json() == {"removed": first["id"]}
    assert api.call("GET", "/v1/integrations")[0] == 200
    assert api.call("GET", "/v1/integrations/active")[0] == 500
    again = client.delete(f"/__mock/faults/{first['id']}")
    assert again.status_code == 404 and first["id"] in again.get_json()["message"]


def test_the_inspectors_state_shows_tables_and_counts_but_no_key_or_token(client, keys):
    shown = client.get("/__mock/inspector/state")
    assert shown.status_code == 200
    text = shown.get_data(as_text=True)
    assert keys.development not in text and keys.dashboard_token not in text
    body = shown.get_json()
    development = body["organizations"][0]["environments"][0]
    assert development["apiKey"] == "********" + keys.development[-4:]
    assert development["counts"] == {
        "integrations": 12,
        "subscribers": 5,
        "topics": 1,
        "workflows": 1,
        "tenants": 0,
        "outbox": 0,
    }
    tables = development["tables"]
    integrations, primaries, _subscribers, topics, workflows, tenants, outbox = tables
    assert tenants["title"] == "Tenants" and tenants["rows"] == []
    assert [row[0] for row in workflows["rows"]] == ["welcome"]
    assert len(topics["rows"]) == 1 and outbox["title"] == "Outbox"
    assert integrations["title"] == "Integrations" and len(integrations["rows"]) == 12
    email = [row for row in integrations["rows"] if row[0] == "email" and row[3] == "yes"]
    # The highest priority first, as Novu picks them; the channel's primary named apart.
    assert [int(row[5]) for row in email] == sorted((int(row[5]) for row in email), reverse=True)
    (primary_email,) = [row for row in email if row[4] == "primary"]
    assert ["email", primary_email[1]] in primaries["rows"]
    operations = {o["operationId"]: o for o in body["operations"]}
    assert 422 in operations["IntegrationsController_createIntegration"]["errorStatuses"]
    # Reading it enters nothing in the journal.
    assert client.get("/__mock/requests/count").get_json()["count"] == 0
