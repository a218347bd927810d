"""Novu's v1 subscriber routes (what @novu/node's `subscribers` methods call), from
novuhq/novu's subscribers controller and its create, update, get, list and remove use cases."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api


def identify(api: Api, **fields: Any) -> dict[str, Any]:
    status, body = api.call("POST", "/v1/subscribers", fields)
    assert status == 201, body
    made: dict[str, Any] = body["data"]
    return made


def test_identify_creates_then_updates_only_what_is_given(api: Api) -> None:
    made = identify(api, subscriberId="ann", firstName="Ann", email="ann@acme.test")
    assert (made["firstName"], made["email"]) == ("Ann", "ann@acme.test")
    assert "data" not in made  # v1 sets `data` only when given (v2 makes it {})
    again = identify(api, subscriberId="ann", lastName="Lee", firstName=None)
    assert again["_id"] == made["_id"]
    # firstName: null leaves the stored value; a given field is set.
    assert (again["firstName"], again["lastName"]) == ("Ann", "Lee")
    assert api.call("GET", "/v2/subscribers/ann")[1]["data"]["lastName"] == "Lee"


def test_update_sets_email_to_null_but_never_other_fields(api: Api) -> None:
    identify(api, subscriberId="ben", firstName="Ben", email="ben@acme.test")
    status, body = api.call("PUT", "/v1/subscribers/ben", {"email": None, "firstName": None})
    assert status == 200
    assert (body["data"]["email"], body["data"]["firstName"]) == (None, "Ben")


def test_update_of_an_unknown_subscriber_is_novus_400(api: Api) -> None:
    status, body = api.call("PUT", "/v1/subscribers/nobody", {"firstName": "X"})
    assert (status, body["message"]) == (400, "SubscriberId: nobody not found")
    assert api.call("GET", "/v1/subscribers/nobody")[0] == 404


def test_get_and_delete_with_v1_wording(api: Api) -> None:
    status, body = api.call("GET", "/v1/subscribers/ghost")
    assert (status, body["message"]) == (404, "Subscriber not found for id ghost")
    identify(api, subscriberId="cara")
    assert api.call("GET", "/v1/subscribers/cara")[1]["data"]["subscriberId"] == "cara"
    status, body = api.call("DELETE", "/v1/subscribers/cara")
    assert (status, body["data"]) == (200, {"acknowledged": True, "status": "deleted"})
    assert api.call("DELETE", "/v1/subscribers/cara")[0] == 404
    assert api.call("GET", "/v2/subscribers/cara")[0] == 404


def test_delete_ends_topic_subscriptions(api: Api) -> None:
    identify(api, subscriberId="dan")
    api.call("POST", "/v2/topics/news/subscriptions", {"subscriberIds": ["dan"]})
    api.call("DELETE", "/v1/subscribers/dan")
    identify(api, subscriberId="dan")
    status, body = api.call("GET", "/v2/topics/news/subscriptions")
    assert status == 200 and body["data"] == []


def test_bad_fields_are_refused_and_nothing_is_made(api: Api) -> None:
    status, body = api.call("POST", "/v1/subscribers", {"subscriberId": "e", "email": "nope"})
    assert status == 422
    assert body["errors"]["email"]["messages"] == ["email must be an email"]
    assert api.call("GET", "/v1/subscribers/e")[0] == 404
    assert api.call("POST", "/v1/subscribers", {"firstName": "no id"})[0] == 422


def test_list_pages_in_creation_order_with_has_more(api: Api) -> None:
    before = api.call("GET", "/v1/subscribers?limit=100")[1]["data"]
    for index in range(3):
        identify(api, subscriberId=f"page-{index}")
    total = len(before) + 3
    status, body = api.call("GET", f"/v1/subscribers?limit={total}")
    assert status == 200
    assert [s["subscriberId"] for s in body["data"]][-3:] == ["page-0", "page-1", "page-2"]
    assert (body["page"], body["pageSize"], body["hasMore"]) == (0, total, True)
    status, body = api.call("GET", f"/v1/subscribers?page=1&limit={total}")
    assert (body["data"], body["hasMore"]) == ([], False)
    status, body = api.call("GET", "/v1/subscribers?limit=101")
    assert status == 422
    assert api.call("GET", "/v1/subscribers?page=-1")[0] == 422


def test_channels_need_an_active_integration_and_are_not_in_a_new_subscribers_answer(
    api: Api,
) -> None:
    channel = {"providerId": "slack", "credentials": {"webhookUrl": "https://hooks.test/1"}}
    status, body = api.call(
        "POST", "/v1/subscribers", {"subscriberId": "fay", "channels": [channel]}
    )
    assert status == 400
    assert "do not have active slack integration" in body["message"]
    # Novu makes the subscriber before it sets the credentials.
    assert api.call("GET", "/v1/subscribers/fay")[0] == 200
    made = api.call(
        "POST",
        "/v1/integrations",
        {"providerId": "slack", "channel": "chat", "active": True, "credentials": {}},
    )
    assert made[0] == 201, made
    status, body = api.call(
        "POST", "/v1/subscribers", {"subscriberId": "gus", "channels": [channel]}
    )
    assert status == 201 and "channels" not in body["data"]
    stored = api.call("GET", "/v1/subscribers/gus")[1]["data"]
    assert stored["channels"][0]["providerId"] == "slack"
