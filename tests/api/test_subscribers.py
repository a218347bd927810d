"""Subscribers as Novu answers them (v2, and v1's bulk create): NOVU_EVENTS_SUBSCRIBERS.md §3,
from novuhq/novu's subscribers-v2 use cases and e2e tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mockserver.http.app import create_app
from mockserver.settings import Settings, ValidationMode
from mockserver.state.errors import DatasetError
from tests.conftest import Api, Keys
from tests.reference import novu_openapi


@pytest.fixture
def production(client: FlaskClient, keys: Keys) -> Api:
    return Api(client, f"ApiKey {keys.production}")


def create(api: Api, **fields: Any) -> dict[str, Any]:
    status, body = api.call("POST", "/v2/subscribers", fields)
    assert status == 201, body
    made: dict[str, Any] = body["data"]
    return made


def test_create_is_an_upsert_unless_failIfExists(api: Api) -> None:
    first = create(api, subscriberId="alice", firstName="Alice", email="alice@acme.test")
    assert first["subscriberId"] == "alice" and first["data"] == {}
    assert "lastName" not in first and "timezone" not in first  # never set: absent
    again = create(api, subscriberId="alice", lastName="Liddell")
    assert again["_id"] == first["_id"]
    assert (again["firstName"], again["lastName"]) == ("Alice", "Liddell")
    status, body = api.call("POST", "/v2/subscribers?failIfExists=true", {"subscriberId": "alice"})
    assert status == 409
    assert body["message"] == 'Subscriber with id "alice" already exists'
    # The id is trimmed.
    assert create(api, subscriberId="  alice ")["_id"] == first["_id"]


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("email", "", "email must be an email"),
        ("email", "not-an-address", "email must be an email"),
        ("locale", "", "locale must be locale"),
        ("timezone", "Mars/Olympus", "timezone must be a valid IANA time-zone"),
    ],
)
def test_formats_are_checked_as_novus_dto_checks_them(
    api: Api, field: str, value: str, message: str
) -> None:
    status, body = api.call("POST", "/v2/subscribers", {"subscriberId": "x", field: value})
    assert status == 422
    assert body["errors"][field]["messages"] == [message]
    assert api.call("GET", "/v2/subscribers/x")[0] == 404  # nothing was made


def test_null_is_taken_where_an_empty_string_is_not(api: Api) -> None:
    made = create(api, subscriberId="n", email=None, locale=None, timezone=None, firstName="")
    assert (made["email"], made["locale"], made["timezone"], made["firstName"]) == (
        None,
        None,
        None,
        "",
    )


def test_get_patch_and_the_not_found_messages(api: Api) -> None:
    status, body = api.call("GET", "/v2/subscribers/nobody")
    assert (status, body["message"]) == (404, "Subscriber: nobody was not found")
    create(api, subscriberId="bob", firstName="Bob", data={"plan": "pro", "seats": 3})
    status, body = api.call("PATCH", "/v2/subscribers/bob", {"lastName": None, "data": {"x": 1}})
    assert status == 200
    assert body["data"]["lastName"] is None and body["data"]["data"] == {"x": 1}  # replaced
    before = api.call("GET", "/v2/subscribers/bob")[1]["data"]
    status, body = api.call("PATCH", "/v2/subscribers/bob", {})
    assert (status, body["data"]) == (200, before)
    assert api.call("PATCH", "/v2/subscribers/nobody", {"firstName": "x"})[0] == 404


def test_delete_then_the_id_can_be_used_again(api: Api) -> None:
    made = create(api, subscriberId="carol")
    status, body = api.call("DELETE", "/v2/subscribers/carol")
    assert (status, body) == (200, {"data": {"acknowledged": True, "status": "deleted"}})
    status, body = api.call("DELETE", "/v2/subscribers/carol")
    assert status == 404
    assert (body["message"], body["externalSubscriberId"]) == ("Subscriber was not found", "carol")
    assert api.call("GET", "/v2/subscribers/carol")[0] == 404
    assert create(api, subscriberId="carol")["_id"] != made["_id"]


def test_an_environment_sees_only_its_own_subscribers(api: Api, production: Api) -> None:
    create(api, subscriberId="dev-only")
    assert production.call("GET", "/v2/subscribers/dev-only")[0] == 404
    status, body = production.call("GET", "/v2/subscribers?subscriberId=dev-only")
    assert (status, body["data"], body["totalCount"]) == (200, [], 0)


def test_search_pages_with_cursors_without_overlap_and_back(api: Api) -> None:
    for index in range(7):
        create(api, subscriberId=f"page-{index}", lastName="Pager")
    seeded = api.call("GET", "/v2/subscribers?limit=100")[1]
    total = seeded["totalCount"]
    assert total == 5 + 7 and seeded["next"] is None and seeded["previous"] is None
    first = api.call("GET", "/v2/subscribers?limit=5")[1]
    assert len(first["data"]) == 5 and first["previous"] is None and first["next"]
    ids = [s["_id"] for s in first["data"]]
    assert ids == sorted(ids, reverse=True)  # newest first: DESC by _id
    second = api.call("GET", f"/v2/subscribers?limit=5&after={first['next']}")[1]
    assert not {s["_id"] for s in second["data"]} & set(ids)
    assert second["previous"] == second["data"][0]["_id"]
    back = api.call("GET", f"/v2/subscribers?limit=5&before={second['previous']}")[1]
    assert [s["_id"] for s in back["data"]] == ids
    ascending = api.call("GET", "/v2/subscribers?limit=100&orderDirection=ASC")[1]["data"]
    assert [s["_id"] for s in ascending] == sorted(s["_id"] for s in seeded["data"])
    status, body = api.call("GET", f"/v2/subscribers?after={ids[0]}&before={ids[1]}")
    assert status == 400 and "both" in body["message"]


def test_search_filters(api: Api) -> None:
    create(api, subscriberId="f1", firstName="Test", lastName="Subscriber", phone="+1234567890")
    create(api, subscriberId="f2", email="f2@acme.test")
    assert [
        s["subscriberId"] for s in api.call("GET", "/v2/subscribers?phone=1234567")[1]["data"]
    ] == []
    by_phone = api.call("GET", "/v2/subscribers?phone=%2B1234567890")[1]["data"]
    assert [s["subscriberId"] for s in by_phone] == ["f1"]
    by_name = api.call("GET", "/v2/subscribers?name=Test%20Subscriber")[1]["data"]
    assert [s["subscriberId"] for s in by_name] == ["f1"]
    by_email = api.call("GET", "/v2/subscribers?email=f2@acme.test")[1]["data"]
    assert [s["subscriberId"] for s in by_email] == ["f2"]


def test_bulk_creates_updates_and_revives_in_order(api: Api) -> None:
    create(api, subscriberId="existing")
    create(api, subscriberId="gone")
    api.call("DELETE", "/v2/subscribers/gone")
    items = [{"subscriberId": s} for s in ("test1", "test2", "existing", "test2", "gone")]
    status, body = api.call("POST", "/v1/subscribers/bulk", {"subscribers": items})
    assert status == 201
    assert body["data"] == {
        "created": [{"subscriberId": "test1"}, {"subscriberId": "test2"}],
        "updated": [
            {"subscriberId": "existing"},
            {"subscriberId": "test2"},
            {"subscriberId": "gone"},
        ],
        "failed": [],
    }
    assert api.call("GET", "/v2/subscribers/gone")[0] == 200
    too_many = {"subscribers": [{"subscriberId": f"s{i}"} for i in range(501)]}
    status, body = api.call("POST", "/v1/subscribers/bulk", too_many)
    assert status == 422
    assert body["errors"]["subscribers"]["messages"] == [
        "subscribers must contain no more than 500 elements"
    ]


def test_subscribers_travel_in_the_state_document(client: FlaskClient, api: Api) -> None:
    create(api, subscriberId="exported", firstName="Ex")
    api.call("DELETE", "/v2/subscribers/exported")
    create(api, subscriberId="kept", timezone="Europe/Berlin")
    api.call("PATCH", "/v2/subscribers/kept/preferences", {"channels": {"sms": False}})
    api.call("PATCH", "/v1/subscribers/kept/online-status", {"isOnline": False})
    exported = client.get("/__mock/state").get_json()
    environment = exported["organizations"][0]["environments"][0]
    ids = [s["subscriberId"] for s in environment["subscribers"]]
    assert ids.count("exported") == 1 and "kept" in ids
    assert client.put("/__mock/state", json=exported).status_code == 200
    assert client.get("/__mock/state").get_json() == exported
    kept = api.call("GET", "/v2/subscribers/kept")[1]["data"]
    assert (kept["timezone"], kept["isOnline"]) == ("Europe/Berlin", False)
    preferences = api.call("GET", "/v2/subscribers/kept/preferences")[1]["data"]
    assert preferences["global"]["channels"]["sms"] is False
    assert api.call("GET", "/v2/subscribers/exported")[0] == 404
    # Two live subscribers with one id in an environment: refused whole.
    twin = dict(next(s for s in environment["subscribers"] if s["subscriberId"] == "kept"))
    twin["_id"] = "f" * 24
    environment["subscribers"].append(twin)
    refused = client.put("/__mock/state", json=exported)
    assert refused.status_code == 400
    assert any("already has a live subscriber 'kept'" in p for p in refused.get_json()["problems"])


def test_a_dataset_adds_subscribers_and_refuses_a_bad_one(tmp_path: Path) -> None:
    dataset = tmp_path / "people.yaml"
    dataset.write_text(
        "kind: mockserver-dataset\nversion: 1\nreplaceSeed: true\norganizations:\n"
        "- name: Acme\n  environments:\n  - name: Development\n    apiKey: acme-development-key\n"
        "    subscribers:\n    - {subscriberId: ada, firstName: Ada, email: ada@acme.test}\n"
    )
    app = create_app(Settings(fixtures_path=dataset))
    listed = app.test_client().get(
        "/v2/subscribers", headers={"Authorization": "ApiKey acme-development-key"}
    )
    assert [s["subscriberId"] for s in listed.get_json()["data"]] == ["ada"]
    dataset.write_text(dataset.read_text().replace("ada@acme.test", "nowhere"))
    with pytest.raises(DatasetError, match="subscriber 0: email must be an email"):
        create_app(Settings(fixtures_path=dataset))


def test_novus_document_describing_a_409_as_a_subscriber_does_not_turn_it_into_a_500() -> None:
    """Novu's published document gives failIfExists's 409 the SubscriberResponseDto schema,
    which no answer of the server fits: strict mode still sends Novu's error body, and flags
    the mismatch instead of answering 500."""
    app = create_app(Settings(spec_path=novu_openapi(), validation=ValidationMode.STRICT))
    environment = next(iter(app.extensions["mockserver"].organizations[0].environments.values()))
    client = app.test_client()
    headers = {"Authorization": f"ApiKey {environment.api_key}"}
    assert (
        client.post("/v2/subscribers", headers=headers, json={"subscriberId": "a"}).status_code
        == 201
    )
    refused = client.post(
        "/v2/subscribers?failIfExists=true", headers=headers, json={"subscriberId": "a"}
    )
    assert refused.status_code == 409
    assert refused.get_json()["message"] == 'Subscriber with id "a" already exists'
    assert "subscriberId" in refused.headers["X-Mockserver-Contract-Violation"]
    # The mismatch is kept in the journal, as any violation is.
    assert app.extensions["mockserver"].journal.entries()[0].violations


def push_provider(api: Api) -> str:
    """A push provider with an active integration in the environment."""
    active = [i for i in api.integrations() if i["channel"] == "push" and i["active"]]
    provider: str = active[0]["providerId"]
    return provider


def test_credentials_need_an_active_integration_and_put_replaces_patch_adds(api: Api) -> None:
    create(api, subscriberId="cred")
    provider = push_provider(api)
    path = "/v1/subscribers/cred/credentials"
    status, body = api.call(
        "PUT", path, {"providerId": provider, "credentials": {"deviceTokens": ["a", "b", "a"]}}
    )
    assert status == 200
    (entry,) = body["data"]["channels"]
    assert entry["providerId"] == provider and entry["credentials"]["deviceTokens"] == ["a", "b"]
    body = api.call(
        "PATCH", path, {"providerId": provider, "credentials": {"deviceTokens": ["c"]}}
    )[1]
    assert body["data"]["channels"][0]["credentials"]["deviceTokens"] == ["a", "b", "c"]
    body = api.call("PUT", path, {"providerId": provider, "credentials": {"deviceTokens": ["d"]}})[
        1
    ]
    assert body["data"]["channels"][0]["credentials"]["deviceTokens"] == ["d"]
    status, body = api.call("PUT", path, {"providerId": "expo", "credentials": {}})
    assert status == 400
    assert body["message"].startswith("Subscribers environment (")
    assert body["message"].endswith("do not have active expo integration.")
    status, body = api.call(
        "PUT", "/v1/subscribers/ghost/credentials", {"providerId": provider, "credentials": {}}
    )
    assert status == 400 and body["message"] == "SubscriberId: ghost not found"


def test_deleting_credentials_answers_204_and_pulls_the_provider(
    api: Api, client: FlaskClient, keys: Keys
) -> None:
    create(api, subscriberId="cred2")
    provider = push_provider(api)
    api.call(
        "PUT",
        "/v1/subscribers/cred2/credentials",
        {"providerId": provider, "credentials": {"deviceTokens": ["t"]}},
    )
    response = client.delete(
        f"/v1/subscribers/cred2/credentials/{provider}",
        headers={"Authorization": f"ApiKey {keys.development}"},
    )
    assert response.status_code == 204 and response.data == b""
    assert "channels" not in api.call("GET", "/v2/subscribers/cred2")[1]["data"]
    status, body = api.call("DELETE", f"/v1/subscribers/ghost/credentials/{provider}")
    assert status == 404 and body["message"] == "Subscriber not found for id ghost"


def test_device_tokens_never_reach_the_journal(api: Api, client: FlaskClient) -> None:
    create(api, subscriberId="cred3")
    api.call(
        "PUT",
        "/v1/subscribers/cred3/credentials",
        {"providerId": push_provider(api), "credentials": {"deviceTokens": ["tok-secret-1"]}},
    )
    assert "tok-secret-1" not in client.get("/__mock/requests").get_data(as_text=True)


def test_going_offline_records_when(api: Api) -> None:
    create(api, subscriberId="on")
    status, body = api.call("PATCH", "/v1/subscribers/on/online-status", {"isOnline": True})
    assert status == 200 and body["data"]["isOnline"] is True
    assert "lastOnlineAt" not in body["data"]
    body = api.call("PATCH", "/v1/subscribers/on/online-status", {"isOnline": False})[1]
    assert body["data"]["isOnline"] is False and body["data"]["lastOnlineAt"]


def test_preferences_list_active_channels_and_workflows_and_patch_them(api: Api) -> None:
    create(api, subscriberId="pref")
    status, body = api.call("GET", "/v2/subscribers/pref/preferences")
    assert status == 200
    prefs = body["data"]
    active = {i["channel"] for i in api.integrations() if i["active"]}
    assert set(prefs["global"]["channels"]) == active
    (welcome,) = prefs["workflows"]
    assert welcome["workflow"]["identifier"] == "welcome"
    assert welcome["channels"] == {"in_app": True, "email": True}
    status, body = api.call(
        "PATCH",
        "/v2/subscribers/pref/preferences",
        {"channels": {"email": False}, "workflowId": "welcome"},
    )
    assert status == 200
    assert body["data"]["workflows"][0]["channels"] == {"in_app": True, "email": False}
    assert body["data"]["global"]["channels"]["email"] is True  # the global level unchanged
    body = api.call("PATCH", "/v2/subscribers/pref/preferences", {"channels": {"in_app": False}})[1]
    assert body["data"]["global"]["channels"]["in_app"] is False
    assert body["data"]["workflows"][0]["channels"] == {"in_app": False, "email": False}
    status, body = api.call(
        "PATCH", "/v2/subscribers/pref/preferences", {"channels": {}, "workflowId": "nope"}
    )
    assert status == 404
    assert api.call("GET", "/v2/subscribers/ghost/preferences")[0] == 404
